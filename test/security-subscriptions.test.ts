import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { ids, sleep, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Subscriptions under AUTH_MODE=on, over HTTP: a facility-bound requester creates, reads and manages only its
 * own Subscriptions (the server tags them with its binding), and every Subscription fires only for changes its
 * owner — the requester that last wrote it — may read: facility policy, scopes and security labels, judged as
 * of the change. Counted with $status (events-since-subscription-start counts the events recorded for it).
 */
let server: TestServer;
const tokens = new Map<string, string>();
const OWNER = 'urn:hms-ops:subscription-owner';
const CONF_R = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
const ref = (r: string): Json => ({ reference: r });
const patient = (family: string, org: string, extra: Json = {}): Json => ({ resourceType: 'Patient', name: [{ family }], managingOrganization: ref(`Organization/${org}`), ...extra });
const subscription = (family: string, extra: Json = {}): Json => ({
  resourceType: 'Subscription', status: 'requested', reason: 'test', criteria: `Patient?family=${family}`, channel: { type: 'websocket' }, ...extra,
});

const CLIENTS: Record<string, { scopes: string; facility?: string }> = {
  facA: { scopes: 'system/*.cruds', facility: 'orgA' },
  facB: { scopes: 'system/*.cruds', facility: 'orgB' },
  patients: { scopes: 'system/Subscription.cruds system/Patient.rs' },
  observations: { scopes: 'system/Subscription.cruds system/Observation.rs' },
};

const as = (who: string, method: string, path: string, body?: unknown) => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who) as string));

async function created(who: string, body: Json): Promise<Json> {
  const r = await as(who, 'POST', body.resourceType, body);
  if (r.status !== 201) throw new Error(`${who} ${r.status} ${r.text}`);
  return r.json;
}

/** events-since-subscription-start of a Subscription, as its owner sees it. */
async function count(who: string, id: string): Promise<number> {
  const r = await as(who, 'GET', `Subscription/${id}/$status`);
  expect(r.status).toBe(200);
  const status = r.json.entry?.[0]?.resource ?? r.json;
  return Number(status.parameter.find((p: Json) => p.name === 'events-since-subscription-start').valueString);
}

/** Waits until every Subscription has counted what it should, then checks nothing more comes. */
async function expectCounts(expected: [string, string, number][]): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 100) {
    const now = await Promise.all(expected.map(([who, id]) => count(who, id)));
    if (now.every((n, i) => n >= expected[i][2])) break;
    await sleep(100);
  }
  await sleep(300);
  for (const [who, id, n] of expected) expect(`${who} ${await count(who, id)}`).toBe(`${who} ${n}`);
}

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  tokens.set('admin', await getToken(server.base, admin));
  for (const id of ['orgA', 'orgB']) expect((await as('admin', 'PUT', `Organization/${id}`, { resourceType: 'Organization', id, name: id })).status).toBeLessThan(300);
  for (const [id, c] of Object.entries(CLIENTS)) {
    const client = await newClient(id);
    await register(server.base, tokens.get('admin') as string, client, c.scopes, c.facility ? { facility: c.facility } : {});
    tokens.set(id, await getToken(server.base, client));
  }
});
afterAll(async () => {
  await server?.stop();
});

test('a bound requester owns the Subscriptions it writes: others bound elsewhere neither see nor change them', async () => {
  // an owner tag the client sends is replaced by the server's
  const sub = await created('facA', subscription('Ownfam0', { meta: { tag: [{ system: OWNER, code: 'facility:orgB' }, { system: 'urn:x', code: 'y' }] } }));
  const tags = sub.meta.tag.map((t: Json) => `${t.system}|${t.code}`).sort();
  expect(tags).toEqual([`${OWNER}|facility:orgA`, 'urn:x|y']);
  expect((await as('facA', 'GET', `Subscription/${sub.id}`)).status).toBe(200);
  expect((await as('facB', 'GET', `Subscription/${sub.id}`)).status).toBe(404);
  expect(ids((await as('facB', 'GET', 'Subscription')).json)).not.toContain(sub.id);
  expect(ids((await as('facA', 'GET', 'Subscription')).json)).toContain(sub.id);
  expect((await as('facB', 'PUT', `Subscription/${sub.id}`, { ...sub, reason: 'taken' })).status).toBe(404);
  expect((await as('facB', 'DELETE', `Subscription/${sub.id}`)).status).toBe(404);
  expect((await as('facB', 'GET', `Subscription/${sub.id}/$status`)).status).toBe(404);
  // an update by its owner keeps it the owner's (the tag is set again)
  const updated = await as('facA', 'PUT', `Subscription/${sub.id}`, { ...sub, meta: undefined, reason: 'renamed' });
  expect(updated.status).toBe(200);
  expect(updated.json.meta.tag.map((t: Json) => t.code)).toContain('facility:orgA');
  expect((await as('facA', 'DELETE', `Subscription/${sub.id}`)).status).toBeLessThan(300);
});

test('a Subscription fires only for changes its owner may read (facility, scopes, labels)', async () => {
  const fam = `Ownfam${Date.now()}`;
  const subA = await created('facA', subscription(fam));
  const subB = await created('facB', subscription(fam));
  const subP = await created('patients', subscription(fam));
  const subO = await created('observations', subscription(fam));
  const subAdmin = await created('admin', subscription(fam));

  const pA = await created('admin', patient(fam, 'orgA'));
  await created('admin', patient(fam, 'orgB'));
  await created('admin', patient(fam, 'orgA', { meta: { security: [CONF_R] } }));
  await expectCounts([
    ['facA', subA.id, 1], // its facility's patient, not the confidential one
    ['facB', subB.id, 1],
    ['patients', subP.id, 2], // both facilities, not the confidential one (no hms/label.R)
    ['observations', subO.id, 0], // no Patient scope
    ['admin', subAdmin.id, 3],
  ]);

  // a patient moving from facility A to B is B's change now
  expect((await as('admin', 'PUT', `Patient/${pA.id}`, { ...patient(fam, 'orgB'), id: pA.id })).status).toBe(200);
  await expectCounts([
    ['facA', subA.id, 1],
    ['facB', subB.id, 2],
    ['patients', subP.id, 3],
    ['admin', subAdmin.id, 4],
  ]);

  // what facility A writes itself fires its own Subscription, not B's
  await created('facA', patient(fam, 'orgA'));
  await expectCounts([
    ['facA', subA.id, 2],
    ['facB', subB.id, 2],
    ['patients', subP.id, 4],
  ]);
});

test('a delete fires the Subscriptions whose owners could read the resource before it was deleted', async () => {
  const fam = `Delfam${Date.now()}`;
  // classic subscriptions are told of deletes with HAPI's send-delete-messages channel extension
  const deletes = { channel: { type: 'websocket', extension: [{ url: 'http://hapifhir.io/fhir/StructureDefinition/subscription-send-delete-messages', valueBoolean: true }] } };
  const subA = await created('facA', subscription(fam, deletes));
  const subB = await created('facB', subscription(fam, deletes));
  const subP = await created('patients', subscription(fam, deletes));
  const pA = await created('admin', patient(fam, 'orgA'));
  const pB = await created('admin', patient(fam, 'orgB'));
  const pR = await created('admin', patient(fam, 'orgA', { meta: { security: [CONF_R] } }));
  await expectCounts([
    ['facA', subA.id, 1],
    ['facB', subB.id, 1],
    ['patients', subP.id, 2],
  ]);
  for (const p of [pA, pB, pR]) expect((await as('admin', 'DELETE', `Patient/${p.id}`)).status).toBeLessThan(300);
  // each facility is told of its own patient's delete only; nobody of the confidential one's
  await expectCounts([
    ['facA', subA.id, 2],
    ['facB', subB.id, 2],
    ['patients', subP.id, 4],
  ]);

  // a record that belongs to a facility through a chain (Observation -> Encounter -> service provider)
  const code = `del${Date.now()}`;
  const obsSub = (who: string): Promise<Json> => created(who, { ...subscription(fam, deletes), criteria: `Observation?code=urn:c|${code}` });
  const oSubA = await obsSub('facA');
  const oSubB = await obsSub('facB');
  const enc = await created('admin', { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, serviceProvider: ref('Organization/orgA') });
  const obs = await created('admin', { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'urn:c', code }] }, encounter: ref(`Encounter/${enc.id}`) });
  await expectCounts([
    ['facA', oSubA.id, 1],
    ['facB', oSubB.id, 0],
  ]);
  expect((await as('admin', 'DELETE', `Observation/${obs.id}`)).status).toBeLessThan(300);
  await expectCounts([
    ['facA', oSubA.id, 2],
    ['facB', oSubB.id, 0],
  ]);
});
