import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import type { Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Every stock movement is audited: a receipt (SupplyDelivery), a dispense (MedicationDispense) and an adjustment
 * (Basic py-movimiento-stock) each leave an AuditEvent naming the movement and the client that wrote it (with
 * its facility); a movement refused because it would take stock below zero (422) leaves a failure event naming
 * the type and the request.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const SRO = { coding: [{ system: `${CS}py-medicamento-esencial`, code: 'sales-rehidratacion-oral' }] };
const STORE = { reference: 'Location/farmacia-audit' };

let server: TestServer;
const tokens = new Map<string, string>();
beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'on', AUDIT_FLUSH_MS: '300' });
  const admin = await bootstrapAdmin(server);
  tokens.set('admin', await getToken(server.base, admin));
  const pharmacy = await newClient('farmacia-usf');
  await register(server.base, tokens.get('admin')!, pharmacy, 'system/*.cruds', { facility: 'usf-audit' });
  tokens.set('farmacia', await getToken(server.base, pharmacy));
  for (const r of [
    { resourceType: 'Organization', id: 'usf-audit', name: 'USF Puerto Casado' },
    { resourceType: 'Location', id: 'farmacia-audit', name: 'Farmacia USF Puerto Casado', managingOrganization: { reference: 'Organization/usf-audit' } },
  ]) {
    const res = await as('admin', 'PUT', `${r.resourceType}/${r.id}`, r);
    if (res.status >= 300) throw new Error(res.text);
  }
});
afterAll(async () => {
  await server?.stop();
});

const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who)!));
/** AuditEvents found by the admin (an auditor), waiting until n are stored. */
async function events(query: string, n = 1): Promise<Json[]> {
  for (const deadline = Date.now() + 10_000; ;) {
    const r = await as('admin', 'GET', `AuditEvent?${query}`);
    expect(r.status).toBe(200);
    const found: Json[] = (r.json.entry ?? []).map((e: Json) => e.resource);
    if (found.length >= n || Date.now() > deadline) return found;
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

/** The event of one successful create, which names the movement and the pharmacy's client with its facility. */
async function expectCreateAudited(ref: string): Promise<void> {
  const [event, more] = await events(`entity=${ref}&subtype=create`);
  expect(more).toBeUndefined();
  expect(event.action).toBe('C');
  expect(event.outcome).toBe('0');
  expect(event.entity.map((en: Json) => en.what?.reference)).toContain(ref);
  const [agent] = event.agent;
  expect(agent.requestor).toBe(true);
  expect(agent.who.identifier).toEqual({ system: 'urn:hms-ops:client', value: 'farmacia-usf' });
  expect(agent.location.reference).toBe('Organization/usf-audit');
}

test('a receipt, a dispense and an adjustment each leave an AuditEvent naming the movement and its writer', async () => {
  const receipt = await as('farmacia', 'POST', 'SupplyDelivery', {
    resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: '2026-12-01T10:00:00-03:00', destination: STORE,
    suppliedItem: { itemCodeableConcept: SRO, quantity: { value: 20 } },
  });
  expect(receipt.status).toBe(201);
  const dispense = await as('farmacia', 'POST', 'MedicationDispense', {
    resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: SRO, quantity: { value: 5 }, location: STORE, whenHandedOver: '2026-12-02T09:00:00-03:00',
  });
  expect(dispense.status).toBe(201);
  const adjustment = await as('farmacia', 'POST', 'Basic', {
    resourceType: 'Basic',
    code: { coding: [{ system: `${CS}py-tipo-movimiento-stock`, code: 'ajuste' }] },
    extension: [{
      url: `${SD}py-movimiento-stock`,
      extension: [
        { url: 'ubicacion', valueReference: STORE },
        { url: 'articulo', valueCodeableConcept: SRO },
        { url: 'cantidad', valueDecimal: 3 },
        { url: 'motivo', valueCoding: { system: `${CS}py-motivo-movimiento-stock`, code: 'dano' } },
        { url: 'fecha', valueDateTime: '2026-12-03T08:00:00-03:00' },
      ],
    }],
  });
  expect(adjustment.status).toBe(201);
  await expectCreateAudited(`SupplyDelivery/${receipt.json.id}`);
  await expectCreateAudited(`MedicationDispense/${dispense.json.id}`);
  await expectCreateAudited(`Basic/${adjustment.json.id}`);
  // the stock they left: 20 − 5 − 3
  const soh = await as('farmacia', 'GET', 'Location/farmacia-audit/$stock-on-hand');
  expect(soh.json.parameter[0].part.find((p: Json) => p.name === 'quantity').valueDecimal).toBe(12);
});

test('a movement refused for taking stock below zero leaves a failure AuditEvent naming the type and the request', async () => {
  const since = new Date(Date.now() - 1_000).toISOString();
  const over = await as('farmacia', 'POST', 'MedicationDispense', {
    resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: SRO, quantity: { value: 1_000 }, location: STORE, whenHandedOver: '2026-12-04T09:00:00-03:00',
  });
  expect(over.status).toBe(422);
  expect(over.json.issue[0].diagnostics).toMatch(/below zero/);
  const requestId = over.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  const mine = (found: Json[]): Json[] =>
    found.filter((e: Json) => e.entity?.some((en: Json) => en.what?.display === 'MedicationDispense' && en.detail?.some((d: Json) => d.valueString === requestId)));
  let failed: Json[] = [];
  for (const deadline = Date.now() + 10_000; failed.length === 0 && Date.now() < deadline;) {
    failed = mine(await events(`subtype=create&outcome=4&date=ge${since}`, 0));
    if (failed.length === 0) await new Promise((ok) => setTimeout(ok, 200));
  }
  expect(failed).toHaveLength(1);
  const [event] = failed;
  expect(event.action).toBe('C');
  expect(event.outcomeDesc).toBe('HTTP 422');
  expect(event.agent[0].who.identifier.value).toBe('farmacia-usf');
  // nothing was written
  expect((await as('farmacia', 'GET', 'MedicationDispense?location=Location/farmacia-audit&_summary=count')).json.total).toBe(1);
});

test('movements written by a transaction and a batch are each named in the bundle\'s AuditEvent', async () => {
  const receipt = (qty: number): Json => ({
    resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: '2026-12-05T10:00:00-03:00', destination: STORE,
    suppliedItem: { itemCodeableConcept: SRO, quantity: { value: qty } },
  });
  const dispense = (qty: number): Json => ({
    resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: SRO, quantity: { value: qty }, location: STORE, whenHandedOver: '2026-12-05T11:00:00-03:00',
  });
  const tx = await as('farmacia', 'POST', '', {
    resourceType: 'Bundle', type: 'transaction',
    entry: [{ request: { method: 'POST', url: 'SupplyDelivery' }, resource: receipt(10) }, { request: { method: 'POST', url: 'MedicationDispense' }, resource: dispense(4) }],
  });
  expect(tx.status).toBe(200);
  const written: string[] = tx.json.entry.map((e: Json) => e.response.location.split('/_history/')[0]);
  expect(written).toHaveLength(2);
  // a batch: one dispense that succeeds, one refused (below zero), one read
  const batch = await as('farmacia', 'POST', '', {
    resourceType: 'Bundle', type: 'batch',
    entry: [
      { request: { method: 'POST', url: 'MedicationDispense' }, resource: dispense(1) },
      { request: { method: 'POST', url: 'MedicationDispense' }, resource: dispense(10_000) },
      { request: { method: 'GET', url: 'Location/farmacia-audit' } },
    ],
  });
  expect(batch.status).toBe(200);
  expect(batch.json.entry.map((e: Json) => e.response.status.slice(0, 3))).toEqual(['201', '422', '200']);
  const dispensed = batch.json.entry[0].response.location.split('/_history/')[0];
  for (const [ref, subtype] of [...written.map((w) => [w, 'transaction']), [dispensed, 'batch']]) {
    const [event, more] = await events(`entity=${ref}`);
    expect(more).toBeUndefined();
    expect(event.subtype[0].code).toBe(subtype);
    expect(event.agent[0].who.identifier.value).toBe('farmacia-usf');
  }
  const [tEvent] = await events(`entity=${written[0]}`);
  expect(tEvent.entity.map((en: Json) => en.what?.reference).sort()).toEqual([...written].sort());
  const [bEvent] = await events(`entity=${dispensed}`);
  // the refused entry and the read are not named as changed
  expect(bEvent.entity.filter((en: Json) => en.what?.reference).map((en: Json) => en.what.reference)).toEqual([dispensed]);
});
