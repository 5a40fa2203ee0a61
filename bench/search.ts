/**
 * HMS-OPS search benchmark (issue #3), on PostgreSQL.
 *
 *   npm run bench:search                         # full run: Synthea 1×, then grown to 10×, ~10–15 minutes
 *   npm run bench:search -- --quick              # 3 s per query, data grown to 3×, no idle waits (~3 minutes)
 *
 * 1. A fresh database bench_search_<random> on PostgreSQL, the server as a child process (DB_POOL_SIZE=10,
 *    LOG_LEVEL=warn, loopback), the 20 Synthea patients of ../shared/corpora/synthea loaded (hospital and
 *    practitioner batch bundles first, then the patient transaction bundles), VACUUM ANALYZE.
 * 2. Every query is checked (HTTP 200, at least one match, for every value it rotates over), then measured with
 *    autocannon (10 connections, warm-up + measured seconds), rotating over its values.
 * 3. The data is grown to --scale × the resource count with copies of the patient bundles (bench/search-data.ts:
 *    fresh UUIDs, distinct names and identifiers; conditional references to the shared resources kept), loaded
 *    as transactions by --clients concurrent clients, VACUUM ANALYZE, and the same queries measured again.
 * 4. For the --explain slowest queries at the larger scale: the SQL statements the search engine runs for them
 *    (the engine's own code — dist/src/search/parse.js + engine.js — run against a recording connection, with the
 *    query's slowest rotation value) and EXPLAIN (ANALYZE, BUFFERS) of each.
 *
 * Options (argv --name=value, or the environment variable in brackets):
 *   --duration     [BENCH_DURATION]     seconds measured per query (default 10; --quick 3)
 *   --warmup       [BENCH_WARMUP]       seconds of discarded warm-up before each (default 2; --quick 1)
 *   --connections  [BENCH_CONNECTIONS]  autocannon connections (default 10)
 *   --scale        [BENCH_SCALE]        grow the data to this many times the Synthea resource count (default 10;
 *                                        --quick 3; 1 = no growth)
 *   --clients      [BENCH_CLIENTS]      concurrent clients loading the patient transaction bundles (default 4)
 *   --queries      [BENCH_QUERIES]      comma-separated query ids to run (default all; see QUERIES below)
 *   --explain      [BENCH_EXPLAIN]      how many of the slowest queries to EXPLAIN (default 5; 0 = none)
 *   --pool         [BENCH_POOL]         DB_POOL_SIZE (default 10)
 *   --pg-url       [BENCH_PG_URL]       admin URL of PostgreSQL (default postgres://postgres@127.0.0.1:5432/postgres)
 *   --pg-settings  [BENCH_PG_SETTINGS]  name=value,…: ALTER DATABASE settings of the bench database
 *   --corpora      [BENCH_CORPORA]      corpora folder (default ../shared/corpora, relative to the repository root);
 *                                       its synthea/ folder: public Synthea data from google/fhir-data-pipes,
 *                                       synthea-hiv/sample_data/ — layout and source in the header of bench/run.ts
 *   --wait-idle    [BENCH_WAIT_IDLE]    before each measurement wait up to this many seconds for other work on
 *                                       the machine to stop (default 5; --quick 0)
 *   --timeout      [BENCH_TIMEOUT]      give up (and clean up) after this many seconds (default 1800)
 *   --out          [BENCH_OUT]          file: also write the results as JSON
 *   --md           [BENCH_MD]           file: write the report (tables and plans) as Markdown (default
 *                                       $TMPDIR/hms-ops-search-bench-<time>.md; its path is printed)
 *   --from-json    [BENCH_FROM_JSON]    file: no run; re-render the report of an earlier run from its --out file
 *   --compare      [BENCH_COMPARE]      file: the --out file of an earlier run (e.g. before a change); the report
 *                                       adds a before/after table per query and scale
 *   --reuse        [BENCH_REUSE]        keep the loaded databases as templates (bench_search_tpl_1x and
 *                                       bench_search_tpl_<scale>x, after VACUUM ANALYZE) and, when they exist,
 *                                       start from a copy of them instead of loading (seconds instead of minutes;
 *                                       the server applies newer migrations to the copy at start). Drop them with
 *                                       --drop-templates. Without --reuse nothing is kept.
 *   --drop-templates                    no run: drop the template databases of --reuse
 *   --measure      [BENCH_MEASURE]      which scales to measure: both (default), base (1× only), scaled (the
 *                                       --scale data only; with --reuse the 1× load is skipped when the scaled
 *                                       template exists). With --reuse and both templates, "both" measures a
 *                                       copy of each (no loading at all).
 *   --cpu-prof     [BENCH_CPU_PROF]     folder: run the server with --cpu-prof, profiles written there on stop
 *   --quick                             the quick settings above (explicit options still win)
 *
 * The server is stopped and the database dropped on success, failure, timeout and SIGINT/SIGTERM.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import {
  cannon,
  checkBundleResponse,
  cleanups,
  fmt,
  loadBundles,
  ms,
  postBundles,
  postJson,
  runBench,
  runCleanups,
  startServer,
  withPostgres,
  FHIR_JSON,
  type Options as RunOptions,
  type Row,
  type Server,
} from './run.js';
import { copyPatientBundle, planCopies } from './search-data.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { parseSearch } from '../src/search/parse.js';
import { executeSearch } from '../src/search/engine.js';
import { parseLinks, setLinks } from '../src/search/links.js';
import { loadConfig } from '../src/config.js';
import type { Queryable, QueryResult } from '../src/db/database.js';

// ---------------------------------------------------------------------------------------------------------------
// Options.

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  scale: number;
  clients: number;
  queries?: string[];
  explain: number;
  pool: number;
  pgUrl: string;
  pgSettings: string[];
  corpora: string;
  waitIdle: number;
  timeout: number;
  out?: string;
  md?: string;
  fromJson?: string;
  compare?: string;
  reuse: boolean;
  dropTemplates: boolean;
  measure: 'both' | 'base' | 'scaled';
  cpuProf?: string;
  quick: boolean;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

function readOptions(): Options {
  const known = ['duration', 'warmup', 'connections', 'scale', 'clients', 'queries', 'explain', 'pool', 'pg-url', 'pg-settings', 'corpora', 'wait-idle', 'timeout', 'out', 'md', 'from-json', 'compare', 'reuse', 'drop-templates', 'measure', 'cpu-prof', 'quick'];
  for (const a of process.argv.slice(2)) {
    const name = a.replace(/^--/, '').split('=')[0];
    if (!a.startsWith('--') || !known.includes(name)) throw new Error(`unknown argument "${a}" (see the header of bench/search.ts)`);
  }
  const quick = process.argv.includes('--quick') || ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');
  const option = (name: string, env: string, fallback: string): string => {
    const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
    if (arg) return arg.slice(name.length + 3);
    const v = process.env[env];
    return v === undefined || v === '' ? fallback : v;
  };
  const num = (name: string, env: string, fallback: number, min: number): number => {
    const raw = option(name, env, String(fallback));
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, not "${raw}"`);
    return n;
  };
  const flag = (name: string, env: string): boolean => process.argv.includes(`--${name}`) || ['1', 'true', 'yes'].includes(process.env[env] ?? '');
  const measure = option('measure', 'BENCH_MEASURE', 'both');
  if (measure !== 'both' && measure !== 'base' && measure !== 'scaled') throw new Error(`--measure must be both, base or scaled, not "${measure}"`);
  const queries = option('queries', 'BENCH_QUERIES', '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const q of queries) if (!QUERIES.some((d) => d.id === q)) throw new Error(`unknown query "${q}" (known: ${QUERIES.map((d) => d.id).join(', ')})`);
  return {
    duration: num('duration', 'BENCH_DURATION', quick ? 3 : 10, 0.5),
    warmup: num('warmup', 'BENCH_WARMUP', quick ? 1 : 2, 0),
    connections: Math.round(num('connections', 'BENCH_CONNECTIONS', 10, 1)),
    scale: num('scale', 'BENCH_SCALE', quick ? 3 : 10, 1),
    clients: Math.round(num('clients', 'BENCH_CLIENTS', 4, 1)),
    queries: queries.length ? queries : undefined,
    explain: Math.round(num('explain', 'BENCH_EXPLAIN', 5, 0)),
    pool: Math.round(num('pool', 'BENCH_POOL', 10, 1)),
    pgUrl: option('pg-url', 'BENCH_PG_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
    pgSettings: option('pg-settings', 'BENCH_PG_SETTINGS', '').split(',').map((x) => x.trim()).filter(Boolean),
    corpora: resolve(ROOT, option('corpora', 'BENCH_CORPORA', '../shared/corpora')),
    waitIdle: num('wait-idle', 'BENCH_WAIT_IDLE', quick ? 0 : 5, 0),
    timeout: num('timeout', 'BENCH_TIMEOUT', 1800, 10),
    out: option('out', 'BENCH_OUT', '') || undefined,
    md: option('md', 'BENCH_MD', '') || resolve(tmpdir(), `hms-ops-search-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`),
    fromJson: option('from-json', 'BENCH_FROM_JSON', '') || undefined,
    compare: option('compare', 'BENCH_COMPARE', '') || undefined,
    reuse: flag('reuse', 'BENCH_REUSE'),
    dropTemplates: flag('drop-templates', 'BENCH_DROP_TEMPLATES'),
    measure,
    cpuProf: option('cpu-prof', 'BENCH_CPU_PROF', '') || undefined,
    quick,
  };
}

/** The options object the helpers of bench/run.ts expect. */
function runOptions(o: Options): RunOptions {
  return {
    duration: o.duration,
    warmup: o.warmup,
    connections: o.connections,
    backends: ['postgres'],
    scenarios: [],
    patients: 0,
    clients: [o.clients],
    pool: o.pool,
    pgUrl: o.pgUrl,
    corpora: o.corpora,
    pgStats: false,
    pgSettings: o.pgSettings,
    waitIdle: o.waitIdle,
    cpuProf: o.cpuProf,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Template databases (--reuse): a loaded database kept and copied instead of loading again.

const templateName = (scale: number): string => `bench_search_tpl_${String(scale).replace(/\W/g, '_')}x`;

async function withAdmin<T>(o: Options, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: o.pgUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function templateExists(o: Options, scale: number): Promise<boolean> {
  return withAdmin(o, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateName(scale)])).rowCount === 1);
}

/** Replaces database `db` (nobody connected) by a copy of `from` (nobody connected either). */
async function copyDatabase(o: Options, from: string, db: string): Promise<void> {
  const t0 = performance.now();
  await withAdmin(o, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${db} TEMPLATE ${from} STRATEGY FILE_COPY`);
    for (const setting of o.pgSettings) {
      const [key, value] = setting.split('=');
      await c.query(`ALTER DATABASE ${db} SET ${key} = ${pg.escapeLiteral(value)}`);
    }
  });
  console.log(`  database ${db} copied from ${from} in ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

async function dropTemplates(o: Options): Promise<void> {
  await withAdmin(o, async (c) => {
    const { rows } = await c.query<{ d: string }>(`SELECT datname AS d FROM pg_database WHERE datname LIKE 'bench\\_search\\_tpl\\_%'`);
    for (const r of rows) {
      await c.query(`DROP DATABASE ${r.d} WITH (FORCE)`);
      console.log(`dropped ${r.d}`);
    }
    if (rows.length === 0) console.log('no template databases');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Queries. Each rotates over values found in the data (Data, read from the database after each load).

interface Data {
  /** Patient family names (official and maiden). */
  families: string[];
  patients: string[];
  /** Family names of Practitioners that are participants of Encounters, most encounters first. */
  practitioners: string[];
  /** Names of Organizations that are the serviceProvider of Encounters, most encounters first. */
  organizations: string[];
  /** Observation codes, spread over the range of how many patients have them. */
  codes: string[];
  categories: string[];
}

interface QueryDef {
  id: string;
  /** The query as written in the report, with <…> for the rotating value. */
  label: string;
  /** Resource type searched. */
  type: string;
  /** Query strings, one per rotation value. */
  paths(d: Data): string[];
  /** Target: minimum req/s or maximum p95 in ms (issue #3). */
  target?: { rps?: number; p95?: number };
}

const enc = encodeURIComponent;
const QUERIES: QueryDef[] = [
  { id: 'name', label: 'Patient?name=<family>', type: 'Patient', paths: (d) => d.families.map((f) => `name=${enc(f)}`), target: { rps: 1500 } },
  { id: 'patient', label: 'Observation?patient=<id>&_count=50', type: 'Observation', paths: (d) => d.patients.map((p) => `patient=${p}&_count=50`), target: { rps: 1000 } },
  {
    id: 'chain-practitioner',
    label: 'Observation?encounter.participant:Practitioner.name=<family>',
    type: 'Observation',
    paths: (d) => d.practitioners.map((n) => `encounter.participant:Practitioner.name=${enc(n)}`),
    target: { p95: 50 },
  },
  {
    id: 'chain-organization',
    label: 'Observation?encounter.service-provider.name=<organization>',
    type: 'Observation',
    paths: (d) => d.organizations.map((n) => `encounter.service-provider.name=${enc(n)}`),
    target: { p95: 50 },
  },
  { id: 'has', label: 'Patient?_has:Observation:patient:code=<code>', type: 'Patient', paths: (d) => d.codes.map((c) => `_has:Observation:patient:code=${enc(c)}`), target: { p95: 50 } },
  {
    id: 'include',
    label: 'Encounter?_count=50&_include=Encounter:patient&_revinclude=Observation:encounter',
    type: 'Encounter',
    paths: () => ['_count=50&_include=Encounter:patient&_revinclude=Observation:encounter'],
    target: { p95: 50 },
  },
  { id: 'sort', label: 'Observation?_sort=-date&_count=50', type: 'Observation', paths: () => ['_sort=-date&_count=50'], target: { p95: 50 } },
  {
    id: 'sort-patient',
    label: 'Observation?patient=<id>&_sort=-date&_count=50',
    type: 'Observation',
    paths: (d) => d.patients.map((p) => `patient=${p}&_sort=-date&_count=50`),
    target: { p95: 50 },
  },
  { id: 'total', label: 'Observation?_total=accurate&_count=50', type: 'Observation', paths: () => ['_total=accurate&_count=50'], target: { p95: 50 } },
  {
    id: 'total-code',
    label: 'Observation?code=<code>&_total=accurate&_count=50',
    type: 'Observation',
    paths: (d) => d.codes.map((c) => `code=${enc(c)}&_total=accurate&_count=50`),
    target: { p95: 50 },
  },
  {
    id: 'total-category',
    label: 'Observation?category=<category>&_total=accurate&_count=50',
    type: 'Observation',
    paths: (d) => d.categories.map((c) => `category=${enc(c)}&_total=accurate&_count=50`),
    target: { p95: 50 },
  },
];

/** Reads the rotation values from the database. */
async function discover(dbUrl: string): Promise<Data> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const col = async (sql: string): Promise<string[]> => (await c.query<{ v: string }>(sql)).rows.map((r) => r.v);
    const families = await col(`SELECT DISTINCT s.value AS v FROM sp_string s JOIN resource r ON r.res_type = s.res_type AND r.res_id = s.res_id
      WHERE s.res_type = 'Patient' AND s.code = 'family' AND NOT r.deleted ORDER BY 1`);
    const patients = await col(`SELECT res_id AS v FROM resource WHERE res_type = 'Patient' AND NOT deleted ORDER BY pid`);
    const practitioners = await col(`SELECT s.value AS v FROM sp_reference f JOIN sp_string s ON s.res_type = f.target_type AND s.res_id = f.target_id AND s.code = 'family'
      WHERE f.res_type = 'Encounter' AND f.code = 'participant' AND f.target_type = 'Practitioner'
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 10`);
    const organizations = await col(`SELECT s.value AS v FROM sp_reference f JOIN sp_string s ON s.res_type = f.target_type AND s.res_id = f.target_id AND s.code = 'name'
      WHERE f.res_type = 'Encounter' AND f.code = 'service-provider' AND f.target_type = 'Organization'
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 10`);
    // Codes by how many patients have them; 10 picked evenly from the most to the least widespread.
    const byCoverage = await col(`SELECT t.value AS v FROM sp_token t JOIN sp_reference f ON f.res_type = t.res_type AND f.res_id = t.res_id AND f.code = 'patient'
      WHERE t.res_type = 'Observation' AND t.code = 'code' AND t.value IS NOT NULL
      GROUP BY 1 ORDER BY count(DISTINCT f.target_id) DESC, count(*) DESC, 1`);
    const codes = spread(byCoverage, 10);
    const categories = await col(`SELECT value AS v FROM sp_token WHERE res_type = 'Observation' AND code = 'category' AND value IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1`);
    return { families, patients, practitioners, organizations, codes, categories };
  } finally {
    await c.end();
  }
}

function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]);
}

/** Runs every rotation value of a query once: HTTP 200 and at least one match, else it is dropped (none left: error). */
async function check(server: Server, q: QueryDef, paths: string[]): Promise<{ paths: string[]; matches: number; total: number; included: number; dropped: string[] }> {
  const kept: string[] = [];
  const dropped: string[] = [];
  let matches = 0;
  let total = 0;
  let included = 0;
  for (const p of paths) {
    const r = await fetch(`${server.url}/fhir/${q.type}?${p}`, { headers: { accept: FHIR_JSON } });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${q.type}?${p}: HTTP ${r.status} ${text.slice(0, 500)}`);
    const b = JSON.parse(text) as { total?: number; entry?: { search?: { mode?: string } }[] };
    const m = (b.entry ?? []).filter((e) => e.search?.mode === 'match').length;
    if (b.entry?.some((e) => e.search?.mode === 'outcome')) throw new Error(`${q.type}?${p}: the server ignored a parameter: ${text.slice(0, 500)}`);
    if (m === 0) {
      dropped.push(p);
      continue;
    }
    kept.push(p);
    matches += m;
    total += b.total ?? m;
    included += (b.entry ?? []).filter((e) => e.search?.mode === 'include').length;
  }
  if (kept.length === 0) throw new Error(`${q.label}: no value returns a match (tried ${paths.length})`);
  const n = kept.length;
  return { paths: kept, matches: matches / n, total: total / n, included: included / n, dropped };
}

// ---------------------------------------------------------------------------------------------------------------
// Loading.

/** Posts the copies in `plan` with `clients` concurrent clients, each copy generated just before it is sent. */
async function loadCopies(server: Server, patients: { name: string; text: string; entries: number }[], plan: [number, number][], clients: number): Promise<{ entries: number; seconds: number }> {
  let next = 0;
  let entries = 0;
  const t0 = performance.now();
  let lastLog = t0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < plan.length; i = next++) {
        const [b, k] = plan[i];
        const text = copyPatientBundle(patients[b].text, k);
        const r = await postJson(`${server.url}/fhir`, text);
        checkBundleResponse(`${patients[b].name} copy ${k}`, r, 'transaction');
        entries += patients[b].entries;
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          console.log(`    ${i + 1}/${plan.length} bundles, ${entries} entries, ${fmt(entries / ((lastLog - t0) / 1000))} resources/s`);
        }
      }
    }),
  );
  return { entries, seconds: (performance.now() - t0) / 1000 };
}

async function vacuumAnalyze(dbUrl: string): Promise<{ seconds: number; resources: number; history: number; size: string; byType: Record<string, number> }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const t0 = performance.now();
    await c.query('VACUUM (ANALYZE)');
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await c.query<{ t: string; n: string }>(`SELECT res_type AS t, count(*) AS n FROM resource WHERE NOT deleted GROUP BY 1 ORDER BY 2 DESC`);
    const byType = Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
    const history = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM resource_history')).rows[0].n);
    const size = (await c.query<{ s: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS s')).rows[0].s;
    return { seconds, resources: rows.reduce((a, r) => a + Number(r.n), 0), history, size, byType };
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement.

interface Measured {
  id: string;
  label: string;
  scale: string;
  values: number;
  dropped: number;
  /** Average matches per response, Bundle.total, included resources per response (from the check). */
  matches: number;
  total: number;
  included: number;
  row: Row;
}

async function measure(server: Server, o: Options, q: QueryDef, data: Data, scale: string): Promise<Measured> {
  const checked = await check(server, q, q.paths(data));
  if (checked.dropped.length) console.log(`  ${q.id}: ${checked.dropped.length} value(s) without matches left out, e.g. ${checked.dropped[0]}`);
  const paths = checked.paths.map((p) => `/fhir/${q.type}?${p}`);
  let next = 0;
  const r = await cannon(
    {
      url: server.url,
      connections: o.connections,
      requests: [{ method: 'GET', headers: { accept: FHIR_JSON }, setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
    },
    runOptions(o),
    server,
    'postgres',
  );
  const row: Row = { backend: 'postgres', scenario: q.label, throughput: r.rps, unit: 'req/s', ...r, note: r.firstError };
  const m: Measured = { id: q.id, label: q.label, scale, values: paths.length, dropped: checked.dropped.length, matches: checked.matches, total: checked.total, included: checked.included, row };
  console.log(
    `  [${scale}] ${q.id}: ${fmt(r.rps)} req/s, p50 ${ms(r.p50)} / p95 ${ms(r.p95)} / p99 ${ms(r.p99)} ms, ${r.errors} errors; ` +
      `${m.values} values, ${fmt(m.matches, 1)} matches, total ${fmt(m.total)}${m.included ? `, ${fmt(m.included)} included` : ''}; ` +
      `CPU cores server ${fmt(r.serverCpu, 2)} / postgres ${fmt(r.dbCpu, 2)} / bench ${fmt(r.benchCpu, 2)} / other ${fmt(r.otherCpu, 2)}`,
  );
  if (r.errors) throw new Error(`${q.label}: ${r.errors} errors during the measurement (${r.firstError ?? 'socket errors/timeouts'})`);
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// EXPLAIN: the statements the engine runs for a query, captured by running the engine's own code.

interface Explained {
  id: string;
  label: string;
  query: string;
  statements: { sql: string; params: unknown[]; ms: number; plan: string }[];
}

async function explain(dbUrl: string, q: QueryDef, path: string): Promise<Explained> {
  loadDefinitions();
  // The search links the servers use (SEARCH_LINKS or its default), so the plans are the ones they run.
  setLinks(parseLinks(loadConfig(process.env).searchLinks));
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const recorded: { sql: string; params: unknown[] }[] = [];
    const recorder: Queryable = {
      async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
        recorded.push({ sql, params });
        const r = await c.query(sql, params);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
      },
    };
    // The same defaults as the server (DEFAULT_PAGE_SIZE 20, MAX_PAGE_SIZE 1000).
    const req = parseSearch([q.type], new URLSearchParams(path), { count: 20, maxCount: 1000 });
    await executeSearch(recorder, req, 'http://127.0.0.1/fhir');
    const statements: Explained['statements'] = [];
    for (const s of recorded) {
      // Warm once, then the plan of the second run (the cache state of the benchmark).
      await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const exec = /Execution Time: ([\d.]+) ms/.exec(plan);
      const planning = /Planning Time: ([\d.]+) ms/.exec(plan);
      statements.push({ sql: s.sql, params: s.params, ms: Number(exec?.[1] ?? NaN) + Number(planning?.[1] ?? 0), plan });
    }
    return { id: q.id, label: q.label, query: `${q.type}?${path}`, statements };
  } finally {
    await c.end();
  }
}

/**
 * The rotation value with the slowest response (best of 2 sequential requests each, at most 40 values): its plan
 * is the one that drives the tail latencies.
 */
async function slowestValue(server: Server, q: QueryDef, paths: string[]): Promise<string> {
  let worst = paths[0];
  let worstMs = -1;
  for (const p of paths.slice(0, 40)) {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      const r = await fetch(`${server.url}/fhir/${q.type}?${p}`, { headers: { accept: FHIR_JSON } });
      await r.arrayBuffer();
      best = Math.min(best, performance.now() - t0);
    }
    if (best > worstMs) {
      worstMs = best;
      worst = p;
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------------------------
// Report.

function machine(pgVersion: string, pgSettings: string): string[] {
  let model = '?';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
  } catch {
    // not Linux
  }
  let date = new Date().toString();
  try {
    date = execFileSync('date', { encoding: 'utf8' }).trim();
  } catch {
    // no date command
  }
  return [
    `Date: ${date}`,
    `Machine: ${cpus().length} CPUs (nproc), CPU model "${model}", ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM; node ${process.version}; ${pgVersion}`,
    `PostgreSQL settings: ${pgSettings}`,
    `Command: ${['node', ...process.argv.slice(1).map((a) => a.replace(ROOT + '/', ''))].join(' ')}`,
  ];
}

function targetText(t: QueryDef['target']): string {
  if (!t) return '';
  return [t.rps ? `≥ ${fmt(t.rps)} req/s` : '', t.p95 ? `p95 < ${t.p95} ms` : ''].filter(Boolean).join(', ');
}

function verdict(q: QueryDef, a: Measured | undefined, b: Measured | undefined): string {
  const out: string[] = [];
  const t = q.target ?? {};
  for (const m of [a, b]) {
    if (!m) continue;
    const okRps = t.rps === undefined || m.row.throughput >= t.rps;
    const okP95 = t.p95 === undefined || m.row.p95 < t.p95;
    out.push(`${m.scale}: ${okRps && okP95 ? 'met' : '**missed**'}`);
  }
  if (a && b) out.push(`growth ${a.row.throughput / b.row.throughput <= 2 ? 'met' : '**missed**'}`);
  return out.join(', ');
}

function report(o: Options, header: string[], loads: string[], r1: Measured[], r10: Measured[], explained: Explained[], scaleLabel: string): string {
  const lines: string[] = [];
  lines.push(...header.map((h) => `- ${h}`), '', ...loads.map((l) => `- ${l}`), '');
  lines.push(
    `| query | 1× req/s | 1× p50 / p95 / p99 ms | ${scaleLabel} req/s | ${scaleLabel} p50 / p95 / p99 ms | 1× ÷ ${scaleLabel} req/s | ${scaleLabel} ÷ 1× p95 | server + PostgreSQL CPU ms per request (1× → ${scaleLabel}) | matches / total (1× → ${scaleLabel}) | other CPU cores (1×, ${scaleLabel}) | target | verdict |`,
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const cpuMs = (m?: Measured): string => (m && m.row.throughput > 0 ? fmt(((m.row.serverCpu + m.row.dbCpu) * 1000) / m.row.throughput, 2) : '–');
  for (const q of QUERIES) {
    const a = r1.find((m) => m.id === q.id);
    const b = r10.find((m) => m.id === q.id);
    if (!a && !b) continue;
    const lat = (m?: Measured): string => (m ? `${ms(m.row.p50)} / ${ms(m.row.p95)} / ${ms(m.row.p99)}` : '–');
    const res = (m?: Measured): string => (m ? `${fmt(m.matches, m.matches < 10 ? 1 : 0)} / ${fmt(m.total)}${m.included ? ` +${fmt(m.included)} inc.` : ''}` : '–');
    lines.push(
      `| \`${q.label}\` | ${a ? fmt(a.row.throughput) : '–'} | ${lat(a)} | ${b ? fmt(b.row.throughput) : '–'} | ${lat(b)} | ${a && b ? fmt(a.row.throughput / b.row.throughput, 2) : '–'} | ${a && b ? fmt(b.row.p95 / a.row.p95, 2) : '–'} | ${cpuMs(a)} → ${cpuMs(b)} | ${res(a)} → ${res(b)} | ${a ? fmt(a.row.otherCpu, 2) : '–'}, ${b ? fmt(b.row.otherCpu, 2) : '–'} | ${targetText(q.target)} | ${verdict(q, a, b)} |`,
    );
  }
  lines.push('');
  if (o.compare) lines.push(...comparison(o.compare, r1, r10, scaleLabel), '');
  lines.push(`CPU during each measurement (cores; server / postgres / bench / other):`, '');
  lines.push('| query | 1× | ' + scaleLabel + ' |', '| --- | --- | --- |');
  for (const q of QUERIES) {
    const a = r1.find((m) => m.id === q.id);
    const b = r10.find((m) => m.id === q.id);
    const c = (m?: Measured): string => (m ? `${fmt(m.row.serverCpu, 2)} / ${fmt(m.row.dbCpu, 2)} / ${fmt(m.row.benchCpu, 2)} / ${fmt(m.row.otherCpu, 2)}` : '–');
    if (a || b) lines.push(`| ${q.id} | ${c(a)} | ${c(b)} |`);
  }
  for (const e of explained) {
    lines.push('', `#### \`${e.label}\``, '', `Query explained (its slowest rotation value): \`${e.query}\` — ${e.statements.length} statement(s), ${e.statements.map((s) => `${fmt(s.ms, 1)} ms`).join(' + ')} (planning + execution)`, '');
    for (const s of e.statements) {
      lines.push('```sql', s.sql.replace(/\s+/g, ' ').trim(), `-- parameters: ${JSON.stringify(s.params)}`, '```', '```', s.plan, '```');
    }
  }
  return lines.join('\n');
}

/** Before (an earlier run's --out file) and after (this run), per query and scale. */
function comparison(file: string, r1: Measured[], r10: Measured[], scaleLabel: string): string[] {
  const before = JSON.parse(readFileSync(file, 'utf8')) as { date?: string; r1: Measured[]; r10: Measured[] };
  const cpuMs = (m?: Measured): string => (m && m.row.throughput > 0 ? fmt(((m.row.serverCpu + m.row.dbCpu) * 1000) / m.row.throughput, 2) : '–');
  const lines = [
    `Before (${file}${before.date ? `, ${before.date}` : ''}) → after (this run):`,
    '',
    '| query | scale | req/s before → after | p95 ms before → after | server + PostgreSQL CPU ms per request before → after | other CPU cores before, after |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const q of QUERIES) {
    for (const [scale, a, b] of [['1×', before.r1, r1], [scaleLabel, before.r10, r10]] as const) {
      const x = a.find((m) => m.id === q.id);
      const y = b.find((m) => m.id === q.id);
      if (!x || !y) continue;
      lines.push(
        `| \`${q.label}\` | ${scale} | ${fmt(x.row.throughput)} → ${fmt(y.row.throughput)} | ${ms(x.row.p95)} → ${ms(y.row.p95)} | ${cpuMs(x)} → ${cpuMs(y)} | ${fmt(x.row.otherCpu, 2)}, ${fmt(y.row.otherCpu, 2)} |`,
      );
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = readOptions();
  if (o.dropTemplates) {
    await dropTemplates(o);
    return;
  }
  if (o.fromJson) {
    // Re-render the report of an earlier run (its --out file).
    const j = JSON.parse(readFileSync(o.fromJson, 'utf8')) as { options: Options; header: string[]; loads: string[]; r1: Measured[]; r10: Measured[]; explained: Explained[] };
    const md = report({ ...j.options, compare: o.compare }, j.header, j.loads, j.r1, j.r10, j.explained, `${j.options.scale}×`);
    console.log(md);
    if (o.md) writeFileSync(o.md, md + '\n');
    return;
  }
  const ro = runOptions(o);
  const queries = QUERIES.filter((q) => !o.queries || o.queries.includes(q.id));
  console.log(
    `HMS-OPS search bench: ${queries.length} queries, ${o.connections} connections, ${o.warmup} s warm-up + ${o.duration} s each, ` +
      `data 1× then ${o.scale}×, ${o.clients} loading clients; ${cpus().length} CPUs, node ${process.version}`,
  );
  const watchdog = setTimeout(() => {
    console.error(`\nbench timed out after ${o.timeout} s: cleaning up…`);
    void runCleanups().finally(() => process.exit(2));
  }, o.timeout * 1000);
  watchdog.unref();

  const { shared, patients } = loadBundles(ro);
  const admin = new pg.Client({ connectionString: o.pgUrl });
  await admin.connect();
  const pgVersion = (await admin.query<{ v: string }>('SELECT version() AS v')).rows[0].v.replace(/ on .*/, '');
  const settings = (
    await admin.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','work_mem','effective_cache_size','random_page_cost','jit','synchronous_commit','max_parallel_workers_per_gather') ORDER BY name`,
    )
  ).rows
    .map((r) => `${r.name}=${r.setting}${r.unit ?? ''}`)
    .join(', ');
  await admin.end();
  const header = machine(pgVersion, settings);
  for (const h of header) console.log(h);

  const loads: string[] = [];
  const r1: Measured[] = [];
  const r10: Measured[] = [];
  const explained: Explained[] = [];
  const scaleLabel = `${o.scale}×`;

  const haveScaledTemplate = o.reuse && o.scale > 1 && (await templateExists(o, o.scale));
  const useScaledTemplate = haveScaledTemplate && o.measure === 'scaled';
  const useBaseTemplate = o.reuse && !useScaledTemplate && (await templateExists(o, 1));
  await withPostgres(
    ro,
    async (env, dbUrl) => {
      const db = new URL(dbUrl).pathname.slice(1);
      let server: Server | undefined;
      const start = async (): Promise<Server> => (server = await startServer('postgres', env, ro));
      const stop = async (): Promise<void> => {
        if (!server) return;
        await server.stop();
        const i = cleanups.indexOf(server.stop);
        if (i >= 0) cleanups.splice(i, 1);
        server = undefined;
      };
      /** --reuse: keeps the loaded database as the template of this scale (the server must be stopped). */
      const keep = async (scale: number): Promise<void> => {
        if (!o.reuse) return;
        await stop();
        await copyDatabase(o, db, templateName(scale));
      };
      try {
        let d1: Data;
        let v1: Awaited<ReturnType<typeof vacuumAnalyze>>;
        if (useScaledTemplate) {
          await copyDatabase(o, templateName(o.scale), db);
          loads.push(`Data: a copy of the template database ${templateName(o.scale)} (--reuse); 1× not measured`);
          v1 = { seconds: 0, resources: 0, history: 0, size: '', byType: {} };
          d1 = { families: [], patients: [], practitioners: [], organizations: [], codes: [], categories: [] };
        } else if (useBaseTemplate) {
          await copyDatabase(o, templateName(1), db);
          await start();
          v1 = await vacuumAnalyze(dbUrl);
          loads.push(`Load 1×: a copy of the template database ${templateName(1)} (--reuse) → ${fmt(v1.resources)} resources, database ${v1.size}`);
          console.log(`  ${loads[loads.length - 1]}`);
          d1 = await discover(dbUrl);
        } else {
          const s1 = await start();
          console.log(`\n== load 1×: ${shared.length} batch bundles, then ${patients.length} patient transaction bundles (${o.clients} clients)`);
          const b = await postBundles(s1, 'postgres', ro, shared, 1, 'batch');
          const t = await postBundles(s1, 'postgres', ro, patients, o.clients, 'transaction');
          v1 = await vacuumAnalyze(dbUrl);
          loads.push(
            `Load 1×: batch bundles ${b.note} (${fmt(b.throughput)} resources/s); patient transactions ${t.note} (${fmt(t.throughput)} resources/s, ${o.clients} clients); ` +
              `VACUUM ANALYZE ${fmt(v1.seconds, 1)} s → ${fmt(v1.resources)} resources (${Object.entries(v1.byType).slice(0, 4).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}, …), database ${v1.size}`,
          );
          console.log(`  ${loads[loads.length - 1]}`);
          await keep(1);
          d1 = await discover(dbUrl);
        }
        if (!useScaledTemplate) {
          console.log(`  values: ${d1.families.length} families, ${d1.patients.length} patients, practitioners ${d1.practitioners.join(' ')}, organizations ${d1.organizations.join(' | ')}, codes ${d1.codes.join(' ')}, categories ${d1.categories.join(' ')}`);
        }
        if (o.measure !== 'scaled' && !useScaledTemplate) {
          console.log(`\n== queries at 1×`);
          const s1 = server ?? (await start());
          for (const q of queries) r1.push(await measure(s1, o, q, d1, '1×'));
        }

        if (o.scale > 1 && o.measure !== 'base') {
          let d: Data;
          if (haveScaledTemplate) {
            if (!useScaledTemplate) {
              await stop();
              await copyDatabase(o, templateName(o.scale), db);
            }
            const s10 = await start();
            const v10 = await vacuumAnalyze(dbUrl);
            loads.push(`${scaleLabel}: ${fmt(v10.resources)} resources, database ${v10.size}`);
            console.log(`  ${loads[loads.length - 1]}`);
            // Practitioners, organizations, codes and categories as read from the grown data: the copies repeat the
            // patients, so their ranking is (nearly) that of the 1× data the full run uses.
            const d10 = await discover(dbUrl);
            d = useScaledTemplate ? d10 : { ...d10, practitioners: d1.practitioners, organizations: d1.organizations, codes: d1.codes, categories: d1.categories };
            void s10;
          } else {
            const s10 = server ?? (await start());
            const plan = planCopies(patients.map((p) => p.entries), v1.resources, v1.resources * o.scale);
            console.log(`\n== grow to ${o.scale}×: ${plan.length} patient bundle copies (${o.clients} clients)`);
            const g = await loadCopies(s10, patients, plan, o.clients);
            const v10 = await vacuumAnalyze(dbUrl);
            loads.push(
              `Grow to ${scaleLabel}: ${plan.length} copies of the patient bundles, ${fmt(g.entries)} entries in ${fmt(g.seconds, 1)} s (${fmt(g.entries / g.seconds)} resources/s, ${o.clients} clients); ` +
                `VACUUM ANALYZE ${fmt(v10.seconds, 1)} s → ${fmt(v10.resources)} resources (${Object.entries(v10.byType).slice(0, 4).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}, …), database ${v10.size}`,
            );
            console.log(`  ${loads[loads.length - 1]}`);
            await keep(o.scale);
            // The same queries; values that rotate over patients and names include the copies.
            const d10 = await discover(dbUrl);
            d = { ...d10, practitioners: d1.practitioners, organizations: d1.organizations, codes: d1.codes, categories: d1.categories };
          }
          const s10 = server ?? (await start());
          console.log(`\n== queries at ${scaleLabel}`);
          for (const q of queries) r10.push(await measure(s10, o, q, d, scaleLabel));

          if (o.explain > 0) {
            const slowest = [...r10].sort((x, y) => x.row.throughput - y.row.throughput).slice(0, o.explain);
            console.log(`\n== EXPLAIN (ANALYZE, BUFFERS) of the ${slowest.length} slowest at ${scaleLabel}: ${slowest.map((m) => m.id).join(', ')}`);
            for (const m of slowest) {
              const q = QUERIES.find((x) => x.id === m.id) as QueryDef;
              const path = await slowestValue(s10, q, (await check(s10, q, q.paths(d))).paths);
              const e = await explain(dbUrl, q, path);
              explained.push(e);
              console.log(`  ${q.id}: ${e.statements.map((s) => `${fmt(s.ms, 1)} ms`).join(' + ')}`);
            }
          }
        }
      } finally {
        await stop();
      }
    },
    'bench_search',
  );

  const md = report(o, header, loads, r1, r10, explained, scaleLabel);
  console.log('\n' + md.split('\n#### ')[0]);
  if (o.md) {
    writeFileSync(o.md, md + '\n');
    console.log(`\nreport written to ${o.md}`);
  }
  if (o.out) {
    writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), options: o, header, loads, r1, r10, explained }, null, 2));
    console.log(`results written to ${o.out}`);
  }
}

await runBench('search', main);
