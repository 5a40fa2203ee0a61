import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, ids, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register, type TestClient } from './security-util.js';

/**
 * Authorization with AUTH_MODE=on: a matrix of SMART scopes × interactions (also inside batch and transaction
 * bundles and on _include/_revinclude), facility policies (facility A never reads, searches, includes,
 * histories or writes its way into facility B's data, with correct totals), protected security labels and
 * scope ?param=value restrictions.
 */
let server: TestServer;
let admin: TestClient;
const tokens = new Map<string, string>();

const ORG = (id: string): Json => ({ resourceType: 'Organization', id, name: id });
const CONF_R = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
const TK = { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-security-label', code: 'conocimiento-protegido' };
const LAB = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] };
const VITAL = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] };

const seed: Json[] = [
  ORG('orgA'),
  ORG('orgB'),
  ORG('orgC'),
  { resourceType: 'Location', id: 'locA', managingOrganization: { reference: 'Organization/orgA' } },
  { resourceType: 'Location', id: 'locB', managingOrganization: { reference: 'Organization/orgB' } },
  { resourceType: 'Patient', id: 'pA1', managingOrganization: { reference: 'Organization/orgA' }, identifier: [{ system: 'urn:t', value: 'a1' }] },
  { resourceType: 'Patient', id: 'pA2', managingOrganization: { reference: 'Organization/orgA' } },
  { resourceType: 'Patient', id: 'pA3', managingOrganization: { reference: 'Organization/orgA' } },
  { resourceType: 'Patient', id: 'pAR', managingOrganization: { reference: 'Organization/orgA' }, meta: { security: [CONF_R] } },
  { resourceType: 'Patient', id: 'pATK', managingOrganization: { reference: 'Organization/orgA' }, meta: { security: [TK] } },
  { resourceType: 'Patient', id: 'pB1', managingOrganization: { reference: 'Organization/orgB' }, identifier: [{ system: 'urn:t', value: 'b1' }] },
  { resourceType: 'Encounter', id: 'eA1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pA1' }, serviceProvider: { reference: 'Organization/orgA' } },
  { resourceType: 'Encounter', id: 'eA2', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pB1' }, serviceProvider: { reference: 'Organization/orgA' } },
  { resourceType: 'Encounter', id: 'eB1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pB1' }, serviceProvider: { reference: 'Organization/orgB' } },
  { resourceType: 'Observation', id: 'oA1', status: 'final', code: { text: 'x' }, category: [LAB], subject: { reference: 'Patient/pA1' }, encounter: { reference: 'Encounter/eA1' } },
  { resourceType: 'Observation', id: 'oA2', status: 'final', code: { text: 'x' }, category: [VITAL], subject: { reference: 'Patient/pA1' }, encounter: { reference: 'Encounter/eA1' } },
  { resourceType: 'Observation', id: 'oB1', status: 'final', code: { text: 'x' }, category: [LAB], subject: { reference: 'Patient/pB1' }, encounter: { reference: 'Encounter/eB1' } },
  { resourceType: 'Appointment', id: 'apA', status: 'booked', start: '2026-12-01T10:00:00Z', end: '2026-12-01T10:30:00Z', participant: [{ actor: { reference: 'Location/locA' }, status: 'accepted' }] },
  { resourceType: 'Appointment', id: 'apB', status: 'booked', start: '2026-12-01T10:00:00Z', end: '2026-12-01T10:30:00Z', participant: [{ actor: { reference: 'Location/locB' }, status: 'accepted' }] },
  { resourceType: 'Practitioner', id: 'prA' },
  { resourceType: 'Practitioner', id: 'prB' },
  { resourceType: 'PractitionerRole', id: 'roleA', practitioner: { reference: 'Practitioner/prA' }, organization: { reference: 'Organization/orgA' } },
  { resourceType: 'PractitionerRole', id: 'roleB', practitioner: { reference: 'Practitioner/prB' }, organization: { reference: 'Organization/orgB' } },
];

const CLIENTS: Record<string, { scopes: string; facility?: string }> = {
  reader: { scopes: 'system/Patient.rs system/Encounter.r' },
  patientOnly: { scopes: 'system/Patient.rs' },
  v1read: { scopes: 'system/Patient.read' },
  v1write: { scopes: 'system/Patient.write' },
  creator: { scopes: 'system/Patient.c' },
  facA: { scopes: 'system/*.cruds', facility: 'orgA' },
  facB: { scopes: 'system/*.cruds', facility: 'orgB' },
  lab: { scopes: 'system/Observation.rs?category=laboratory' },
  labelR: { scopes: 'system/Patient.rs hms/label.R', facility: 'orgA' },
  registry: { scopes: 'system/Practitioner.rs system/PractitionerRole.rs system/Location.rs' },
  registryTK: { scopes: 'system/Practitioner.rs system/PractitionerRole.rs system/Location.rs hms/label.conocimiento-protegido' },
};

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  const tx = await request(
    'POST',
    server.base,
    { resourceType: 'Bundle', type: 'transaction', entry: seed.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })) },
    bearer(adminToken),
  );
  if (tx.status !== 200) throw new Error(tx.text);
  for (const [id, c] of Object.entries(CLIENTS)) {
    const client = await newClient(id);
    await register(server.base, adminToken, client, c.scopes, c.facility ? { facility: c.facility } : {});
    tokens.set(id, await getToken(server.base, client));
  }
  tokens.set('admin', adminToken);
});
afterAll(async () => {
  await server?.stop();
});

const as = (who: string, method: string, path: string, body?: unknown) => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who) as string));
const newPatient = (org = 'orgA'): Json => ({ resourceType: 'Patient', managingOrganization: { reference: `Organization/${org}` } });

describe('scopes × interactions', () => {
  // writes of the matrix go to a third facility, so the facility tests below count only their own data
  const matrix: [string, string, string, number, unknown][] = [
    ['reader', 'GET', 'Patient/pA1', 200, undefined],
    ['reader', 'GET', 'Patient?_count=1', 200, undefined],
    ['reader', 'GET', 'Patient/pA1/_history', 200, undefined],
    ['reader', 'GET', 'Patient/pA1/_history/1', 200, undefined],
    ['reader', 'POST', 'Patient', 403, newPatient('orgC')],
    ['reader', 'PUT', 'Patient/pA2', 403, { ...newPatient('orgC'), id: 'pA2' }],
    ['reader', 'DELETE', 'Patient/pA3', 403, undefined],
    ['reader', 'GET', 'Encounter/eA1', 200, undefined],
    ['reader', 'GET', 'Encounter?_count=1', 403, undefined], // r without s
    ['reader', 'GET', 'Observation/oA1', 403, undefined],
    ['reader', 'GET', '_history', 403, undefined],
    ['reader', 'GET', '?_type=Patient,Observation', 403, undefined],
    ['reader', 'GET', '?_type=Patient&_count=1', 200, undefined],
    ['v1read', 'GET', 'Patient/pA1', 200, undefined],
    ['v1read', 'GET', 'Patient?_count=1', 200, undefined],
    ['v1read', 'POST', 'Patient', 403, newPatient('orgC')],
    ['v1write', 'GET', 'Patient/pA1', 403, undefined],
    ['v1write', 'POST', 'Patient', 201, newPatient('orgC')],
    ['creator', 'POST', 'Patient', 201, newPatient('orgC')],
    ['creator', 'GET', 'Patient/pA1', 403, undefined],
    ['creator', 'PUT', 'Patient/pA2', 403, { ...newPatient('orgC'), id: 'pA2' }],
    ['creator', 'PATCH', 'Patient/pA2', 403, [{ op: 'add', path: '/active', value: true }]],
  ];
  test.each(matrix)('%s %s /%s → %d', async (who, method, path, status, body) => {
    const r = await request(method, `${server.base}/${path}`, body, {
      ...bearer(tokens.get(who) as string),
      ...(method === 'PATCH' ? { 'Content-Type': 'application/json-patch+json' } : {}),
    });
    expect(r.status).toBe(status);
    if (status === 403) expectOutcome(r, 403, /does not allow/);
  });

  test('a transaction with one forbidden entry fails as a whole and writes nothing', async () => {
    const before = (await as('admin', 'GET', 'Patient?_summary=count')).json.total;
    const r = await as('reader', 'POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: 'Patient/pA1' } },
        { fullUrl: 'urn:uuid:1', resource: newPatient(), request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expectOutcome(r, 403);
    expect((await as('admin', 'GET', 'Patient?_summary=count')).json.total).toBe(before);
  });

  test('batch entries are authorized one by one', async () => {
    const r = await as('reader', 'POST', '', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: 'Patient/pA1' } },
        { resource: newPatient(), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Observation/oA1' } },
        { request: { method: 'DELETE', url: 'Patient/pA3' } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.entry.map((e: Json) => e.response.status.slice(0, 3))).toEqual(['200', '403', '403', '403']);
    expect((await as('admin', 'GET', 'Patient/pA3')).status).toBe(200);
  });

  test('_include and _revinclude return only types the token may read', async () => {
    const withEnc = await as('reader', 'GET', 'Patient?_id=pA1&_revinclude=Encounter:subject&_revinclude=Observation:subject');
    expect(withEnc.status).toBe(200);
    const inc = withEnc.json.entry.filter((e: Json) => e.search.mode === 'include').map((e: Json) => e.resource.resourceType);
    expect(inc).toEqual(['Encounter']); // Observations are not readable
    const only = await as('patientOnly', 'GET', 'Patient?_id=pA1&_revinclude=Encounter:subject');
    expect(only.json.entry.map((e: Json) => e.resource.id)).toEqual(['pA1']);
  });

  test('scope ?param=value restriction: system/Observation.rs?category=laboratory', async () => {
    const r = await as('lab', 'GET', 'Observation?_total=accurate');
    expect(ids(r.json).sort()).toEqual(['oA1', 'oB1']);
    expect(r.json.total).toBe(2);
    expect((await as('lab', 'GET', 'Observation/oA1')).status).toBe(200);
    expectOutcome(await as('lab', 'GET', 'Observation/oA2'), 404);
  });
});

describe('facility policies', () => {
  test('search: only facility A patients, correct totals and paging', async () => {
    const r = await as('facA', 'GET', 'Patient?_total=accurate&_count=2&_sort=_id');
    expect(r.status).toBe(200);
    // pAR (confidential) and pATK (protected traditional knowledge) need label permissions
    expect(r.json.total).toBe(3);
    const seen = ids(r.json);
    const next = r.json.link.find((l: Json) => l.relation === 'next');
    const page2 = await request('GET', next.url, undefined, bearer(tokens.get('facA') as string));
    seen.push(...ids(page2.json));
    expect(seen.filter((id) => ['pA1', 'pA2', 'pA3'].includes(id) || !id.startsWith('p')).length).toBe(seen.length);
    expect(seen).not.toContain('pB1');
    expect((await as('facA', 'GET', 'Patient?_summary=count')).json.total).toBe(3);
    expect(ids((await as('facB', 'GET', 'Patient')).json)).toEqual(['pB1']);
  });

  test('read, vread and instance history of facility B data: 404; type and system history: filtered', async () => {
    for (const path of ['Patient/pB1', 'Patient/pB1/_history/1', 'Patient/pB1/_history', 'Encounter/eB1', 'Observation/oB1', 'Appointment/apB', 'Practitioner/prB']) {
      expectOutcome(await as('facA', 'GET', path), 404);
    }
    for (const path of ['Patient/pA1', 'Encounter/eA1', 'Observation/oA1', 'Appointment/apA', 'Practitioner/prA']) expect((await as('facA', 'GET', path)).status).toBe(200);
    const typeHistory = await as('facA', 'GET', 'Patient/_history?_count=1000');
    expect(typeHistory.status).toBe(200);
    expect(typeHistory.json.entry.map((e: Json) => e.resource?.id)).not.toContain('pB1');
    expect(typeHistory.json.entry.map((e: Json) => e.resource?.id)).toContain('pA1');
    const systemHistory = await as('facA', 'GET', '_history?_count=1000');
    expect(systemHistory.status).toBe(200);
    const seen = systemHistory.json.entry.map((e: Json) => `${e.resource?.resourceType}/${e.resource?.id}`);
    for (const r of ['Patient/pB1', 'Encounter/eB1', 'Observation/oB1', 'Appointment/apB', 'Practitioner/prB', 'Patient/pAR']) expect(seen).not.toContain(r);
    for (const r of ['Patient/pA1', 'Encounter/eA1', 'Observation/oA1', 'Organization/orgB']) expect(seen).toContain(r);
  });

  test('searches through references (Location, encounter, PractitionerRole) stay inside the facility', async () => {
    expect(ids((await as('facA', 'GET', 'Encounter')).json).sort()).toEqual(['eA1', 'eA2']);
    expect(ids((await as('facA', 'GET', 'Observation')).json).sort()).toEqual(['oA1', 'oA2']);
    expect(ids((await as('facA', 'GET', 'Appointment')).json)).toEqual(['apA']);
    expect(ids((await as('facA', 'GET', 'Practitioner')).json)).toEqual(['prA']);
    expect(ids((await as('facB', 'GET', 'Observation')).json)).toEqual(['oB1']);
    expect(ids((await as('facA', 'GET', 'Observation?subject=Patient/pB1')).json)).toEqual([]);
  });

  test('includes never bring in facility B resources', async () => {
    // eA2 is facility A's encounter with facility B's patient: the patient is not included
    const r = await as('facA', 'GET', 'Encounter?_include=Encounter:subject&_include=Encounter:service-provider');
    const included = r.json.entry.filter((e: Json) => e.search.mode === 'include').map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(included.sort()).toEqual(['Organization/orgA', 'Patient/pA1']);
    const rev = await as('facA', 'GET', 'Patient?_id=pA1&_revinclude:iterate=Observation:subject&_revinclude=Encounter:subject');
    expect(ids(rev.json).sort()).toEqual(['eA1', 'oA1', 'oA2', 'pA1']);
  });

  test('writes: only inside the facility; outside targets are 404 and nothing changes', async () => {
    expect((await as('facA', 'POST', 'Patient', newPatient('orgA'))).status).toBe(201);
    expectOutcome(await as('facA', 'POST', 'Patient', newPatient('orgB')), 403, /outside/);
    expectOutcome(await as('facA', 'PUT', 'Patient/pB1', { ...newPatient('orgA'), id: 'pB1' }), 404);
    expectOutcome(await as('facA', 'DELETE', 'Patient/pB1'), 404);
    // moving an own patient to facility B is refused
    expectOutcome(await as('facA', 'PUT', 'Patient/pA3', { ...newPatient('orgB'), id: 'pA3' }), 403);
    // a conditional delete does not see facility B's patient
    await as('facA', 'DELETE', 'Patient?identifier=urn:t|b1');
    const b1 = await as('admin', 'GET', 'Patient/pB1');
    expect(b1.status).toBe(200);
    expect(b1.json.meta.versionId).toBe('1');
    expect((await as('admin', 'GET', 'Patient/pA3')).json.managingOrganization.reference).toBe('Organization/orgA');
  });

  test('a transaction that touches facility B data fails as a whole', async () => {
    const r = await as('facA', 'POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...newPatient('orgA'), id: 'pA2', active: true }, request: { method: 'PUT', url: 'Patient/pA2' } },
        { resource: { ...newPatient('orgA'), id: 'pB1', active: true }, request: { method: 'PUT', url: 'Patient/pB1' } },
      ],
    });
    expectOutcome(r, 404);
    expect((await as('admin', 'GET', 'Patient/pA2')).json.active).toBeUndefined();
  });
});

describe('protected security labels', () => {
  test('confidential (R) and protected traditional knowledge need matching permission scopes', async () => {
    expectOutcome(await as('facA', 'GET', 'Patient/pAR'), 404);
    expectOutcome(await as('facA', 'GET', 'Patient/pATK'), 404);
    expect((await as('labelR', 'GET', 'Patient/pAR')).status).toBe(200);
    expectOutcome(await as('labelR', 'GET', 'Patient/pATK'), 404);
    expect(ids((await as('labelR', 'GET', 'Patient?_sort=_id')).json)).toContain('pAR');
    expect(ids((await as('admin', 'GET', 'Patient?_id=pAR,pATK')).json).sort()).toEqual(['pAR', 'pATK']);
    // writing a label one may not read is refused
    expectOutcome(await as('facA', 'POST', 'Patient', { ...newPatient('orgA'), meta: { security: [CONF_R] } }), 403);
  });
});

describe('protected traditional knowledge in the healers\' registry', () => {
  const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
  const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
  const specialty = { coding: [{ system: `${CS}py-especialidad-medicina-tradicional`, code: 'medico-tradicional-indigena' }] };
  const healer = (id: string, label: boolean): Json => ({
    resourceType: 'Practitioner',
    id,
    ...(label ? { meta: { security: [TK] } } : {}),
    extension: [{
      url: `${SD}py-medicina-tradicional`,
      extension: [
        { url: 'especialidad', valueCodeableConcept: specialty },
        { url: 'comunidad', valueString: 'Comunidad Ñu Apu\'a' },
        { url: 'reconocimiento', valueCoding: { system: `${CS}py-tipo-reconocimiento`, code: 'comunidad' } },
        { url: 'conocimientoProtegido', valueBoolean: label },
      ],
    }],
    name: [{ family: id }],
  });
  const role = (id: string, practitioner: string, label: boolean): Json => ({
    resourceType: 'PractitionerRole', id, ...(label ? { meta: { security: [TK] } } : {}),
    practitioner: { reference: `Practitioner/${practitioner}` }, location: [{ reference: 'Location/locTK' }], specialty: [specialty],
  });
  const covered = async (who: string): Promise<number> => {
    const r = await as(who, 'GET', 'Practitioner/$healer-coverage?department=16&specialty=medico-tradicional-indigena');
    expect(r.status).toBe(200);
    const row = r.json.parameter.find((p: Json) => p.name === 'district' && p.part[0].valueCoding.code === '1602');
    return row.part.find((p: Json) => p.name === 'specialty').part[1].valueInteger;
  };

  test('a labelled healer and role are hidden from read, search, include, history and $healer-coverage without the permission', async () => {
    await as('admin', 'PUT', 'Location/locTK', {
      resourceType: 'Location', id: 'locTK', name: 'Comunidad Ñu Apu\'a',
      address: { extension: [{ url: `${SD}py-distrito`, valueCoding: { system: `${CS}py-distrito`, code: '1602' } }] },
    });
    for (const r of [healer('hlOpen', false), healer('hlTK', true), role('rlOpen', 'hlOpen', false), role('rlTK', 'hlTK', true)]) {
      const put = await as('admin', 'PUT', `${r.resourceType}/${r.id}`, r);
      expect([put.status, put.status === 201 ? '' : put.text]).toEqual([201, '']);
    }
    expectOutcome(await as('registry', 'GET', 'Practitioner/hlTK'), 404);
    expect((await as('registryTK', 'GET', 'Practitioner/hlTK')).status).toBe(200);
    const bySpecialty = 'Practitioner?especialidad-tradicional=medico-tradicional-indigena&_sort=_id';
    expect(ids((await as('registry', 'GET', bySpecialty)).json)).toEqual(['hlOpen']);
    expect(ids((await as('registryTK', 'GET', bySpecialty)).json)).toEqual(['hlOpen', 'hlTK']);
    const included = async (who: string): Promise<string[]> =>
      ((await as(who, 'GET', 'PractitionerRole?location=Location/locTK&_include=PractitionerRole:practitioner')).json.entry ?? []).map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    expect(await included('registry')).toEqual(['Practitioner/hlOpen', 'PractitionerRole/rlOpen']);
    expect(await included('registryTK')).toEqual(['Practitioner/hlOpen', 'Practitioner/hlTK', 'PractitionerRole/rlOpen', 'PractitionerRole/rlTK']);
    expectOutcome(await as('registry', 'GET', 'Practitioner/hlTK/_history'), 404);
    expect((await as('registryTK', 'GET', 'Practitioner/hlTK/_history')).json.entry).toHaveLength(1);
    const typeHistory = async (who: string): Promise<string[]> => ((await as(who, 'GET', 'Practitioner/_history?_count=500')).json.entry ?? []).map((e: Json) => e.resource?.id);
    expect(await typeHistory('registry')).not.toContain('hlTK');
    expect(await typeHistory('registryTK')).toContain('hlTK');
    // the coverage counts only the healers the requester may see
    expect(await covered('registry')).toBe(1);
    expect(await covered('registryTK')).toBe(2);
  });
});
