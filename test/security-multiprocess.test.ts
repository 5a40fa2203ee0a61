import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { request } from './helpers/http.js';
import { backend, createDatabase, spawnServer } from './helpers/server.js';
import { assertion, bearer, getToken, newClient, tokenRequest, tokenUrl } from './security-util.js';

/**
 * Two server processes on one PostgreSQL database share the signing keys, the client registry and the jti
 * ledger: a token issued by one is accepted by the other, an assertion used at one is refused at the other,
 * and a key rotation by the CLI reaches both. PGlite is single-process: skipped on the pglite project.
 */
const pgTest = backend() === 'postgres' ? test : test.skip;

let procs: ChildProcess[] = [];
let bases: string[] = [];
let drop: (() => Promise<void>) | undefined;
let env: Record<string, string> = {};

beforeAll(async () => {
  if (backend() !== 'postgres') return;
  const db = await createDatabase();
  drop = db.drop;
  env = { DATABASE_URL: db.url, AUTH_MODE: 'on', AUDIT: 'off' };
  const started = await Promise.all([spawnServer(env), spawnServer(env)]);
  procs = started.map((s) => s.proc);
  bases = started.map((s) => s.base);
});
afterAll(async () => {
  await Promise.all(procs.map((p) => new Promise<void>((r) => (p.exitCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGTERM'))))));
  await drop?.();
});

const CLI = resolve(process.cwd(), 'dist/src/cli.js');
const cli = (args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' } });

pgTest('tokens, replay protection and key rotation work across processes', async () => {
  const [a, b] = bases;
  const client = await newClient('multi');
  const file = join(tmpdir(), `hms-multi-jwks-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(client.jwks));
  await cli(['client', 'add', '--id', 'multi', '--jwks-file', file, '--scopes', 'system/Patient.rs']);
  // the token endpoint URL differs per process (its port): the same jti is presented to both
  const jti = `shared-${Date.now()}`;
  const form = async (base: string): Promise<Record<string, string>> => ({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await assertion(client, tokenUrl(base), { jti }),
  });
  const first = await tokenRequest(a, await form(a));
  expect(first.status).toBe(200);
  const replay = await tokenRequest(b, await form(b));
  expect(replay.status).toBe(401);
  expect(replay.json.error_description).toMatch(/already used/);

  // a token of process a is valid at process b when both share the base URL's origin keys
  const tokenA = first.json.access_token as string;
  const atB = await request('GET', `${b}/Patient?_count=1`, undefined, bearer(tokenA));
  // aud is the base URL of process a, so b refuses it; a accepts it
  expect(atB.status).toBe(401);
  expect((await request('GET', `${a}/Patient?_count=1`, undefined, bearer(tokenA))).status).toBe(200);

  // rotation by the CLI: both processes publish the new key and accept old and new tokens
  const before = await getToken(b, client);
  const { stdout } = await cli(['keys', 'rotate']);
  const kid = /New signing key (\S+);/.exec(stdout)?.[1];
  expect(kid).toBeDefined();
  let published: string[] = [];
  for (let waited = 0; waited < 15_000 && published[0] !== kid; waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    published = (await request('GET', b.replace(/\/fhir$/, '/auth/jwks'))).json.keys.map((k: { kid: string }) => k.kid);
  }
  expect(published[0]).toBe(kid);
  expect(published).toHaveLength(2);
  const after = await getToken(b, client);
  expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).toBe(kid);
  for (const t of [before, after]) expect((await request('GET', `${b}/Patient?_count=1`, undefined, bearer(t))).status).toBe(200);
});
