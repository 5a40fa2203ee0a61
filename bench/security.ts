/**
 * HMS-OPS security benchmark (issue #6).
 *
 *   npm run bench:security                      # both backends, 8 s per measurement
 *   npm run bench:security -- --duration=4 --backends=postgres
 *
 * Per backend, on one database: a client is registered with the CLI, 500 patients are seeded, then
 * 1. read Patient/{id} (autocannon, 10 connections, rotating ids) with AUTH_MODE=off (no audit);
 * 2. the same with AUTH_MODE=on and a bearer token (audit on, the default with auth on);
 * 3. the same with AUTH_MODE=on and AUDIT=off (the cost of authorization alone);
 * 4. token issuance: POST /auth/token with fresh private_key_jwt assertions (signed before timing),
 *    10 concurrent requests.
 * Options: --duration (s, default 8), --warmup (s, default 2), --connections (default 10),
 * --backends (postgres,pglite), --tokens (assertions for step 4, default 3000), --pg-url.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { cannon, fmt, runCleanups, startServer, withPostgres, type Backend, type Options } from './run.js';

const arg = (name: string, fallback: string): string => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const o: Options = {
  duration: Number(arg('duration', '8')),
  warmup: Number(arg('warmup', '2')),
  connections: Number(arg('connections', '10')),
  backends: arg('backends', 'postgres,pglite').split(',') as Backend[],
  scenarios: [],
  patients: 500,
  clients: [1],
  pool: 10,
  pgUrl: arg('pg-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
  corpora: '',
  pgStats: false,
  pgSettings: [],
  waitIdle: 0,
};
const TOKENS = Number(arg('tokens', '3000'));
const CLI = resolve(process.cwd(), 'dist/src/cli.js');

interface Result {
  backend: Backend;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
const results: Result[] = [];

async function run(backend: Backend, env: Record<string, string>): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwksFile = join(tmpdir(), `bench-jwks-${process.pid}.json`);
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] }));
  execFileSync(process.execPath, [CLI, 'client', 'add', '--id', 'bench', '--jwks-file', jwksFile, '--scopes', 'system/*.cruds'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' } });

  let ids: string[] = [];
  const measure = async (scenario: string, extraEnv: Record<string, string>, auth: boolean): Promise<string | undefined> => {
    const server = await startServer(backend, { ...env, ...extraEnv }, o);
    try {
      let token: string | undefined;
      const tokenUrl = `${server.url}/auth/token`;
      const assertion = (): Promise<string> =>
        new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'bench' }).setIssuer('bench').setSubject('bench').setAudience(tokenUrl)
          .setExpirationTime('4m').setJti(`${Math.random().toString(36).slice(2)}${process.hrtime.bigint()}`).sign(privateKey);
      const getToken = async (): Promise<string> => {
        const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion() });
        const r = await fetch(tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
        if (!r.ok) throw new Error(`token: ${r.status} ${await r.text()}`);
        return ((await r.json()) as { access_token: string }).access_token;
      };
      if (auth) token = await getToken();
      const headers: Record<string, string> = { 'Content-Type': 'application/fhir+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
      if (ids.length === 0) {
        const entry = Array.from({ length: o.patients }, (_, i) => ({ resource: { resourceType: 'Patient', name: [{ family: `Bench${i}` }] }, request: { method: 'POST', url: 'Patient' } }));
        const r = await fetch(`${server.url}/fhir`, { method: 'POST', headers, body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry }) });
        const bundle = (await r.json()) as { entry: { response: { location: string } }[] };
        ids = bundle.entry.map((e) => e.response.location.split('/')[1]);
      }
      let next = 0;
      const c = await cannon(
        {
          url: server.url,
          connections: o.connections,
          requests: [{ method: 'GET', headers, setupRequest: (req) => ({ ...req, path: `/fhir/Patient/${ids[next++ % ids.length]}` }) }],
        },
        o,
        server,
        backend,
      );
      results.push({ backend, scenario, rps: c.rps, p50: c.p50, p99: c.p99, errors: c.errors });
      console.log(`  ${scenario}: ${fmt(c.rps)} req/s (p50 ${c.p50} ms, p99 ${c.p99} ms, errors ${c.errors})`);
      if (scenario === 'read, auth on, audit on') {
        // Token issuance: assertions signed first, then sent 10 at a time.
        const assertions = await Promise.all(Array.from({ length: TOKENS }, () => assertion()));
        let i = 0;
        let errors = 0;
        const lat: number[] = [];
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            while (i < assertions.length) {
              const a = assertions[i++];
              const t0 = performance.now();
              const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a });
              const r = await fetch(tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
              await r.arrayBuffer();
              if (r.status !== 200) errors++;
              lat.push(performance.now() - t0);
            }
          }),
        );
        const secs = (performance.now() - started) / 1000;
        lat.sort((a, b) => a - b);
        const row = { backend, scenario: 'token issuance', rps: (TOKENS - errors) / secs, p50: Math.round(lat[Math.floor(lat.length / 2)] * 10) / 10, p99: Math.round(lat[Math.floor(lat.length * 0.99)] * 10) / 10, errors };
        results.push(row);
        console.log(`  token issuance: ${fmt(row.rps)} tokens/s (p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${errors})`);
      }
      return token;
    } finally {
      await server.stop();
    }
  };
  await measure('read, auth off', { AUTH_MODE: 'off' }, false);
  await measure('read, auth on, audit on', { AUTH_MODE: 'on' }, true);
  await measure('read, auth on, audit off', { AUTH_MODE: 'on', AUDIT: 'off' }, true);
}

try {
  for (const backend of o.backends) {
    console.log(`\n== ${backend} ==`);
    if (backend === 'postgres') await withPostgres(o, (env) => run(backend, env), 'bench_security');
    else {
      const dir = mkdtempSync(join(tmpdir(), 'hms-bench-security-'));
      try {
        await run(backend, { DATA_DIR: dir });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.log('\n| backend | scenario | throughput | p50 ms | p99 ms | errors | vs auth off |\n| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const off = results.find((x) => x.backend === r.backend && x.scenario === 'read, auth off');
    const ratio = r.scenario.startsWith('read') && off ? `${Math.round((r.rps / off.rps) * 100)} %` : '–';
    console.log(`| ${r.backend} | ${r.scenario} | ${fmt(r.rps)} ${r.scenario === 'token issuance' ? 'tokens/s' : 'req/s'} | ${r.p50} | ${r.p99} | ${r.errors} | ${ratio} |`);
  }
} finally {
  await runCleanups();
}
