import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { sleep, type Json } from './rest-util.js';

/** AUTH_MODE=off (the default): open, said loudly in the CapabilityStatement; CORS, headers and audit still work. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: 'https://app.example', AUDIT: 'on', AUDIT_FLUSH_MS: '50' });
});
afterAll(async () => {
  await server?.stop();
});

test('the CapabilityStatement says authorization is off; requests need no token', async () => {
  const cs = await request('GET', `${server.base}/metadata`);
  expect(cs.json.rest[0].security.description).toMatch(/AUTHORIZATION IS OFF/);
  expect(cs.json.rest[0].security.cors).toBe(true);
  expect((await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' })).status).toBe(201);
});

test('CORS: allowed origins get the headers and preflights; others do not', async () => {
  const pre = await request('OPTIONS', `${server.base}/Patient`, undefined, { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' });
  expect(pre.status).toBe(204);
  expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
  expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  const get = await request('GET', `${server.base}/metadata`, undefined, { Origin: 'https://app.example' });
  expect(get.headers.get('access-control-expose-headers')).toMatch(/ETag/);
  const other = await request('GET', `${server.base}/metadata`, undefined, { Origin: 'https://evil.example' });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

test('security headers; HSTS only behind TLS', async () => {
  const r = await request('GET', `${server.base}/Patient?_count=1`);
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('x-frame-options')).toBe('DENY');
  expect(r.headers.get('strict-transport-security')).toBeNull();
  const tls = await request('GET', `${server.base}/Patient?_count=1`, undefined, { 'X-Forwarded-Proto': 'https' });
  expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
});

test('with AUDIT=on every request is audited with an anonymous agent', async () => {
  const p = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'Anon' }] });
  await request('GET', `${server.base}/Patient/${p.json.id}`);
  let events: Json[] = [];
  for (let waited = 0; waited < 10_000 && events.length < 2; waited += 200) {
    await sleep(200);
    const r = await request('GET', `${server.base}/AuditEvent?_count=100&entity=Patient/${p.json.id}`);
    events = (r.json.entry ?? []).map((e: Json) => e.resource);
  }
  expect(events.map((e: Json) => `${e.subtype[0].code}:${e.action}`).sort()).toEqual(['create:C', 'read:R']);
  for (const e of events) expect(e.agent[0].who.display).toBe('anonymous');
});
