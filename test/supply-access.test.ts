import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Stock belongs to its store's facility and to the facility that supplies it (Organization.partOf): a
 * facility-bound client sees and moves its own stock, a regional warehouse sees its posts' stock, and neither
 * sees another facility's — in searches of the movements and in the stock operations, replenishment (the
 * supplier approves) and stock alerts.
 */
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const AMOX = { coding: [{ system: `${CS}py-medicamento-esencial`, code: 'amoxicilina-500-cap' }] };

let server: TestServer;
const tokens = new Map<string, string>();
beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  tokens.set('admin', adminToken);
  for (const [id, facility] of [['post', 'post'], ['warehouse', 'warehouse'], ['other', 'other']]) {
    const c = await newClient(id);
    await register(server.base, adminToken, c, 'system/*.cruds', { facility });
    tokens.set(id, await getToken(server.base, c));
  }
  const put = async (r: Json): Promise<void> => {
    const res = await as('admin', 'PUT', `${r.resourceType}/${r.id}`, r);
    if (res.status >= 300) throw new Error(res.text);
  };
  await put({ resourceType: 'Organization', id: 'warehouse', name: 'Parque Sanitario Regional' });
  await put({ resourceType: 'Organization', id: 'post', name: 'Puesto de Salud', partOf: { reference: 'Organization/warehouse' } });
  await put({ resourceType: 'Organization', id: 'other', name: 'Otro hospital' });
  await put({ resourceType: 'Location', id: 'store-post', name: 'Depósito del puesto', managingOrganization: { reference: 'Organization/post' } });
  await put({ resourceType: 'Location', id: 'store-other', name: 'Depósito ajeno', managingOrganization: { reference: 'Organization/other' } });
  for (const store of ['store-post', 'store-other']) {
    const r = await as('admin', 'POST', 'SupplyDelivery', receipt(store, 100));
    if (r.status !== 201) throw new Error(r.text);
  }
});
afterAll(async () => {
  await server?.stop();
});

const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who)!));
function receipt(store: string, qty: number): Json {
  return { resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: '2026-12-01T10:00:00Z', destination: { reference: `Location/${store}` }, suppliedItem: { itemCodeableConcept: AMOX, quantity: { value: qty } } };
}
const stores = (out: Json): string[] => (out.parameter ?? []).map((p: Json) => p.part.find((x: Json) => x.name === 'location').valueReference.reference);

test('a facility sees and moves its own stock only; the warehouse sees the posts it supplies', async () => {
  expect(stores((await as('post', 'GET', 'Location/$stock-on-hand')).json)).toEqual(['Location/store-post']);
  expect(stores((await as('warehouse', 'GET', 'Location/$stock-on-hand')).json)).toEqual(['Location/store-post']);
  expect(stores((await as('other', 'GET', 'Location/$stock-on-hand')).json)).toEqual(['Location/store-other']);
  expect(stores((await as('admin', 'GET', 'Location/$stock-on-hand')).json)).toEqual(['Location/store-other', 'Location/store-post']);
  expectOutcome(await as('post', 'GET', 'Location/store-other/$stock-on-hand'), 404);
  expectOutcome(await as('post', 'GET', `Location/store-other/$stock-card?item=${encodeURIComponent(`${CS}py-medicamento-esencial|amoxicilina-500-cap`)}`), 404);
  expect((await as('warehouse', 'GET', `Location/store-post/$fefo?item=${encodeURIComponent(`${CS}py-medicamento-esencial|amoxicilina-500-cap`)}&quantity=5`)).status).toBe(200);
  // the movements themselves
  const seen = (await as('post', 'GET', 'SupplyDelivery')).json.entry.map((e: Json) => e.resource.destination.reference);
  expect(seen).toEqual(['Location/store-post']);
  const dispense = (store: string): Json => ({ resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: AMOX, quantity: { value: 1 }, location: { reference: `Location/${store}` }, whenHandedOver: '2026-12-02T10:00:00Z' });
  expect((await as('post', 'POST', 'MedicationDispense', dispense('store-post'))).status).toBe(201);
  const foreign = await as('post', 'POST', 'MedicationDispense', dispense('store-other'));
  expect([403, 404]).toContain(foreign.status);
  expect(foreign.json.resourceType).toBe('OperationOutcome');
  expect((await as('admin', 'GET', 'Location/store-other/$stock-on-hand')).json.parameter[0].part.find((x: Json) => x.name === 'quantity').valueDecimal).toBe(100);
});

test('replenishment and stock alerts follow the same facilities: the post proposes, only its supplier approves, a stranger sees nothing', async () => {
  // Four months of history at the post (months before the current one, Paraguay time): 700 received, 200
  // dispensed in each of the last three months (never out of stock) → AMC 200; with this month's 100 received
  // and 1 dispensed, E = 700 − 600 + 100 − 1 = 199 (MOS 0.995); H = 600 → I = 401.
  const [y, m] = ((d) => [d.getUTCFullYear(), d.getUTCMonth()])(new Date(Date.now() - 3 * 3_600_000));
  const at = (back: number): string => `${new Date(Date.UTC(y, m - back, 10)).toISOString().slice(0, 10)}T12:00:00-03:00`;
  const bundle = await as('admin', 'POST', '', {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { ...receipt('store-post', 700), resourceType: 'SupplyDelivery', occurrenceDateTime: at(4) },
      ...[3, 2, 1].map((back) => ({ resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: AMOX, quantity: { value: 200 }, location: { reference: 'Location/store-post' }, whenHandedOver: at(back) })),
    ].map((resource) => ({ request: { method: 'POST', url: resource.resourceType }, resource })),
  });
  expect(bundle.status).toBe(200);
  expectOutcome(await as('other', 'POST', 'Location/store-post/$replenish'), 404);
  const out = (await as('post', 'POST', 'Location/store-post/$replenish')).json;
  const part = (p: Json, name: string): Json => p.part.find((x: Json) => x.name === name);
  const line = out.parameter.find((p: Json) => p.name === 'item');
  expect([part(line, 'amc').valueDecimal, part(line, 'onHand').valueDecimal, part(line, 'quantity').valueDecimal]).toEqual([200, 199, 401]);
  const sr = part(line, 'supplyRequest').valueReference.reference;
  const task = out.parameter.find((p: Json) => p.name === 'task').valueReference.reference;
  let current = (await as('post', 'GET', task)).json;
  expect(current).toMatchObject({ owner: { reference: 'Organization/warehouse' }, requester: { reference: 'Organization/post' } });
  expect((await as('post', 'GET', sr)).json).toMatchObject({ status: 'draft', requester: { reference: 'Organization/post' }, supplier: [{ reference: 'Organization/warehouse' }] });
  // The post cannot approve its own order; the warehouse (the Task's owner) can.
  expectOutcome(await as('post', 'PUT', task, { ...current, status: 'accepted' }), 403);
  for (const status of ['accepted', 'in-progress', 'completed']) {
    const r = await as('warehouse', 'PUT', task, { ...current, status });
    expect(r.status).toBe(200);
    current = r.json;
  }
  expect((await as('post', 'GET', sr)).json.status).toBe('active');
  expect((await as('other', 'GET', sr)).status).toBe(404);
  // The warehouse raises the post's alerts (MOS 199 / 200 < 1); the post sees the Flag, the stranger does not.
  const raised = await as('warehouse', 'POST', 'Location/store-post/$stock-alerts?raise=true');
  expect(raised.status).toBe(200);
  expect((await as('post', 'GET', 'Flag?subject=Location/store-post')).json.entry.map((e: Json) => e.resource.category[0].coding[0].code)).toEqual(['stock-bajo']);
  expect((await as('other', 'GET', 'Flag?subject=Location/store-post')).json.entry ?? []).toEqual([]);
  expectOutcome(await as('other', 'GET', 'Location/store-post/$stock-alerts'), 404);
});

test('a transfer belongs to both stores\' facilities: the origin sees it in searches and in history (no 5xx)', async () => {
  const transfer = {
    resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: '2026-12-03T10:00:00Z', destination: { reference: 'Location/store-other' },
    extension: [{ url: 'https://fhir.mspbs.gov.py/StructureDefinition/py-origen', valueReference: { reference: 'Location/store-post' } }],
    suppliedItem: { itemCodeableConcept: AMOX, quantity: { value: 2 } },
  };
  const r = await as('admin', 'POST', 'SupplyDelivery', transfer);
  expect(r.status).toBe(201);
  for (const who of ['post', 'warehouse', 'other']) {
    const found = await as(who, 'GET', `SupplyDelivery?_id=${r.json.id}`);
    expect(found.status).toBe(200);
    expect(found.json.entry?.length ?? 0).toBe(1);
    const history = await as(who, 'GET', `SupplyDelivery/_history`);
    expect(history.status).toBe(200);
    expect(history.json.entry.some((e: Json) => e.resource?.id === r.json.id)).toBe(true);
  }
});

