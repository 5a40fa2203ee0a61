import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { allPages, expectOutcome, ids, type Json } from './rest-util.js';
import { dailySchedule } from './helpers/schedules.js';
import { bearer, bootstrapAdmin, getToken, newClient, register, type TestClient } from './security-util.js';

/**
 * Access policies beyond the basics of security-access.test.ts, over HTTP with AUTH_MODE=on: health-region
 * binding, filtered history (instance, type, system, vread; a resource that moved between facilities; labels
 * per version), chains and _has restricted at every step, conditional interactions matching only inside the
 * requester's scope (standalone, transaction, batch), batch entries failing alone, and Appointment reachable
 * through its Slot's Schedule.
 */
let server: TestServer;
let admin: TestClient;
let idp: Server;
let idpKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const OIDC_ISSUER = 'https://idp.mspbs.example/realms/hms';
const tokens = new Map<string, string>();

const REGION_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria';
const REGION_CS = 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria';
const CONF_R = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
const org = (id: string, region: string): Json => ({ resourceType: 'Organization', id, name: id, extension: [{ url: REGION_EXT, valueCoding: { system: REGION_CS, code: region } }] });
const patient = (id: string, o: string, extra: Json = {}): Json => ({ resourceType: 'Patient', id, managingOrganization: { reference: `Organization/${o}` }, ...extra });
const encounter = (id: string, o: string, subject: string): Json => ({
  resourceType: 'Encounter', id, status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${subject}` }, serviceProvider: { reference: `Organization/${o}` },
});
const observation = (id: string, enc: string, subject: string, code: string): Json => ({
  resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'urn:c', code }] }, subject: { reference: `Patient/${subject}` }, encounter: { reference: `Encounter/${enc}` },
});

// Region XI (Central): orgA and orgA2; region XVIII (Capital): orgB.
const seed: Json[] = [
  org('orgA', '11'),
  org('orgA2', '11'),
  org('orgB', '18'),
  { resourceType: 'Location', id: 'locA', managingOrganization: { reference: 'Organization/orgA' } },
  { resourceType: 'Location', id: 'locB', managingOrganization: { reference: 'Organization/orgB' } },
  patient('pA', 'orgA', { name: [{ family: 'Aname' }], identifier: [{ system: 'urn:t', value: 'a' }] }),
  patient('pA2', 'orgA2', { name: [{ family: 'A2name' }] }),
  patient('pB', 'orgB', { name: [{ family: 'Bname' }], identifier: [{ system: 'urn:t', value: 'b' }] }),
  encounter('eA', 'orgA', 'pA'),
  encounter('eA2', 'orgA2', 'pA2'),
  encounter('eB', 'orgB', 'pB'),
  observation('oA', 'eA', 'pA', 'x'),
  observation('oAB', 'eA', 'pB', 'x'), // facility A saw facility B's patient
  observation('oBA', 'eB', 'pA', 'secret'), // facility B saw facility A's patient
  { resourceType: 'Practitioner', id: 'prA2' },
  { resourceType: 'PractitionerRole', id: 'roleA2', practitioner: { reference: 'Practitioner/prA2' }, organization: { reference: 'Organization/orgA2' } },
  { resourceType: 'Schedule', id: 'schA', actor: [{ reference: 'Location/locA' }] },
  { resourceType: 'Slot', id: 'slA', schedule: { reference: 'Schedule/schA' }, status: 'busy', start: '2026-12-01T10:00:00Z', end: '2026-12-01T10:30:00Z' },
  {
    resourceType: 'Appointment', id: 'apSlot', status: 'booked', start: '2026-12-01T10:00:00Z', end: '2026-12-01T10:30:00Z',
    slot: [{ reference: 'Slot/slA' }], participant: [{ actor: { reference: 'Patient/pA' }, status: 'accepted' }],
  },
  {
    resourceType: 'Appointment', id: 'apB', status: 'booked', start: '2026-12-01T10:00:00Z', end: '2026-12-01T10:30:00Z',
    participant: [{ actor: { reference: 'Location/locB' }, status: 'accepted' }],
  },
];

const CLIENTS: Record<string, { scopes: string; facility?: string; region?: string }> = {
  facA: { scopes: 'system/*.cruds', facility: 'orgA' },
  facB: { scopes: 'system/*.cruds', facility: 'orgB' },
  reg11: { scopes: 'system/*.cruds', region: '11' },
  reg18: { scopes: 'system/*.cruds', region: '18' },
  obsOnly: { scopes: 'system/Observation.rs', facility: 'orgA' },
};

const as = (who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(method, path.startsWith('http') ? path : `${server.base}/${path}`, body, { ...bearer(tokens.get(who) as string), ...headers });
const adminPut = async (r: Json): Promise<void> => {
  const res = await as('admin', 'PUT', `${r.resourceType}/${r.id}`, r);
  if (res.status >= 300) throw new Error(res.text);
};
const bundle = (type: 'batch' | 'transaction', entry: Json[]): Json => ({ resourceType: 'Bundle', type, entry });
const statuses = (r: Json): string[] => r.json.entry.map((e: Json) => e.response.status.slice(0, 3));

/** Every entry of a search or history, following next links. */
async function all(who: string, path: string): Promise<Json[]> {
  return allPages((url) => as(who, 'GET', url), `${server.base}/${path}`);
}
const versions = (entries: Json[]): string[] => entries.filter((e) => e.resource).map((e) => `${e.resource.resourceType}/${e.resource.id}/${e.resource.meta.versionId}`);

beforeAll(async () => {
  // A local JWKS server stands in for the Ministry's identity provider (region claim of users).
  const pair = await generateKeyPair('RS256', { extractable: true });
  idpKey = pair.privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] };
  idp = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify(jwks)));
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', () => r()));
  const port = (idp.address() as { port: number }).port;
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off', OIDC_ISSUER, OIDC_AUDIENCE: 'hms-ops', OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks`, OIDC_CLAIM_REGION: 'mspbs.region' });
  admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  tokens.set('admin', adminToken);
  const tx = await as('admin', 'POST', '', bundle('transaction', seed.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } }))));
  if (tx.status !== 200) throw new Error(tx.text);
  // pM moved from facility B to facility A; pL was confidential in its first version only.
  await adminPut(patient('pM', 'orgB', { name: [{ family: 'B-era' }] }));
  await adminPut(patient('pM', 'orgA', { name: [{ family: 'A-era' }] }));
  await adminPut(patient('pL', 'orgA', { meta: { security: [CONF_R] }, name: [{ family: 'secret-era' }] }));
  await adminPut(patient('pL', 'orgA', { name: [{ family: 'open-era' }] }));
  for (const [id, c] of Object.entries(CLIENTS)) {
    const client = await newClient(id);
    const extra: Json = {};
    if (c.facility) extra.facility = c.facility;
    if (c.region) extra.region = c.region;
    await register(server.base, adminToken, client, c.scopes, extra);
    tokens.set(id, await getToken(server.base, client));
  }
});
afterAll(async () => {
  await server?.stop();
  idp?.close();
});

describe('health-region binding', () => {
  test('a region-bound requester sees the data of every facility of its region, with correct totals and paging', async () => {
    const page = await as('reg11', 'GET', 'Patient?_id=pA,pA2,pB,pM&_total=accurate&_count=1');
    expect(page.json.total).toBe(3);
    expect(ids(page.json)).toHaveLength(1);
    expect((await all('reg11', 'Patient?_id=pA,pA2,pB,pM&_count=1')).map((e) => e.resource.id).sort()).toEqual(['pA', 'pA2', 'pM']);
    expect(ids((await as('reg18', 'GET', 'Patient?_id=pA,pA2,pB,pM')).json)).toEqual(['pB']);
    expect(ids((await as('reg11', 'GET', 'Encounter?_id=eA,eA2,eB')).json).sort()).toEqual(['eA', 'eA2']);
    expect(ids((await as('reg11', 'GET', 'Observation?_id=oA,oAB,oBA')).json).sort()).toEqual(['oA', 'oAB']);
    expect(ids((await as('reg11', 'GET', 'Practitioner?_id=prA2')).json)).toEqual(['prA2']);
    expect(ids((await as('reg18', 'GET', 'Practitioner?_id=prA2')).json)).toEqual([]);
  });

  test('reads outside the region are 404; writes only inside it', async () => {
    expectOutcome(await as('reg11', 'GET', 'Patient/pB'), 404);
    expectOutcome(await as('reg18', 'GET', 'Encounter/eA2'), 404);
    expect((await as('reg11', 'GET', 'Patient/pA2')).status).toBe(200);
    expect((await as('reg11', 'POST', 'Patient', patient('x', 'orgA2'))).status).toBe(201);
    expectOutcome(await as('reg11', 'POST', 'Patient', patient('x', 'orgB')), 403, /outside/);
    expectOutcome(await as('reg11', 'PUT', 'Patient/pB', patient('pB', 'orgA')), 404);
  });

  test('a user of the external identity provider is bound to the region of its claim (OIDC_CLAIM_REGION)', async () => {
    const token = await new SignJWT({ scope: 'user/*.rs', mspbs: { region: '18' } })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setIssuer(OIDC_ISSUER).setAudience('hms-ops').setSubject('dr-capital').setExpirationTime('5m').sign(idpKey);
    const r = await request('GET', `${server.base}/Patient?_id=pA,pA2,pB`, undefined, bearer(token));
    expect(r.status).toBe(200);
    expect(ids(r.json)).toEqual(['pB']);
    expectOutcome(await request('GET', `${server.base}/Encounter/eA`, undefined, bearer(token)), 404);
  });

  test('a region must be a code of py-region-sanitaria', async () => {
    const client = await newClient('badRegion');
    const url = server.base.replace(/\/fhir$/, '/admin/clients');
    const r = await request('POST', url, { clientId: 'badRegion', jwks: client.jwks, scopes: 'system/*.rs', region: 'XI' }, { ...bearer(tokens.get('admin') as string), 'Content-Type': 'application/json' });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/region/);
  });
});

describe('chains and _has consider only what the requester may see at every step', () => {
  test('a chain does not reveal another facility\'s patient', async () => {
    expect(ids((await as('admin', 'GET', 'Observation?subject.name=Bname')).json)).toEqual(['oAB']);
    const r = await as('facA', 'GET', 'Observation?subject.name=Bname&_total=accurate');
    expect(ids(r.json)).toEqual([]);
    expect(r.json.total).toBe(0);
    expect(ids((await as('facA', 'GET', 'Observation?subject.name=Aname')).json)).toEqual(['oA']);
    expect((await as('facA', 'GET', 'Observation?subject.name=Bname&_summary=count')).json.total).toBe(0);
  });

  test('_has does not reveal another facility\'s observations', async () => {
    expect(ids((await as('admin', 'GET', 'Patient?_has:Observation:subject:code=urn:c|secret')).json)).toEqual(['pA']);
    const r = await as('facA', 'GET', 'Patient?_has:Observation:subject:code=urn:c|secret&_total=accurate');
    expect(ids(r.json)).toEqual([]);
    expect(r.json.total).toBe(0);
    expect(ids((await as('facA', 'GET', 'Patient?_has:Observation:subject:code=urn:c|x')).json)).toEqual(['pA']);
    // a chain inside _has is restricted too
    expect(ids((await as('facA', 'GET', 'Patient?_has:Observation:subject:encounter.service-provider=Organization/orgB')).json)).toEqual([]);
    expect(ids((await as('admin', 'GET', 'Patient?_has:Observation:subject:encounter.service-provider=Organization/orgB')).json)).toEqual(['pA']);
    expect(ids((await as('facA', 'GET', 'Patient?_has:Observation:subject:encounter.service-provider=Organization/orgA')).json)).toEqual(['pA']);
    expect(ids((await as('admin', 'GET', 'Patient?_has:Observation:subject:encounter.service-provider=Organization/orgA&_sort=_id')).json)).toEqual(['pA', 'pB']);
  });

  test('a chain into a type the token may not search is forbidden', async () => {
    expectOutcome(await as('obsOnly', 'GET', 'Observation?subject.name=Aname'), 403);
    expect((await as('obsOnly', 'GET', 'Observation?code=urn:c|x')).status).toBe(200);
  });
});

describe('history of restricted requesters is filtered in SQL', () => {
  test('instance history: in scope answers, out of scope is 404', async () => {
    expectOutcome(await as('facA', 'GET', 'Patient/pB/_history'), 404);
    const r = await as('facA', 'GET', 'Patient/pA/_history');
    expect(r.status).toBe(200);
    expect(versions(r.json.entry)).toEqual(['Patient/pA/1']);
  });

  test('type history: only the facility\'s resources, paged without leaks', async () => {
    const entries = await all('facA', 'Patient/_history?_count=1');
    const seen = versions(entries);
    expect(seen.length).toBeGreaterThan(2);
    for (const v of seen) expect(v).not.toMatch(/^Patient\/(pB|pA2)\//);
    expect(seen).toContain('Patient/pA/1');
    expect(versions(await all('facB', 'Patient/_history?_count=2')).filter((v) => /\/(pA|pB|pA2)\//.test(v))).toEqual(['Patient/pB/1']);
    expect(versions(await all('reg11', 'Encounter/_history')).sort()).toEqual(['Encounter/eA/1', 'Encounter/eA2/1']);
  });

  test('system history: no other facility\'s resource appears; shared catalogue types do', async () => {
    const seen = versions(await all('facA', '_history?_count=7'));
    for (const id of ['pB', 'eB', 'oBA', 'pA2', 'eA2', 'apB', 'roleA2', 'prA2']) expect(seen.some((v) => v.split('/')[1] === id)).toBe(false);
    for (const v of ['Patient/pA/1', 'Encounter/eA/1', 'Observation/oA/1', 'Observation/oAB/1', 'Appointment/apSlot/1', 'Organization/orgB/1']) expect(seen).toContain(v);
  });

  test('a resource that moved from facility B to A shows A only its versions managed by A', async () => {
    const a = await as('facA', 'GET', 'Patient/pM/_history');
    expect(versions(a.json.entry)).toEqual(['Patient/pM/2']);
    expect(JSON.stringify(a.json)).not.toContain('B-era');
    expectOutcome(await as('facA', 'GET', 'Patient/pM/_history/1'), 404);
    expect((await as('facA', 'GET', 'Patient/pM/_history/2')).status).toBe(200);
    expect(versions(await all('facA', 'Patient/_history?_count=3'))).not.toContain('Patient/pM/1');
    // facility B no longer sees the patient at all
    expectOutcome(await as('facB', 'GET', 'Patient/pM/_history'), 404);
    expect(versions(await all('facB', '_history'))).not.toContain('Patient/pM/1');
  });

  test('a version with a protected label stays hidden after the label is removed', async () => {
    const r = await as('facA', 'GET', 'Patient/pL/_history');
    expect(versions(r.json.entry)).toEqual(['Patient/pL/2']);
    expect(JSON.stringify(r.json)).not.toContain('secret-era');
    expectOutcome(await as('facA', 'GET', 'Patient/pL/_history/1'), 404);
    expect(versions((await as('admin', 'GET', 'Patient/pL/_history')).json.entry)).toEqual(['Patient/pL/2', 'Patient/pL/1']);
  });
});

describe('conditional interactions match only what the requester may see', () => {
  const unchanged = async (): Promise<void> => {
    const b = await as('admin', 'GET', 'Patient/pB');
    expect(b.status).toBe(200);
    expect(b.json.meta.versionId).toBe('1');
  };

  test('standalone: If-None-Exist, conditional update and delete ignore facility B; an id cannot be taken over', async () => {
    const created = await as('facA', 'POST', 'Patient', patient('x', 'orgA', { identifier: [{ system: 'urn:t', value: 'b' }] }), { 'If-None-Exist': 'identifier=urn:t|b' });
    expect(created.status).toBe(201);
    expect(created.json.id).not.toBe('pB');
    await as('admin', 'DELETE', `Patient/${created.json.id}`);
    const upd = await as('facA', 'PUT', 'Patient?identifier=urn:t|b', { resourceType: 'Patient', managingOrganization: { reference: 'Organization/orgA' } });
    expect(upd.status).toBe(201);
    expect(upd.json.id).not.toBe('pB');
    expect((await as('facA', 'DELETE', 'Patient?identifier=urn:t|b')).status).toBeLessThan(300);
    expectOutcome(await as('facA', 'PUT', 'Patient?identifier=urn:t|nobody', patient('pB', 'orgA')), 404);
    await unchanged();
  });

  test('transaction: conditional create, update, delete and references never resolve to facility B', async () => {
    const r = await as('facA', 'POST', '', bundle('transaction', [
      { fullUrl: 'urn:uuid:c1', resource: patient(undefined as unknown as string, 'orgA'), request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:t|b' } },
      { resource: { resourceType: 'Patient', managingOrganization: { reference: 'Organization/orgA' }, active: true }, request: { method: 'PUT', url: 'Patient?identifier=urn:t|b' } },
      { request: { method: 'DELETE', url: 'Patient?identifier=urn:t|b' } },
    ]));
    expect(r.status).toBe(200);
    expect(statuses(r)).toEqual(['201', '201', '200']);
    for (const e of r.json.entry.slice(0, 2)) expect(e.response.location).not.toMatch(/Patient\/pB\//);
    await unchanged();
    const ref = await as('facA', 'POST', '', bundle('transaction', [
      { resource: observation(undefined as unknown as string, 'eA', 'pA', 'y'), request: { method: 'POST', url: 'Observation' } },
    ].map((e) => ({ ...e, resource: { ...e.resource, subject: { reference: 'Patient?identifier=urn:t|b' } } }))));
    expectOutcome(ref, 404);
    const takeover = await as('facA', 'POST', '', bundle('transaction', [
      { resource: patient('pB', 'orgA'), request: { method: 'PUT', url: 'Patient?identifier=urn:t|nobody' } },
    ]));
    expectOutcome(takeover, 404);
    await unchanged();
  });

  test('batch: the same conditions fail or succeed entry by entry', async () => {
    const r = await as('facA', 'POST', '', bundle('batch', [
      { resource: patient(undefined as unknown as string, 'orgA'), request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:t|b' } },
      { resource: patient('pB', 'orgA'), request: { method: 'PUT', url: 'Patient?identifier=urn:t|nobody' } },
      { resource: { ...observation(undefined as unknown as string, 'eA', 'pA', 'y'), subject: { reference: 'Patient?identifier=urn:t|b' } }, request: { method: 'POST', url: 'Observation' } },
      { request: { method: 'DELETE', url: 'Patient?identifier=urn:t|b' } },
    ]));
    expect(r.status).toBe(200);
    expect(statuses(r)).toEqual(['201', '404', '404', '200']);
    await unchanged();
  });
});

describe('batch and transaction writes outside the facility', () => {
  test('a batch fails only the entries outside; a transaction fails as a whole', async () => {
    const entries = [
      { resource: patient(undefined as unknown as string, 'orgA', { name: [{ family: 'batch-ok' }] }), request: { method: 'POST', url: 'Patient' } },
      { resource: patient(undefined as unknown as string, 'orgB', { name: [{ family: 'batch-outside' }] }), request: { method: 'POST', url: 'Patient' } },
      { resource: patient('pB', 'orgA'), request: { method: 'PUT', url: 'Patient/pB' } },
      { resource: patient('pA', 'orgB', { name: [{ family: 'Aname' }], identifier: [{ system: 'urn:t', value: 'a' }] }), request: { method: 'PUT', url: 'Patient/pA' } },
    ];
    const b = await as('facA', 'POST', '', bundle('batch', entries));
    expect(b.status).toBe(200);
    expect(statuses(b)).toEqual(['201', '403', '404', '403']);
    expect(b.json.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect(b.json.entry[1].response.outcome.issue[0].code).toBe('forbidden');
    expect(ids((await as('admin', 'GET', 'Patient?name=batch-ok')).json)).toHaveLength(1);
    expect(ids((await as('admin', 'GET', 'Patient?name=batch-outside')).json)).toHaveLength(0);
    expect((await as('admin', 'GET', 'Patient/pA')).json.meta.versionId).toBe('1');

    const t = await as('facA', 'POST', '', bundle('transaction', [entries[0], entries[1]]));
    expectOutcome(t, 403);
    expect(ids((await as('admin', 'GET', 'Patient?name=batch-ok')).json)).toHaveLength(1);
  });
});

describe('alternative criteria: Appointment through its Slot and Schedule', () => {
  test('an appointment without a Location participant belongs to the facility of its slot\'s schedule', async () => {
    expect(ids((await as('facA', 'GET', 'Appointment?_id=apSlot,apB')).json)).toEqual(['apSlot']);
    expect(ids((await as('facB', 'GET', 'Appointment?_id=apSlot,apB')).json)).toEqual(['apB']);
    expect((await as('facA', 'GET', 'Appointment/apSlot')).status).toBe(200);
    expectOutcome(await as('facB', 'GET', 'Appointment/apSlot'), 404);
    expect(ids((await as('facA', 'GET', 'Slot')).json)).toEqual(['slA']);
    expect(ids((await as('facB', 'GET', 'Schedule')).json)).toEqual([]);
    expect(ids((await as('reg11', 'GET', 'Appointment?_id=apSlot,apB')).json)).toEqual(['apSlot']);
  });
});

describe('alternative criteria: Task through the ServiceRequest it acts on (focus)', () => {
  const ref = (r: string): Json => ({ reference: r });
  const sr = (id: string, extra: Json): Json => ({ resourceType: 'ServiceRequest', id, status: 'active', intent: 'order', subject: ref('Patient/pA'), ...extra });
  const task = (id: string, focus: string, extra: Json = {}): Json => ({ resourceType: 'Task', id, status: 'requested', intent: 'order', focus: ref(focus), ...extra });

  test('a referral\'s Task without owner or requester belongs to both ends of its ServiceRequest', async () => {
    await adminPut(sr('srAtoB', { requester: ref('Organization/orgA'), performer: [ref('Organization/orgB')] }));
    await adminPut(sr('srB', { requester: ref('Organization/orgB') }));
    await adminPut(sr('srEncA2', { encounter: ref('Encounter/eA2') }));
    await adminPut(sr('srRoleA2', { performer: [ref('PractitionerRole/roleA2')] }));
    for (const t of [task('tAtoB', 'ServiceRequest/srAtoB'), task('tB', 'ServiceRequest/srB'), task('tEncA2', 'ServiceRequest/srEncA2'), task('tRoleA2', 'ServiceRequest/srRoleA2')]) await adminPut(t);
    const all = 'Task?_id=tAtoB,tB,tEncA2,tRoleA2&_total=accurate';
    expect(ids((await as('facA', 'GET', all)).json)).toEqual(['tAtoB']);
    expect(ids((await as('facB', 'GET', all)).json).sort()).toEqual(['tAtoB', 'tB']);
    // region XI holds orgA (requester) and orgA2 (the encounter's provider; the performer role's organization)
    const reg11 = await as('reg11', 'GET', all);
    expect(ids(reg11.json).sort()).toEqual(['tAtoB', 'tEncA2', 'tRoleA2']);
    expect(reg11.json.total).toBe(3);
    expect((await as('facA', 'GET', 'Task/tAtoB')).status).toBe(200);
    expectOutcome(await as('facA', 'GET', 'Task/tB'), 404);
    // writes: a Task may point at the facility's own referral, not at another facility's
    expect((await as('facA', 'POST', 'Task', task('x', 'ServiceRequest/srAtoB'))).status).toBe(201);
    expectOutcome(await as('facA', 'POST', 'Task', task('x', 'ServiceRequest/srB')), 403, /outside/);
    // history per version: the focus is read from each version
    await adminPut(task('tMoved', 'ServiceRequest/srB'));
    await adminPut(task('tMoved', 'ServiceRequest/srAtoB'));
    const h = await as('facA', 'GET', 'Task/tMoved/_history');
    expect(h.json.entry.map((e: Json) => e.resource.meta.versionId)).toEqual(['2']);
  });
});

describe('policies of the record, people and financial types', () => {
  const TYPES = [
    'NutritionOrder', 'VisionPrescription', 'DeviceRequest', 'DeviceUseStatement', 'RelatedPerson', 'Person', 'Provenance', 'Claim',
    'ExplanationOfBenefit', 'CoverageEligibilityRequest', 'ClaimResponse', 'CoverageEligibilityResponse', 'PaymentNotice',
    'PaymentReconciliation', 'Invoice', 'Account', 'ChargeItem',
  ];
  test('every one is searchable by facility- and region-bound requesters (its policy compiles to valid criteria)', async () => {
    for (const type of TYPES) {
      for (const who of ['facA', 'reg11']) {
        const r = await as(who, 'GET', `${type}?_count=1&_total=accurate`);
        expect(`${type} ${who} ${r.status}`).toBe(`${type} ${who} 200`);
      }
    }
  });

  test('Provenance, Claim, ClaimResponse and Invoice belong to the facility that acted, billed or asked', async () => {
    const ref = (r: string): Json => ({ reference: r });
    const docs: Json[] = [
      { resourceType: 'Provenance', id: 'provA', target: [ref('Patient/pA')], recorded: '2026-11-01T10:00:00Z', location: ref('Location/locA'), agent: [{ who: ref('Practitioner/prA2') }] },
      { resourceType: 'Provenance', id: 'provB', target: [ref('Patient/pB')], recorded: '2026-11-01T10:00:00Z', agent: [{ who: ref('Organization/orgB') }] },
      {
        resourceType: 'Claim', id: 'clA', status: 'active', type: { text: 'x' }, use: 'claim', patient: ref('Patient/pA'), created: '2026-11-01', provider: ref('Organization/orgA'),
        priority: { text: 'normal' }, insurance: [{ sequence: 1, focal: true, coverage: { display: 'c' } }],
      },
      {
        resourceType: 'Claim', id: 'clB', status: 'active', type: { text: 'x' }, use: 'claim', patient: ref('Patient/pB'), created: '2026-11-01', provider: ref('Organization/orgB'),
        priority: { text: 'normal' }, insurance: [{ sequence: 1, focal: true, coverage: { display: 'c' } }],
      },
      { resourceType: 'ClaimResponse', id: 'crA', status: 'active', type: { text: 'x' }, use: 'claim', patient: ref('Patient/pA'), created: '2026-11-02', insurer: ref('Organization/orgB'), requestor: ref('Organization/orgA'), outcome: 'complete' },
      { resourceType: 'Invoice', id: 'invA', status: 'issued', issuer: ref('Organization/orgA') },
      { resourceType: 'Invoice', id: 'invB', status: 'issued', issuer: ref('Organization/orgB') },
    ];
    for (const d of docs) await adminPut(d);
    expect(ids((await as('facA', 'GET', 'Provenance?_count=50')).json)).toEqual(['provA']);
    expect(ids((await as('facB', 'GET', 'Provenance?_count=50')).json)).toEqual(['provB']);
    expect((await as('facA', 'GET', 'Provenance/provB')).status).toBe(404);
    expect(ids((await as('reg11', 'GET', 'Claim')).json)).toEqual(['clA']);
    expect((await as('facB', 'GET', 'Claim/clA')).status).toBe(404);
    // a claim response is the asking facility's and the paying Organization's
    expect((await as('facA', 'GET', 'ClaimResponse/crA')).status).toBe(200);
    expect((await as('facB', 'GET', 'ClaimResponse/crA')).status).toBe(200);
    expect(ids((await as('facB', 'GET', 'Invoice')).json)).toEqual(['invB']);
    // writes follow the same paths: facility A cannot bill in facility B's name
    const moved = await as('facA', 'PUT', 'Invoice/invA', { resourceType: 'Invoice', id: 'invA', status: 'issued', issuer: ref('Organization/orgB') });
    expect(moved.status).toBe(403);
    expectOutcome(moved, 403, /outside the data the requester may write/);
    const own = await as('facA', 'POST', 'Invoice', { resourceType: 'Invoice', status: 'draft', issuer: ref('Organization/orgA') });
    expect(own.status).toBe(201);
  });
});

describe('scheduling: a facility-bound client finds and books in its own facility only, a patient\'s app for its patient only', () => {
  const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
  const tomorrow = new Date(Date.now() - 3 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
  const schedule = (id: string, location: string): Json => dailySchedule(location, { id });
  const book = (slot: Json, location: string, who = 'Patient/pA'): Json => ({
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'appointment',
        resource: {
          resourceType: 'Appointment', status: 'proposed', start: slot.start, end: slot.end, slot: [{ reference: `Slot/${slot.id}` }],
          participant: [{ actor: { reference: who }, status: 'needs-action' }, { actor: { reference: location }, status: 'needs-action' }],
        },
      },
    ],
  });
  const taken = (slot: Json): number => slot.extension.find((e: Json) => e.url === `${SD}py-cupo`).extension.find((e: Json) => e.url === 'reservados').valueUnsignedInt;

  test('$find offers its own schedules\' slots; booking another facility\'s slot is refused and leaves it free', async () => {
    await adminPut(schedule('schFutA', 'Location/locA'));
    await adminPut(schedule('schFutB', 'Location/locB'));
    const found = await as('facA', 'GET', `Appointment/$find?start=${tomorrow}&end=${tomorrow}`);
    expect(found.status).toBe(200);
    const actors = found.json.entry.flatMap((e: Json) => e.resource.participant.map((p: Json) => p.actor.reference));
    expect(actors).toContain('Location/locA');
    expect(actors).not.toContain('Location/locB');
    const own = (await as('admin', 'GET', 'Slot?schedule=Schedule/schFutA&_sort=start&_count=1')).json.entry[0].resource;
    expect((await as('facA', 'POST', 'Appointment/$book', book(own, 'Location/locA'))).status).toBe(201);
    const foreign = (await as('admin', 'GET', 'Slot?schedule=Schedule/schFutB&_sort=start&_count=1')).json.entry[0].resource;
    const refused = await as('facA', 'POST', 'Appointment/$book', book(foreign, 'Location/locB'));
    expect([403, 404]).toContain(refused.status);
    expect(refused.json.resourceType).toBe('OperationOutcome');
    expect(taken((await as('admin', 'GET', `Slot/${foreign.id}`)).json)).toBe(0);
    expect(taken((await as('admin', 'GET', `Slot/${own.id}`)).json)).toBe(1);
  });

  test('a referral lets the origin book into the destination\'s schedule once the destination accepted it; only the destination accepts', async () => {
    await adminPut(schedule('schRefB', 'Location/locB'));
    // the last two slots: pA has bookings at the first ones' times from the tests above
    const [first, second] = (await as('admin', 'GET', 'Slot?schedule=Schedule/schRefB&_sort=-start&_count=2')).json.entry.map((e: Json) => e.resource);
    const sr = await as('facA', 'POST', 'ServiceRequest', {
      resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/pA' },
      requester: { reference: 'Organization/orgA' }, performer: [{ reference: 'Organization/orgB' }], reasonCode: [{ text: 'Control' }],
    });
    expect(sr.status).toBe(201);
    const referral = `ServiceRequest/${sr.json.id}`;
    const task = await as('facA', 'POST', 'Task', {
      resourceType: 'Task', status: 'requested', intent: 'order', focus: { reference: referral }, for: { reference: 'Patient/pA' },
      code: { coding: [{ system: 'https://fhir.mspbs.gov.py/CodeSystem/py-tipo-tarea-derivacion', code: 'derivacion' }] },
      requester: { reference: 'Organization/orgA' }, owner: { reference: 'Organization/orgB' },
    });
    expect(task.status).toBe(201);
    // the origin cannot accept its own referral; the destination can
    const selfAccepted = await as('facA', 'PUT', `Task/${task.json.id}`, { ...task.json, status: 'accepted' });
    expect(expectOutcome(selfAccepted, 403).diagnostics).toBe(`Only the performer of Task/${task.json.id} (Organization/orgB) may set its status to accepted`);
    expect((await as('facB', 'PUT', `Task/${task.json.id}`, { ...task.json, status: 'accepted' })).status).toBe(200);
    // under the referral the origin books the destination's slot; without it, it still cannot
    const withReferral = book(first, 'Location/locB');
    withReferral.parameter[0].resource.basedOn = [{ reference: referral }];
    const booked = await as('facA', 'POST', 'Appointment/$book', withReferral);
    expect(booked.status).toBe(201);
    expect(taken((await as('admin', 'GET', `Slot/${first.id}`)).json)).toBe(1);
    const without = await as('facA', 'POST', 'Appointment/$book', book(second, 'Location/locB'));
    expect([403, 404]).toContain(without.status);
    expect(taken((await as('admin', 'GET', `Slot/${second.id}`)).json)).toBe(0);
    // the origin reads the appointment it booked, the destination too
    expect((await as('facA', 'GET', `Appointment/${booked.json.id}`)).status).toBe(200);
    expect((await as('facB', 'GET', `Appointment/${booked.json.id}`)).status).toBe(200);
  });

  test('a patient-context client finds and books for its own patient only', async () => {
    await adminPut(schedule('schPat', 'Location/locA'));
    const scope = 'patient/Appointment.cruds patient/Patient.rs user/Slot.rs user/Schedule.rs';
    const token = await new SignJWT({ scope, patient: 'pA2' })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setIssuer(OIDC_ISSUER).setAudience('hms-ops').setSubject('app-pA2').setExpirationTime('5m').sign(idpKey);
    const app = (method: string, path: string, body?: unknown) => request(method, `${server.base}/${path}`, body, bearer(token));
    // without `patient`: the proposals are for the patient of the token
    const found = await app('GET', `Appointment/$find?start=${tomorrow}&end=${tomorrow}&location=Location/locA`);
    expect(found.status).toBe(200);
    expect(found.json.entry.length).toBeGreaterThan(0);
    expect(found.json.entry.every((e: Json) => e.resource.participant[0].actor.reference === 'Patient/pA2')).toBe(true);
    // another patient: no proposals for them
    const other = await app('GET', `Appointment/$find?start=${tomorrow}&end=${tomorrow}&patient=Patient/pB`);
    expect([403, 404]).toContain(other.status);
    expect(other.json.resourceType).toBe('OperationOutcome');
    const [first, second] = (await as('admin', 'GET', 'Slot?schedule=Schedule/schPat&_sort=start&_count=2')).json.entry.map((e: Json) => e.resource);
    const refused = await app('POST', 'Appointment/$book', book(first, 'Location/locA', 'Patient/pB'));
    expect(refused.status).toBe(403);
    expect(refused.json.resourceType).toBe('OperationOutcome');
    expect(taken((await as('admin', 'GET', `Slot/${first.id}`)).json)).toBe(0);
    const booked = await app('POST', 'Appointment/$book', book(second, 'Location/locA', 'Patient/pA2'));
    expect(booked.status).toBe(201);
    expect(taken((await as('admin', 'GET', `Slot/${second.id}`)).json)).toBe(1);
  });
});
