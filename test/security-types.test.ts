import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { allPages, expectOutcome, ids, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Access policies of the operational types (docs/security.md, table of paths), over HTTP with AUTH_MODE=on:
 * for every type, facility A (and region XI) creates, reads and searches its own resources through the
 * declared path, and cannot read, search, include, _has/chain or history its way into facility B's; the
 * alternatives (Observation by performer without an encounter, Patient by general practitioner, Encounter by
 * Location, records without an encounter by the patient's facility); directory types (Organization, Location,
 * HealthcareService, Device) readable by all but written only by their facility.
 */
let server: TestServer;
const tokens = new Map<string, string>();

const REGION_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria';
const REGION_CS = 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria';
const ref = (r: string): Json => ({ reference: r });
const org = (id: string, region: string): Json => ({ resourceType: 'Organization', id, name: id, extension: [{ url: REGION_EXT, valueCoding: { system: REGION_CS, code: region } }] });

/** Facility X's context: its Organization, Location, PractitionerRole, Patient and Encounters. */
const X = (x: 'A' | 'B') => ({ org: ref(`Organization/org${x}`), loc: ref(`Location/loc${x}`), role: ref(`PractitionerRole/role${x}`), pat: ref(`Patient/p${x}`), enc: ref(`Encounter/e${x}`), encLoc: ref(`Encounter/eLoc${x}`) });
type Ctx = ReturnType<typeof X>;

/** One resource per type, tied to the facility only through the path under test. */
const BUILD: Record<string, (c: Ctx) => Json> = {
  Task: (c) => ({ status: 'requested', intent: 'order', owner: c.role }),
  ServiceRequest: (c) => ({ status: 'active', intent: 'order', subject: c.pat, encounter: c.enc }),
  SupplyRequest: (c) => ({ status: 'active', itemCodeableConcept: { text: 'gauze' }, quantity: { value: 10 }, requester: c.org }),
  SupplyDelivery: (c) => ({ status: 'completed', supplier: c.org }),
  Device: (c) => ({ owner: c.org, patient: c.pat }),
  PractitionerRole: (c) => ({ location: [c.loc] }),
  DocumentReference: (c) => ({ status: 'current', custodian: c.org, content: [{ attachment: { contentType: 'text/plain' } }] }),
  Composition: (c) => ({ status: 'final', type: { text: 'epicrisis' }, date: '2026-01-01', title: 't', author: [c.role], encounter: c.enc }),
  MedicationRequest: (c) => ({ status: 'active', intent: 'order', medicationCodeableConcept: { text: 'm' }, subject: { reference: 'Patient/pX' }, requester: c.role }),
  MedicationDispense: (c) => ({ status: 'completed', medicationCodeableConcept: { text: 'm' }, performer: [{ actor: c.org }] }),
  Immunization: (c) => ({ status: 'completed', vaccineCode: { text: 'v' }, patient: { reference: 'Patient/pX' }, occurrenceDateTime: '2026-01-01', location: c.loc }),
  AllergyIntolerance: (c) => ({ patient: c.pat, code: { text: 'penicillin' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] } }),
  CarePlan: (c) => ({ status: 'active', intent: 'plan', subject: { reference: 'Patient/pX' }, encounter: c.enc }),
  Condition: (c) => ({ subject: c.pat, code: { text: 'c' } }),
  Procedure: (c) => ({ status: 'completed', subject: { reference: 'Patient/pX' }, encounter: c.encLoc }),
  DiagnosticReport: (c) => ({ status: 'final', code: { text: 'd' }, subject: { reference: 'Patient/pX' }, performer: [c.org] }),
  Consent: (c) => ({
    status: 'active', scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ text: 'c' }], patient: { reference: 'Patient/pX' }, organization: [c.org], policyRule: { text: 'ley' },
  }),
  Communication: (c) => ({ status: 'completed', sender: c.org, recipient: [c.role] }),
  Flag: (c) => ({ status: 'active', code: { text: 'f' }, subject: { reference: 'Patient/pX' }, author: c.org }),
  List: (c) => ({ status: 'current', mode: 'working', subject: c.loc }),
  Group: (c) => ({ type: 'person', actual: true, managingEntity: c.org }),
  Coverage: (c) => ({ status: 'active', beneficiary: c.pat, payor: [ref('Organization/insurer')] }),
  Observation: (c) => ({ status: 'final', code: { text: 'o' }, performer: [c.org] }), // no encounter: by performer
  Encounter: (c) => ({ status: 'finished', class: { code: 'AMB' }, location: [{ location: c.loc }] }), // no serviceProvider: by Location
  Patient: (c) => ({ generalPractitioner: [c.role] }), // no managingOrganization: by general practitioner
  Specimen: (c) => ({ subject: c.pat }),
  EpisodeOfCare: (c) => ({ status: 'active', managingOrganization: c.org, patient: { reference: 'Patient/pX' } }),
};
const TYPES = Object.keys(BUILD);
const make = (type: string, x: 'A' | 'B', id?: string): Json => ({ resourceType: type, ...(id ? { id } : {}), ...BUILD[type](X(x)) });

const seed: Json[] = [
  org('orgA', '11'),
  org('orgB', '18'),
  { resourceType: 'Organization', id: 'insurer', name: 'IPS' },
  { resourceType: 'Location', id: 'locA', managingOrganization: ref('Organization/orgA') },
  { resourceType: 'Location', id: 'locB', managingOrganization: ref('Organization/orgB') },
  { resourceType: 'Practitioner', id: 'prA' },
  { resourceType: 'Practitioner', id: 'prB' },
  { resourceType: 'PractitionerRole', id: 'roleA', practitioner: ref('Practitioner/prA'), organization: ref('Organization/orgA') },
  { resourceType: 'PractitionerRole', id: 'roleB', practitioner: ref('Practitioner/prB'), organization: ref('Organization/orgB') },
  { resourceType: 'Patient', id: 'pA', managingOrganization: ref('Organization/orgA'), name: [{ family: 'Aname' }] },
  { resourceType: 'Patient', id: 'pB', managingOrganization: ref('Organization/orgB'), name: [{ family: 'Bname' }] },
  { resourceType: 'Patient', id: 'pX', name: [{ family: 'Nobody' }] }, // no facility: the paths under test decide
  { resourceType: 'Encounter', id: 'eA', status: 'finished', class: { code: 'AMB' }, subject: ref('Patient/pA'), serviceProvider: ref('Organization/orgA') },
  { resourceType: 'Encounter', id: 'eB', status: 'finished', class: { code: 'AMB' }, subject: ref('Patient/pB'), serviceProvider: ref('Organization/orgB') },
  { resourceType: 'Encounter', id: 'eLocA', status: 'finished', class: { code: 'AMB' }, location: [{ location: ref('Location/locA') }] },
  { resourceType: 'Encounter', id: 'eLocB', status: 'finished', class: { code: 'AMB' }, location: [{ location: ref('Location/locB') }] },
  ...TYPES.flatMap((t) => [make(t, 'A', `${t.toLowerCase()}A`), make(t, 'B', `${t.toLowerCase()}B`)]),
  // Facility B's records about facility A's patient, and A's task pointing at B's document.
  { resourceType: 'Communication', id: 'commBaboutA', status: 'completed', sender: ref('Organization/orgB'), subject: ref('Patient/pA') },
  { resourceType: 'Task', id: 'taskBforA', status: 'requested', intent: 'order', owner: ref('Organization/orgB'), for: ref('Patient/pA') },
  { resourceType: 'Task', id: 'taskAfocusB', status: 'requested', intent: 'order', owner: ref('Organization/orgA'), focus: ref('DocumentReference/documentreferenceB') },
  { resourceType: 'Condition', id: 'condAonB', subject: ref('Patient/pB'), encounter: ref('Encounter/eA'), code: { text: 'seen at A' } },
  { resourceType: 'Device', id: 'devShared', deviceName: [{ name: 'ECG', type: 'user-friendly-name' }] },
];

const CLIENTS: Record<string, { facility?: string; region?: string }> = { facA: { facility: 'orgA' }, facB: { facility: 'orgB' }, reg11: { region: '11' }, reg18: { region: '18' } };

const as = (who: string, method: string, path: string, body?: unknown) => request(method, path.startsWith('http') ? path : `${server.base}/${path}`, body, bearer(tokens.get(who) as string));
const idsOf = async (who: string, path: string): Promise<string[]> => {
  const r = await as(who, 'GET', path);
  expect(r.status).toBe(200);
  return ids(r.json).sort();
};
async function all(who: string, path: string): Promise<Json[]> {
  return allPages((url) => as(who, 'GET', url), `${server.base}/${path}`);
}

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  tokens.set('admin', adminToken);
  const tx = await as('admin', 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry: seed.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })) });
  if (tx.status !== 200) throw new Error(tx.text);
  for (const [id, c] of Object.entries(CLIENTS)) {
    const client = await newClient(id);
    await register(server.base, adminToken, client, 'system/*.cruds', c);
    tokens.set(id, await getToken(server.base, client));
  }
});
afterAll(async () => {
  await server?.stop();
});

describe.each(TYPES)('%s', (type) => {
  const a = `${type.toLowerCase()}A`;
  const b = `${type.toLowerCase()}B`;

  test('search and read: facility and region see their own only', async () => {
    expect(await idsOf('admin', `${type}?_id=${a},${b}`)).toEqual([a, b].sort());
    expect(await idsOf('facA', `${type}?_id=${a},${b}`)).toEqual([a]);
    expect(await idsOf('facB', `${type}?_id=${a},${b}`)).toEqual([b]);
    expect(await idsOf('reg11', `${type}?_id=${a},${b}`)).toEqual([a]);
    expect(await idsOf('reg18', `${type}?_id=${a},${b}`)).toEqual([b]);
    expect((await as('facA', 'GET', `${type}/${a}`)).status).toBe(200);
    expectOutcome(await as('facA', 'GET', `${type}/${b}`), 404);
    expectOutcome(await as('reg11', 'GET', `${type}/${b}`), 404);
    expectOutcome(await as('facA', 'GET', `${type}/${b}/_history`), 404);
    expectOutcome(await as('facA', 'GET', `${type}/${b}/_history/1`), 404);
    const history = (await all('facA', `${type}/_history?_count=50`)).map((e) => e.resource?.id);
    expect(history).toContain(a);
    expect(history).not.toContain(b);
  });

  test('create inside the facility; not outside it; no update of the other facility', async () => {
    const created = await as('facA', 'POST', type, make(type, 'A'));
    expect(created.status).toBe(201);
    expect((await as('facA', 'GET', `${type}/${created.json.id}`)).status).toBe(200);
    expectOutcome(await as('facB', 'GET', `${type}/${created.json.id}`), 404);
    expectOutcome(await as('facA', 'POST', type, make(type, 'B')), 403);
    expectOutcome(await as('reg11', 'POST', type, make(type, 'B')), 403);
    expectOutcome(await as('facA', 'PUT', `${type}/${b}`, make(type, 'A', b)), 404);
    expectOutcome(await as('facA', 'DELETE', `${type}/${b}`), 404);
    expect((await as('reg11', 'POST', type, make(type, 'A'))).status).toBe(201);
  });
});

describe('no way around the policy', () => {
  test('system history of facility A shows none of facility B\'s resources', async () => {
    const seen = (await all('facA', '_history?_count=100')).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
    for (const t of TYPES) {
      expect(seen).toContain(`${t}/${t.toLowerCase()}A`);
      expect(seen).not.toContain(`${t}/${t.toLowerCase()}B`);
    }
    expect(seen).not.toContain('Communication/commBaboutA');
  });

  test('_include and _revinclude leave facility B\'s resources out', async () => {
    const inc = await as('facA', 'GET', 'Task?_id=taskAfocusB&_include=Task:focus');
    expect(ids(inc.json)).toEqual(['taskAfocusB']);
    expect(ids((await as('admin', 'GET', 'Task?_id=taskAfocusB&_include=Task:focus')).json)).toEqual(['taskAfocusB', 'documentreferenceB']);
    const rev = await as('facA', 'GET', 'Patient?_id=pA&_revinclude=Communication:subject&_revinclude=Task:patient');
    expect(ids(rev.json)).toEqual(['pA']);
    expect(ids((await as('admin', 'GET', 'Patient?_id=pA&_revinclude=Communication:subject&_revinclude=Task:patient')).json).sort()).toEqual(['commBaboutA', 'pA', 'taskBforA']);
  });

  test('_has and chains consider only what the requester may see', async () => {
    expect(await idsOf('admin', 'Patient?_has:Task:patient:status=requested')).toEqual(['pA']);
    expect(await idsOf('facA', 'Patient?_has:Task:patient:status=requested')).toEqual([]);
    expect(await idsOf('facA', 'Patient?_has:Communication:subject:status=completed')).toEqual([]);
    expect(await idsOf('facB', 'Patient?_has:Communication:subject:status=completed')).toEqual([]); // B's record, A's patient
    const chain = await as('facA', 'GET', 'Condition?subject.name=Bname&_total=accurate');
    expect(ids(chain.json)).toEqual([]);
    expect(chain.json.total).toBe(0);
    expect(await idsOf('admin', 'Condition?subject.name=Bname')).toEqual(['condAonB', 'conditionB']);
    expect(await idsOf('facA', 'Condition?encounter=Encounter/eA')).toEqual(['condAonB']);
    expect(await idsOf('facA', 'Task?focus:DocumentReference.custodian=Organization/orgB')).toEqual([]);
    expect(await idsOf('admin', 'Task?focus:DocumentReference.custodian=Organization/orgB')).toEqual(['taskAfocusB']);
  });
});

describe('alternatives', () => {
  test('a record with an encounter belongs to the encounter\'s facility, not to its patient\'s', async () => {
    expect(await idsOf('facA', 'Condition?_id=condAonB')).toEqual(['condAonB']);
    expect(await idsOf('facB', 'Condition?_id=condAonB')).toEqual([]);
  });

  test('history shows the versions written while the record was the facility\'s (encounter:missing read per version)', async () => {
    // v1 at facility B's encounter, v2 without encounter: belongs to facility A through its patient
    const put = (body: Json) => as('admin', 'PUT', 'Condition/condMoved', { resourceType: 'Condition', id: 'condMoved', subject: ref('Patient/pA'), code: { text: 'moved' }, ...body });
    expect((await put({ encounter: ref('Encounter/eB') })).status).toBe(201);
    expect((await put({})).status).toBe(200);
    const h = await as('facA', 'GET', 'Condition/condMoved/_history');
    expect(h.json.entry.map((e: Json) => e.resource.meta.versionId)).toEqual(['2']);
    expectOutcome(await as('facA', 'GET', 'Condition/condMoved/_history/1'), 404);
    expectOutcome(await as('facB', 'GET', 'Condition/condMoved'), 404);
  });

  test('a patient with a general practitioner of facility A is seen by A and by its managing facility', async () => {
    expect((await as('admin', 'PUT', 'Patient/pGP', { resourceType: 'Patient', id: 'pGP', managingOrganization: ref('Organization/orgB'), generalPractitioner: [ref('PractitionerRole/roleA')] })).status).toBe(201);
    expect((await as('facA', 'GET', 'Patient/pGP')).status).toBe(200);
    expect((await as('facB', 'GET', 'Patient/pGP')).status).toBe(200);
    expect(await idsOf('reg11', 'Patient?_id=pGP')).toEqual(['pGP']);
  });
});

describe('directory types: read by all, written by their facility', () => {
  test('Organization and Location', async () => {
    expect((await as('facA', 'GET', 'Location/locB')).status).toBe(200);
    expect((await as('facA', 'GET', 'Organization/orgB')).status).toBe(200);
    expectOutcome(await as('facA', 'PUT', 'Location/locB', { resourceType: 'Location', id: 'locB', managingOrganization: ref('Organization/orgA') }), 404);
    expectOutcome(await as('facA', 'POST', 'Location', { resourceType: 'Location', managingOrganization: ref('Organization/orgB') }), 403);
    expect((await as('facA', 'POST', 'Location', { resourceType: 'Location', managingOrganization: ref('Organization/orgA') })).status).toBe(201);
    expectOutcome(await as('facA', 'PUT', 'Organization/orgB', { ...org('orgB', '11') }), 404);
    expect((await as('facA', 'PUT', 'Organization/orgA', { ...org('orgA', '11'), alias: ['A'] })).status).toBe(200);
    expect((await as('facA', 'POST', 'Organization', { resourceType: 'Organization', name: 'Servicio de A', partOf: ref('Organization/orgA') })).status).toBe(201);
    expectOutcome(await as('facA', 'POST', 'Organization', { resourceType: 'Organization', name: 'Nueva' }), 403);
    expect((await as('reg11', 'POST', 'Organization', { ...org('orgA3', '11'), id: undefined })).status).toBe(201);
    expectOutcome(await as('reg11', 'POST', 'Organization', { ...org('orgB3', '18'), id: undefined }), 403);
    expect((await as('admin', 'GET', 'Location/locB')).json.managingOrganization.reference).toBe('Organization/orgB');
  });

  test('HealthcareService and devices without a patient are read by all; a patient\'s device follows its facility', async () => {
    expect((await as('admin', 'PUT', 'HealthcareService/hsB', { resourceType: 'HealthcareService', id: 'hsB', providedBy: ref('Organization/orgB') })).status).toBe(201);
    expect((await as('facA', 'GET', 'HealthcareService/hsB')).status).toBe(200);
    expectOutcome(await as('facA', 'PUT', 'HealthcareService/hsB', { resourceType: 'HealthcareService', id: 'hsB', providedBy: ref('Organization/orgA') }), 404);
    expect((await as('facA', 'POST', 'HealthcareService', { resourceType: 'HealthcareService', providedBy: ref('Organization/orgA') })).status).toBe(201);
    expect((await as('facA', 'GET', 'Device/devShared')).status).toBe(200);
    expectOutcome(await as('facA', 'PUT', 'Device/devShared', { resourceType: 'Device', id: 'devShared', owner: ref('Organization/orgA') }), 404);
    expect(await idsOf('facA', 'Device?_id=devShared,deviceA,deviceB')).toEqual(['devShared', 'deviceA']);
  });
});
