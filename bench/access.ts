/**
 * HMS-OPS access-policy benchmark (issue #6): what facility and region policies cost per request.
 *
 *   npm run bench:access                              # both backends, 3 s per measurement
 *   npm run bench:access -- --duration=2 --backends=postgres --patients=300
 *
 * Per backend one server (AUTH_MODE=on, AUDIT=off) with three clients registered by the CLI: `all`
 * (system/*.cruds, unbound), `facA` (bound to facility orgA) and `reg11` (bound to health region 11, which
 * holds orgA and orgA2). Seed: --patients patients in each of orgA, orgA2 (region 11) and orgB (region 18),
 * one Encounter each, two Observations per Encounter, and one update per Patient (two history versions).
 * Measured per client with autocannon (10 connections): read Patient/{id}, Observation search with _total,
 * a chained search (Observation?subject.name=…), type history and system history pages; then batches of 20
 * Observation creates, sequentially (per-entry write checks). CPU ms/op counts the server and PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { arg, serverOptions, cannon, cleanups, CpuMeter, fmt, runBench, startServer, withPostgres, type Backend, type Options } from './run.js';

const o = serverOptions({ duration: '3', warmup: '1', connections: '10', patients: '300' });
const BATCHES = Number(arg('batches', '15'));
/** --seed-only=<database URL>: seed an existing (empty) PostgreSQL database and stop (to study query plans). */
const SEED_ONLY = arg('seed-only', '');
const CLI = resolve(process.cwd(), 'dist/src/cli.js');
const REGION = (code: string) => [{ url: 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria', valueCoding: { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria', code } }];
const CLIENTS: { id: string; extra: string[] }[] = [
  { id: 'all', extra: [] },
  { id: 'facA', extra: ['--facility', 'orgA'] },
  { id: 'reg11', extra: ['--region', '11'] },
];
const ORGS = [
  { id: 'orgA', region: '11' },
  { id: 'orgA2', region: '11' },
  { id: 'orgB', region: '18' },
];

interface Result {
  backend: Backend;
  client: string;
  scenario: string;
  rps: number;
  p50: number;
  cpuMs: number;
  other: number;
  errors: number;
}
const results: Result[] = [];

async function run(backend: Backend, env: Record<string, string>): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwksFile = join(tmpdir(), `bench-access-jwks-${process.pid}.json`);
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] }));
  let dir: string | undefined;
  if (backend === 'pglite') {
    dir = mkdtempSync(join(tmpdir(), 'hms-bench-access-'));
    cleanups.push(() => rmSync(dir as string, { recursive: true, force: true }));
    env = { DATA_DIR: dir };
  }
  for (const c of CLIENTS) {
    execFileSync(process.execPath, [CLI, 'client', 'add', '--id', c.id, '--jwks-file', jwksFile, '--scopes', 'system/*.cruds', ...c.extra], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' } });
  }
  const server = await startServer(backend, { ...env, AUTH_MODE: 'on', AUDIT: 'off', RATE_LIMIT_PER_MINUTE: '0' }, o);
  const tokenUrl = `${server.url}/auth/token`;
  const headers: Record<string, Record<string, string>> = {};
  for (const c of CLIENTS) {
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'bench' }).setIssuer(c.id).setSubject(c.id).setAudience(tokenUrl)
      .setExpirationTime('4m').setJti(`${c.id}-${process.hrtime.bigint()}`).sign(privateKey);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    const r = await fetch(tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    if (!r.ok) throw new Error(`token: ${r.status} ${await r.text()}`);
    headers[c.id] = { 'Content-Type': 'application/fhir+json', Authorization: `Bearer ${((await r.json()) as { access_token: string }).access_token}` };
  }
  const post = async (bundle: unknown): Promise<void> => {
    const r = await fetch(`${server.url}/fhir`, { method: 'POST', headers: headers.all, body: JSON.stringify(bundle) });
    if (r.status !== 200) throw new Error(`seed: ${r.status} ${(await r.text()).slice(0, 300)}`);
    await r.arrayBuffer();
  };
  const tx = (resources: Record<string, unknown>[]) => ({ resourceType: 'Bundle', type: 'transaction', entry: resources.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })) });
  console.log(`  seeding ${o.patients} patients in each of ${ORGS.length} facilities…`);
  await post(tx(ORGS.map((g) => ({ resourceType: 'Organization', id: g.id, name: g.id, extension: REGION(g.region) }))));
  const patientIds: Record<string, string[]> = {};
  for (const g of ORGS) {
    patientIds[g.id] = [];
    for (let start = 0; start < o.patients; start += 100) {
      const rs: Record<string, unknown>[] = [];
      for (let i = start; i < Math.min(o.patients, start + 100); i++) {
        const p = `${g.id}-p${i}`;
        patientIds[g.id].push(p);
        rs.push({ resourceType: 'Patient', id: p, name: [{ family: `Bench${g.id}${i}` }], managingOrganization: { reference: `Organization/${g.id}` } });
        rs.push({ resourceType: 'Encounter', id: `${g.id}-e${i}`, status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${p}` }, serviceProvider: { reference: `Organization/${g.id}` } });
        for (const k of [0, 1]) {
          rs.push({ resourceType: 'Observation', id: `${g.id}-o${i}-${k}`, status: 'final', code: { text: 'bench' }, subject: { reference: `Patient/${p}` }, encounter: { reference: `Encounter/${g.id}-e${i}` } });
        }
      }
      await post(tx(rs));
      await post(tx(rs.filter((r) => r.resourceType === 'Patient').map((r) => ({ ...r, active: true }))));
    }
  }
  if (SEED_ONLY) {
    await server.stop();
    return;
  }
  const slice = o;
  const scenarios: { name: string; path: (n: number) => string }[] = [
    { name: 'read Patient/{id}', path: (n) => `/fhir/Patient/${patientIds.orgA[n % o.patients]}` },
    { name: 'search Observation (_total)', path: () => '/fhir/Observation?_count=20&_total=accurate' },
    { name: 'chain Observation?subject.name', path: (n) => `/fhir/Observation?subject.name=BenchorgA${n % o.patients}&_count=20` },
    { name: 'type history Patient/_history', path: () => '/fhir/Patient/_history?_count=20' },
    { name: 'system history _history', path: () => '/fhir/_history?_count=20' },
  ];
  for (const s of scenarios) {
    for (const c of CLIENTS) {
      let next = 0;
      const r = await cannon(
        { url: server.url, connections: o.connections, requests: [{ method: 'GET', headers: headers[c.id], setupRequest: (req) => ({ ...req, path: s.path(next++) }) }] },
        slice,
        server,
        backend,
      );
      const cpuMs = ((r.serverCpu + r.dbCpu) * 1000) / Math.max(r.rps, 1e-9);
      results.push({ backend, client: c.id, scenario: s.name, rps: r.rps, p50: r.p50, cpuMs, other: r.otherCpu, errors: r.errors });
      console.log(`  ${s.name} as ${c.id}: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50, 1)} ms, ${fmt(cpuMs, 3)} CPU ms/op, other load ${fmt(r.otherCpu, 2)} cores${r.firstError ? ` (${r.firstError})` : ''}`);
    }
  }
  for (const c of CLIENTS) {
    const meter = new CpuMeter(server.child.pid, server.db);
    const t0 = performance.now();
    let errors = 0;
    for (let b = 0; b < BATCHES; b++) {
      const entry = Array.from({ length: 20 }, (_, i) => ({
        resource: { resourceType: 'Observation', status: 'final', code: { text: 'batch' }, subject: { reference: `Patient/${patientIds.orgA[(b * 20 + i) % o.patients]}` }, encounter: { reference: `Encounter/orgA-e${(b * 20 + i) % o.patients}` } },
        request: { method: 'POST', url: 'Observation' },
      }));
      const r = await fetch(`${server.url}/fhir`, { method: 'POST', headers: headers[c.id], body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry }) });
      const json = (await r.json()) as { entry?: { response: { status: string } }[] };
      errors += (json.entry ?? []).filter((e) => !e.response.status.startsWith('201')).length + (r.status === 200 ? 0 : 20);
    }
    const secs = (performance.now() - t0) / 1000;
    const u = meter.stop();
    const cpuMs = ((u.serverCpu + u.dbCpu) * secs * 1000) / BATCHES;
    results.push({ backend, client: c.id, scenario: 'batch of 20 creates', rps: BATCHES / secs, p50: (secs * 1000) / BATCHES, cpuMs, other: u.otherCpu, errors });
    console.log(`  batch of 20 creates as ${c.id}: ${fmt(BATCHES / secs, 1)} batches/s, ${fmt(cpuMs, 2)} CPU ms/batch, errors ${errors}`);
  }
  await server.stop();
}

async function main(): Promise<void> {
  for (const backend of SEED_ONLY ? ['postgres' as Backend] : o.backends) {
    console.log(`\n== ${backend} ==`);
    if (SEED_ONLY) await run('postgres', { DATABASE_URL: SEED_ONLY });
    else if (backend === 'postgres') await withPostgres(o, (env) => run(backend, env), 'bench_access');
    else await run(backend, {});
  }
  console.log('\n| backend | scenario | client | throughput (/s) | p50 ms | CPU ms/op (server + PostgreSQL) | vs unbound (CPU) | errors | other load (cores) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const base = results.find((x) => x.backend === r.backend && x.scenario === r.scenario && x.client === 'all');
    const ratio = base && r.client !== 'all' ? `${fmt(r.cpuMs / base.cpuMs, 2)}×` : '–';
    console.log(`| ${r.backend} | ${r.scenario} | ${r.client} | ${fmt(r.rps, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.cpuMs, 3)} | ${ratio} | ${r.errors} | ${fmt(r.other, 2)} |`);
  }
}

await runBench('access', main);
