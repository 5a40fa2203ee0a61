import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { assertion, bearer, bootstrapAdmin, newClient, register, tokenRequest, type TestClient } from './security-util.js';

/**
 * The replay ledger of client assertions survives a crash: an assertion accepted before `kill -9` is still
 * refused after the restart (PGlite: the process's own ledger, appended to a file in the data folder before
 * the token is issued; PostgreSQL: the auth_jti table). Access tokens are ES256 JWTs that verify against the
 * published JWKS.
 */
const PUBLIC = 'http://hms-ops.example/fhir'; // a fixed base URL: the token endpoint (the assertion's aud) survives the restart's new port
const TOKEN_URL = 'http://hms-ops.example/auth/token';
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off', BASE_URL: PUBLIC });
  admin = await bootstrapAdmin(server);
});
afterAll(async () => {
  await server?.stop();
});

const form = (a: string): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: a,
});

test('an assertion accepted before a crash is refused after the restart; concurrent replays get one token', async () => {
  const client = await newClient('replayer');
  const adminToken = (await tokenRequest(server.base, form(await assertion(admin, TOKEN_URL)))).json.access_token as string;
  await register(server.base, adminToken, client, 'system/Patient.rs');
  const once = await assertion(client, TOKEN_URL, { jti: `crash-${Date.now()}` });
  const first = await tokenRequest(server.base, form(once));
  expect(first.status).toBe(200);
  expect((await tokenRequest(server.base, form(once))).json.error).toBe('invalid_client');
  // the same assertion ten times at once: exactly one is accepted
  const burst = await assertion(client, TOKEN_URL, { jti: `burst-${Date.now()}` });
  const answers = await Promise.all(Array.from({ length: 10 }, () => tokenRequest(server.base, form(burst))));
  expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
  expect(answers.filter((a) => a.status === 401 && /already used/.test(a.json.error_description))).toHaveLength(9);

  await server.kill();
  await server.restart();
  for (const a of [once, burst]) {
    const replay = await tokenRequest(server.base, form(a));
    expect(replay.status).toBe(401);
    expect(replay.json.error_description).toMatch(/already used/);
  }
  // a clean stop (SIGTERM) and start keep it too
  const stopped = new Promise((r) => server.process.once('exit', r));
  server.process.kill('SIGTERM');
  await stopped;
  await server.restart();
  expect((await tokenRequest(server.base, form(once))).status).toBe(401);
  const fresh = await tokenRequest(server.base, form(await assertion(client, TOKEN_URL)));
  expect(fresh.status).toBe(200);
  // the access token: ES256, at+jwt, the current published key, claims for this server
  const token = fresh.json.access_token as string;
  const header = decodeProtectedHeader(token);
  expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
  const jwks = await request('GET', server.base.replace(/\/fhir$/, '/auth/jwks'));
  const jwk = (jwks.json.keys as JWK[]).find((k) => k.kid === header.kid) as JWK;
  const { payload } = await jwtVerify(token, await importJWK(jwk, 'ES256'), { issuer: 'http://hms-ops.example/auth', audience: PUBLIC });
  expect(payload).toMatchObject({ sub: 'replayer', client_id: 'replayer', scope: 'system/Patient.rs' });
  expect(typeof decodeJwt(token).jti).toBe('string');
  expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(token))).status).toBe(200);
});
