import type { Bundle } from '@medplum/fhirtypes';
import { request, type Reply } from './helpers/http.js';
import { EST, keyExtension, newKey, PARTNER_BASE, person, referralMessage, REFES } from './helpers/partner-messages.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { unique, type Json } from './rest-util.js';

/**
 * POST [base]/$process-message with several partner messages at once, over HTTP: every one is answered within a
 * bounded time. A message's import runs in one transaction, which on the embedded database holds its only
 * connection, while the messages behind it are validated outside any transaction; both ask the terminology
 * whether codes are in their value sets, and the answers are shared across requests. Here some messages
 * (`matching`) match a patient held here, so their import validates that patient again, with a code their own
 * content lacks (telecom system `pager`), while the others (`new`) bring that code and two more never seen
 * (name uses `maiden` and `old`): each of those costs a look-up, so the `new` ones reach `pager` while the
 * `matching` imports have begun. A look-up started outside a transaction and awaited inside one waited for that
 * very transaction: every request after it hung. The terminology changes (a CodeSystem written) before each
 * round, so every round's codes are looked up afresh.
 */
const DNI = 'http://www.renaper.gob.ar/dni';
const CNS = 'https://saude.gov.br/fhir/sid/cns';
const CODES = 'https://fhir.hospital-posadas.example.ar/CodeSystem/prueba-concurrencia';
/** Messages of each kind sent at once, rounds, and how long a round may take to be answered (it takes about a second). */
const EACH = 4;
const ROUNDS = 4;
const BOUND_MS = 15_000;
/** Laboratory results in each message's IPS document. */
const RESULTS = 10;

let server: TestServer;
let template: Bundle;
const key = newKey('posadas-concurrent');

const url = (path: string): string => `${server.base}/${path}`;
async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text.slice(0, 3000)}`);
  return res.json;
}
const create = async (r: Json): Promise<string> => (await ok(request('POST', url(r.resourceType), r))).id as string;
const send = (patient: Json): Promise<Reply> => request('POST', url('$process-message'), referralMessage({ template, destination: server.base, key, patient }));
const answered = (r: Reply): string => (r.status === 200 && r.json?.entry?.[0]?.resource?.response?.code === 'ok' ? 'ok' : `${r.status} ${r.text.slice(0, 500)}`);

/** Rejects when p is not settled within ms. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  server = await startTestServer({ AUDIT: 'off' });
  await create({ resourceType: 'Organization', identifier: [{ system: EST, value: '11014101' }], name: 'Hospital General de San Lorenzo', active: true });
  const partner = await create({ resourceType: 'Organization', identifier: [{ system: REFES, value: '10060702' }], name: 'Hospital Posadas', active: true, address: [{ country: 'AR' }] });
  await create({
    resourceType: 'Endpoint',
    extension: [keyExtension(key)],
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' },
    managingOrganization: { reference: `Organization/${partner}` },
    payloadType: [{ text: 'referral' }],
    address: PARTNER_BASE,
  });
  // The IPS document template: a patient with two problems and RESULTS laboratory results, as partners send them.
  const tmp = await create(person('Plantilla', 'Documento', '1950-01-01', 'female', [{ system: DNI, value: unique('tpl') }]));
  for (const text of ['Hipertensión arterial', 'Diabetes mellitus tipo 2']) {
    await create({ resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { text }, subject: { reference: `Patient/${tmp}` } });
  }
  for (let i = 0; i < RESULTS; i++) {
    await create({
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: `${2000 + i}-${i % 10}` }], text: `Análisis ${i}` },
      subject: { reference: `Patient/${tmp}` }, effectiveDateTime: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      valueQuantity: { value: 5 + i, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    });
  }
  template = await ok(request('GET', url(`Patient/${tmp}/$summary`)), 200);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

test(`${EACH} messages matching held patients and ${EACH} new ones at once, ${ROUNDS} times: every one answered 200 within ${BOUND_MS / 1000} s`, async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    // patients held here, each with a pager; the matching messages name them by DNI and bring a CNS
    const held = Array.from({ length: EACH }, (_, i) => ({ dni: unique('41'), family: `Retenida${round}x${i}` }));
    for (const h of held) {
      await create({ ...person(h.family, 'Marta', '1970-02-03', 'female', [{ system: DNI, value: h.dni }]), telecom: [{ system: 'pager', value: `77${round}${h.dni}` }] });
    }
    // the terminology changes: the code checks' cached answers are dropped
    await ok(request('PUT', url('CodeSystem/prueba-concurrencia'), { resourceType: 'CodeSystem', id: 'prueba-concurrencia', url: CODES, version: String(round), status: 'active', content: 'complete', concept: [{ code: 'a' }] }));
    // one message alone looks up again every code the messages below share
    expect(answered(await within(BOUND_MS, `round ${round}, first message`, send(person(`Primera${round}`, 'Ana', '1981-01-01', 'female', [{ system: DNI, value: unique('42') }]))))).toBe('ok');

    const matching = held.map((h) => person(h.family, 'Marta', '1970-02-03', 'female', [{ system: DNI, value: h.dni }, { system: CNS, value: unique('7') }]));
    const fresh = held.map((_, i) => ({
      ...person(`Nueva${round}x${i}`, 'Rosa', '1990-04-05', 'female', [{ system: DNI, value: unique('43') }]),
      name: [{ use: 'maiden', family: `Nueva${round}x${i}`, given: ['Rosa'] }, { use: 'old', family: `Antes${round}x${i}`, given: ['Rosa'] }],
      telecom: [{ system: 'pager', value: `88${round}${i}` }],
    }));
    const replies = await within(BOUND_MS, `round ${round}`, Promise.all([...matching, ...fresh].map(send)));
    expect(replies.map(answered)).toEqual(replies.map(() => 'ok'));
  }
}, ROUNDS * 3 * BOUND_MS);
