import { connect } from 'node:net';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json, unique } from './rest-util.js';

/**
 * The input guard (src/rest/input.ts) and the work limits: every malformed input is a 4xx OperationOutcome
 * that names the problem, every limit answers with the setting and its value, and nothing is written.
 * The server runs with small limits so each one is reached with small requests.
 */
const LIMITS = {
  MAX_JSON_DEPTH: '20',
  MAX_JSON_WIDTH: '100',
  MAX_STRING_LENGTH: '2000',
  MAX_RESOURCE_ELEMENTS: '500',
  MAX_BUNDLE_ENTRIES: '5',
  SEARCH_MAX_PARAMS: '12',
  SEARCH_MAX_VALUES: '20',
  SEARCH_MAX_CHAIN_DEPTH: '2',
  SEARCH_MAX_INCLUDES: '3',
  SEARCH_MAX_INCLUDED: '2',
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(LIMITS);
});
afterAll(async () => {
  await server?.stop();
});

/** Sends bytes as they are (fetch would refuse or re-encode them) and reads the answer. */
function raw(text: string | Buffer): Promise<{ status: number; json: Json }> {
  const { hostname, port } = new URL(server.base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(text));
    let data = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (data = Buffer.concat([data, d])));
    socket.on('error', reject);
    socket.on('close', () => {
      const reply = data.toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]);
      const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
      let json: Json;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status, json });
    });
  });
}

async function total(query: string): Promise<number> {
  const r = await request('GET', `${server.base}/${query}${query.includes('?') ? '&' : '?'}_summary=count`);
  expect(r.status).toBe(200);
  return r.json.total as number;
}

describe('encodings and control characters', () => {
  test.each([
    ['Patient/%ZZ'],
    ['Patient/_history/%'],
    ['Patient/%C0%AE'],
    ['Patient/%ED%A0%80'],
    ['Patient?name=%ZZ'],
    ['Patient?name%FF=x'],
    ['Patient?family=%C0%AE'],
  ])('malformed escapes or UTF-8 in %s are 400', async (path) => {
    expectOutcome(await request('GET', `${server.base}/${path}`), 400, /malformed percent-encoding or not UTF-8/);
  });

  test.each([['Patient?_security=%00'], ['Observation?subject.name=%00'], ['Patient?name=a%01b'], ['Patient/a%00b'], ['Patient?_id=%7F']])(
    'control characters in %s are 400 and never reach the database',
    async (path) => {
      expectOutcome(await request('GET', `${server.base}/${path}`), 400, /control characters/);
    },
  );

  test('the Spanish message when the client asks for it', async () => {
    expectOutcome(await request('GET', `${server.base}/Patient?name=%00`, undefined, { 'Accept-Language': 'es' }), 400, /caracteres de control/);
  });

  test('bodies: invalid UTF-8, another charset, NUL or a lone surrogate in a string are refused and nothing is stored', async () => {
    const family = unique('enc');
    const bad = Buffer.concat([Buffer.from(`{"resourceType":"Patient","name":[{"family":"${family}`), Buffer.from([0xc0, 0xae, 0xff]), Buffer.from('"}]}')]);
    const res = await fetch(`${server.base}/Patient`, { method: 'POST', body: bad, headers: { 'Content-Type': 'application/fhir+json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).issue[0].diagnostics).toMatch(/UTF-8/);
    expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family }] }, { 'Content-Type': 'application/fhir+json; charset=iso-8859-1' }), 415, /iso-8859-1/);
    expectOutcome(await request('POST', `${server.base}/Patient`, `{"resourceType":"Patient","name":[{"family":"${family}\\u0000"}]}`), 400, /Patient\.name\[0\]\.family: control characters/);
    expectOutcome(await request('POST', `${server.base}/Patient`, `{"resourceType":"Patient","name":[{"family":"${family}\\ud800"}]}`), 400, /UTF-8/);
    expectOutcome(await request('POST', `${server.base}/Patient`, `{"resourceType":"Patient","na\\u0001me":[]}`), 400, /control characters/);
    expect(await total(`Patient?family=${family}`)).toBe(0);
  });

  test('a request Node cannot parse (bytes not allowed in a URL) is an OperationOutcome too', async () => {
    const reply = await raw(Buffer.concat([Buffer.from('GET /fhir/Patient?x='), Buffer.from([0x01, 0x7f]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]));
    expect(reply.status).toBe(400);
    expect(reply.json?.resourceType).toBe('OperationOutcome');
    const header = await raw(`GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(header.status).toBe(431);
    expect(header.json?.issue?.[0]?.code).toBe('too-long');
  });
});

describe('JSON types of the elements the server reads before validation', () => {
  test.each([
    ['meta.profile holds a number', { resourceType: 'Patient', meta: { profile: [1] } }, /Patient\.meta\.profile\[0\]: must be a JSON string/],
    ['meta is a string', { resourceType: 'Patient', meta: 'x' }, /Patient\.meta: must be a JSON object/],
    ['meta.security holds null', { resourceType: 'Patient', meta: { security: [null] } }, /meta\.security\[0\]: must be a JSON object/],
    ['meta.tag code is a number', { resourceType: 'Patient', meta: { tag: [{ code: 1 }] } }, /meta\.tag\[0\]\.code: must be a JSON string/],
    ['id is an object', { resourceType: 'Patient', id: { a: 1 } }, /Patient\.id: must be a JSON string/],
    ['text.div is a number', { resourceType: 'Patient', text: { status: 'generated', div: 5 } }, /text\.div: must be a JSON string/],
    ['contained holds a string', { resourceType: 'Patient', contained: ['x'] }, /contained\[0\]: must be a JSON object/],
    ['an extension url is a number', { resourceType: 'Patient', extension: [{ url: 7 }] }, /extension\[0\]\.url: must be a JSON string/],
  ])('%s: 400 and nothing stored', async (_name, body, message) => {
    const before = await total('Patient');
    const issue = expectOutcome(await request('POST', `${server.base}/Patient`, body), 400, message);
    expect(issue.code).toBe('structure');
    expect(await total('Patient')).toBe(before);
  });

  test.each([
    ['entry is an object', { resourceType: 'Bundle', type: 'transaction', entry: {} }, /Bundle\.entry: must be a JSON array/],
    ['entry.request is a string', { resourceType: 'Bundle', type: 'batch', entry: [{ request: 'GET' }] }, /entry\[0\]\.request: must be a JSON object/],
    ['entry.request.url is a number', { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 1 } }] }, /request\.url: must be a JSON string/],
    ['entry.fullUrl is a number', { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 1, request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } }] }, /fullUrl: must be a JSON string/],
    ['entry.resource is an array', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' }, resource: [] }] }, /entry\[0\]\.resource: must be a JSON object/],
    ['resourceType is a number', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 5 } }] }, /resourceType: must be a JSON string/],
  ])('bundle whose %s: 400 and nothing stored', async (_name, body, message) => {
    const before = await total('Patient');
    expectOutcome(await request('POST', server.base, body), 400, message);
    expect(await total('Patient')).toBe(before);
  });

  test('a bundle entry url with a bad escape or a control character is 400 and names the entry', async () => {
    const bundle = (url: string): Json => ({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url } }] });
    expectOutcome(await request('POST', server.base, bundle('Patient/%ZZ')), 400, /Entry 0: .*malformed percent-encoding/);
    expectOutcome(await request('POST', server.base, bundle('Patient?name=%00')), 400, /Entry 0: .*control characters/);
  });

  test('null inside an array is 400, except beside a primitive array and its _ twin', async () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'codeableConcept', valueCodeableConcept: { coding: [null] } }] };
    expectOutcome(await request('POST', `${server.base}/ConceptMap/$translate`, body), 400, /parameter\[0\]\.valueCodeableConcept\.coding: null in an array/);
    expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ given: ['a', null] }] }), 400, /Patient\.name\[0\]\.given: null/);
    const aligned = { resourceType: 'Patient', name: [{ given: ['a', null], _given: [null, { extension: [{ url: 'http://example.org/x', valueString: 'y' }] }] }] };
    expect((await request('POST', `${server.base}/Patient`, aligned)).status).not.toBe(400);
  });

  test('operation Parameters whose values have the wrong R4 types are 400 before the operation reads them', async () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: 1, code: 'x' } }] };
    const issue = expectOutcome(await request('POST', `${server.base}/CodeSystem/$validate-code`, body), 400, /expected string/);
    expect(issue.expression?.join()).toBe("Parameters.parameter[0].value[x].system");
    const count = { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: 'http://x' }, { name: 'count', valueInteger: 'ten' }] };
    expectOutcome(await request('POST', `${server.base}/ValueSet/$expand`, count), 400, /expected number/);
  });

  test('Parameters with a parameter that is not an object or has no name: 400', async () => {
    expectOutcome(await request('POST', `${server.base}/Patient/$validate`, { resourceType: 'Parameters', parameter: 'x' }), 400, /Parameters\.parameter: must be a JSON array/);
    expectOutcome(await request('POST', `${server.base}/Patient/$validate`, { resourceType: 'Parameters', parameter: [{ name: 3 }] }), 400, /parameter\[0\]\.name: must be a JSON string/);
  });
});

describe('size limits of bodies (413 too-long, naming the setting)', () => {
  const nest = (n: number): Json => (n === 0 ? { url: 'http://x', valueString: 'x' } : { url: 'http://x', extension: [nest(n - 1)] });
  test.each([
    ['depth', { resourceType: 'Patient', extension: [nest(15)] }, /MAX_JSON_DEPTH/],
    ['width', { resourceType: 'Patient', identifier: Array.from({ length: 101 }, (_, i) => ({ value: String(i) })) }, /MAX_JSON_WIDTH/],
    ['string length', { resourceType: 'Patient', name: [{ family: 'x'.repeat(2001) }] }, /Patient\.name\[0\]\.family.*MAX_STRING_LENGTH/],
    ['elements', { resourceType: 'Patient', name: Array.from({ length: 90 }, () => ({ family: 'x', given: ['a', 'b', 'c'] })) }, /MAX_RESOURCE_ELEMENTS/],
    ['bundle entries', { resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 6 }, () => ({ request: { method: 'GET', url: 'metadata' } })) }, /MAX_BUNDLE_ENTRIES/],
  ])('%s', async (_name, body, message) => {
    const url = (body as Json).resourceType === 'Bundle' ? server.base : `${server.base}/Patient`;
    const issue = expectOutcome(await request('POST', url, body), 413, message);
    expect(issue.code).toBe('too-long');
  });

  test('base64Binary data is bounded by the body limit only; a contained resource counts its own elements', async () => {
    const data = Buffer.alloc(3000, 7).toString('base64');
    const created = await request('POST', `${server.base}/Binary`, { resourceType: 'Binary', contentType: 'application/octet-stream', data });
    expect(created.status).toBe(201);
    // Each contained Practitioner has about 200 elements, the three together more than MAX_RESOURCE_ELEMENTS (500).
    const contained = Array.from({ length: 3 }, (_, i) => ({ resourceType: 'Practitioner', id: `p${i}`, name: [0, 1].map(() => ({ given: Array.from({ length: 95 }, () => 'a') })) }));
    const generalPractitioner = contained.map((c) => ({ reference: `#${c.id}` }));
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', contained, generalPractitioner });
    expect([r.status, r.json.issue]).toEqual([201, undefined]);
  });
});

describe('work limits of searches (400 too-costly, naming the setting)', () => {
  test('parameters in the query string and in a POST _search body', async () => {
    const q = Array.from({ length: 13 }, () => 'name=a').join('&');
    const issue = expectOutcome(await request('GET', `${server.base}/Patient?${q}`), 400, /12 parameters.*SEARCH_MAX_PARAMS/);
    expect(issue.code).toBe('too-costly');
    expectOutcome(await request('POST', `${server.base}/Patient/_search?name=a`, q, { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, /SEARCH_MAX_PARAMS/);
    expect((await request('GET', `${server.base}/Patient?${Array.from({ length: 12 }, () => 'name=a').join('&')}`)).status).toBe(200);
  });

  test('OR-values, chain and _has depth, number of includes', async () => {
    const values = Array.from({ length: 21 }, (_, i) => `v${i}`).join(',');
    expectOutcome(await request('GET', `${server.base}/Patient?_id=${values}`), 400, /"_id": more than 20 values.*SEARCH_MAX_VALUES/);
    // An escaped comma (\,) is part of a value, not a separator: 20 values with 20 escaped commas pass.
    const escaped = Array.from({ length: 20 }, (_, i) => `a\\,${i}`).join(',');
    expect((await request('GET', `${server.base}/Patient?family=${encodeURIComponent(escaped)}`)).status).toBe(200);
    expectOutcome(await request('GET', `${server.base}/Observation?subject:Patient.organization.partof.name=x`), 400, /SEARCH_MAX_CHAIN_DEPTH/);
    expectOutcome(await request('GET', `${server.base}/Patient?_has:Observation:patient:_has:Provenance:target:_has:AuditEvent:entity:type=x`), 400, /SEARCH_MAX_CHAIN_DEPTH/);
    expect((await request('GET', `${server.base}/Observation?subject:Patient.organization.name=x`)).status).toBe(200);
    const inc = ['Observation:subject', 'Observation:encounter', 'Observation:performer', 'Observation:device'].map((i) => `_include=${i}`).join('&');
    expectOutcome(await request('GET', `${server.base}/Observation?${inc}`), 400, /SEARCH_MAX_INCLUDES/);
  });

  test('a page that would include more than SEARCH_MAX_INCLUDED resources stops there and says so', async () => {
    const tag = unique('inc');
    const patients: string[] = [];
    for (let i = 0; i < 3; i++) patients.push((await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: tag }] })).json.id);
    for (const p of patients) {
      const r = await request('POST', `${server.base}/Observation`, { resourceType: 'Observation', status: 'final', code: { text: tag }, subject: { reference: `Patient/${p}` } });
      expect(r.status).toBe(201);
    }
    const page = await request('GET', `${server.base}/Observation?code:text=${tag}&_include=Observation:subject`);
    expect(page.status).toBe(200);
    const modes = (page.json.entry as Json[]).map((e) => e.search.mode);
    expect(modes.filter((m) => m === 'match')).toHaveLength(3);
    expect(modes.filter((m) => m === 'include')).toHaveLength(2);
    const outcome = (page.json.entry as Json[]).find((e) => e.search.mode === 'outcome').resource;
    expect(outcome.issue[0].code).toBe('too-costly');
    expect(outcome.issue[0].diagnostics).toMatch(/2 resources.*SEARCH_MAX_INCLUDED/);
  });

  test('bad version ids, ETags and If-None-Match values are 4xx', async () => {
    const id = (await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' })).json.id;
    for (const v of ['abc', '-1', '99999999999999999999']) expect((await request('GET', `${server.base}/Patient/${id}/_history/${v}`)).status).toBe(404);
    expectOutcome(await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id }, { 'If-Match': 'W/"99999999999999999999"' }), 400, /If-Match/);
    expectOutcome(await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id }, { 'If-None-Match': 'junk' }), 400, /If-None-Match/);
  });
});

describe('If-None-Match: * on PUT (RFC 9110 §13.1.2)', () => {
  test('412 when the resource exists, and it is unchanged; creates it when it does not exist', async () => {
    const id = unique('inm');
    const first = await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: true }, { 'If-None-Match': '*' });
    expect(first.status).toBe(201);
    const issue = expectOutcome(await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: false }, { 'If-None-Match': '*' }), 412, new RegExp(`Patient/${id}`));
    expect(issue.code).toBe('conflict');
    const now = await request('GET', `${server.base}/Patient/${id}`);
    expect(now.json.active).toBe(true);
    expect(now.json.meta.versionId).toBe('1');
    // A listed version that is the current one fails too; another version does not.
    expect((await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: false }, { 'If-None-Match': 'W/"1"' })).status).toBe(412);
    expect((await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: false }, { 'If-None-Match': 'W/"7"' })).status).toBe(200);
  });

  test('in a transaction bundle entry (request.ifNoneMatch) the whole transaction fails with 412', async () => {
    const id = unique('inm-tx');
    expect((await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id })).status).toBe(201);
    const other = unique('inm-new');
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', id: other }, request: { method: 'PUT', url: `Patient/${other}` } },
        { resource: { resourceType: 'Patient', id, active: true }, request: { method: 'PUT', url: `Patient/${id}`, ifNoneMatch: '*' } },
      ],
    };
    expectOutcome(await request('POST', server.base, bundle), 412);
    expect((await request('GET', `${server.base}/Patient/${other}`)).status).toBe(404);
  });
});
