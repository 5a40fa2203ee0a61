import { Client } from 'fhir-kit-client';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, FHIR_JSON, type Json, unique } from './rest-util.js';

/** Every error is an OperationOutcome with the right status, in the client's language. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

async function countPatients(): Promise<number> {
  const r = await request('GET', `${server.base}/Patient?_summary=count`);
  expect(r.status).toBe(200);
  return r.json.total as number;
}

describe('request errors', () => {
  test('malformed JSON is 400 and creates nothing', async () => {
    const before = await countPatients();
    const issue = expectOutcome(await request('POST', `${server.base}/Patient`, '{"resourceType": "Patient", "active": tru'), 400, /JSON/);
    expect(issue.code).toBe('invalid');
    expect(await countPatients()).toBe(before);
  });

  test('an operation the server does not offer is a 404 OperationOutcome at every level', async () => {
    expectOutcome(await request('GET', `${server.base}/$no-such-op`), 404, /no-such-op/);
    expectOutcome(await request('POST', `${server.base}/Patient/$no-such-op`, { resourceType: 'Parameters' }), 404, /no-such-op/);
    expectOutcome(await request('GET', `${server.base}/Patient/abc/$no-such-op`), 404, /no-such-op/);
  });

  test('a body that is not a resource is 400', async () => {
    expectOutcome(await request('POST', `${server.base}/Patient`, { name: [{ family: 'x' }] }), 400, /resourceType/);
    expectOutcome(await request('POST', `${server.base}/Patient`, '[1, 2]'), 400);
  });

  test('body resourceType different from the URL type is 400', async () => {
    expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Observation', status: 'final', code: { text: 'x' } }), 400, /Observation/);
    expectOutcome(await request('PUT', `${server.base}/Patient/abc`, { resourceType: 'Practitioner', id: 'abc' }), 400);
  });

  test('PUT whose body id differs from the URL id is 400; nothing is created under either id', async () => {
    const a = unique('url');
    const b = unique('body');
    expectOutcome(await request('PUT', `${server.base}/Patient/${a}`, { resourceType: 'Patient', id: b }), 400, new RegExp(b));
    expect((await request('GET', `${server.base}/Patient/${a}`)).status).toBe(404);
    expect((await request('GET', `${server.base}/Patient/${b}`)).status).toBe(404);
  });

  test('PUT without an id in the body is 400', async () => {
    expectOutcome(await request('PUT', `${server.base}/Patient/${unique('noid')}`, { resourceType: 'Patient' }), 400);
  });

  test('unknown resource type is 404', async () => {
    expectOutcome(await request('GET', `${server.base}/Spaceship/1`), 404, /Spaceship/);
    expectOutcome(await request('POST', `${server.base}/Spaceship`, { resourceType: 'Spaceship' }), 404);
    expectOutcome(await request('GET', `${server.base}/Spaceship?name=x`), 404);
  });

  test('an invalid id is 400', async () => {
    expectOutcome(await request('GET', `${server.base}/Patient/bad_id`), 400, /bad_id/);
    expectOutcome(await request('GET', `${server.base}/Patient/${'a'.repeat(65)}`), 400);
    expectOutcome(await request('PUT', `${server.base}/Patient/a$b`, { resourceType: 'Patient', id: 'a$b' }), 400);
  });

  test('a method the endpoint does not take is 405', async () => {
    expectOutcome(await request('POST', `${server.base}/Patient/123`, { resourceType: 'Patient' }), 405);
    expectOutcome(await request('DELETE', `${server.base}/metadata`), 405);
    expectOutcome(await request('PUT', `${server.base}/Patient/_history`, { resourceType: 'Patient' }), 405);
  });

  test('a text/plain or XML body is 415 and creates nothing', async () => {
    const before = await countPatients();
    expectOutcome(await request('POST', `${server.base}/Patient`, '{"resourceType":"Patient"}', { 'Content-Type': 'text/plain' }), 415);
    expectOutcome(await request('POST', `${server.base}/Patient`, 'hello', { 'Content-Type': 'application/xml' }), 415);
    expect(await countPatients()).toBe(before);
  });

  test('application/json is accepted like application/fhir+json', async () => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', active: true }, { 'Content-Type': 'application/json; charset=utf-8' });
    expect(r.status).toBe(201);
    expect(r.json.active).toBe(true);
  });

  test('JSON nested 5000 deep is 413 (MAX_JSON_DEPTH) and the server still answers', async () => {
    const arrays = '['.repeat(5000) + ']'.repeat(5000);
    expectOutcome(await request('POST', `${server.base}/Patient`, `{"resourceType":"Patient","extension":${arrays}}`), 413, /MAX_JSON_DEPTH/);
    let objects = '1';
    for (let i = 0; i < 5000; i++) objects = `{"a":${objects}}`;
    expectOutcome(await request('POST', `${server.base}/Patient`, `{"resourceType":"Patient","x":${objects}}`), 413, /MAX_JSON_DEPTH/);
    const meta = await request('GET', `${server.base}/metadata`);
    expect(meta.status).toBe(200);
    const created = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', active: false });
    expect(created.status).toBe(201);
  });

  test('brackets inside strings do not count as nesting', async () => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ text: '['.repeat(500) + '{'.repeat(500) }] });
    expect(r.status).toBe(201);
    expect(r.json.name[0].text).toHaveLength(1000);
  });
});

describe('invalid resources and references', () => {
  test('a field of the wrong type is 422 naming the element', async () => {
    const before = await countPatients();
    const issue = expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', birthDate: 12 }), 422);
    expect(JSON.stringify(issue)).toContain('birthDate');
    expect(await countPatients()).toBe(before);
  });

  test('an unknown element is 422 naming it', async () => {
    const issue = expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', favouriteColour: 'blue' }), 422);
    expect(issue.expression).toEqual(['Patient.favouriteColour']);
  });

  test('a code outside its required ValueSet is 422 naming the element (Patient.gender, Observation.status)', async () => {
    const before = await countPatients();
    const issue = expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', gender: 'masculino' }), 422);
    expect(issue.expression).toEqual(['Patient.gender']);
    expect(issue.code).toBe('code-invalid');
    expect(await countPatients()).toBe(before);
    const obs = await request('POST', `${server.base}/Observation`, { resourceType: 'Observation', status: 'bogus', code: { text: 'x' } });
    expect(expectOutcome(obs, 422).expression).toEqual(['Observation.status']);
    expect((await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', gender: 'female' })).status).toBe(201);
  });

  test('an invalid update is 422 and keeps the stored version', async () => {
    const p = (await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', birthDate: '1990-01-01' })).json;
    expectOutcome(await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, birthDate: 'yesterday' }), 422);
    const read = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(read.json.meta.versionId).toBe('1');
    expect(read.json.birthDate).toBe('1990-01-01');
  });

  test('a reference to a nonexistent Patient is 400 and nothing is written', async () => {
    const code = unique('obs');
    const obs = {
      resourceType: 'Observation',
      identifier: [{ system: 'urn:test:obs', value: code }],
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: `Patient/${unique('ghost')}` },
    };
    expectOutcome(await request('POST', `${server.base}/Observation`, obs), 400, /Patient\//);
    const search = await request('GET', `${server.base}/Observation?identifier=${encodeURIComponent(`urn:test:obs|${code}`)}`);
    expect(search.status).toBe(200);
    expect(search.json.total).toBe(0);
    // With the Patient in place the same Observation is accepted (so the 400 was about the reference).
    const patient = (await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' })).json;
    const ok = await request('POST', `${server.base}/Observation`, { ...obs, subject: { reference: `Patient/${patient.id}` } });
    expect(ok.status).toBe(201);
    const again = await request('GET', `${server.base}/Observation?identifier=${encodeURIComponent(`urn:test:obs|${code}`)}`);
    expect(again.json.total).toBe(1);
  });

  test('a reference to a deleted Patient is 400', async () => {
    const patient = (await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' })).json;
    await request('DELETE', `${server.base}/Patient/${patient.id}`);
    expectOutcome(
      await request('POST', `${server.base}/Observation`, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient.id}` } }),
      400,
    );
  });

  test('fhir-kit-client sees the error status and OperationOutcome', async () => {
    const client = new Client({ baseUrl: server.base });
    await expect(client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', birthDate: 12 } })).rejects.toMatchObject({
      response: { status: 422, data: expect.objectContaining({ resourceType: 'OperationOutcome' }) },
    });
  });
});

describe('language of diagnostics', () => {
  test('Accept-Language: es gives Spanish texts; no header gives English', async () => {
    const id = unique('nadie');
    const es = expectOutcome(await request('GET', `${server.base}/Patient/${id}`, undefined, { 'Accept-Language': 'es' }), 404);
    expect(es.diagnostics).toBe(`No se encontró el recurso Patient/${id}`);
    const en = expectOutcome(await request('GET', `${server.base}/Patient/${id}`), 404);
    expect(en.diagnostics).toBe(`Resource Patient/${id} not found`);
    const bad = expectOutcome(await request('POST', `${server.base}/Patient`, '{"resourceType":', { ...FHIR_JSON, 'Accept-Language': 'es-PY,es;q=0.9,en;q=0.5' }), 400);
    expect(bad.diagnostics).toMatch(/^El cuerpo no es JSON válido/);
    const mismatch = expectOutcome(await request('POST', `${server.base}/Patient`, { resourceType: 'Observation' }, { ...FHIR_JSON, 'Accept-Language': 'es' }), 400);
    expect(mismatch.diagnostics).toContain('no coincide');
  });

  test('quality values decide: en preferred over es', async () => {
    const id = unique('nobody');
    const r = expectOutcome(await request('GET', `${server.base}/Patient/${id}`, undefined, { 'Accept-Language': 'es;q=0.3, en;q=0.8' }), 404);
    expect(r.diagnostics).toBe(`Resource Patient/${id} not found`);
  });
});

describe('body size limit', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ MAX_BODY_BYTES: '2048' });
  });
  afterAll(async () => {
    await small?.stop();
  });

  test('a body over MAX_BODY_BYTES is 413 and a small one still works', async () => {
    const big: Json = { resourceType: 'Patient', name: [{ text: 'x'.repeat(4096) }] };
    const r = await request('POST', `${small.base}/Patient`, big);
    expectOutcome(r, 413, /2048/);
    const ok = await request('POST', `${small.base}/Patient`, { resourceType: 'Patient', name: [{ text: 'y'.repeat(100) }] });
    expect(ok.status).toBe(201);
    const count = await request('GET', `${small.base}/Patient?_summary=count`);
    expect(count.json.total).toBe(1);
  });
});
