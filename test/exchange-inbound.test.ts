import type { Bundle } from '@medplum/fhirtypes';
import { request, type Reply } from './helpers/http.js';
import { EST, keyExtension, newKey, PARTNER_BASE, person, referralMessage, signed, type MessageOptions, type TestKey } from './helpers/partner-messages.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, unique, type Json } from './rest-util.js';

/**
 * POST [base]/$process-message over HTTP, as a partner facility sends it: a partner (Organization + Endpoint
 * with its public keys) registered here, messages built and signed by the tests (canonical JSON and detached
 * JWS written in helpers/partner-messages.ts, independently of the server's code). Accepted → Patient,
 * ServiceRequest, Task for the receiving facility, Provenance, AuditEvent; a resend answers the same and stores
 * nothing; unsigned, tampered, untrusted key, unknown source and invalid content are refused with nothing
 * stored; keys rotate; patients match by (foreign) identifier, by score, or open a review Task; a partner's
 * local code is translated.
 */
const DNI = 'http://www.renaper.gob.ar/dni';
const CNS = 'https://saude.gov.br/fhir/sid/cns';
const LOCAL_CODES = 'https://fhir.hospital-posadas.example.ar/CodeSystem/especialidades';
const PY_TARGET = 'https://fhir.mspbs.gov.py/CodeSystem/py-especialidad-medicina-tradicional';

let server: TestServer;
let template: Bundle; // an IPS document made by the server's own $summary, its Patient replaced per message
let facility: string;
let partnerOrg: string;
let endpoint: Json;

const keyA = newKey('posadas-2026-01');
const keyB = newKey('posadas-2026-07');
const stranger = newKey('posadas-2026-01-stolen');

const url = (path: string): string => `${server.base}/${path}`;
async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text.slice(0, 3000)}`);
  return res.json;
}
const create = async (r: Json): Promise<string> => (await ok(request('POST', url(r.resourceType), r))).id as string;
const search = async (q: string): Promise<Json[]> => ((await ok(request('GET', url(q)), 200)).entry ?? []).map((e: Json) => e.resource);
const count = async (type: string): Promise<number> => (await ok(request('GET', url(`${type}?_summary=count`)), 200)).total as number;
const counts = async (): Promise<number[]> => Promise.all(['Patient', 'ServiceRequest', 'Task', 'Provenance', 'Bundle'].map(count));
const post = (b: unknown): Promise<Reply> => request('POST', url('$process-message'), b);

/** A referral message to this server, signed with o.key (keyA when not given). */
const message = (o: Omit<MessageOptions, 'template' | 'destination' | 'key'> & { key?: TestKey }): Json =>
  referralMessage({ ...o, template, destination: server.base, key: o.key ?? keyA });
const entry = (m: Json, type: string): Json => m.entry.find((e: Json) => e.resource.resourceType === type).resource;
/** The Task imported for a message (by the partner's Task identifier). */
async function importedTask(m: Json): Promise<Json> {
  const id = entry(m, 'Task').identifier[0];
  const found = await search(`Task?identifier=${encodeURIComponent(`${id.system}|${id.value}`)}`);
  expect(found).toHaveLength(1);
  return found[0];
}
async function setKeys(...keys: TestKey[]): Promise<void> {
  endpoint = await ok(request('PUT', url(`Endpoint/${endpoint.id}`), { ...endpoint, meta: undefined, extension: keys.map(keyExtension) }), 200);
}

beforeAll(async () => {
  server = await startTestServer();
  facility = await create({ resourceType: 'Organization', identifier: [{ system: EST, value: '11014101' }], name: 'Hospital General de San Lorenzo', active: true });
  partnerOrg = await create({ resourceType: 'Organization', identifier: [{ system: 'https://sisa.msal.gov.ar/REFES', value: '10060702' }], name: 'Hospital Posadas', active: true, address: [{ country: 'AR' }] });
  endpoint = await ok(request('POST', url('Endpoint'), {
    resourceType: 'Endpoint',
    meta: { profile: ['https://fhir.mspbs.gov.py/StructureDefinition/py-endpoint-socio'] },
    extension: [keyExtension(keyA)],
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' },
    managingOrganization: { reference: `Organization/${partnerOrg}` },
    payloadType: [{ text: 'referral' }],
    address: PARTNER_BASE,
  }));
  // The IPS document of a patient with no data, from the server's own $summary; the patient is removed again.
  const tmp = await create(person('Plantilla', 'Documento', '1950-01-01', 'female', [{ system: DNI, value: unique('tpl') }]));
  template = await ok(request('GET', url(`Patient/${tmp}/$summary`)), 200);
  await ok(request('DELETE', url(`Patient/${tmp}`)), 200, 204);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

test('accepted: Patient, ServiceRequest, Task for the receiving facility, IPS document, Provenance and AuditEvent; a resend answers the same', async () => {
  const dni = unique('30');
  const m = message({ patient: person('Benítez', 'Ana María', '1990-03-04', 'female', [{ system: DNI, value: dni }]) });
  const before = await counts();
  const res = await ok(post(m), 200);
  expect(res.resourceType).toBe('Bundle');
  expect(res.type).toBe('message');
  expect(res.signature?.sigFormat).toBe('application/jose');
  const header = res.entry[0].resource;
  expect(header.resourceType).toBe('MessageHeader');
  expect(header.response).toEqual({ identifier: entry(m, 'MessageHeader').id, code: 'ok' });
  expect(header.destination[0].endpoint).toBe(PARTNER_BASE);
  expect(await counts()).toEqual(before.map((n, i) => n + [1, 1, 1, 1, 1][i]));

  const [patient] = await search(`Patient?identifier=${DNI}|${dni}`);
  expect(patient.name[0].family).toBe('Benítez');
  const task = await importedTask(m);
  expect(task.owner.reference).toBe(`Organization/${facility}`);
  expect(task.for.reference).toBe(`Patient/${patient.id}`);
  expect(task.requester.reference).toBe(`Organization/${partnerOrg}`);
  expect(header.focus[0].reference).toBe(`${server.base}/Task/${task.id}`);
  const sr = (await ok(request('GET', url(task.focus.reference)), 200)) as Json;
  expect(sr.subject.reference).toBe(`Patient/${patient.id}`);
  const doc = (await ok(request('GET', url(sr.supportingInfo[0].reference)), 200)) as Json;
  expect(doc.type).toBe('document');
  const [prov] = await search(`Provenance?target=Task/${task.id}`);
  const targets = prov.target.map((t: Json) => t.reference.replace(/\/_history\/\d+$/, ''));
  expect(targets).toEqual(expect.arrayContaining([`Patient/${patient.id}`, `Task/${task.id}`, `ServiceRequest/${sr.id}`, `Bundle/${doc.id}`]));
  expect(prov.agent[0].who.reference).toBe(`Organization/${partnerOrg}`);
  expect(prov.entity[0].what.identifier.value).toBe(m.identifier.value);
  const audits = (await search(`AuditEvent?entity=Task/${task.id}`)).filter((a: Json) => a.type.code === '110107');
  expect(audits).toHaveLength(1);
  expect(audits[0].outcome).toBe('0');

  // a resend of the same message: the same answer, nothing more stored
  const after = await counts();
  const auditsBefore = await count('AuditEvent');
  expect(await ok(post(m), 200)).toEqual(res);
  expect(await counts()).toEqual(after);
  expect(await count('AuditEvent')).toBe(auditsBefore);
});

test('refused with nothing stored: unsigned (400), tampered (400), key not on the Endpoint (403), unknown source (403); each audited', async () => {
  const p = (): Json => person('Rojas', 'Carlos', '1975-07-08', 'male', [{ system: DNI, value: unique('31') }]);
  const before = await counts();
  const audits = await count('AuditEvent');

  const unsigned = message({ patient: p() });
  delete unsigned.signature;
  expectOutcome(await post(unsigned), 400, /not signed/);

  const tampered = message({ patient: p() });
  entry(tampered, 'Patient').birthDate = '1976-07-08'; // one field changed after signing
  expectOutcome(await post(tampered), 400, /does not verify/);

  const docTampered = message({ patient: p() });
  const inner = entry(docTampered, 'Bundle');
  inner.timestamp = '2020-01-01T00:00:00Z';
  const resigned = signed({ ...docTampered }, keyA); // the outer signature is right, the document's is not
  expectOutcome(await post(resigned), 400, /IPS document.*does not verify/);

  expectOutcome(await post(message({ patient: p(), key: stranger })), 403, /untrusted key/);
  expectOutcome(await post(message({ patient: p(), source: 'https://intruso.example.org/fhir' })), 403, /Unknown partner/);

  expect(await counts()).toEqual(before);
  const refused = (await search(`AuditEvent?_count=50&_sort=-_lastUpdated`)).filter((a: Json) => a.type?.code === '110107' && a.outcome === '4');
  expect(refused.length).toBeGreaterThanOrEqual(5);
  expect(await count('AuditEvent')).toBe(audits + 5);
  expect(refused.map((a: Json) => a.outcomeDesc).join('\n')).toMatch(/untrusted key/);
});

test('key rotation: both keys listed, messages signed with either are accepted; after the old one is removed its messages are refused', async () => {
  let n = 0;
  const p = (): Json => person(`Duarte${++n}`, 'Lucía', '2001-02-03', 'female', [{ system: DNI, value: unique('32') }]);
  await setKeys(keyA, keyB);
  await ok(post(message({ patient: p(), key: keyB })), 200);
  await ok(post(message({ patient: p(), key: keyA })), 200);
  const old = message({ patient: p(), key: keyA });
  await setKeys(keyB);
  const before = await counts();
  expectOutcome(await post(old), 403, /untrusted key/);
  await ok(post(message({ patient: p(), key: keyB })), 200);
  expect((await counts())[0]).toBe(before[0] + 1);
  await setKeys(keyA);
});

test('patient matched by a foreign identifier (DNI sent as its OID form), which gets the identifiers it lacked', async () => {
  const dni = unique('33');
  const held = await create(person('Cáceres', 'Pedro', '1960-10-10', 'male', [{ system: DNI, value: dni }]));
  const cns = unique('7');
  // another name spelling and birth date: identifiers decide
  const m = message({ patient: person('Caceres Sosa', 'Pedro Juan', '1960-10-11', 'male', [{ system: 'urn:oid:2.16.32', value: dni }, { system: CNS, value: cns }]) });
  const before = await count('Patient');
  await ok(post(m), 200);
  expect(await count('Patient')).toBe(before);
  expect((await importedTask(m)).for.reference).toBe(`Patient/${held}`);
  const patient = await ok(request('GET', url(`Patient/${held}`)), 200);
  expect(patient.identifier).toEqual(expect.arrayContaining([{ system: DNI, value: dni }, { system: CNS, value: cns }]));
  expect(patient.identifier.filter((i: Json) => i.system === DNI)).toHaveLength(1);
});

test('scored match: same name (accents aside), birth date and sex, no shared identifier → the held patient', async () => {
  const held = await create(person('Núñez Ortiz', 'José Luis', '1982-05-06', 'male', []));
  const dni = unique('34');
  const m = message({ patient: person('NUNEZ ORTIZ', 'Jose Luis', '1982-05-06', 'male', [{ system: DNI, value: dni }]) });
  const before = await count('Patient');
  await ok(post(m), 200);
  expect(await count('Patient')).toBe(before);
  expect((await importedTask(m)).for.reference).toBe(`Patient/${held}`);
  expect((await ok(request('GET', url(`Patient/${held}`)), 200)).identifier).toEqual([{ system: DNI, value: dni }]);
  // one surname only: middling (0.825), a new patient and a review Task, never a silent merge
  const m2 = message({ patient: person('Núñez', 'José Luis', '1982-05-06', 'male', [{ system: DNI, value: unique('35') }]) });
  await ok(post(m2), 200);
  expect(await count('Patient')).toBe(before + 1);
  expect((await importedTask(m2)).for.reference).not.toBe(`Patient/${held}`);
});

test('ambiguous: two held patients fit equally → the incoming one is created and a review Task lists both', async () => {
  const a = await create(person('Giménez', 'Rosa', '1955-12-01', 'female', []));
  const b = await create(person('Gimenez', 'Rosa', '1955-12-01', 'female', []));
  const m = message({ patient: person('Giménez', 'Rosa', '1955-12-01', 'female', [{ system: DNI, value: unique('36') }]) });
  const before = await count('Patient');
  await ok(post(m), 200);
  expect(await count('Patient')).toBe(before + 1);
  const task = await importedTask(m);
  const newId = task.for.reference.split('/')[1];
  expect([a, b]).not.toContain(newId);
  const [review] = await search(`Task?code=https://fhir.mspbs.gov.py/CodeSystem/py-tarea-intercambio|revisar-identidad&focus=Patient/${newId}`);
  expect(review.owner.reference).toBe(`Organization/${facility}`);
  expect(review.input.map((i: Json) => i.valueReference.reference).sort()).toEqual([`Patient/${a}`, `Patient/${b}`].sort());
});

test('invalid content → 422 and nothing stored: a patient without sex (py-patient), an IPS document without its problems section', async () => {
  const before = await counts();
  const noSex = person('Vera', 'Luis', '1999-09-09', 'male', [{ system: DNI, value: unique('37') }]);
  delete noSex.gender;
  expectOutcome(await post(message({ patient: noSex })), 422, /Invalid content in Patient: .*gender/);
  const noProblems = message({
    patient: person('Vera', 'Luis', '1999-09-09', 'male', [{ system: DNI, value: unique('38') }]),
    document: (d) => {
      delete d.meta; // a partner need not claim the profile: the IPS is required all the same
      for (const e of d.entry) delete e.resource.meta;
      const comp = d.entry[0].resource;
      comp.section = comp.section.filter((s: Json) => s.code.coding[0].code !== '11450-4');
    },
  });
  expectOutcome(await post(noProblems), 422, /Invalid content in the IPS document/);
  expect(await counts()).toEqual(before);
});

test("a partner's local code is translated through a ConceptMap: the PY code added beside the original", async () => {
  await create({
    resourceType: 'ConceptMap', status: 'active', url: 'https://fhir.mspbs.gov.py/ConceptMap/test-posadas-especialidades',
    group: [{ source: LOCAL_CODES, target: PY_TARGET, element: [{ code: 'CHAM', target: [{ code: 'medico-tradicional-indigena', equivalence: 'equivalent' }] }] }],
  });
  const m = message({
    patient: person('Ayala', 'Marta', '1970-01-02', 'female', [{ system: DNI, value: unique('39') }]),
    code: { coding: [{ system: LOCAL_CODES, code: 'CHAM', display: 'Chamán' }] },
  });
  await ok(post(m), 200);
  const task = await importedTask(m);
  const sr = await ok(request('GET', url(task.focus.reference)), 200);
  expect(sr.code.coding).toEqual([{ system: LOCAL_CODES, code: 'CHAM', display: 'Chamán' }, expect.objectContaining({ system: PY_TARGET, code: 'medico-tradicional-indigena' })]);
});
