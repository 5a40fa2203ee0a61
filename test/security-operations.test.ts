import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, sleep, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * `$` operations under AUTH_MODE=on, as a matrix over HTTP: every registered operation (validation,
 * terminology, subscriptions) needs the scope on its type and checks an instance target like a read (404
 * outside the requester's facility or scope restriction); type-level $status and $get-ws-binding-token see only
 * the Subscriptions the requester may read; $events leaves out resources the requester may not read;
 * $validate does not resolve reference targets the requester may not read.
 */
let server: TestServer;
const tokens = new Map<string, string>();

const ref = (r: string): Json => ({ reference: r });
const TEAM = (t: string): Json => ({ tag: [{ system: 'urn:team', code: t }] });
const CS_URL = 'urn:hms-test:cs';
const VS_URL = 'urn:hms-test:vs';
const CS_TK = 'urn:hms-test:cs-tk';
const VS_TK = 'urn:hms-test:vs-tk';
const CM_TK = 'urn:hms-test:cm-tk';
const TK_LABEL = { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-security-label', code: 'conocimiento-protegido' };
const PY_LOCATION = 'https://fhir.mspbs.gov.py/StructureDefinition/py-location';

const seed: Json[] = [
  { resourceType: 'Organization', id: 'orgA', name: 'A' },
  { resourceType: 'Organization', id: 'orgB', name: 'B' },
  { resourceType: 'Patient', id: 'pA', managingOrganization: ref('Organization/orgA') },
  { resourceType: 'Patient', id: 'pB', managingOrganization: ref('Organization/orgB') },
  { resourceType: 'CodeSystem', id: 'cs', url: CS_URL, status: 'active', content: 'complete', concept: [{ code: 'a', display: 'Alpha' }] },
  { resourceType: 'ValueSet', id: 'vs', url: VS_URL, status: 'active', compose: { include: [{ system: CS_URL }] } },
  { resourceType: 'ConceptMap', id: 'cm', status: 'active', group: [{ source: CS_URL, target: 'urn:other', element: [{ code: 'a', target: [{ code: 'z', equivalence: 'equivalent' }] }] }] },
  // Protected traditional knowledge: a code system of remedies, a value set and a map over it, all labelled
  { resourceType: 'CodeSystem', id: 'csTk', url: CS_TK, status: 'active', content: 'complete', meta: { security: [TK_LABEL] }, concept: [{ code: 'r1', display: 'Remedio' }, { code: 'r2', display: 'Otro', concept: [{ code: 'r3' }] }] },
  { resourceType: 'ValueSet', id: 'vsTk', url: VS_TK, status: 'active', meta: { security: [TK_LABEL] }, compose: { include: [{ system: CS_TK }] } },
  // unlabelled value sets drawing on the labelled ones: one includes the code system, one imports the value set
  { resourceType: 'ValueSet', id: 'vsIncTk', url: 'urn:test:vs-inc-tk', status: 'active', compose: { include: [{ system: CS_URL }, { system: CS_TK }] } },
  { resourceType: 'ValueSet', id: 'vsImpTk', url: 'urn:test:vs-imp-tk', status: 'active', compose: { include: [{ valueSet: [VS_TK] }] } },
  // an unlabelled map into the labelled code system, giving no displays of its own
  { resourceType: 'ConceptMap', id: 'cmToTk', url: 'urn:test:cm-to-tk', status: 'active', group: [{ source: CS_URL, target: CS_TK, element: [{ code: 'a', target: [{ code: 'r1', equivalence: 'equivalent' }] }] }] },
  { resourceType: 'ConceptMap', id: 'cmTk', url: CM_TK, status: 'active', meta: { security: [TK_LABEL] }, group: [{ source: CS_TK, target: 'urn:other', element: [{ code: 'r1', target: [{ code: 'z', equivalence: 'equivalent' }] }] }] },
  // Organizations that do not conform to py-organization (no subsector extension), visible to team a only / team b only
  { resourceType: 'Organization', id: 'orgTeamA', name: 'TA', meta: TEAM('a') },
  { resourceType: 'Organization', id: 'orgTeamB', name: 'TB', meta: TEAM('b') },
  { resourceType: 'Subscription', id: 'subA', meta: TEAM('a'), status: 'requested', reason: 'a', criteria: 'Patient?family=Opsfam', channel: { type: 'websocket' } },
  { resourceType: 'Subscription', id: 'subB', meta: TEAM('b'), status: 'requested', reason: 'b', criteria: 'Patient?family=Opsfam', channel: { type: 'websocket' } },
];

const CLIENTS: Record<string, { scopes: string; facility?: string }> = {
  facA: { scopes: 'system/*.cruds', facility: 'orgA' },
  patients: { scopes: 'system/Patient.rs' },
  valuesets: { scopes: 'system/ValueSet.rs' },
  teamA: { scopes: 'system/Subscription.rs?_tag=urn:team|a system/Location.rs system/Organization.rs?_tag=urn:team|a' },
  subsAndPatients: { scopes: 'system/Subscription.rs system/Patient.rs' },
  terms: { scopes: 'system/CodeSystem.rs system/ValueSet.rs system/ConceptMap.rs' },
  termsTk: { scopes: 'system/CodeSystem.rs system/ValueSet.rs system/ConceptMap.rs hms/label.conocimiento-protegido' },
};

const as = (who: string, method: string, path: string, body?: unknown) => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who) as string));

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  tokens.set('admin', await getToken(server.base, admin));
  const tx = await as('admin', 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry: seed.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })) });
  if (tx.status !== 200) throw new Error(tx.text);
  for (const [id, c] of Object.entries(CLIENTS)) {
    const client = await newClient(id);
    await register(server.base, tokens.get('admin') as string, client, c.scopes, c.facility ? { facility: c.facility } : {});
    tokens.set(id, await getToken(server.base, client));
  }
  // one event for both subscriptions
  expect((await as('admin', 'POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Opsfam' }], managingOrganization: ref('Organization/orgB') })).status).toBe(201);
  for (let i = 0; i < 50; i++) {
    const r = await as('admin', 'GET', 'Subscription/subB/$events');
    if (r.status === 200 && r.json.entry?.length > 1) break;
    await sleep(100);
  }
});
afterAll(async () => {
  await server?.stop();
});

const matrix: [string, string, string, number][] = [
  // $validate: the type's scope; an instance like a read (404 outside the facility)
  ['facA', 'GET', 'Patient/pA/$validate', 200],
  ['facA', 'GET', 'Patient/pB/$validate', 404],
  ['facA', 'GET', 'Patient/pB/$validate?mode=delete', 404],
  ['facA', 'POST', 'Patient/pB/$validate?mode=update', 404],
  ['patients', 'GET', 'Patient/pB/$validate', 200],
  ['patients', 'GET', 'Organization/orgA/$validate', 403],
  ['valuesets', 'POST', 'Patient/$validate', 403],
  // terminology: scopes on ValueSet / CodeSystem / ConceptMap (catalogue types, shared by facilities)
  ['valuesets', 'GET', 'ValueSet/vs/$expand', 200],
  ['valuesets', 'GET', `ValueSet/$expand?url=${VS_URL}`, 200],
  ['valuesets', 'GET', `ValueSet/$validate-code?url=${VS_URL}&system=${CS_URL}&code=a`, 200],
  ['valuesets', 'GET', `CodeSystem/$lookup?system=${CS_URL}&code=a`, 403],
  ['valuesets', 'GET', `CodeSystem/$validate-code?url=${CS_URL}&code=a`, 403],
  ['valuesets', 'GET', `CodeSystem/$subsumes?system=${CS_URL}&codeA=a&codeB=a`, 403],
  ['valuesets', 'GET', `ConceptMap/cm/$translate?system=${CS_URL}&code=a`, 403],
  ['patients', 'GET', 'ValueSet/vs/$expand', 403],
  ['facA', 'GET', 'ValueSet/vs/$expand', 200],
  ['facA', 'GET', `CodeSystem/$lookup?system=${CS_URL}&code=a`, 200],
  ['facA', 'GET', `ConceptMap/cm/$translate?system=${CS_URL}&code=a`, 200],
  // subscriptions: no policy for Subscription, so a facility-bound requester gets none of them
  // a facility-bound requester has only its own Subscriptions (owner tags): subA is not one of them
  ['facA', 'GET', 'Subscription/$status', 200],
  ['facA', 'GET', 'Subscription/subA/$status', 404],
  ['facA', 'GET', 'Subscription/subA/$events', 404],
  ['facA', 'GET', 'Subscription/$get-ws-binding-token?id=subA', 404],
  ['valuesets', 'GET', 'Subscription/subA/$status', 403],
  ['patients', 'GET', 'Subscription/$status', 403],
  ['patients', 'GET', 'Subscription/subA/$events', 403],
  // a scope restricted to team a: team b's subscription does not exist for it
  ['teamA', 'GET', 'Subscription/subA/$status', 200],
  ['teamA', 'GET', 'Subscription/subB/$status', 404],
  ['teamA', 'GET', 'Subscription/subA/$events', 200],
  ['teamA', 'GET', 'Subscription/subB/$events', 404],
  ['teamA', 'GET', 'Subscription/subA/$get-ws-binding-token', 200],
  ['teamA', 'GET', 'Subscription/subB/$get-ws-binding-token', 404],
  ['teamA', 'GET', 'Subscription/$get-ws-binding-token?id=subA', 200],
  ['teamA', 'GET', 'Subscription/$get-ws-binding-token?id=subA,subB', 404],
  ['teamA', 'GET', 'Subscription/$get-ws-binding-token?id=subB', 404],
  ['admin', 'GET', 'Subscription/$get-ws-binding-token?id=subA,subB', 200],
];

test.each(matrix)('%s %s /%s → %d', async (who, method, path, status) => {
  const r = await as(who, method, path, method === 'POST' ? (path.startsWith('Patient') ? { resourceType: 'Patient', id: 'pB' } : { resourceType: 'Parameters' }) : undefined);
  if (status >= 400) expectOutcome(r, status);
  else expect(r.status).toBe(status);
});

test('type-level $status lists only the Subscriptions the requester may read', async () => {
  const statusOf = async (who: string, q = ''): Promise<string[]> => {
    const r = await as(who, 'GET', `Subscription/$status${q}`);
    expect(r.status).toBe(200);
    return (r.json.entry ?? []).map((e: Json) => e.resource.parameter.find((p: Json) => p.name === 'subscription').valueReference.reference.split('/').pop()).sort();
  };
  expect(await statusOf('admin')).toEqual(['subA', 'subB']);
  expect(await statusOf('teamA')).toEqual(['subA']);
  expect(await statusOf('teamA', '?id=subA,subB')).toEqual(['subA']);
  expect(await statusOf('teamA', '?id=subB')).toEqual([]);
  expect((await as('teamA', 'GET', 'Subscription/$status?id=subB')).json.total).toBe(0);
});

test('$events names only events whose focus the requester may read', async () => {
  const events = async (who: string): Promise<{ entries: Json[]; focus: string[]; numbers: string[] }> => {
    const r = await as(who, 'GET', 'Subscription/subA/$events?content=full-resource');
    expect(r.status).toBe(200);
    const status = r.json.entry[0].resource;
    const notes = status.parameter.filter((p: Json) => p.name === 'notification-event');
    return {
      entries: r.json.entry.slice(1),
      focus: notes.flatMap((p: Json) => p.part.filter((x: Json) => x.name === 'focus').map((x: Json) => x.valueReference.reference)),
      numbers: notes.map((p: Json) => p.part.find((x: Json) => x.name === 'event-number').valueString),
    };
  };
  const all = await events('admin');
  expect(all.entries.length).toBeGreaterThan(0);
  for (const e of all.entries) expect(e.resource?.resourceType).toBe('Patient');
  expect(all.focus.length).toBe(all.entries.length);
  const both = await events('subsAndPatients');
  for (const e of both.entries) expect(e.resource?.resourceType).toBe('Patient');
  expect(both.focus).toEqual(all.focus);
  // no Patient scope: the events are counted, but neither their entries nor the status name the patients
  const team = await events('teamA');
  expect(team.entries).toEqual([]);
  expect(team.focus).toEqual([]);
  expect(team.numbers).toEqual(all.numbers);
  expect(JSON.stringify(team)).not.toMatch(/Patient\//);
});

test('$validate does not resolve a reference target the requester may not read', async () => {
  const validate = async (org: string): Promise<string> => {
    const loc = { resourceType: 'Location', name: 'L', managingOrganization: ref(`Organization/${org}`) };
    const r = await as('teamA', 'POST', `Location/$validate?profile=${encodeURIComponent(PY_LOCATION)}`, loc);
    expect(r.status).toBe(200);
    return JSON.stringify(r.json.issue);
  };
  // the readable target is checked against py-organization (and does not conform); the other one is not resolved
  expect(await validate('orgTeamA')).toMatch(/Organization\/orgTeamA[^"]*does not conform|does not conform[^"]*Organization\/orgTeamA/);
  expect(await validate('orgTeamB')).not.toMatch(/orgTeamB/);
  const asAdmin = await as('admin', 'POST', `Location/$validate?profile=${encodeURIComponent(PY_LOCATION)}`, { resourceType: 'Location', name: 'L', managingOrganization: ref('Organization/orgTeamB') });
  expect(JSON.stringify(asAdmin.json.issue)).toMatch(/orgTeamB/);
});

test('operations inside a batch are authorized entry by entry', async () => {
  const r = await as('facA', 'POST', '', {
    resourceType: 'Bundle', type: 'batch',
    entry: [
      { request: { method: 'GET', url: 'Patient/pA/$validate' } },
      { request: { method: 'GET', url: 'Patient/pB/$validate' } },
      { request: { method: 'GET', url: 'Subscription/subA/$status' } },
      { request: { method: 'GET', url: 'ValueSet/vs/$expand' } },
    ],
  });
  expect(r.status).toBe(200);
  expect(r.json.entry.map((e: Json) => e.response.status.slice(0, 3))).toEqual(['200', '404', '404', '200']);
});

test('type-level terminology operations do not reveal a code system, value set or map with a protected label', async () => {
  const q = encodeURIComponent;
  const calls = [
    `CodeSystem/$lookup?system=${q(CS_TK)}&code=r1`,
    `CodeSystem/$validate-code?url=${q(CS_TK)}&code=r1`,
    `CodeSystem/$subsumes?system=${q(CS_TK)}&codeA=r2&codeB=r3`,
    `ValueSet/$expand?url=${q(VS_TK)}`,
    `ValueSet/$validate-code?url=${q(VS_TK)}&system=${q(CS_TK)}&code=r1`,
    `ConceptMap/$translate?url=${q(CM_TK)}&system=${q(CS_TK)}&code=r1`,
  ];
  for (const path of calls) {
    const denied = await as('terms', 'GET', path);
    expect(`${path} ${denied.status}`).toBe(`${path} 404`);
    expectOutcome(denied, 404, /not found/);
    const allowed = await as('termsTk', 'GET', path);
    expect(`${path} ${allowed.status}`).toBe(`${path} 200`);
  }
  // what the labelled one holds is not in the answer to the allowed requester only by chance
  expect((await as('termsTk', 'GET', calls[0])).json.parameter.find((x: Json) => x.name === 'display').valueString).toBe('Remedio');
  // an unlabelled code system stays open to the same requester
  expect((await as('terms', 'GET', `CodeSystem/$lookup?system=${q(CS_URL)}&code=a`)).status).toBe(200);
});

test('a value set drawing on a labelled code system or value set, and $translate without a map, reveal nothing of it', async () => {
  const q = encodeURIComponent;
  for (const url of ['urn:test:vs-inc-tk', 'urn:test:vs-imp-tk']) {
    for (const path of [`ValueSet/$expand?url=${q(url)}`, `ValueSet/$validate-code?url=${q(url)}&system=${q(CS_TK)}&code=r1`]) {
      expectOutcome(await as('terms', 'GET', path), 404, /not found/);
      expect(`${path} ${(await as('termsTk', 'GET', path)).status}`).toBe(`${path} 200`);
    }
    const codes = (await as('termsTk', 'GET', `ValueSet/$expand?url=${q(url)}`)).json.expansion.contains.map((c: Json) => c.code);
    expect(codes).toContain('r1');
  }
  // the instance-level expansion of the unlabelled value set is refused the same way
  expectOutcome(await as('terms', 'GET', 'ValueSet/vsIncTk/$expand'), 404);
  // $translate without url searches only the maps the requester may read
  const path = `ConceptMap/$translate?system=${q(CS_TK)}&code=r1`;
  const hidden = await as('terms', 'GET', path);
  expect(hidden.status).toBe(200);
  expect(hidden.json.parameter.find((x: Json) => x.name === 'result').valueBoolean).toBe(false);
  const shown = await as('termsTk', 'GET', path);
  expect(shown.json.parameter.find((x: Json) => x.name === 'result').valueBoolean).toBe(true);
  // an unlabelled map is still found without url
  const open = await as('terms', 'GET', `ConceptMap/$translate?system=${q(CS_URL)}&code=a`);
  expect(open.json.parameter.find((x: Json) => x.name === 'result').valueBoolean).toBe(true);
  // a target's display comes from the labelled code system only for a requester who may read it
  const concept = async (who: string): Promise<Json> =>
    (await as(who, 'GET', `ConceptMap/$translate?url=${q('urn:test:cm-to-tk')}&system=${q(CS_URL)}&code=a`)).json.parameter
      .find((x: Json) => x.name === 'match').part.find((x: Json) => x.name === 'concept').valueCoding;
  expect(await concept('terms')).toEqual({ system: CS_TK, code: 'r1' });
  expect(await concept('termsTk')).toEqual({ system: CS_TK, code: 'r1', display: 'Remedio' });
});
