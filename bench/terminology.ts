/**
 * HMS-OPS terminology benchmark (issue #4): latency of ValueSet/$expand on a 500-code ValueSet, and of
 * $validate-code / $lookup, over HTTP against a server child process, on PostgreSQL and PGlite.
 *
 *   npm run bench:terminology                    # both backends, 300 measured requests per scenario
 *   npm run bench:terminology -- --requests=100 --backends=pglite
 *
 * Each scenario: one cold request (first use after start: loads the base R4 / THO terminology it needs and
 * computes the expansion), 30 warm-up requests, then --requests sequential requests (one at a time, so the
 * figures are latencies, not throughput under load), p50 / p95 / p99 / max in milliseconds.
 *
 * Options (argv --name=value): --requests (300), --backends (postgres,pglite), --pg-url
 * (postgres://postgres@127.0.0.1:5432/postgres), --out (file: results as JSON). The server is stopped and the
 * database dropped at the end, on failure and on SIGINT/SIGTERM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanups, FHIR_JSON, percentile, runBench, startServer, withPostgres, type Backend, type Options as RunOptions, type Server } from './run.js';
import { bigCodeSystem } from '../test/terminology-fixtures.js';

interface Options {
  requests: number;
  backends: Backend[];
  pgUrl: string;
  out?: string;
}

function options(): Options {
  const arg = (name: string): string | undefined => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
  return {
    requests: Number(arg('requests') ?? 300),
    backends: (arg('backends') ?? 'postgres,pglite').split(',') as Backend[],
    pgUrl: arg('pg-url') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    out: arg('out'),
  };
}

const BIG_VS = 'https://fhir.example.py/ValueSet/bench-500';
const BIG_CS = 'https://fhir.example.py/CodeSystem/test-big';
const u = encodeURIComponent;

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: object;
  /** Checks the answer once before measuring. */
  check(json: any): boolean;
}

const inlineValueSet = {
  resourceType: 'Parameters',
  parameter: [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: BIG_CS }] } } }],
};

const SCENARIOS: Scenario[] = [
  { name: '$expand 500 codes (stored ValueSet, cached expansion)', method: 'GET', path: `ValueSet/$expand?url=${u(BIG_VS)}`, check: (j) => j.expansion?.total === 500 && j.expansion.contains.length === 500 },
  { name: '$expand 500 codes, displayLanguage=en + includeDesignations', method: 'GET', path: `ValueSet/$expand?url=${u(BIG_VS)}&displayLanguage=en&includeDesignations=true`, check: (j) => j.expansion?.contains?.[0]?.display === 'Concept c001' },
  { name: '$expand 500 codes, filter=c25 (10 matches)', method: 'GET', path: `ValueSet/$expand?url=${u(BIG_VS)}&filter=c25`, check: (j) => j.expansion?.total === 10 },
  { name: '$expand 500 codes, count=20 offset=240', method: 'GET', path: `ValueSet/$expand?url=${u(BIG_VS)}&count=20&offset=240`, check: (j) => j.expansion?.total === 500 && j.expansion.contains.length === 20 },
  { name: '$expand posted 500-code ValueSet (computed every time)', method: 'POST', path: 'ValueSet/$expand', body: inlineValueSet, check: (j) => j.expansion?.total === 500 },
  { name: '$expand base R4 administrative-gender', method: 'GET', path: `ValueSet/$expand?url=${u('http://hl7.org/fhir/ValueSet/administrative-gender')}`, check: (j) => j.expansion?.total === 4 },
  { name: '$validate-code in the 500-code ValueSet', method: 'GET', path: `ValueSet/$validate-code?url=${u(BIG_VS)}&system=${u(BIG_CS)}&code=c321`, check: (j) => j.parameter?.[0]?.valueBoolean === true },
  { name: '$lookup v3 RoleCode (HL7 terminology)', method: 'GET', path: `CodeSystem/$lookup?system=${u('http://terminology.hl7.org/CodeSystem/v3-RoleCode')}&code=FTH`, check: (j) => j.parameter?.some((p: any) => p.name === 'display' && p.valueString === 'father') },
];

async function call(server: Server, s: Scenario): Promise<{ ms: number; status: number; json: any }> {
  const t = performance.now();
  const r = await fetch(`${server.url}/fhir/${s.path}`, { method: s.method, headers: s.body ? { 'Content-Type': FHIR_JSON } : {}, body: s.body ? JSON.stringify(s.body) : undefined });
  const text = await r.text();
  const ms = performance.now() - t;
  return { ms, status: r.status, json: JSON.parse(text) };
}

async function seed(server: Server): Promise<void> {
  for (const body of [bigCodeSystem(500), { resourceType: 'ValueSet', url: BIG_VS, status: 'active', compose: { include: [{ system: BIG_CS }] } }]) {
    const r = await fetch(`${server.url}/fhir/${body.resourceType}`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(`seed ${body.resourceType}: ${r.status} ${await r.text()}`);
  }
}

interface Result {
  backend: Backend;
  scenario: string;
  coldMs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  requests: number;
}

async function measure(backend: Backend, server: Server, o: Options): Promise<Result[]> {
  await seed(server);
  const out: Result[] = [];
  for (const s of SCENARIOS) {
    const cold = await call(server, s);
    if (cold.status !== 200 || !s.check(cold.json)) throw new Error(`${s.name}: unexpected answer ${cold.status} ${JSON.stringify(cold.json).slice(0, 300)}`);
    for (let i = 0; i < 30; i++) await call(server, s);
    const times: number[] = [];
    for (let i = 0; i < o.requests; i++) {
      const r = await call(server, s);
      if (r.status !== 200) throw new Error(`${s.name}: ${r.status}`);
      times.push(r.ms);
    }
    times.sort((a, b) => a - b);
    const row = { backend, scenario: s.name, coldMs: cold.ms, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times[times.length - 1], requests: o.requests };
    out.push(row);
    console.log(`  ${backend.padEnd(8)} ${s.name.padEnd(62)} cold ${row.coldMs.toFixed(1).padStart(7)}  p50 ${row.p50.toFixed(2).padStart(6)}  p95 ${row.p95.toFixed(2).padStart(6)}  p99 ${row.p99.toFixed(2).padStart(6)} ms`);
  }
  return out;
}

async function main(): Promise<void> {
  const o = options();
  const run: RunOptions = { duration: 0, warmup: 0, connections: 1, backends: o.backends, scenarios: [], patients: 0, clients: [1], pool: 10, pgUrl: o.pgUrl, corpora: '', pgStats: false, pgSettings: [], waitIdle: 0 };
  console.log(`terminology bench: ${new Date().toUTCString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  const results: Result[] = [];
  for (const backend of o.backends) {
    if (backend === 'postgres') {
      results.push(...(await withPostgres(run, async (env) => {
        const server = await startServer('postgres', env, run);
        try {
          return await measure('postgres', server, o);
        } finally {
          await server.stop();
        }
      }, 'bench_terminology')));
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'bench-terminology-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const server = await startServer('pglite', { DATA_DIR: dir }, run);
      try {
        results.push(...(await measure('pglite', server, o)));
      } finally {
        await server.stop();
      }
    }
  }
  console.log('\n| backend | scenario | cold ms | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of results) console.log(`| ${r.backend} | ${r.scenario} | ${r.coldMs.toFixed(1)} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} |`);
  const target = results.filter((r) => r.scenario.startsWith('$expand 500 codes (stored'));
  for (const r of target) console.log(`target $expand 500 codes ≤ 20 ms (p50 and p95), ${r.backend}: p50 ${r.p50.toFixed(2)} / p95 ${r.p95.toFixed(2)} → ${r.p95 <= 20 ? 'met' : 'NOT met'}`);
  if (o.out) writeFileSync(o.out, JSON.stringify(results, null, 2));
}

await runBench('terminology', main);
