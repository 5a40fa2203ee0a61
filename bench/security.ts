/**
 * HMS-OPS security benchmark (issue #6).
 *
 *   npm run bench:security                      # both backends, 8 s per measurement
 *   npm run bench:security -- --duration=4 --backends=postgres
 *
 * Per backend: a client is registered with the CLI, 500 patients are seeded, three servers run side by side
 * (PostgreSQL: one database; PGlite: one data folder each) and are measured in alternation:
 * 1. read Patient/{id} (autocannon, 10 connections, rotating ids) with AUTH_MODE=off (no audit);
 * 2. the same with AUTH_MODE=on, AUDIT=off and a bearer token (the cost of authorization alone);
 * 3. the same with AUTH_MODE=on and audit on (the default with auth on);
 * then token issuance: POST /auth/token with fresh private_key_jwt assertions (signed before timing),
 * 10 concurrent requests.
 * Options: --duration (s per scenario, split over the rounds; default 8), --rounds (default 3), --warmup (s,
 * default 2), --connections (default 10), --backends (postgres,pglite), --tokens (default 3000), --pg-url,
 * --cpu-prof=DIR (servers under node --cpu-prof, profiles written there), --variant=K=V[,K=V] (a fourth server: auth
 * and audit on with these settings as well).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { arg, serverOptions, cannon, CpuMeter, fmt, runCleanups, startServer, withPostgres, type Backend, type Options } from './run.js';

const o: Options = { ...serverOptions({ duration: '8', warmup: '2', connections: '10', patients: '500' }), patients: 500, cpuProf: arg('cpu-prof', '') || undefined };
const TOKENS = Number(arg('tokens', '3000'));
const ROUNDS = Number(arg('rounds', '3'));
const CLI = resolve(process.cwd(), 'dist/src/cli.js');

interface Result {
  backend: Backend;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU of the server process and PostgreSQL per operation (ms): independent of other load on the machine. */
  cpuMs: number;
  otherCpu: number;
  /** median over the rounds of the throughput divided by auth off's in the same round */
  roundRatio?: number;
}
const results: Result[] = [];

const CONFIGS: { scenario: string; env: Record<string, string>; auth: boolean }[] = [
  { scenario: 'read, auth off', env: { AUTH_MODE: 'off' }, auth: false },
  // tokens outlive long runs (the default 300 s would expire mid-run and turn reads into 401s)
  { scenario: 'read, auth on, audit off', env: { AUTH_MODE: 'on', AUDIT: 'off', ACCESS_TOKEN_SECONDS: '86400' }, auth: true },
  { scenario: 'read, auth on, audit on', env: { AUTH_MODE: 'on', ACCESS_TOKEN_SECONDS: '86400' }, auth: true },
];
// --variant=K=V,K=V: a fourth server, auth and audit on with these settings too (to compare a setting's cost)
const VARIANT = arg('variant', '');
if (VARIANT) {
  const env: Record<string, string> = { AUTH_MODE: 'on', ACCESS_TOKEN_SECONDS: '86400' };
  for (const kv of VARIANT.split(',')) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  CONFIGS.push({ scenario: `read, auth on, audit on, ${VARIANT}`, env, auth: true });
}

/**
 * The three servers run side by side and are measured in alternation (ROUNDS rounds of --duration/ROUNDS
 * seconds each), so that load from other work on a shared machine spreads evenly over the three.
 */
async function run(backend: Backend, baseEnv: Record<string, string>): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwksFile = join(tmpdir(), `bench-jwks-${process.pid}.json`);
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] }));
  const dirs: string[] = [];
  const envFor = (i: number): Record<string, string> => {
    if (backend === 'postgres') return baseEnv;
    dirs[i] ??= mkdtempSync(join(tmpdir(), 'hms-bench-security-'));
    return { DATA_DIR: dirs[i] };
  };
  try {
    const servers = [];
    for (let i = 0; i < CONFIGS.length; i++) {
      const env = envFor(i);
      if (backend === 'pglite' || i === 0) {
        execFileSync(process.execPath, [CLI, 'client', 'add', '--id', 'bench', '--jwks-file', jwksFile, '--scopes', 'system/*.cruds'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' } });
      }
      const server = await startServer(backend, { ...env, ...CONFIGS[i].env }, o);
      const tokenUrl = `${server.url}/auth/token`;
      const assertion = (): Promise<string> =>
        new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'bench' }).setIssuer('bench').setSubject('bench').setAudience(tokenUrl)
          .setExpirationTime('4m').setJti(`${Math.random().toString(36).slice(2)}${process.hrtime.bigint()}`).sign(privateKey);
      let token: string | undefined;
      if (CONFIGS[i].auth) {
        const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion() });
        const r = await fetch(tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
        if (!r.ok) throw new Error(`token: ${r.status} ${await r.text()}`);
        token = ((await r.json()) as { access_token: string }).access_token;
      }
      const headers: Record<string, string> = { 'Content-Type': 'application/fhir+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
      servers.push({ ...CONFIGS[i], server, headers, tokenUrl, assertion, ids: [] as string[], count: 0, secs: 0, p50: [] as number[], p99: [] as number[], rounds: [] as number[], errors: 0, cpu: 0, other: 0 });
    }
    // Seed: once on PostgreSQL (one database), per server on PGlite (one data folder each).
    for (const x of servers) {
      if (backend === 'postgres' && x !== servers[0]) {
        x.ids = servers[0].ids;
        continue;
      }
      const entry = Array.from({ length: o.patients }, (_, i) => ({ resource: { resourceType: 'Patient', name: [{ family: `Bench${i}` }] }, request: { method: 'POST', url: 'Patient' } }));
      const r = await fetch(`${x.server.url}/fhir`, { method: 'POST', headers: x.headers, body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry }) });
      const bundle = (await r.json()) as { entry: { response: { location: string } }[] };
      x.ids = bundle.entry.map((e) => e.response.location.split('/')[1]);
    }
    const slice = { ...o, duration: Math.max(1, Math.round(o.duration / ROUNDS)) };
    for (let round = 0; round < ROUNDS; round++) {
      // The order rotates from round to round, so no server is always measured first (or right after another).
      for (const x of [...servers.slice(round % servers.length), ...servers.slice(0, round % servers.length)]) {
        let next = 0;
        const c = await cannon(
          { url: x.server.url, connections: o.connections, requests: [{ method: 'GET', headers: x.headers, setupRequest: (req) => ({ ...req, path: `/fhir/Patient/${x.ids[next++ % x.ids.length]}` }) }] },
          slice,
          x.server,
          backend,
        );
        x.rounds.push(c.rps);
        x.count += c.rps * slice.duration;
        x.secs += slice.duration;
        x.p50.push(c.p50);
        x.p99.push(c.p99);
        x.errors += c.errors;
        x.cpu += (c.serverCpu + c.dbCpu) * slice.duration;
        x.other += c.otherCpu / ROUNDS;
        console.log(
          `  round ${round + 1} ${x.scenario}: ${fmt(c.rps)} req/s, ${fmt(((c.serverCpu + c.dbCpu) * 1000) / c.rps, 3)} CPU ms/op ` +
            `(server ${fmt((c.serverCpu * 1000) / c.rps, 3)}, PostgreSQL ${fmt((c.dbCpu * 1000) / c.rps, 3)}), other load ${fmt(c.otherCpu, 2)} cores`,
        );
      }
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    for (const x of servers) {
      // The machine's speed drifts between rounds: the ratio to auth off within each round, then their median.
      const offRounds: number[] = servers[0].rounds;
      const roundRatio = median(x.rounds.map((rps: number, k: number) => rps / offRounds[k]));
      results.push({ backend, scenario: x.scenario, rps: x.count / x.secs, p50: median(x.p50), p99: median(x.p99), errors: x.errors, cpuMs: (x.cpu * 1000) / x.count, otherCpu: x.other, roundRatio });
    }

    // Token issuance: assertions signed first, then sent 10 at a time.
    const t = servers[servers.length - 1];
    const assertions = await Promise.all(Array.from({ length: TOKENS }, () => t.assertion()));
    let i = 0;
    let errors = 0;
    const lat: number[] = [];
    const meter = new CpuMeter(t.server.child.pid, t.server.db);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (i < assertions.length) {
          const a = assertions[i++];
          const t0 = performance.now();
          const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a });
          const r = await fetch(t.tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
          await r.arrayBuffer();
          if (r.status !== 200) errors++;
          lat.push(performance.now() - t0);
        }
      }),
    );
    const secs = (performance.now() - started) / 1000;
    const usage = meter.stop();
    lat.sort((a, b) => a - b);
    const cpuMs = ((usage.serverCpu + usage.dbCpu) * secs * 1000) / (TOKENS - errors);
    results.push({ backend, scenario: 'token issuance', rps: (TOKENS - errors) / secs, p50: lat[Math.floor(lat.length / 2)], p99: lat[Math.floor(lat.length * 0.99)], errors, cpuMs, otherCpu: usage.otherCpu });
    console.log(`  token issuance: ${fmt((TOKENS - errors) / secs)} tokens/s, ${fmt(cpuMs, 3)} CPU ms/token (server ${fmt((usage.serverCpu * secs * 1000) / (TOKENS - errors), 3)})`);
    for (const x of servers) await x.server.stop();
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

try {
  for (const backend of o.backends) {
    console.log(`\n== ${backend} ==`);
    if (backend === 'postgres') await withPostgres(o, (env) => run(backend, env), 'bench_security');
    else await run(backend, {});
  }
  console.log('\n| backend | scenario | throughput | p50 ms | p99 ms | errors | vs auth off | median per round vs auth off | CPU ms/op (server + PostgreSQL) | capacity per core (1000 / CPU ms) | other load (cores) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const off = results.find((x) => x.backend === r.backend && x.scenario === 'read, auth off');
    const ratio = r.scenario.startsWith('read') && off ? `${Math.round((r.rps / off.rps) * 100)} %` : '–';
    const perRound = r.roundRatio === undefined ? '–' : `${Math.round(r.roundRatio * 100)} %`;
    console.log(`| ${r.backend} | ${r.scenario} | ${fmt(r.rps)} ${r.scenario === 'token issuance' ? 'tokens/s' : 'req/s'} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${ratio} | ${perRound} | ${fmt(r.cpuMs, 3)} | ${fmt(1000 / r.cpuMs)} | ${fmt(r.otherCpu, 2)} |`);
  }
} finally {
  await runCleanups();
}
