import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { request } from './helpers/http.js';
import { backend, createDatabase, spawnServer } from './helpers/server.js';
import { assertion, bearer, newClient, tokenRequest, tokenUrl } from './security-util.js';

/**
 * Two server processes on one PostgreSQL database share the signing keys, the client registry and the jti
 * ledger: a token issued by one is accepted by the other, an assertion used at one is refused at the other,
 * and a key rotation by the CLI reaches both. PGlite is single-process: skipped on the pglite project.
 */
const pgTest = backend() === 'postgres' ? test : test.skip;
/** Both processes sit behind one public URL (a load balancer), as in production. */
const PUBLIC = 'http://hms-ops.example/fhir';

let procs: ChildProcess[] = [];
let bases: string[] = [];
let drop: (() => Promise<void>) | undefined;
let env: Record<string, string> = {};

beforeAll(async () => {
  if (backend() !== 'postgres') return;
  const db = await createDatabase();
  drop = db.drop;
  env = { DATABASE_URL: db.url, AUTH_MODE: 'on', AUDIT: 'off', BASE_URL: PUBLIC };
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
  const form = async (jti?: string): Promise<Record<string, string>> => ({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await assertion(client, tokenUrl(PUBLIC), jti ? { jti } : {}),
  });
  const jti = `shared-${Date.now()}`;
  const first = await tokenRequest(a, await form(jti));
  expect(first.status).toBe(200);
  const replay = await tokenRequest(b, await form(jti));
  expect(replay.status).toBe(401);
  expect(replay.json.error_description).toMatch(/already used/);
  // a token issued by process a is accepted by process b
  const tokenA = first.json.access_token as string;
  expect((await request('GET', `${b}/Patient?_count=1`, undefined, bearer(tokenA))).status).toBe(200);

  // rotation by the CLI: both processes publish the new key and accept old and new tokens
  const token = async (base: string): Promise<string> => (await tokenRequest(base, await form())).json.access_token as string;
  const before = await token(b);
  const { stdout } = await cli(['keys', 'rotate']);
  const kid = /New signing key (\S+);/.exec(stdout)?.[1];
  expect(kid).toBeDefined();
  const jwks = async (base: string): Promise<string[]> => (await request('GET', base.replace(/\/fhir$/, '/auth/jwks'))).json.keys.map((k: { kid: string }) => k.kid);
  let published: string[][] = [];
  for (let waited = 0; waited < 15_000 && (published.length === 0 || !published.every((p) => p[0] === kid)); waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    published = [await jwks(a), await jwks(b)];
  }
  expect(published).toHaveLength(2);
  for (const p of published) {
    expect(p[0]).toBe(kid);
    expect(p).toHaveLength(2);
  }
  const after = await token(a);
  expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).toBe(kid);
  for (const t of [before, after]) for (const base of [a, b]) expect((await request('GET', `${base}/Patient?_count=1`, undefined, bearer(t))).status).toBe(200);
});
