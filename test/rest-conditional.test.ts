import { Client } from 'fhir-kit-client';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, FHIR_JSON, ids, JSON_PATCH, type Json, unique } from './rest-util.js';

/** patch (JSON Patch and FHIRPath Patch) and the conditional interactions: create, update, delete, patch. */

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.base });
});
afterAll(async () => {
  await server?.stop();
});

const SYSTEM = 'urn:test:mrn';

function patient(value: string, extra: Json = {}): Json {
  return { resourceType: 'Patient', identifier: [{ system: SYSTEM, value }], ...extra };
}

async function create(body: Json): Promise<Json> {
  const r = await request('POST', `${server.base}/${body.resourceType}`, body);
  expect(r.status).toBe(201);
  return r.json;
}

/** The ids of the Patients carrying this identifier value. */
async function byIdentifier(value: string): Promise<string[]> {
  const r = await request('GET', `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${value}`)}`);
  expect(r.status).toBe(200);
  return ids(r.json);
}

function fhirpathOp(type: string, path: string, extra: Json[]): Json {
  return { name: 'operation', part: [{ name: 'type', valueCode: type }, { name: 'path', valueString: path }, ...extra] };
}

describe('JSON Patch', () => {
  test('patch applies the operations and makes a new version', async () => {
    const p = await create(patient(unique('jp'), { active: true, name: [{ family: 'Acosta' }] }));
    const r = await request(
      'PATCH',
      `${server.base}/Patient/${p.id}`,
      [
        { op: 'replace', path: '/active', value: false },
        { op: 'add', path: '/name/0/given', value: ['Lía'] },
      ],
      JSON_PATCH,
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('W/"2"');
    expect(r.json.meta.versionId).toBe('2');
    expect(r.json.active).toBe(false);
    expect(r.json.name[0]).toEqual({ family: 'Acosta', given: ['Lía'] });
    const read = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(read.json.active).toBe(false);
    expect(read.json.name[0].given).toEqual(['Lía']);
  });

  test('fhir-kit-client patch', async () => {
    const p = await create(patient(unique('jpk'), { active: true }));
    const patched = (await client.patch({ resourceType: 'Patient', id: p.id, jsonPatch: [{ op: 'add', path: '/gender', value: 'female' }] })) as Json;
    expect(patched.gender).toBe('female');
    expect(patched.meta.versionId).toBe('2');
  });

  test('a failing test operation rejects the whole patch', async () => {
    const p = await create(patient(unique('jpt'), { active: true, gender: 'male' }));
    const r = await request(
      'PATCH',
      `${server.base}/Patient/${p.id}`,
      [
        { op: 'replace', path: '/gender', value: 'female' },
        { op: 'test', path: '/active', value: false },
      ],
      JSON_PATCH,
    );
    // The spec names no single status for a failed test op (HMS-OPS answers 412); it must be a client error.
    expect([400, 409, 412, 422]).toContain(r.status);
    expectOutcome(r, r.status, /test/i);
    const read = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(read.json.meta.versionId).toBe('1');
    expect(read.json.gender).toBe('male');
    // A passing test lets the patch through.
    const ok = await request(
      'PATCH',
      `${server.base}/Patient/${p.id}`,
      [
        { op: 'test', path: '/active', value: true },
        { op: 'replace', path: '/gender', value: 'female' },
      ],
      JSON_PATCH,
    );
    expect(ok.status).toBe(200);
    expect(ok.json.gender).toBe('female');
  });

  test('a patch that makes the resource invalid is 422; one that changes the id is 400', async () => {
    const p = await create(patient(unique('jpi'), { birthDate: '2001-01-01' }));
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'replace', path: '/birthDate', value: 12 }], JSON_PATCH), 422);
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'replace', path: '/id', value: 'other' }], JSON_PATCH), 400);
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'remove', path: '/nothing/here' }], JSON_PATCH), 400);
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, { op: 'remove' }, JSON_PATCH), 400);
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).json.meta.versionId).toBe('1');
  });

  test('patch of an unknown id is 404, of a deleted one 410', async () => {
    expectOutcome(await request('PATCH', `${server.base}/Patient/${unique('none')}`, [{ op: 'add', path: '/active', value: true }], JSON_PATCH), 404);
    const p = await create(patient(unique('jpd')));
    await request('DELETE', `${server.base}/Patient/${p.id}`);
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'add', path: '/active', value: true }], JSON_PATCH), 410);
  });

  test('If-Match on patch: stale is 412, current succeeds', async () => {
    const p = await create(patient(unique('jpm'), { active: true }));
    await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'replace', path: '/active', value: false }], JSON_PATCH);
    const stale = await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'add', path: '/gender', value: 'male' }], { ...JSON_PATCH, 'If-Match': 'W/"1"' });
    expectOutcome(stale, 412);
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).json.gender).toBeUndefined();
    const ok = await request('PATCH', `${server.base}/Patient/${p.id}`, [{ op: 'add', path: '/gender', value: 'male' }], { ...JSON_PATCH, 'If-Match': 'W/"2"' });
    expect(ok.status).toBe(200);
    expect(ok.json.meta.versionId).toBe('3');
    expect(ok.json.gender).toBe('male');
  });
});

describe('FHIRPath Patch', () => {
  test('add and replace through a Parameters body', async () => {
    const p = await create(patient(unique('fp'), { name: [{ family: 'Vera' }] }));
    const body = {
      resourceType: 'Parameters',
      parameter: [
        fhirpathOp('add', 'Patient', [{ name: 'name', valueString: 'birthDate' }, { name: 'value', valueDate: '1988-05-17' }]),
        fhirpathOp('replace', 'Patient.name[0].family', [{ name: 'value', valueString: 'Verá' }]),
      ],
    };
    const r = await request('PATCH', `${server.base}/Patient/${p.id}`, body, FHIR_JSON);
    expect(r.status).toBe(200);
    expect(r.json.birthDate).toBe('1988-05-17');
    expect(r.json.name[0].family).toBe('Verá');
    expect(r.json.meta.versionId).toBe('2');
    const read = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(read.json.birthDate).toBe('1988-05-17');
  });

  test('delete operation removes an element', async () => {
    const p = await create(patient(unique('fpd'), { active: true, gender: 'male' }));
    const body = { resourceType: 'Parameters', parameter: [fhirpathOp('delete', 'Patient.gender', [])] };
    const r = await request('PATCH', `${server.base}/Patient/${p.id}`, body, FHIR_JSON);
    expect(r.status).toBe(200);
    expect(r.json.gender).toBeUndefined();
    expect(r.json.active).toBe(true);
  });

  test('a body that is not Parameters is 400; If-Match applies', async () => {
    const p = await create(patient(unique('fpx'), { active: true }));
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, { resourceType: 'Patient', active: false }, FHIR_JSON), 400);
    const body = { resourceType: 'Parameters', parameter: [fhirpathOp('replace', 'Patient.active', [{ name: 'value', valueBoolean: false }])] };
    expectOutcome(await request('PATCH', `${server.base}/Patient/${p.id}`, body, { ...FHIR_JSON, 'If-Match': 'W/"9"' }), 412);
    const ok = await request('PATCH', `${server.base}/Patient/${p.id}`, body, { ...FHIR_JSON, 'If-Match': 'W/"1"' });
    expect(ok.status).toBe(200);
    expect(ok.json.active).toBe(false);
  });
});

describe('conditional create (If-None-Exist)', () => {
  test('no match creates (201); one match returns it (200) and creates nothing', async () => {
    const value = unique('cc');
    const condition = `identifier=${SYSTEM}|${value}`;
    const first = await request('POST', `${server.base}/Patient`, patient(value, { gender: 'female' }), { ...FHIR_JSON, 'If-None-Exist': condition });
    expect(first.status).toBe(201);
    const second = await request('POST', `${server.base}/Patient`, patient(value, { gender: 'male' }), { ...FHIR_JSON, 'If-None-Exist': condition });
    expect(second.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);
    expect(second.json.gender).toBe('female');
    expect(second.json.meta.versionId).toBe('1');
    expect(await byIdentifier(value)).toEqual([first.json.id]);
    // The header may also carry the full search URL form.
    const third = await request('POST', `${server.base}/Patient`, patient(value), { ...FHIR_JSON, 'If-None-Exist': `Patient?${condition}` });
    expect(third.status).toBe(200);
    expect(third.json.id).toBe(first.json.id);
    expect(await byIdentifier(value)).toHaveLength(1);
  });

  test('fhir-kit-client conditional create', async () => {
    const value = unique('cck');
    const options = { headers: { 'If-None-Exist': `identifier=${SYSTEM}|${value}` } };
    const a = (await client.create({ resourceType: 'Patient', body: patient(value), options })) as Json;
    const b = (await client.create({ resourceType: 'Patient', body: patient(value), options })) as Json;
    expect(b.id).toBe(a.id);
    expect(await byIdentifier(value)).toEqual([a.id]);
  });

  test('several matches is 412 and creates nothing', async () => {
    const value = unique('ccm');
    await create(patient(value));
    await create(patient(value));
    const r = await request('POST', `${server.base}/Patient`, patient(value), { ...FHIR_JSON, 'If-None-Exist': `identifier=${SYSTEM}|${value}` });
    expectOutcome(r, 412);
    expect(await byIdentifier(value)).toHaveLength(2);
  });

  test('an unknown parameter in the condition is 400 (never ignored)', async () => {
    const value = unique('ccu');
    const r = await request('POST', `${server.base}/Patient`, patient(value), { ...FHIR_JSON, 'If-None-Exist': 'favourite-colour=blue' });
    expectOutcome(r, 400);
    expect(await byIdentifier(value)).toHaveLength(0);
  });
});

describe('conditional update', () => {
  test('no match creates, one match updates it, several is 412', async () => {
    const value = unique('cu');
    const url = `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${value}`)}`;
    const created = await request('PUT', url, patient(value, { active: true }));
    expect(created.status).toBe(201);
    expect(created.json.meta.versionId).toBe('1');
    const updated = await request('PUT', url, patient(value, { active: false }));
    expect(updated.status).toBe(200);
    expect(updated.json.id).toBe(created.json.id);
    expect(updated.json.meta.versionId).toBe('2');
    expect(updated.json.active).toBe(false);
    expect(await byIdentifier(value)).toEqual([created.json.id]);
    await create(patient(value));
    expectOutcome(await request('PUT', url, patient(value, { gender: 'male' })), 412);
    expect((await request('GET', `${server.base}/Patient/${created.json.id}`)).json.gender).toBeUndefined();
  });

  test('fhir-kit-client conditional update with searchParams', async () => {
    const value = unique('cuk');
    const first = (await client.update({ resourceType: 'Patient', searchParams: { identifier: `${SYSTEM}|${value}` }, body: patient(value, { gender: 'other' }) })) as Json;
    const second = (await client.update({ resourceType: 'Patient', searchParams: { identifier: `${SYSTEM}|${value}` }, body: patient(value, { gender: 'unknown' }) })) as Json;
    expect(second.id).toBe(first.id);
    expect(second.meta.versionId).toBe('2');
    expect(second.gender).toBe('unknown');
  });

  test('a body id different from the match is 400', async () => {
    const value = unique('cui');
    const p = await create(patient(value));
    const r = await request('PUT', `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${value}`)}`, patient(value, { id: 'some-other-id' }));
    expectOutcome(r, 400);
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).json.meta.versionId).toBe('1');
  });
});

describe('conditional delete', () => {
  test('one match is deleted; no match is not an error; several is 412', async () => {
    const value = unique('cd');
    const url = `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${value}`)}`;
    const p = await create(patient(value));
    const d = await request('DELETE', url);
    expect([200, 204]).toContain(d.status);
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).status).toBe(410);
    expect(await byIdentifier(value)).toHaveLength(0);
    const none = await request('DELETE', url);
    expect([200, 204]).toContain(none.status);

    const many = unique('cdm');
    const a = await create(patient(many));
    const b = await create(patient(many));
    expectOutcome(await request('DELETE', `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${many}`)}`), 412);
    expect((await byIdentifier(many)).sort()).toEqual([a.id, b.id].sort());
  });

  test('a condition without any search parameter is refused', async () => {
    const before = await request('GET', `${server.base}/Patient?_summary=count`);
    expect(before.json.total).toBeGreaterThan(0);
    expectOutcome(await request('DELETE', `${server.base}/Patient`), 400);
    const after = await request('GET', `${server.base}/Patient?_summary=count`);
    expect(after.json.total).toBe(before.json.total);
  });
});

describe('conditional patch', () => {
  test('one match is patched; none is 404; several is 412', async () => {
    const value = unique('cp');
    const url = `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${value}`)}`;
    const p = await create(patient(value, { active: true }));
    const r = await request('PATCH', url, [{ op: 'replace', path: '/active', value: false }], JSON_PATCH);
    expect(r.status).toBe(200);
    expect(r.json.id).toBe(p.id);
    expect(r.json.active).toBe(false);
    expect(r.json.meta.versionId).toBe('2');
    const fp = {
      resourceType: 'Parameters',
      parameter: [fhirpathOp('add', 'Patient', [{ name: 'name', valueString: 'gender' }, { name: 'value', valueCode: 'female' }])],
    };
    const r2 = await request('PATCH', url, fp, FHIR_JSON);
    expect(r2.status).toBe(200);
    expect(r2.json.gender).toBe('female');

    expectOutcome(await request('PATCH', `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${unique('nomatch')}`)}`, [{ op: 'add', path: '/active', value: true }], JSON_PATCH), 404);

    const many = unique('cpm');
    await create(patient(many));
    await create(patient(many));
    expectOutcome(await request('PATCH', `${server.base}/Patient?identifier=${encodeURIComponent(`${SYSTEM}|${many}`)}`, [{ op: 'add', path: '/active', value: true }], JSON_PATCH), 412);
  });
});
