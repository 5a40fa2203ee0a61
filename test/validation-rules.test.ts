import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Rules of the R4 spec checked beyond the base definitions: a property repeated in a JSON object, references
 * inside document, transaction and batch Bundles, link relations by bundle type, and a QuestionnaireResponse
 * against its Questionnaire. Each is checked the same way by `$validate` and by a write (update, and an entry of
 * a transaction): the write is refused with an OperationOutcome naming the problem and nothing is stored.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const q = await request('PUT', `${server.base}/Questionnaire/intake`, QUESTIONNAIRE);
  expect(q.status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

type Outcome = { issue?: { severity: string; expression?: string[]; diagnostics?: string; details?: { text?: string } }[] };

/** error issues as `expression|text` (a write's outcome opens its first issue with "Invalid resource: "). */
function errorLines(o: Outcome): string[] {
  return (o.issue ?? [])
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression?.[0] ?? ''}|${(i.details?.text ?? i.diagnostics ?? '').replace(/^(Bundle entry \d+: )?(Recurso inválido|Invalid resource): /, '')}`)
    .sort();
}

const text = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body));

/**
 * The resource (object or JSON text, carrying `id`) fails with an error at `expression` whose text matches
 * `message`: on $validate, on an update (422, not stored, the same errors) and as an entry of a transaction
 * (refused, not stored).
 */
async function refused(type: string, id: string, body: unknown, expression: string, message: RegExp, headers: Record<string, string> = {}): Promise<void> {
  const v = await request('POST', `${server.base}/${type}/$validate`, text(body), headers);
  expect(v.status).toBe(200);
  const lines = errorLines(v.json as Outcome);
  expect(lines.filter((l) => l.startsWith(`${expression}|`) && message.test(l))).toHaveLength(1);

  const w = await request('PUT', `${server.base}/${type}/${id}`, text(body), headers);
  expect(w.status).toBe(422);
  expect(w.json.resourceType).toBe('OperationOutcome');
  expect(errorLines(w.json as Outcome)).toEqual(lines);
  expect((await request('GET', `${server.base}/${type}/${id}`)).status).toBe(404);

  const tx = `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":${text(body)},"request":{"method":"PUT","url":"${type}/${id}"}}]}`;
  const t = await request('POST', server.base, tx, headers);
  expect(t.status).toBe(422);
  expect(t.json.resourceType).toBe('OperationOutcome');
  expect(errorLines(t.json as Outcome).some((l) => message.test(l))).toBe(true);
  expect((await request('GET', `${server.base}/${type}/${id}`)).status).toBe(404);
}

/** The resource has no error on $validate and is stored by an update. */
async function accepted(type: string, id: string, body: unknown): Promise<Outcome> {
  const v = await request('POST', `${server.base}/${type}/$validate`, text(body));
  expect(v.status).toBe(200);
  expect(errorLines(v.json as Outcome)).toEqual([]);
  const w = await request('PUT', `${server.base}/${type}/${id}`, text(body));
  expect(w.status).toBe(201);
  expect((await request('GET', `${server.base}/${type}/${id}`)).status).toBe(200);
  return v.json as Outcome;
}

describe('JSON format', () => {
  test('a property repeated in an object is an error naming it and its path', async () => {
    await refused('Patient', 'dup-1', '{"resourceType":"Patient","id":"dup-1","gender":"male","gender":"female"}', 'Patient.gender', /"gender" occurs more than once in Patient\b/);
    await refused('Patient', 'dup-2', '{"resourceType":"Patient","id":"dup-2","name":[{"family":"Benítez","given":["Ana"],"family":"Ortiz"}]}', 'Patient.name[0].family', /"family" occurs more than once in Patient\.name\[0\]/);
    // Spanish, and an escaped name that is the same property
    await refused('Patient', 'dup-3', '{"resourceType":"Patient","id":"dup-3","active":true,"\\u0061ctive":false}', 'Patient.active', /"active" aparece más de una vez en Patient/, { 'Accept-Language': 'es' });
  });

  test('null as a value is an error (the base validation and the input guard already refuse it)', async () => {
    const v = await request('POST', `${server.base}/Patient/$validate`, '{"resourceType":"Patient","gender":null}');
    expect(errorLines(v.json as Outcome)).toContain('Patient.gender|Patient.gender: Invalid null value');
    expect((await request('PUT', `${server.base}/Patient/null-1`, '{"resourceType":"Patient","id":"null-1","gender":null}')).status).toBe(422);
  });

  test('the same property in different objects is fine', async () => {
    await accepted('Patient', 'json-ok', '{"resourceType":"Patient","id":"json-ok","name":[{"family":"A"},{"family":"B"}],"contact":[{"name":{"family":"A"}}]}');
  });
});

const COMPOSITION = {
  resourceType: 'Composition',
  id: 'c1',
  status: 'final',
  type: { coding: [{ system: 'http://loinc.org', code: '60591-5' }] },
  subject: { reference: 'Patient/p1' },
  date: '2024-03-01',
  author: [{ reference: 'urn:uuid:7d2c6a84-2f6b-4a2c-9f0e-3f0c4bdb2a11' }],
  title: 'Resumen del paciente',
};

function documentBundle(id: string, composition: Record<string, unknown> = COMPOSITION): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    id,
    type: 'document',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:0f9a3b1e-0000-4000-8000-${id.replace(/\W/g, '').padStart(12, '0').slice(0, 12)}` },
    timestamp: '2024-03-01T10:00:00Z',
    entry: [
      { fullUrl: 'http://example.org/fhir/Composition/c1', resource: composition },
      // an entry other than the Composition may refer outside the document
      { fullUrl: 'http://example.org/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1', generalPractitioner: [{ reference: 'http://other.example/fhir/Practitioner/9' }] } },
      { fullUrl: 'urn:uuid:7d2c6a84-2f6b-4a2c-9f0e-3f0c4bdb2a11', resource: { resourceType: 'Practitioner', name: [{ family: 'Gómez' }] } },
    ],
  };
}

describe('Bundles', () => {
  test("a document carries what its Composition refers to", async () => {
    await accepted('Bundle', 'doc-ok', documentBundle('doc-ok'));
    const missing = { ...COMPOSITION, custodian: { reference: 'Organization/o9' } };
    await refused('Bundle', 'doc-1', documentBundle('doc-1', missing), 'Bundle.entry[0].resource.custodian.reference', /The reference Organization\/o9 does not resolve to an entry of the document/);
    const external = { ...COMPOSITION, author: [{ reference: 'http://other.example/fhir/Practitioner/1' }] };
    await refused('Bundle', 'doc-2', documentBundle('doc-2', external), 'Bundle.entry[0].resource.author[0].reference', /http:\/\/other\.example\/fhir\/Practitioner\/1 does not resolve/);
    const section = { ...COMPOSITION, section: [{ title: 'Problemas', section: [{ title: 'Activos', entry: [{ reference: 'urn:uuid:8e7f3a90-1b2c-4d5e-8f60-718293a4b5c6' }] }] }] };
    await refused('Bundle', 'doc-3', documentBundle('doc-3', section), 'Bundle.entry[0].resource.section[0].section[0].entry[0].reference', /urn:uuid:8e7f3a90-1b2c-4d5e-8f60-718293a4b5c6 does not resolve to an entry of the document/);
  });

  test('a urn:uuid or urn:oid reference in a transaction or batch names an entry', async () => {
    const tx = (type: string, ref: string): Record<string, unknown> => ({
      resourceType: 'Bundle',
      id: `${type}-urn`,
      type,
      entry: [
        { fullUrl: 'urn:uuid:1b0e6a9c-4c1f-4c5e-8a51-5a0d6f1e2b33', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: 'urn:uuid:2c1f7bad-5d20-4d6f-9b62-6b1e7f2f3c44', resource: { resourceType: 'Observation', status: 'final', code: { text: 'peso' }, subject: { reference: ref } }, request: { method: 'POST', url: 'Observation' } },
      ],
    });
    await accepted('Bundle', 'transaction-urn', tx('transaction', 'urn:uuid:1b0e6a9c-4c1f-4c5e-8a51-5a0d6f1e2b33'));
    await refused('Bundle', 'transaction-bad', { ...tx('transaction', 'urn:uuid:99999999-4c1f-4c5e-8a51-5a0d6f1e2b33'), id: 'transaction-bad' }, 'Bundle.entry[1].resource.subject.reference', /urn:uuid:99999999-4c1f-4c5e-8a51-5a0d6f1e2b33 is the fullUrl of no entry of the transaction bundle/);
    await refused('Bundle', 'batch-bad', { ...tx('batch', 'urn:oid:1.2.3.4'), id: 'batch-bad' }, 'Bundle.entry[1].resource.subject.reference', /urn:oid:1\.2\.3\.4 is the fullUrl of no entry of the batch bundle/);
  });

  test('the same fullUrl twice needs different versions (bdl-7)', async () => {
    const entry = { fullUrl: 'urn:uuid:3d2a8cbe-6e31-4e70-8c73-7c2f8a3a4d55', resource: { resourceType: 'Patient' } };
    await refused('Bundle', 'bdl7', { resourceType: 'Bundle', id: 'bdl7', type: 'collection', entry: [entry, entry] }, 'Bundle', /bdl-7/);
  });

  test('first, previous, next and last page search and history results only', async () => {
    const link = (relation: string): { relation: string; url: string } => ({ relation, url: `http://example.org/fhir/Patient?page=${relation}` });
    await accepted('Bundle', 'links-ok', { resourceType: 'Bundle', id: 'links-ok', type: 'collection', link: [link('self')] });
    await accepted('Bundle', 'links-search', { resourceType: 'Bundle', id: 'links-search', type: 'searchset', link: [link('self'), link('next'), link('last')] });
    await refused('Bundle', 'links-1', { resourceType: 'Bundle', id: 'links-1', type: 'collection', link: [link('self'), link('next')] }, 'Bundle.link[1].relation', /"next" pages through search or history results: it is not allowed in a collection bundle/);
    await refused('Bundle', 'links-2', { resourceType: 'Bundle', id: 'links-2', type: 'document', link: [link('previous')], identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:5f4c0ed0-8053-4092-ae95-9e4a0c5c6f77' }, timestamp: '2024-03-01T10:00:00Z', entry: [{ fullUrl: 'urn:uuid:6a5d1fe1-9164-41a3-bf06-af5b1d6d7088', resource: { resourceType: 'Composition', status: 'final', type: { text: 'nota' }, date: '2024-03-01', author: [{ display: 'Dra. Gómez' }], title: 'Nota' } }] }, 'Bundle.link[0].relation', /"previous" pages through search or history results: it is not allowed in a document bundle/);
  });
});

const Q_URL = 'http://example.org/fhir/Questionnaire/intake';
const QUESTIONNAIRE = {
  resourceType: 'Questionnaire',
  id: 'intake',
  url: Q_URL,
  status: 'active',
  item: [
    { linkId: 'name', text: 'Nombre', type: 'string', required: true },
    { linkId: 'smoker', text: '¿Fuma?', type: 'boolean' },
    { linkId: 'color', text: 'Color', type: 'choice', answerOption: [{ valueCoding: { system: 'http://example.org/colors', code: 'a' } }, { valueCoding: { system: 'http://example.org/colors', code: 'b' } }] },
    { linkId: 'allergies', text: 'Alergias', type: 'open-choice', repeats: true, answerOption: [{ valueCoding: { system: 'http://example.org/allergies', code: 'nuts' } }] },
    { linkId: 'info', text: 'Gracias', type: 'display' },
    { linkId: 'g', text: 'Datos', type: 'group', item: [{ linkId: 'age', text: 'Edad', type: 'integer' }] },
  ],
};

function response(id: string, item: unknown[], status = 'completed', questionnaire = Q_URL): Record<string, unknown> {
  return { resourceType: 'QuestionnaireResponse', id, questionnaire, status, item };
}
const NAME = { linkId: 'name', answer: [{ valueString: 'Ana' }] };

describe('QuestionnaireResponse against its Questionnaire', () => {
  test('answers that follow the questionnaire are stored', async () => {
    await accepted('QuestionnaireResponse', 'qr-ok', response('qr-ok', [
      NAME,
      { linkId: 'smoker', answer: [{ valueBoolean: false }] },
      { linkId: 'color', answer: [{ valueCoding: { system: 'http://example.org/colors', code: 'b' } }] },
      { linkId: 'allergies', answer: [{ valueCoding: { system: 'http://example.org/allergies', code: 'nuts' } }, { valueString: 'polen' }] },
      { linkId: 'g', item: [{ linkId: 'age', answer: [{ valueInteger: 42 }] }] },
    ]));
    // in progress, a required item may still be missing
    await accepted('QuestionnaireResponse', 'qr-progress', response('qr-progress', [{ linkId: 'smoker', answer: [{ valueBoolean: true }] }], 'in-progress'));
  });

  test('a questionnaire the server does not hold is a warning, not an error', async () => {
    const o = await accepted('QuestionnaireResponse', 'qr-unknown', response('qr-unknown', [{ linkId: 'anything', answer: [{ valueString: 'x' }] }], 'completed', 'http://example.org/fhir/Questionnaire/unknown'));
    expect((o.issue ?? []).some((i) => i.severity === 'warning' && /questionnaire http:\/\/example\.org\/fhir\/Questionnaire\/unknown is not known/.test(i.diagnostics ?? ''))).toBe(true);
  });

  test('an item the questionnaire does not have there', async () => {
    await refused('QuestionnaireResponse', 'qr-1', response('qr-1', [NAME, { linkId: 'zzz', answer: [{ valueString: 'x' }] }]), 'QuestionnaireResponse.item[1].linkId', /The item "zzz" is not an item of the questionnaire/);
    await refused('QuestionnaireResponse', 'qr-2', response('qr-2', [NAME, { linkId: 'age', answer: [{ valueInteger: 3 }] }]), 'QuestionnaireResponse.item[1].linkId', /The item "age" is not an item of the questionnaire/);
  });

  test('an answer of a type the item does not take', async () => {
    await refused('QuestionnaireResponse', 'qr-3', response('qr-3', [NAME, { linkId: 'smoker', answer: [{ valueString: 'sí' }] }]), 'QuestionnaireResponse.item[1].answer[0].value.ofType(string)', /"smoker" is of type boolean: its answer cannot be valueString \(allowed: valueBoolean\)/);
    await refused('QuestionnaireResponse', 'qr-4', response('qr-4', [NAME, { linkId: 'g', item: [{ linkId: 'age', answer: [{ valueDecimal: 4.5 }] }] }]), 'QuestionnaireResponse.item[1].item[0].answer[0].value.ofType(decimal)', /"age" is of type integer/);
  });

  test('no answer on display and group items; one answer when the item does not repeat', async () => {
    await refused('QuestionnaireResponse', 'qr-5', response('qr-5', [NAME, { linkId: 'info', answer: [{ valueString: 'x' }] }]), 'QuestionnaireResponse.item[1].answer', /"info" is of type display, which takes no answer/);
    await refused('QuestionnaireResponse', 'qr-6', response('qr-6', [{ linkId: 'name', answer: [{ valueString: 'Ana' }, { valueString: 'Eva' }] }]), 'QuestionnaireResponse.item[0].answer', /"name" does not repeat but has 2 answers/);
  });

  test('a completed response answers the required items', async () => {
    await refused('QuestionnaireResponse', 'qr-7', response('qr-7', [{ linkId: 'smoker', answer: [{ valueBoolean: true }] }]), 'QuestionnaireResponse', /The required item "name" has no answer/);
  });

  test('a choice answer is one of the answer options', async () => {
    await refused('QuestionnaireResponse', 'qr-8', response('qr-8', [NAME, { linkId: 'color', answer: [{ valueCoding: { system: 'http://example.org/colors', code: 'z' } }] }]), 'QuestionnaireResponse.item[1].answer[0].value.ofType(Coding)', /The answer http:\/\/example\.org\/colors#z to the item "color" is not one of its answer options/);
  });

  test('qrs-1 and qrs-2', async () => {
    await refused('QuestionnaireResponse', 'qr-9', response('qr-9', [NAME, { linkId: 'smoker', answer: [{ valueBoolean: true }] }, { linkId: 'smoker', answer: [{ valueBoolean: false }] }]), 'QuestionnaireResponse', /qrs-2/);
    await refused('QuestionnaireResponse', 'qr-10', response('qr-10', [NAME, { linkId: 'g', answer: [{ valueString: 'x' }], item: [{ linkId: 'age', answer: [{ valueInteger: 1 }] }] }]), 'QuestionnaireResponse.item[1]', /qrs-1/);
  });
});
