import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { request, type Reply } from './helpers/http.js';
import type { TestServer } from './helpers/server.js';
import type { Json } from './rest-util.js';

/** Helpers for the security suites: client key pairs, client assertions, tokens, registration (not a test file). */

export interface TestClient {
  id: string;
  kid: string;
  privateKey: CryptoKey;
  jwks: { keys: JWK[] };
}

export async function newClient(id: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<TestClient> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${id}-key`;
  return { id, kid, privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] } };
}

export function tokenUrl(base: string): string {
  return base.replace(/\/fhir$/, '/auth/token');
}

export async function assertion(c: TestClient, aud: string, over: { exp?: number; jti?: string; iss?: string; sub?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const alg = (c.jwks.keys[0].alg as string) ?? 'ES256';
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: c.kid, typ: 'JWT' })
    .setIssuer(over.iss ?? c.id)
    .setSubject(over.sub ?? c.id)
    .setAudience(aud)
    .setExpirationTime(over.exp ?? now + 240)
    .setJti(over.jti ?? `${Math.random().toString(36).slice(2)}${Date.now()}`)
    .sign(c.privateKey);
}

export async function tokenRequest(base: string, form: Record<string, string>): Promise<Reply> {
  return request('POST', tokenUrl(base), new URLSearchParams(form).toString(), { 'Content-Type': 'application/x-www-form-urlencoded' });
}

export async function getToken(base: string, c: TestClient, scope?: string): Promise<string> {
  const r = await tokenRequest(base, {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await assertion(c, tokenUrl(base)),
    ...(scope ? { scope } : {}),
  });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return r.json.access_token as string;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Registers through the admin API (needs a token with hms/admin). */
export async function register(base: string, adminToken: string, c: TestClient, scopes: string, extra: Json = {}): Promise<void> {
  const url = base.replace(/\/fhir$/, '/admin/clients');
  const r = await request('POST', url, { clientId: c.id, name: c.id, jwks: c.jwks, scopes, ...extra }, { ...bearer(adminToken), 'Content-Type': 'application/json' });
  if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${r.text}`);
}

const CLI = resolve(process.cwd(), 'dist/src/cli.js');

/** Runs the hms-ops CLI against the test server's database (the server must be stopped for PGlite). */
export async function cli(server: TestServer, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, ...server.env, LOG_LEVEL: 'silent' } });
}

/** Registers the admin client with the CLI while the server is down, then restarts it. */
export async function bootstrapAdmin(server: TestServer, scopes = 'hms/admin system/*.cruds hms/label.R hms/label.V hms/label.conocimiento-protegido'): Promise<TestClient> {
  const admin = await newClient('admin');
  const file = join(tmpdir(), `hms-admin-jwks-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(admin.jwks));
  await server.kill();
  await cli(server, ['client', 'add', '--id', 'admin', '--name', 'Administrator', '--jwks-file', file, '--scopes', scopes]);
  await server.restart();
  return admin;
}
