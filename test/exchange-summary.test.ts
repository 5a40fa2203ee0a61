import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { verifyBundleSignature } from '../src/exchange/index.js';
import { canonicalJson } from '../src/exchange/signature/canonical.js';
import { CORPORA, corpusFiles, readJson, request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Patient/$summary over HTTP: the IPS document of a Synthea patient and of a patient with no data validate
 * against IPS 2.0.0's Bundle profile through the server's own $validate; its sections hold the patient's
 * data; a client bound to another facility gets nothing; signed=true carries a detached JWS over the
 * canonical JSON that verifies against the published JWKS (with jose) and fails once one field changes.
 */
const IPS_BUNDLE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
const LOINC = { problems: '11450-4', allergies: '48765-2', medications: '10160-0', immunizations: '11369-6', procedures: '47519-4', results: '30954-2', vitals: '8716-3' };

let server: TestServer;
const tokens = new Map<string, string>();
let synthea: string; // Patient id

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  tokens.set('admin', await getToken(server.base, admin));
  for (const [id, facility] of [['clinic-a', 'clinic-a'], ['clinic-b', 'clinic-b']]) {
    const c = await newClient(id);
    await register(server.base, tokens.get('admin')!, c, 'system/*.rs', { facility });
    tokens.set(id, await getToken(server.base, c));
  }
  synthea = await loadSyntheaPatient();
}, 300_000);
afterAll(async () => {
  await server?.stop();
});

const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who)!));
async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text.slice(0, 2000)}`);
  return res.json;
}
const create = async (r: Json): Promise<string> => (await ok(as('admin', 'POST', r.resourceType, r))).id as string;

/**
 * One patient of test/fixtures/corpora/synthea as a transaction, with only the hospital and practitioner
 * entries its conditional references name (the whole information bundles hold thousands).
 */
async function loadSyntheaPatient(): Promise<string> {
  const dir = join(CORPORA, 'synthea');
  const file = corpusFiles(join(dir, 'patients')).filter((f) => f.endsWith('.json')).sort()[0];
  const bundle = readJson<Bundle>(join(dir, 'patients', file));
  const named = new Set((JSON.stringify(bundle).match(/"(?:Practitioner|Organization|Location)\?identifier=[^"]*"/g) ?? []).map((x) => JSON.parse(x) as string));
  const info: BundleEntry[] = [];
  for (const f of corpusFiles(dir).filter((x) => /^(hospital|practitioner)Information.*\.json$/.test(x))) {
    for (const e of readJson<Bundle>(join(dir, f)).entry ?? []) if (e.request?.ifNoneExist && named.has(`${e.request.url}?${e.request.ifNoneExist}`)) info.push(e);
  }
  await ok(as('admin', 'POST', '', { resourceType: 'Bundle', type: 'batch', entry: info }), 200);
  const res = await ok(as('admin', 'POST', '', bundle), 200);
  const i = (bundle.entry ?? []).findIndex((e) => e.resource?.resourceType === 'Patient');
  return (res.entry[i].response.location as string).split('/')[1];
}

async function summary(who: string, path: string, method = 'GET', body?: unknown): Promise<Bundle> {
  return (await ok(as(who, method, path, body), 200)) as Bundle;
}
/** Errors of the server's own $validate against IPS 2.0.0's Bundle profile. */
async function ipsErrors(b: Bundle): Promise<string[]> {
  const out = await ok(as('admin', 'POST', `Bundle/$validate?profile=${encodeURIComponent(IPS_BUNDLE)}`, b), 200);
  return (out.issue as Json[]).filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.[0] ?? ''}: ${i.diagnostics}`);
}
const composition = (b: Bundle): Json => b.entry![0].resource as Json;
const section = (b: Bundle, loinc: string): Json | undefined => composition(b).section.find((s: Json) => s.code.coding[0].code === loinc);
const resolve = (b: Bundle, ref: string): Json | undefined => b.entry!.find((e) => e.fullUrl === ref)?.resource as Json | undefined;
const sectionResources = (b: Bundle, loinc: string): Json[] => (section(b, loinc)?.entry ?? []).map((e: Json) => resolve(b, e.reference));

test('the IPS of a Synthea patient: document Bundle, sections with their resources, valid against IPS 2.0.0', async () => {
  // What the corpus lacks for this patient: an allergy, current medication (one by reference to a Medication),
  // and what must stay out (a resolved problem, a refuted allergy, a stopped prescription).
  const subject = { reference: `Patient/${synthea}` };
  const peanut = { coding: [{ system: 'http://snomed.info/sct', code: '91935009', display: 'Allergy to peanuts' }], text: 'Alergia al maní' };
  const clinical = (code: string): Json => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }] });
  await create({ resourceType: 'AllergyIntolerance', clinicalStatus: clinical('active'), code: peanut, patient: subject, recordedDate: '2020-01-02' });
  await create({ resourceType: 'AllergyIntolerance', clinicalStatus: clinical('active'), verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'refuted' }] }, code: { text: 'Refutada' }, patient: subject });
  const med = await create({ resourceType: 'Medication', code: { coding: [{ system: 'http://www.whocc.no/atc', code: 'J04AC01', display: 'isoniazid' }] } });
  await create({ resourceType: 'MedicationStatement', status: 'active', medicationReference: { reference: `Medication/${med}` }, subject, effectiveDateTime: '2021-03-01' });
  await create({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', medicationCodeableConcept: { text: 'Rifampicina 300 mg' }, subject, authoredOn: '2021-03-01' });
  await create({ resourceType: 'MedicationRequest', status: 'stopped', intent: 'order', medicationCodeableConcept: { text: 'Suspendido' }, subject });
  await create({ resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] }, code: { text: 'Resuelto' }, subject });
  // and what the corpus's patients have none of: a laboratory result, vital signs (two weights: the newest is
  // shown), a procedure
  const obs = (category: string, code: string, display: string, value: number, unit: string, at: string): Json => ({
    resourceType: 'Observation', status: 'final', subject, effectiveDateTime: at,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
    code: { coding: [{ system: 'http://loinc.org', code, display }] }, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  });
  await create(obs('laboratory', '718-7', 'Hemoglobin [Mass/volume] in Blood', 13.2, 'g/dL', '2021-02-01'));
  await create(obs('vital-signs', '29463-7', 'Body weight', 70, 'kg', '2020-01-01'));
  await create(obs('vital-signs', '29463-7', 'Body weight', 72.5, 'kg', '2021-01-01'));
  await create(obs('vital-signs', '8867-4', 'Heart rate', 64, '/min', '2021-01-01'));
  await create({ resourceType: 'Procedure', status: 'completed', code: { coding: [{ system: 'http://snomed.info/sct', code: '168731009', display: 'Chest X-ray' }] }, subject, performedDateTime: '2021-02-02' });

  const b = await summary('admin', `Patient/${synthea}/$summary`);
  expect(b.resourceType).toBe('Bundle');
  expect(b.type).toBe('document');
  expect(b.identifier?.value).toMatch(/^urn:uuid:/);
  expect(b.timestamp).toBeDefined();
  expect(b.signature).toBeUndefined();
  expect(composition(b).resourceType).toBe('Composition');
  expect(composition(b).type.coding[0].code).toBe('60591-5');
  // every fullUrl is urn:uuid and unique; every urn:uuid reference resolves inside the Bundle
  const urls = b.entry!.map((e) => e.fullUrl!);
  expect(urls.every((u) => /^urn:uuid:[0-9a-f-]{36}$/.test(u))).toBe(true);
  expect(new Set(urls).size).toBe(urls.length);
  for (const ref of JSON.stringify(b).match(/"reference":"urn:uuid:[^"]+"/g) ?? []) expect(urls).toContain(JSON.parse(`{${ref}}`).reference);
  expect(resolve(b, composition(b).subject.reference)?.resourceType).toBe('Patient');
  expect(resolve(b, composition(b).author[0].reference)?.resourceType).toBe('Device');

  // sections: the corpus's problem, its immunizations, results and vital signs; the allergy and medication added
  const corpus = readJson<Bundle>(join(CORPORA, 'synthea', 'patients', corpusFiles(join(CORPORA, 'synthea', 'patients')).filter((f) => f.endsWith('.json')).sort()[0]));
  const ofType = (t: string): Json[] => (corpus.entry ?? []).map((e) => e.resource as Json).filter((r) => r.resourceType === t);
  const codes = composition(b).section.map((s: Json) => s.code.coding[0].code);
  expect(codes).toEqual([LOINC.problems, LOINC.allergies, LOINC.medications, LOINC.immunizations, LOINC.procedures, LOINC.results, LOINC.vitals]);
  for (const s of composition(b).section) expect(s.text.div).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">/);
  const activeProblems = ofType('Condition').filter((c) => c.clinicalStatus.coding[0].code === 'active').map((c) => c.code.text).sort();
  expect(activeProblems.length).toBeGreaterThan(0);
  expect(sectionResources(b, LOINC.problems).map((c) => c.code.text).sort()).toEqual(activeProblems);
  expect(sectionResources(b, LOINC.allergies).map((a) => a.code.text)).toEqual(['Alergia al maní']);
  expect(section(b, LOINC.allergies)!.text.div).toContain('Alergia al maní');
  const meds = sectionResources(b, LOINC.medications);
  expect(meds.map((m) => m.resourceType).sort()).toEqual(['MedicationRequest', 'MedicationStatement']);
  const statement = meds.find((m) => m.resourceType === 'MedicationStatement')!;
  expect(resolve(b, statement.medicationReference.reference)?.code.coding[0].code).toBe('J04AC01'); // the Medication travels with it
  expect(statement.subject.reference).toBe(composition(b).subject.reference);
  expect(section(b, LOINC.medications)!.text.div).toContain('isoniazid');
  expect(sectionResources(b, LOINC.immunizations).length).toBe(ofType('Immunization').filter((r) => r.status === 'completed').length);
  expect(sectionResources(b, LOINC.procedures).map((r) => r.code.coding[0].code)).toEqual(['168731009']);
  expect(sectionResources(b, LOINC.results).map((r) => r.code.coding[0].code)).toEqual(['718-7']);
  expect(sectionResources(b, LOINC.vitals).map((r) => `${r.code.coding[0].code} ${r.valueQuantity.value}`)).toEqual(['29463-7 72.5', '8867-4 64']);
  expect(section(b, LOINC.results)!.text.div).toContain('13.2 g/dL');
  // references to what the document does not carry are absolute URLs of this server
  const encounterRef = sectionResources(b, LOINC.problems)[0].encounter?.reference as string | undefined;
  if (encounterRef) expect(encounterRef.startsWith(`${server.base}/Encounter/`)).toBe(true);

  expect(await ipsErrors(b)).toEqual([]);
  // the same patient by identifier, GET and POST
  const patient = (await ok(as('admin', 'GET', `Patient/${synthea}`))) as Json;
  const id = patient.identifier[0];
  const byIdentifier = await summary('admin', `Patient/$summary?identifier=${encodeURIComponent(`${id.system}|${id.value}`)}`);
  expect(resolve(byIdentifier, composition(byIdentifier).subject.reference)?.identifier[0].value).toBe(id.value);
  const posted = await summary('admin', 'Patient/$summary', 'POST', { resourceType: 'Parameters', parameter: [{ name: 'identifier', valueString: `${id.system}|${id.value}` }] });
  expect(posted.entry!.length).toBe(byIdentifier.entry!.length);
});

test('a patient with no data: the three required sections say there is no information, and it validates', async () => {
  const id = await create({ resourceType: 'Patient', name: [{ family: 'Benítez', given: ['Rosa'] }], birthDate: '1950-05-05', gender: 'female' });
  const b = await summary('admin', `Patient/${id}/$summary`);
  expect(b.entry!.map((e) => e.resource!.resourceType)).toEqual(['Composition', 'Patient', 'Device']);
  const sections = composition(b).section as Json[];
  expect(sections.map((s) => s.code.coding[0].code)).toEqual([LOINC.problems, LOINC.allergies, LOINC.medications]);
  for (const s of sections) {
    expect(s.entry).toBeUndefined();
    expect(s.emptyReason.coding[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' });
    expect(s.text.div).toMatch(/no tiene información|holds no information/);
  }
  expect(await ipsErrors(b)).toEqual([]);
  // the check can fail: without its emptyReason a required section breaks ips-comp-1; without a timestamp, the Bundle
  const broken = JSON.parse(JSON.stringify(b)) as Json;
  delete broken.entry[0].resource.section[0].emptyReason;
  delete broken.timestamp;
  const issues = (await ipsErrors(broken as Bundle)).join('\n');
  expect(issues).toMatch(/ips-comp-1/);
  expect(issues).toMatch(/Bundle\.timestamp/);
  // English when asked for
  const en = (await request('GET', `${server.base}/Patient/${id}/$summary`, undefined, { ...bearer(tokens.get('admin')!), 'Accept-Language': 'en' })).json as Bundle;
  expect(composition(en).section[0].text.div).toContain('holds no information');
});

test('bad inputs: unknown patient 404, missing or invalid parameters 400, ambiguous identifier 422', async () => {
  expectOutcome(await as('admin', 'GET', 'Patient/no-such-patient/$summary'), 404);
  expectOutcome(await as('admin', 'GET', 'Patient/$summary'), 400, /identifier/);
  expectOutcome(await as('admin', 'GET', 'Patient/$summary?identifier=urn:x|nobody'), 404);
  expectOutcome(await as('admin', 'GET', `Patient/${synthea}/$summary?signed=maybe`), 400, /signed/);
  expectOutcome(await as('admin', 'GET', `Patient/${synthea}/$summary?signed=true&signed=false`), 400);
  expectOutcome(await as('admin', 'GET', `Patient/${synthea}/$summary?foo=1`), 400, /foo/);
  expectOutcome(await as('admin', 'GET', `Patient/${synthea}/$summary?profile=http://example.org/StructureDefinition/x`), 400);
  expectOutcome(await as('admin', 'GET', `Patient/${synthea}/$summary?identifier=urn:x|1`), 400);
  expectOutcome(await as('admin', 'POST', `Patient/${synthea}/$summary`, { resourceType: 'Patient' }), 400);
  expect((await as('admin', 'GET', `Patient/${synthea}/$summary?profile=${encodeURIComponent(IPS_BUNDLE)}`)).status).toBe(200);
  expectOutcome(await as('admin', 'DELETE', `Patient/${synthea}/$summary`), 405);
  for (let i = 0; i < 2; i++) await create({ resourceType: 'Patient', identifier: [{ system: 'urn:x', value: 'twin' }], name: [{ family: 'Gemelo' }], birthDate: '2000-01-01' });
  expectOutcome(await as('admin', 'GET', 'Patient/$summary?identifier=urn:x|twin'), 422);
});

test('access: a facility sees its patient\'s summary with only its own records; another facility gets 404', async () => {
  for (const id of ['clinic-a', 'clinic-b']) await ok(as('admin', 'PUT', `Organization/${id}`, { resourceType: 'Organization', id, name: id }));
  const p = await create({ resourceType: 'Patient', identifier: [{ system: 'urn:x', value: 'ana' }], name: [{ family: 'Ortiz', given: ['Ana'] }], birthDate: '1990-02-02', managingOrganization: { reference: 'Organization/clinic-a' } });
  const subject = { reference: `Patient/${p}` };
  const active = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] };
  const enc = await create({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject, serviceProvider: { reference: 'Organization/clinic-b' } });
  await create({ resourceType: 'Condition', clinicalStatus: active, code: { text: 'Diabetes' }, subject });
  await create({ resourceType: 'Condition', clinicalStatus: active, code: { text: 'Registrado en la otra clínica' }, subject, encounter: { reference: `Encounter/${enc}` } });

  const mine = await summary('clinic-a', `Patient/${p}/$summary`);
  expect(sectionResources(mine, LOINC.problems).map((c) => c.code.text)).toEqual(['Diabetes']);
  // a type the client may not read at all (MedicationStatement: no facility policy) is withheld, not "unavailable"
  expect(section(mine, LOINC.medications)!.emptyReason.coding[0].code).toBe('withheld');
  expect(section(mine, LOINC.allergies)!.emptyReason.coding[0].code).toBe('unavailable');
  expect(await ipsErrors(mine)).toEqual([]);
  expect(sectionResources(await summary('admin', `Patient/${p}/$summary`), LOINC.problems).map((c) => c.code.text).sort()).toEqual(['Diabetes', 'Registrado en la otra clínica']);
  expectOutcome(await as('clinic-b', 'GET', `Patient/${p}/$summary`), 404);
  expectOutcome(await as('clinic-b', 'GET', 'Patient/$summary?identifier=urn:x|ana'), 404);
  expect((await request('GET', `${server.base}/Patient/${p}/$summary`)).status).toBe(401);
});

test('signed=true: a detached JWS over the canonical JSON, verified with the published JWKS; one changed field breaks it', async () => {
  const b = await summary('admin', `Patient/${synthea}/$summary?signed=true`);
  const sig = b.signature as Json;
  expect(sig.type[0]).toMatchObject({ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' });
  expect(sig.sigFormat).toBe('application/jose');
  expect(sig.targetFormat).toBe('application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json');
  expect(resolve(b, sig.who.reference)?.resourceType).toBe('Device');
  const jws = Buffer.from(sig.data, 'base64').toString('ascii');
  expect(jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
  const header = decodeProtectedHeader(jws);
  expect(header.alg).toBe('ES256');
  expect(header.sigT).toBe(sig.when);

  // The partner's side: the JWKS over HTTP (no token), canonical JSON written here independently, jose verifies.
  const jwksReply = await request('GET', `${server.base}/.well-known/exchange-jwks.json`);
  expect(jwksReply.status).toBe(200);
  const jwks = jwksReply.json as { keys: JWK[] };
  expect(jwks.keys.every((k) => k.d === undefined)).toBe(true); // public keys only
  const tokenKeys = (await request('GET', server.base.replace(/\/fhir$/, '/auth/jwks'))).json as { keys: JWK[] };
  expect(tokenKeys.keys.map((k) => k.kid)).not.toContain(header.kid); // a key set of its own
  const key = await importJWK(jwks.keys.find((k) => k.kid === header.kid)!, 'ES256');
  const check = async (bundle: Bundle): Promise<void> => {
    const { signature: _s, ...unsigned } = bundle;
    const [h, , s] = jws.split('.');
    await compactVerify(`${h}.${Buffer.from(sortedJson(unsigned)).toString('base64url')}.${s}`, key);
  };
  await check(b);
  expect(verifyBundleSignature(b, jwks)).toMatchObject({ ok: true, kid: header.kid, alg: 'ES256' });
  // the payload is the canonical JSON: the same Bundle with its members in another order still verifies
  expect(verifyBundleSignature(JSON.parse(JSON.stringify(shuffled(b))) as Bundle, jwks).ok).toBe(true);

  const tampered = JSON.parse(JSON.stringify(b)) as Bundle;
  (tampered.entry!.find((e) => e.resource!.resourceType === 'Patient')!.resource as Json).birthDate = '1901-01-01';
  await expect(check(tampered)).rejects.toThrow(/signature verification failed/);
  expect(verifyBundleSignature(tampered, jwks)).toEqual({ ok: false, reason: 'bad-signature' });
  expect(verifyBundleSignature(b, { keys: [] })).toEqual({ ok: false, reason: 'unknown-key' });
  expect(verifyBundleSignature({ ...b, signature: undefined }, jwks)).toEqual({ ok: false, reason: 'no-signature' });
  expect(verifyBundleSignature({ ...b, signature: { ...sig, data: Buffer.from('a.b.c').toString('base64') } } as Bundle, jwks)).toEqual({ ok: false, reason: 'malformed' });
  expect(verifyBundleSignature({ ...b, signature: { ...sig, sigFormat: 'application/pkcs7-signature' } } as Bundle, jwks)).toEqual({ ok: false, reason: 'not-jose' });
  const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', kid: header.kid })).toString('base64url');
  expect(verifyBundleSignature({ ...b, signature: { ...sig, data: Buffer.from(`${noneHeader}..AAAA`).toString('base64') } } as Bundle, jwks)).toEqual({ ok: false, reason: 'unsupported-alg' });

  // the signed document is still a valid IPS
  expect(await ipsErrors(b)).toEqual([]);
});

test('canonical JSON: members sorted at every depth, no whitespace between tokens, strings and numbers as JCS writes them', () => {
  expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' }, _a: 'é\n"' })).toBe('{"_a":"é\\n\\"","a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}');
  expect(canonicalJson({ v: 1.5, w: 100, x: 1e21, y: -0.0001 })).toBe('{"v":1.5,"w":100,"x":1e+21,"y":-0.0001}');
  expect(canonicalJson({ div: '<div xmlns="http://www.w3.org/1999/xhtml">a  b</div>' })).toBe('{"div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">a  b</div>"}');
  // members whose names look like integers keep the same order (the slow path)
  expect(canonicalJson({ b: { 10: 'x', 9: 'y', a: [{ 2: 1, 1: 2 }] } })).toBe('{"b":{"10":"x","9":"y","a":[{"1":2,"2":1}]}}');
  expect(() => canonicalJson({ a: Number.NaN })).toThrow(/not finite/);
});

test('a key from a PEM file (RSA → RS256): its thumbprint is the kid, the JWKS publishes it, signatures verify with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hms-exchange-key-'));
  const file = join(dir, 'exchange.pem');
  writeFileSync(file, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const other = await startTestServer({ EXCHANGE_SIGNING_KEY_FILE: file });
  try {
    const p = (await ok(request('POST', `${other.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'Rojas' }], birthDate: '1980-01-01' }))).id as string;
    const b = (await ok(request('GET', `${other.base}/Patient/${p}/$summary?signed=true`), 200)) as Bundle;
    const jwks = (await request('GET', `${other.base}/.well-known/exchange-jwks.json`)).json as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(jwks.keys[0].d).toBeUndefined();
    const jws = Buffer.from(b.signature!.data!, 'base64').toString('ascii');
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'RS256', kid: jwks.keys[0].kid });
    const { signature: _s, ...unsigned } = b;
    const [h, , s] = jws.split('.');
    await compactVerify(`${h}.${Buffer.from(sortedJson(unsigned)).toString('base64url')}.${s}`, await importJWK(jwks.keys[0], 'RS256'));
    expect(verifyBundleSignature(b, jwks).ok).toBe(true);
  } finally {
    await other.stop();
  }
});

/** FHIR canonical JSON as a partner would write it: members sorted, no whitespace (JSON.stringify of sorted copies). */
function sortedJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x as Json).sort().map((k) => [k, sort((x as Json)[k])])) : x;
  return JSON.stringify(sort(v));
}

/** A copy with the members of every object in reverse order. */
function shuffled(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffled);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Json).reverse().map((k) => [k, shuffled((v as Json)[k])]));
  return v;
}
