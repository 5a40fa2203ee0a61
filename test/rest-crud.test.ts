import { Client } from 'fhir-kit-client';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, FHIR_JSON, type Json, unique } from './rest-util.js';

/** create, read, vread, update, delete, If-Match / If-None-Match / If-Modified-Since, Prefer, _summary / _elements, _format. */

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.base });
});
afterAll(async () => {
  await server?.stop();
});

const SUBSETTED = 'SUBSETTED';
const NARRATIVE = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Rosa Benítez</div>' };

async function createPatient(body: Json = {}): Promise<Json> {
  const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', ...body });
  expect(r.status).toBe(201);
  return r.json;
}

function tags(resource: Json): string[] {
  return (resource.meta?.tag ?? []).map((t: Json) => t.code);
}

describe('create', () => {
  test('201 with Location, ETag, Last-Modified and meta; the body id is replaced by a server id', async () => {
    const before = Date.now();
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', id: 'client-chosen', name: [{ family: 'Benítez' }] });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const created = r.json;
    expect(created.resourceType).toBe('Patient');
    expect(created.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(created.id).not.toBe('client-chosen');
    expect(created.name[0].family).toBe('Benítez');
    expect(created.meta.versionId).toBe('1');
    const lastUpdated = Date.parse(created.meta.lastUpdated);
    expect(lastUpdated).toBeGreaterThanOrEqual(before - 1000);
    expect(lastUpdated).toBeLessThanOrEqual(Date.now() + 1000);
    expect(r.headers.get('location')).toBe(`${server.base}/Patient/${created.id}/_history/1`);
    expect(r.headers.get('etag')).toBe('W/"1"');
    expect(r.headers.get('last-modified')).toBe(new Date(created.meta.lastUpdated).toUTCString());
    // Nothing was stored under the client's id.
    expect((await request('GET', `${server.base}/Patient/client-chosen`)).status).toBe(404);
  });

  test('fhir-kit-client create then read returns the stored resource', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', gender: 'female', birthDate: '1975-03-02' } })) as Json;
    const read = (await client.read({ resourceType: 'Patient', id: created.id })) as Json;
    expect(read).toEqual(created);
    expect(read.gender).toBe('female');
    expect(read.meta.versionId).toBe('1');
  });
});

describe('read and vread', () => {
  test('read answers with ETag and Last-Modified of the current version', async () => {
    const p = await createPatient({ active: true });
    const r = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual(p);
    expect(r.headers.get('etag')).toBe('W/"1"');
    expect(r.headers.get('last-modified')).toBe(new Date(p.meta.lastUpdated).toUTCString());
  });

  test('read of an unknown id is 404 OperationOutcome', async () => {
    expectOutcome(await request('GET', `${server.base}/Patient/${unique('missing')}`), 404);
  });

  test('vread returns each version; an unknown version is 404', async () => {
    const p = await createPatient({ active: true });
    const u = await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, active: false });
    expect(u.status).toBe(200);
    const v1 = (await client.vread({ resourceType: 'Patient', id: p.id, version: '1' })) as Json;
    expect(v1.active).toBe(true);
    expect(v1.meta.versionId).toBe('1');
    const v2 = await request('GET', `${server.base}/Patient/${p.id}/_history/2`);
    expect(v2.status).toBe(200);
    expect(v2.json.active).toBe(false);
    expect(v2.headers.get('etag')).toBe('W/"2"');
    expectOutcome(await request('GET', `${server.base}/Patient/${p.id}/_history/3`), 404);
    expectOutcome(await request('GET', `${server.base}/Patient/${p.id}/_history/abc`), 404);
  });
});

describe('update', () => {
  test('update increments the version; Location names the new version', async () => {
    const p = await createPatient({ name: [{ family: 'Ortiz' }] });
    const updated = (await client.update({ resourceType: 'Patient', id: p.id, body: { ...p, name: [{ family: 'Ortíz' }] } })) as Json;
    expect(updated.meta.versionId).toBe('2');
    expect(updated.name[0].family).toBe('Ortíz');
    expect(Date.parse(updated.meta.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(p.meta.lastUpdated));
    const r = await request('PUT', `${server.base}/Patient/${p.id}`, { ...updated, gender: 'male' });
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('W/"3"');
    expect(r.headers.get('location')).toBe(`${server.base}/Patient/${p.id}/_history/3`);
    expect(r.json.meta.versionId).toBe('3');
    const read = (await client.read({ resourceType: 'Patient', id: p.id })) as Json;
    expect(read.gender).toBe('male');
    expect(read.name[0].family).toBe('Ortíz');
  });

  test('an update that changes nothing keeps the version', async () => {
    const p = await createPatient({ name: [{ family: 'Igual' }] });
    const same = await request('PUT', `${server.base}/Patient/${p.id}`, { resourceType: 'Patient', id: p.id, name: [{ family: 'Igual' }] });
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe('W/"1"');
    expect(same.json.meta.versionId).toBe('1');
    expect(same.json.meta.lastUpdated).toBe(p.meta.lastUpdated);
    const history = await request('GET', `${server.base}/Patient/${p.id}/_history`);
    expect(history.json.total).toBe(1);
    expect(history.json.entry).toHaveLength(1);
  });

  test('update-as-create with a client id answers 201; the next update is 200 version 2', async () => {
    const id = unique('client');
    const r = await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: true });
    expect(r.status).toBe(201);
    expect(r.json.id).toBe(id);
    expect(r.json.meta.versionId).toBe('1');
    expect(r.headers.get('location')).toBe(`${server.base}/Patient/${id}/_history/1`);
    expect(r.headers.get('etag')).toBe('W/"1"');
    const again = await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: false });
    expect(again.status).toBe(200);
    expect(again.json.meta.versionId).toBe('2');
  });

  test('If-Match: a stale version is 412 and changes nothing; the current version succeeds', async () => {
    const p = await createPatient({ active: true });
    const v2 = await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, active: false });
    expect(v2.json.meta.versionId).toBe('2');
    const stale = await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, gender: 'other' }, { ...FHIR_JSON, 'If-Match': 'W/"1"' });
    expectOutcome(stale, 412);
    const unchanged = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(unchanged.json.meta.versionId).toBe('2');
    expect(unchanged.json.gender).toBeUndefined();
    const ok = await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, gender: 'other' }, { ...FHIR_JSON, 'If-Match': 'W/"2"' });
    expect(ok.status).toBe(200);
    expect(ok.json.meta.versionId).toBe('3');
    expect(ok.json.gender).toBe('other');
  });

  test('If-Match on update via fhir-kit-client', async () => {
    const p = await createPatient({ active: true });
    await expect(
      client.update({ resourceType: 'Patient', id: p.id, body: { ...p, active: false }, options: { headers: { 'If-Match': 'W/"7"' } } }),
    ).rejects.toMatchObject({ response: { status: 412 } });
    const ok = (await client.update({ resourceType: 'Patient', id: p.id, body: { ...p, active: false }, options: { headers: { 'If-Match': 'W/"1"' } } })) as Json;
    expect(ok.meta.versionId).toBe('2');
  });
});

describe('delete', () => {
  test('delete, then read is 410; old versions still vread; the delete version is 410', async () => {
    const p = await createPatient({ active: true });
    await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, active: false });
    const d = await request('DELETE', `${server.base}/Patient/${p.id}`);
    expect([200, 204]).toContain(d.status);
    expect(d.headers.get('etag')).toBe('W/"3"');
    const gone = expectOutcome(await request('GET', `${server.base}/Patient/${p.id}`), 410);
    expect(gone.code).toBe('deleted');
    await expect(client.read({ resourceType: 'Patient', id: p.id })).rejects.toMatchObject({ response: { status: 410 } });
    const v1 = await request('GET', `${server.base}/Patient/${p.id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.json.active).toBe(true);
    const v2 = await request('GET', `${server.base}/Patient/${p.id}/_history/2`);
    expect(v2.status).toBe(200);
    expect(v2.json.active).toBe(false);
    expectOutcome(await request('GET', `${server.base}/Patient/${p.id}/_history/3`), 410);
    // A deleted resource is not found by search.
    const s = await request('GET', `${server.base}/Patient?_id=${p.id}`);
    expect(s.json.total).toBe(0);
  });

  test('delete with fhir-kit-client; deleting again is not an error; an update recreates it', async () => {
    const p = await createPatient({ active: true });
    await client.delete({ resourceType: 'Patient', id: p.id });
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).status).toBe(410);
    const again = await request('DELETE', `${server.base}/Patient/${p.id}`);
    expect([200, 204]).toContain(again.status);
    const back = await request('PUT', `${server.base}/Patient/${p.id}`, { resourceType: 'Patient', id: p.id, active: false });
    expect(back.status).toBe(201);
    expect(back.json.meta.versionId).toBe('3');
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).json.active).toBe(false);
  });

  test('delete of an unknown id is 404', async () => {
    expectOutcome(await request('DELETE', `${server.base}/Patient/${unique('nobody')}`), 404);
  });

  test('delete with a stale If-Match is 412 and the resource survives', async () => {
    const p = await createPatient({ active: true });
    expectOutcome(await request('DELETE', `${server.base}/Patient/${p.id}`, undefined, { 'If-Match': 'W/"5"' }), 412);
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).status).toBe(200);
  });
});

describe('conditional read headers', () => {
  test('If-None-Match with the current ETag is 304 with no body; a stale one is 200', async () => {
    const p = await createPatient({ active: true });
    const r = await request('GET', `${server.base}/Patient/${p.id}`, undefined, { 'If-None-Match': 'W/"1"' });
    expect(r.status).toBe(304);
    expect(r.text).toBe('');
    await request('PUT', `${server.base}/Patient/${p.id}`, { ...p, active: false });
    const changed = await request('GET', `${server.base}/Patient/${p.id}`, undefined, { 'If-None-Match': 'W/"1"' });
    expect(changed.status).toBe(200);
    expect(changed.json.active).toBe(false);
    expect((await request('GET', `${server.base}/Patient/${p.id}`, undefined, { 'If-None-Match': 'W/"2"' })).status).toBe(304);
  });

  test('If-Modified-Since: at Last-Modified is 304; a second earlier is 200', async () => {
    const p = await createPatient({ active: true });
    const first = await request('GET', `${server.base}/Patient/${p.id}`);
    const lastModified = first.headers.get('last-modified') as string;
    expect(lastModified).toBeTruthy();
    const notModified = await request('GET', `${server.base}/Patient/${p.id}`, undefined, { 'If-Modified-Since': lastModified });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    const modified = await request('GET', `${server.base}/Patient/${p.id}`, undefined, { 'If-Modified-Since': earlier });
    expect(modified.status).toBe(200);
    expect(modified.json.id).toBe(p.id);
  });
});

describe('Prefer return', () => {
  test('return=minimal: no body, headers still set', async () => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', active: true }, { ...FHIR_JSON, Prefer: 'return=minimal' });
    expect(r.status).toBe(201);
    expect(r.text).toBe('');
    const location = r.headers.get('location') as string;
    expect(location).toMatch(new RegExp(`^${server.base}/Patient/[^/]+/_history/1$`));
    expect(r.headers.get('etag')).toBe('W/"1"');
    const id = location.split('/').slice(-3)[0];
    const u = await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id, active: false }, { ...FHIR_JSON, Prefer: 'return=minimal' });
    expect(u.status).toBe(200);
    expect(u.text).toBe('');
    expect(u.headers.get('etag')).toBe('W/"2"');
  });

  test('return=representation: the resource', async () => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', gender: 'unknown' }, { ...FHIR_JSON, Prefer: 'return=representation' });
    expect(r.status).toBe(201);
    expect(r.json.resourceType).toBe('Patient');
    expect(r.json.gender).toBe('unknown');
  });

  test('return=OperationOutcome: an informational OperationOutcome', async () => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' }, { ...FHIR_JSON, Prefer: 'return=OperationOutcome' });
    expect(r.status).toBe(201);
    expect(r.json.resourceType).toBe('OperationOutcome');
    expect(r.json.issue[0].severity).toBe('information');
    const id = (r.headers.get('location') as string).split('/').slice(-3)[0];
    expect(r.json.issue[0].diagnostics).toContain(`Patient/${id}`);
  });
});

describe('_summary and _elements on read', () => {
  let p: Json;
  beforeAll(async () => {
    p = await createPatient({ text: NARRATIVE, name: [{ family: 'Benítez', given: ['Rosa'] }], birthDate: '1961-07-14', gender: 'female', maritalStatus: { text: 'Casada' } });
  });

  test('a plain read is not SUBSETTED', async () => {
    const r = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(tags(r.json)).not.toContain(SUBSETTED);
    expect(r.json.text).toEqual(NARRATIVE);
  });

  test('_summary=true keeps summary elements only', async () => {
    const r = await request('GET', `${server.base}/Patient/${p.id}?_summary=true`);
    expect(r.status).toBe(200);
    expect(tags(r.json)).toContain(SUBSETTED);
    expect(r.json.id).toBe(p.id);
    expect(r.json.name[0].family).toBe('Benítez');
    expect(r.json.birthDate).toBe('1961-07-14');
    expect(r.json.text).toBeUndefined();
    expect(r.json.maritalStatus).toBeUndefined();
  });

  test('_summary=text keeps text, id and meta', async () => {
    const r = await request('GET', `${server.base}/Patient/${p.id}?_summary=text`);
    expect(tags(r.json)).toContain(SUBSETTED);
    expect(r.json.text).toEqual(NARRATIVE);
    expect(r.json.id).toBe(p.id);
    expect(r.json.meta.versionId).toBe('1');
    expect(r.json.name).toBeUndefined();
    expect(r.json.birthDate).toBeUndefined();
  });

  test('_summary=data drops only the text', async () => {
    const r = await request('GET', `${server.base}/Patient/${p.id}?_summary=data`);
    expect(tags(r.json)).toContain(SUBSETTED);
    expect(r.json.text).toBeUndefined();
    expect(r.json.maritalStatus).toEqual({ text: 'Casada' });
    expect(r.json.name[0].given).toEqual(['Rosa']);
  });

  test('_elements keeps the listed elements', async () => {
    const r = await request('GET', `${server.base}/Patient/${p.id}?_elements=birthDate,gender`);
    expect(tags(r.json)).toContain(SUBSETTED);
    expect(r.json.birthDate).toBe('1961-07-14');
    expect(r.json.gender).toBe('female');
    expect(r.json.name).toBeUndefined();
    expect(r.json.text).toBeUndefined();
    // The stored resource is untouched.
    const full = await request('GET', `${server.base}/Patient/${p.id}`);
    expect(full.json.name[0].family).toBe('Benítez');
    expect(tags(full.json)).not.toContain(SUBSETTED);
  });

  test('an invalid _summary is 400', async () => {
    expectOutcome(await request('GET', `${server.base}/Patient/${p.id}?_summary=bogus`), 400);
  });
});

describe('_format', () => {
  test('_format=json and application/fhir+json are served', async () => {
    const p = await createPatient();
    const a = await request('GET', `${server.base}/Patient/${p.id}?_format=json`);
    expect(a.status).toBe(200);
    expect(a.json.id).toBe(p.id);
    const b = await request('GET', `${server.base}/Patient/${p.id}?_format=${encodeURIComponent('application/fhir+json')}`);
    expect(b.status).toBe(200);
    expect(b.json.id).toBe(p.id);
  });

  test('_format=xml and Accept: application/fhir+xml are 406', async () => {
    const p = await createPatient();
    expectOutcome(await request('GET', `${server.base}/Patient/${p.id}?_format=xml`), 406);
    expectOutcome(await request('GET', `${server.base}/Patient/${p.id}`, undefined, { Accept: 'application/fhir+xml' }), 406);
  });
});
