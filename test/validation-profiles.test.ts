import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { COLORS, errorsOf, goodTestPatient, issueLines, SD, TEST_PACKAGE } from './validation/cases.js';

/**
 * The profile checks @medplum/core leaves out, through $validate and create, against the hand-written test
 * package (test/fixtures/validation-package) loaded with FHIR_PACKAGES.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ FHIR_PACKAGES: TEST_PACKAGE });
});
afterAll(async () => {
  await server?.stop();
});

async function validate(resource: unknown, lang = 'en'): Promise<string[]> {
  const r = await request('POST', `${server.base}/Patient/$validate`, resource, { 'Accept-Language': lang });
  expect(r.status).toBe(200);
  expect(r.json.resourceType).toBe('OperationOutcome');
  return issueLines(r.json);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function variant(change: (p: Record<string, any>) => void): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = goodTestPatient() as Record<string, any>;
  change(p);
  return p;
}

test('a conforming Patient validates with no error and is created', async () => {
  const lines = await validate(goodTestPatient());
  expect(lines.filter((l) => !l.startsWith('information'))).toEqual([]);
  const created = await request('POST', `${server.base}/Patient`, goodTestPatient());
  expect(created.status).toBe(201);
});

test('slice contents: invariant, pattern and closed slicing inside identifier slices', async () => {
  const lines = await validate(variant((p) => (p.identifier = [{ use: 'usual', system: 'http://example.org/dni', value: '12a' }, { system: 'http://example.org/other', value: 'x' }])));
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Patient\.identifier\[0\]\|.*tp-dni/),
    expect.stringMatching(/^error\|Patient\.identifier\[0\]\.use\|.*pattern/),
    expect.stringMatching(/^error\|Patient\.identifier\[1\]\|.*closed/),
  ]));
});

test('maxLength of a slice child', async () => {
  const lines = await validate(variant((p) => (p.identifier[0].value = '12345678901')));
  expect(lines).toEqual([expect.stringMatching(/^error\|Patient\.identifier\[0\]\.value\|The value is longer than the 10 characters allowed \(11\)/)]);
});

test('slice cardinality and slice child cardinality', async () => {
  const two = await validate(variant((p) => p.identifier.push({ system: 'http://example.org/dni', value: '9' })));
  expect(two).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.identifier\|Slice 'dni' of Patient\.identifier: expected 0\.\.1 values, found 2/)]));
  const noValue = await validate(variant((p) => (p.identifier = [{ system: 'http://example.org/dni' }])));
  expect(noValue).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.identifier\[0\]\.value\|Patient\.identifier:dni\.value: expected 1\.\.1 values, found 0/)]));
});

test('extensions are validated against their own definitions (value type, invariant, sub-extensions, closed sub-slicing, bindings)', async () => {
  const wrongType = await validate(variant((p) => (p.extension[0] = { url: `${SD}nickname`, valueInteger: 3 })));
  expect(wrongType).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.extension\[0\]\.value\.ofType\(integer\)\|Extension\.value\[x\]: type integer is not allowed/)]));
  const tooLong = await validate(variant((p) => (p.extension[0] = { url: `${SD}nickname`, valueString: 'x'.repeat(30) })));
  expect(tooLong).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.extension\[0\]\|Constraint nick-1 failed/)]));
  const complex = await validate(variant((p) => (p.extension[1].extension = [{ url: 'country', valueCoding: { system: COLORS, code: 'blue' } }, { url: 'bogus', valueDate: '2001-01-01' }])));
  expect(complex).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Patient\.extension\[1\]\.extension\[0\]\.value\.ofType\(Coding\)\|The code .*#blue is not in the required value set/),
    expect.stringMatching(/^error\|Patient\.extension\[1\]\.extension\[1\]\|.*closed/),
  ]));
  const missingSub = await validate(variant((p) => (p.extension[1].extension = [{ url: 'since', valueDate: '2001-01-01' }])));
  expect(missingSub).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.extension\[1\]\.extension\|Slice 'country'/)]));
});

test('an extension used outside any slice is still checked against its definition', async () => {
  const r = await request('POST', `${server.base}/Observation/$validate`, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [{ url: `${SD}nickname`, valueBoolean: true }] });
  expect(r.status).toBe(200);
  expect(errorsOf(r.json)).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Observation\.extension\[0\]\.value\.ofType\(boolean\)\|Extension\.value\[x\]: type boolean is not allowed/)]));
});

test('bindings: required is an error (profile and inside datatypes), extensible a warning, unknown value set a warning', async () => {
  const lines = await validate(variant((p) => {
    p.maritalStatus = { coding: [{ system: COLORS, code: 'blue' }] };
    p.communication = [{ language: { coding: [{ system: COLORS, code: 'blue' }] } }];
    p.name = [{ family: 'A', use: 'apodo' }];
    p.contact = [{ name: { family: 'B' }, relationship: [{ coding: [{ system: 'http://snomed.info/sct', code: '1' }] }] }];
  }));
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Patient\.maritalStatus\|The code .*#blue is not in the required value set .*test-warm/),
    expect.stringMatching(/^warning\|Patient\.communication\[0\]\.language\|The code .*#blue is not in the extensible value set/),
    expect.stringMatching(/^error\|Patient\.name\[0\]\.use\|The code apodo is not in the required value set http:\/\/hl7\.org\/fhir\/ValueSet\/name-use/),
    expect.stringMatching(/^warning\|Patient\.contact\[0\]\.relationship\[0\]\|The code http:\/\/snomed\.info\/sct#1 could not be checked/),
  ]));
  expect(lines.filter((l) => l.includes('relationship') && l.startsWith('error'))).toEqual([]);
});

test('base required bindings are enforced without any profile (gender "masculino")', async () => {
  const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', gender: 'masculino' });
  expect(r.status).toBe(422);
  expect(errorsOf(r.json)).toEqual([expect.stringMatching(/^error\|Patient\.gender\|.*masculino.*administrative-gender/)]);
});

test('invariants: warning severity is a warning, errors at nested levels are errors', async () => {
  const lines = await validate(variant((p) => delete p.telecom));
  expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^warning\|Patient\|Constraint tp-1 failed/)]));
  expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
  const created = await request('POST', `${server.base}/Patient`, variant((p) => delete p.telecom));
  expect(created.status).toBe(201);
});

test('targetProfile: contained and stored targets must conform to the local profile; wrong target types are errors', async () => {
  const bare = await request('POST', `${server.base}/Practitioner`, { resourceType: 'Practitioner', name: [{ family: 'Sin identificador' }] });
  expect(bare.status).toBe(201);
  const good = await request('POST', `${server.base}/Practitioner`, { resourceType: 'Practitioner', identifier: [{ system: 'urn:x', value: '1' }] });
  expect(good.status).toBe(201);
  const lines = await validate(variant((p) => {
    p.contained = [{ resourceType: 'Practitioner', id: 'p1' }];
    p.generalPractitioner = [{ reference: '#p1' }, { reference: `Practitioner/${bare.json.id}` }, { reference: `Practitioner/${good.json.id}` }, { reference: 'Patient/x' }];
  }));
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Patient\.generalPractitioner\[0\]\.reference\|Reference #p1 points to a resource that does not conform/),
    expect.stringMatching(/^error\|Patient\.generalPractitioner\[1\]\.reference\|Reference Practitioner\/.* does not conform/),
    expect.stringMatching(/^error\|Patient\.generalPractitioner\[3\]\.reference\|Reference Patient\/x must point to Practitioner, Organization/),
  ]));
  expect(lines.filter((l) => l.includes('generalPractitioner[2]'))).toEqual([]);
});

test('create of a resource claiming a profile answers 422 listing every issue with its expression', async () => {
  const r = await request('POST', `${server.base}/Patient`, variant((p) => {
    p.gender = 'masculino';
    p.identifier = [{ system: 'http://example.org/dni', value: 'abc' }];
    p.extension = [{ url: `${SD}nickname`, valueInteger: 1 }];
  }));
  expect(r.status).toBe(422);
  const errors = errorsOf(r.json);
  expect(errors.length).toBeGreaterThanOrEqual(3);
  expect(errors).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Patient\.gender\|/),
    expect.stringMatching(/^error\|Patient\.identifier\[0\]\|.*tp-dni/),
    expect.stringMatching(/^error\|Patient\.extension\[0\]\.value\.ofType\(integer\)\|/),
  ]));
  const search = await request('GET', `${server.base}/Patient?gender=masculino`);
  expect(search.json.total ?? search.json.entry?.length ?? 0).toBe(0);
});

test('messages in Spanish with Accept-Language: es', async () => {
  const lines = await validate(variant((p) => (p.maritalStatus = { coding: [{ system: COLORS, code: 'blue' }] })), 'es');
  expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.maritalStatus\|El código .*#blue no está en el conjunto de valores required/)]));
  const base = await validate({ resourceType: 'Patient', colour: 'red', gender: 'masculino' }, 'es');
  expect(base).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Patient\.colour\|Patient\.colour: Propiedad adicional inválida "colour"/),
    expect.stringMatching(/^error\|Patient\.gender\|El código masculino no está en el conjunto de valores required/),
  ]));
  const ok = await request('POST', `${server.base}/Patient/$validate`, goodTestPatient(), { 'Accept-Language': 'es' });
  expect(issueLines(ok.json)).toEqual(['information||Validación correcta: no se encontraron problemas']);
});

test('a StructureDefinition stored through the API is usable as a profile at once', async () => {
  const profile = {
    resourceType: 'StructureDefinition',
    url: `${SD}stored-device`,
    name: 'StoredDevice',
    status: 'active',
    kind: 'resource',
    abstract: false,
    type: 'Device',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Device',
    derivation: 'constraint',
    snapshot: { element: [{ id: 'Device', path: 'Device', definition: 'A device', min: 0, max: '*', base: { path: 'Device', min: 0, max: '*' } }, { id: 'Device.serialNumber', path: 'Device.serialNumber', definition: 'Serial number', min: 1, max: '1', base: { path: 'Device.serialNumber', min: 0, max: '1' }, type: [{ code: 'string' }] }] },
  };
  expect((await request('POST', `${server.base}/StructureDefinition`, profile)).status).toBe(201);
  const bad = await request('POST', `${server.base}/Device`, { resourceType: 'Device', meta: { profile: [`${SD}stored-device`] } });
  expect(bad.status).toBe(422);
  expect(errorsOf(bad.json)).toEqual([expect.stringMatching(/^error\|Device\.serialNumber\|Device\.serialNumber: expected 1\.\.1 values, found 0/)]);
  const good = await request('POST', `${server.base}/Device`, { resourceType: 'Device', meta: { profile: [`${SD}stored-device`] }, serialNumber: 'S1' });
  expect(good.status).toBe(201);
});

test('minValue and maxValue: integers, dates and quantities outside the limits are errors', async () => {
  const el = (path: string, extra: Record<string, unknown>, type: string): Record<string, unknown> => ({
    id: path, path, definition: path, min: 0, max: '1', base: { path, min: 0, max: '1' }, type: [{ code: type }], ...extra,
  });
  const profile = {
    resourceType: 'StructureDefinition',
    url: `${SD}limited-observation`,
    name: 'LimitedObservation',
    status: 'active',
    kind: 'resource',
    abstract: false,
    type: 'Observation',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
    derivation: 'constraint',
    snapshot: {
      element: [
        { id: 'Observation', path: 'Observation', definition: 'Observation', min: 0, max: '*', base: { path: 'Observation', min: 0, max: '*' } },
        el('Observation.issued', { minValueInstant: '2020-01-01T00:00:00Z' }, 'instant'),
        el('Observation.value[x]', { maxValueQuantity: { value: 45, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' } }, 'Quantity'),
        { ...el('Observation.component', {}, 'BackboneElement'), max: '*', base: { path: 'Observation.component', min: 0, max: '*' } },
        el('Observation.component.code', {}, 'CodeableConcept'),
        el('Observation.component.value[x]', { minValueInteger: 0, maxValueInteger: 10 }, 'integer'),
      ],
    },
  };
  expect((await request('POST', `${server.base}/StructureDefinition`, profile)).status).toBe(201);
  const obs = (issued: string, temp: number, score: number): Record<string, unknown> => ({
    resourceType: 'Observation',
    meta: { profile: [`${SD}limited-observation`] },
    status: 'final',
    code: { text: 'temperature' },
    issued,
    valueQuantity: { value: temp, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
    component: [{ code: { text: 'score' }, valueInteger: score }],
  });
  const good = await request('POST', `${server.base}/Observation`, obs('2024-05-01T10:00:00Z', 37.5, 3));
  expect(good.status).toBe(201);
  const bad = await request('POST', `${server.base}/Observation/$validate`, obs('2019-12-31T23:00:00Z', 46, 11));
  const lines = issueLines(bad.json);
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(/^error\|Observation\.issued\|The value "2019-12-31T23:00:00Z" is below the minimum 2020-01-01T00:00:00Z/),
    expect.stringMatching(/^error\|Observation\.value\.ofType\(Quantity\)\|The value .* is above the maximum 45 Cel/),
    expect.stringMatching(/^error\|Observation\.component\[0\]\.value\.ofType\(integer\)\|The value 11 is above the maximum 10/),
  ]));
});

test('an unknown claimed profile is a warning: the write is accepted and $validate reports it', async () => {
  const resource = { resourceType: 'Patient', meta: { profile: ['http://example.org/fhir/StructureDefinition/nobody-knows'] } };
  expect((await request('POST', `${server.base}/Patient`, resource)).status).toBe(201);
  const lines = await validate(resource);
  expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^warning\|Patient\|Profile .*nobody-knows is not known/)]));
  expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
});

test('inside a transaction, targetProfile sees the resources the transaction writes before', async () => {
  const bundle = (identifier?: unknown[]): unknown => ({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:4b8f1d3e-1111-4c3e-9a59-000000000001', resource: { resourceType: 'Practitioner', identifier }, request: { method: 'POST', url: 'Practitioner' } },
      {
        resource: { ...goodTestPatient(), generalPractitioner: [{ reference: 'urn:uuid:4b8f1d3e-1111-4c3e-9a59-000000000001' }] },
        request: { method: 'POST', url: 'Patient' },
      },
    ],
  });
  const ok = await request('POST', server.base, bundle([{ system: 'urn:x', value: '7' }]));
  expect(ok.status).toBe(200);
  const bad = await request('POST', server.base, bundle());
  expect(bad.status).toBe(422);
  // the bundle reports the entry; the staged Practitioner (no identifier) was read and judged
  expect(errorsOf(bad.json).join('\n')).toMatch(/Entry 1: .*Reference Practitioner\/[0-9a-f-]+ points to a resource that does not conform to .*test-practitioner/);
});
