import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { CEDULA, errorsOf, issueLines, PY_PATIENT, pyPatient, TEST_PACKAGE } from './validation/cases.js';

/**
 * $validate per the R4 spec (type and instance level; resource, mode, profile; bare resource body), the IPS
 * package, and REQUIRED_PROFILES (every Patient must be a PYPatient here).
 */
const IPS = 'http://hl7.org/fhir/uv/ips/StructureDefinition/';
const IPS_EXAMPLES = resolve(process.cwd(), 'node_modules/hl7.fhir.uv.ips/example');
function ipsExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${IPS_EXAMPLES}/${name}`, 'utf8')) as Record<string, unknown>;
}
function params(...parts: Record<string, unknown>[]): Record<string, unknown> {
  return { resourceType: 'Parameters', parameter: parts };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ FHIR_PACKAGES: TEST_PACKAGE, REQUIRED_PROFILES: `Patient=${PY_PATIENT}` });
});
afterAll(async () => {
  await server?.stop();
});

describe('$validate', () => {
  test('type level with a Parameters body: 200 and an information issue when all is well', async () => {
    const r = await request('POST', `${server.base}/Patient/$validate`, params({ name: 'resource', resource: pyPatient() }));
    expect(r.status).toBe(200);
    expect(r.json.resourceType).toBe('OperationOutcome');
    expect(issueLines(r.json)).toEqual(['information||Validation successful: no issues found']);
  });

  test('a bare resource body is accepted; an invalid one gives 200 with every error', async () => {
    const bad = { ...pyPatient('12.345.678'), gender: 'masculino', birthDate: undefined };
    const r = await request('POST', `${server.base}/Patient/$validate`, bad);
    expect(r.status).toBe(200);
    expect(errorsOf(r.json)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error\|Patient\.identifier\[0\]\|.*py-ci-1/),
      expect.stringMatching(/^error\|Patient\.gender\|/),
      expect.stringMatching(/^error\|Patient\.birthDate\|Patient\.birthDate: expected 1\.\.1 values, found 0/),
    ]));
  });

  test('the profile parameter validates against that profile only; an unknown profile is a 400', async () => {
    const plain = { resourceType: 'Patient', name: [{ family: 'X' }] };
    const asPy = await request('POST', `${server.base}/Patient/$validate`, params({ name: 'resource', resource: plain }, { name: 'profile', valueCanonical: PY_PATIENT }));
    expect(errorsOf(asPy.json)).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.identifier\|Patient\.identifier: expected 1\.\.\* values, found 0/)]));
    const asIps = await request('POST', `${server.base}/Patient/$validate?profile=${encodeURIComponent(`${IPS}Patient-uv-ips`)}`, plain);
    expect(asIps.status).toBe(200);
    expect(errorsOf(asIps.json)).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.birthDate\|Patient\.birthDate/)]));
    expect(errorsOf(asIps.json).some((l) => l.includes('identifier'))).toBe(false);
    const unknown = await request('POST', `${server.base}/Patient/$validate`, params({ name: 'resource', resource: plain }, { name: 'profile', valueCanonical: 'http://example.org/none' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.issue[0].code).toBe('not-found');
  });

  test('instance level: validates the stored resource or the given one; mode update checks the id; mode delete needs an existing resource', async () => {
    const created = await request('POST', `${server.base}/Patient`, pyPatient());
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const stored = await request('GET', `${server.base}/Patient/${id}/$validate`);
    expect(stored.status).toBe(200);
    expect(errorsOf(stored.json)).toEqual([]);
    const update = await request('POST', `${server.base}/Patient/${id}/$validate`, params({ name: 'resource', resource: { ...pyPatient(), id: 'other' } }, { name: 'mode', valueCode: 'update' }));
    expect(update.status).toBe(200);
    expect(errorsOf(update.json)).toEqual([expect.stringMatching(/^error\|Patient\.id\|/)]);
    const okUpdate = await request('POST', `${server.base}/Patient/${id}/$validate`, params({ name: 'resource', resource: { ...pyPatient(), id } }, { name: 'mode', valueCode: 'update' }));
    expect(errorsOf(okUpdate.json)).toEqual([]);
    const del = await request('POST', `${server.base}/Patient/${id}/$validate`, params({ name: 'mode', valueCode: 'delete' }));
    expect(del.status).toBe(200);
    expect(errorsOf(del.json)).toEqual([]);
    expect((await request('POST', `${server.base}/Patient/nope/$validate`, params({ name: 'mode', valueCode: 'delete' }))).status).toBe(404);
  });

  test('bad requests: unknown mode, update at type level, no resource, wrong type', async () => {
    expect((await request('POST', `${server.base}/Patient/$validate`, params({ name: 'resource', resource: pyPatient() }, { name: 'mode', valueCode: 'merge' }))).status).toBe(400);
    expect((await request('POST', `${server.base}/Patient/$validate`, params({ name: 'resource', resource: pyPatient() }, { name: 'mode', valueCode: 'update' }))).status).toBe(400);
    expect((await request('POST', `${server.base}/Patient/$validate`, params())).status).toBe(400);
    expect((await request('POST', `${server.base}/Observation/$validate`, pyPatient())).status).toBe(400);
  });

  test('the CapabilityStatement lists $validate and the required profile', async () => {
    const cs = await request('GET', `${server.base}/metadata`);
    const patient = cs.json.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.profile).toBe(PY_PATIENT);
    expect(patient.operation.map((o: { name: string }) => o.name)).toContain('validate');
  });
});

describe('REQUIRED_PROFILES', () => {
  test('a Patient that is not a PYPatient is rejected with 422, in Spanish when asked', async () => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'X' }], gender: 'male' }, { 'Accept-Language': 'es' });
    expect(r.status).toBe(422);
    expect(errorsOf(r.json)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error\|Patient\.identifier\|Patient\.identifier: se esperaban 1\.\.\* valores, hay 0/),
      expect.stringMatching(/^error\|Patient\.birthDate\|Patient\.birthDate: se esperaban 1\.\.1 valores/),
    ]));
  });

  test('a non-numeric cédula is rejected on create and on update; a valid PYPatient is stored', async () => {
    const bad = await request('POST', `${server.base}/Patient`, pyPatient('1.234.567'));
    expect(bad.status).toBe(422);
    expect(errorsOf(bad.json)).toEqual([expect.stringMatching(/^error\|Patient\.identifier\[0\]\|Constraint py-ci-1 failed/)]);
    const good = await request('POST', `${server.base}/Patient`, { ...pyPatient(), meta: undefined });
    expect(good.status).toBe(201);
    const id = good.json.id as string;
    const upd = await request('PUT', `${server.base}/Patient/${id}`, { ...pyPatient('A1'), id });
    expect(upd.status).toBe(422);
    const read = await request('GET', `${server.base}/Patient/${id}`);
    expect(read.json.identifier[0]).toEqual({ system: CEDULA, value: '4567890' });
  });

  test('other types are not forced', async () => {
    expect((await request('POST', `${server.base}/Organization`, { resourceType: 'Organization', name: 'USF' })).status).toBe(201);
  });
});

describe('IPS package (hl7.fhir.uv.ips 2.0.0)', () => {
  test('IPS example Patient validates against Patient-uv-ips; without birthDate it fails', async () => {
    const patient = ipsExample('Patient-66033.json');
    const ok = await request('POST', `${server.base}/Patient/$validate?profile=${encodeURIComponent(`${IPS}Patient-uv-ips`)}`, patient);
    expect(errorsOf(ok.json)).toEqual([]);
    const { birthDate: _b, ...noBirth } = patient;
    const bad = await request('POST', `${server.base}/Patient/$validate?profile=${encodeURIComponent(`${IPS}Patient-uv-ips`)}`, noBirth);
    expect(errorsOf(bad.json)).toEqual(expect.arrayContaining([expect.stringMatching(/^error\|Patient\.birthDate\|Patient\.birthDate: expected 1\.\.1/)]));
  });

  test('IPS example Bundle validates against Bundle-uv-ips (entry slices by profile); without its Composition it fails', async () => {
    const bundle = ipsExample('Bundle-bundle-minimal.json') as { entry: { resource: { resourceType: string } }[] };
    const ok = await request('POST', `${server.base}/Bundle/$validate`, bundle);
    expect(ok.status).toBe(200);
    expect(errorsOf(ok.json)).toEqual([]);
    const broken = { ...bundle, entry: bundle.entry.filter((e) => e.resource.resourceType !== 'Composition') };
    const bad = await request('POST', `${server.base}/Bundle/$validate`, broken);
    expect(errorsOf(bad.json)).toEqual(expect.arrayContaining([expect.stringMatching(/composition/i)]));
  });
});
