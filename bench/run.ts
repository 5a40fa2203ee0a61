/**
 * HMS-OPS benchmark (issue #2): read by id, create, and Synthea bundles, on PostgreSQL and on embedded PGlite.
 *
 *   npm run bench                                   # everything, default settings
 *   npm run bench -- --duration=3 --backends=pglite --scenarios=read,create
 *
 * Options (argv --name=value, or the environment variable in brackets):
 *   --duration      [BENCH_DURATION]      seconds measured per autocannon scenario (default 10)
 *   --warmup        [BENCH_WARMUP]        seconds of discarded warm-up before each (default 2)
 *   --connections   [BENCH_CONNECTIONS]   autocannon connections (default 10)
 *   --backends      [BENCH_BACKENDS]      postgres,pglite (default both, in that order)
 *   --scenarios     [BENCH_SCENARIOS]     read,create,synthea (default all)
 *   --patients      [BENCH_PATIENTS]      patients pre-created for the read scenario (default 1000)
 *   --clients       [BENCH_CLIENTS]       concurrent clients for the Synthea patient bundles, one pass each (default 1,2,4)
 *   --pool          [BENCH_POOL]          DB_POOL_SIZE for PostgreSQL (default 10)
 *   --pg-url        [BENCH_PG_URL]        admin URL of PostgreSQL (default postgres://postgres@127.0.0.1:5432/postgres)
 *   --corpora       [BENCH_CORPORA]       corpora folder (default ../shared/corpora, relative to the repository root)
 *   --cpu-prof      [BENCH_CPU_PROF]      folder: run the server under node --cpu-prof and write its profiles there
 *   --pg-stats      [BENCH_PG_STATS]      1: after each PostgreSQL scenario print pg_stat_statements top statements
 *                                         (needs the extension preloaded; skipped with a note otherwise)
 *   --pg-settings   [BENCH_PG_SETTINGS]   name=value,…: ALTER DATABASE settings of the bench database, e.g.
 *                                         log_min_duration_statement=0 to time every statement in the server log
 *   --wait-idle     [BENCH_WAIT_IDLE]     before each measurement wait up to this many seconds for other work on the
 *                                         machine to stop (default 60; 0 = don't wait). The "other" CPU column shows
 *                                         what other processes used during the measurement anyway.
 *   --out           [BENCH_OUT]           file: also write the results as JSON
 *
 * Data: the synthea scenario reads <corpora>/synthea/: hospitalInformation*.json and practitionerInformation*.json
 * (batch bundles, posted first) and patients/*.json (patient transaction bundles). They are public Synthea data
 * (Apache-2.0) from google/fhir-data-pipes, folder synthea-hiv/sample_data/
 * (https://github.com/google/fhir-data-pipes/tree/master/synthea-hiv/sample_data): put its two *Information*.json
 * files in synthea/ and its patient bundles in synthea/patients/ (the figures in docs/performance.md used 20 of
 * them, 11,439 entries). The tests' gzipped subset (test/fixtures/corpora) is too small for a benchmark.
 *
 * Everything runs on loopback. The server is a child process (node dist/src/cli.js serve) on a free port; the
 * PostgreSQL run uses a fresh database bench_<random>, dropped afterwards; the PGlite run a fresh temp DATA_DIR,
 * removed afterwards — also when a scenario fails or the bench is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

// dist/bench/run.js → repository root is two levels up.
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Backend = 'postgres' | 'pglite';
type ScenarioName = 'read' | 'create' | 'synthea';

export interface Options {
  duration: number;
  warmup: number;
  connections: number;
  backends: Backend[];
  scenarios: ScenarioName[];
  patients: number;
  clients: number[];
  pool: number;
  pgUrl: string;
  corpora: string;
  cpuProf?: string;
  pgStats: boolean;
  pgSettings: string[];
  waitIdle: number;
  out?: string;
}

/** Options of a bench that starts its own servers and scenarios (not run.ts's): the common flags, the rest defaulted. */
export function serverOptions(defaults: { duration: string; patients: string; warmup?: string; connections?: string }): Options {
  return {
    duration: Number(arg('duration', defaults.duration)),
    warmup: Number(arg('warmup', defaults.warmup ?? '0')),
    connections: Number(arg('connections', defaults.connections ?? '1')),
    backends: arg('backends', 'postgres,pglite').split(',') as Backend[],
    scenarios: [],
    patients: Number(arg('patients', defaults.patients)),
    clients: [1],
    pool: 10,
    pgUrl: arg('pg-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
    corpora: '',
    pgStats: false,
    pgSettings: [],
    waitIdle: 0,
    cpuProf: arg('cpu-prof', process.env.BENCH_CPU_PROF ?? '') || undefined,
  };
}

export interface Row {
  backend: Backend;
  scenario: string;
  throughput: number;
  unit: string;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  errors: number;
  /** CPU used by the server process, PostgreSQL and the bench itself, in cores; the whole machine in %. */
  serverCpu: number;
  dbCpu: number;
  benchCpu: number;
  machineCpu: number;
  otherCpu: number;
  note?: string;
}

/** `--name=value` from the command line, else the environment variable `env`, else the fallback. */
export function option(name: string, env: string, fallback: string): string {
  const flag = `--${name}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(flag));
  if (arg) return arg.slice(flag.length);
  const v = process.env[env];
  return v === undefined || v === '' ? fallback : v;
}

/** `--name=value` from the command line, else the fallback (options of the benches without variables). */
export const arg = (name: string, fallback: string): string => option(name, '', fallback);

function list<T extends string>(raw: string, allowed: readonly T[], what: string): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!allowed.includes(i as T)) throw new Error(`unknown ${what} "${i}" (allowed: ${allowed.join(', ')})`);
  return items as T[];
}

function positive(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number, not "${raw}"`);
  return n;
}

function readOptions(): Options {
  const known = ['duration', 'warmup', 'connections', 'backends', 'scenarios', 'patients', 'clients', 'pool', 'pg-url', 'corpora', 'cpu-prof', 'pg-stats', 'pg-settings', 'wait-idle', 'out'];
  for (const a of process.argv.slice(2)) {
    const name = a.replace(/^--/, '').split('=')[0];
    if (!a.startsWith('--') || !known.includes(name)) throw new Error(`unknown argument "${a}" (see the header of bench/run.ts)`);
  }
  const warmup = Number(option('warmup', 'BENCH_WARMUP', '2'));
  return {
    duration: positive(option('duration', 'BENCH_DURATION', '10'), 'duration'),
    warmup: Number.isFinite(warmup) && warmup >= 0 ? warmup : 2,
    connections: Math.round(positive(option('connections', 'BENCH_CONNECTIONS', '10'), 'connections')),
    backends: list(option('backends', 'BENCH_BACKENDS', 'postgres,pglite'), ['postgres', 'pglite'] as const, 'backend'),
    scenarios: list(option('scenarios', 'BENCH_SCENARIOS', 'read,create,synthea'), ['read', 'create', 'synthea'] as const, 'scenario'),
    patients: Math.round(positive(option('patients', 'BENCH_PATIENTS', '1000'), 'patients')),
    clients: option('clients', 'BENCH_CLIENTS', '1,2,4').split(',').map((c) => Math.round(positive(c, 'clients'))),
    pool: Math.round(positive(option('pool', 'BENCH_POOL', '10'), 'pool')),
    pgUrl: option('pg-url', 'BENCH_PG_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
    corpora: resolve(ROOT, option('corpora', 'BENCH_CORPORA', '../shared/corpora')),
    cpuProf: option('cpu-prof', 'BENCH_CPU_PROF', '') || undefined,
    pgStats: ['1', 'true', 'yes'].includes(option('pg-stats', 'BENCH_PG_STATS', '0')),
    pgSettings: option('pg-settings', 'BENCH_PG_SETTINGS', '').split(',').map((x) => x.trim()).filter(Boolean),
    waitIdle: Math.max(0, Number(option('wait-idle', 'BENCH_WAIT_IDLE', '60')) || 0),
    out: option('out', 'BENCH_OUT', '') || undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cleanup: every resource the bench creates registers an undo step; they run in reverse on exit, error or signal.

export const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const step = cleanups.pop() as () => Promise<void> | void;
      try {
        await step();
      } catch (err) {
        console.error('cleanup step failed:', err);
      }
    }
  })();
  return cleaning;
}
/** Runs a bench's main, then the cleanups; exits 0, or 1 with the error (every bench's entry point). */
export async function runBench(name: string, main: () => Promise<void>): Promise<never> {
  try {
    await main();
    await runCleanups();
    process.exit(0);
  } catch (err) {
    console.error(`\n${name} bench failed:`, err instanceof Error ? (err.stack ?? err.message) : err);
    await runCleanups();
    process.exit(1);
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the server and cleaning up…`);
    void runCleanups().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): server process and whole machine.

const TICK = 100; // USER_HZ; 100 on every Linux we run on
export function processTicks(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0;
  }
}
export function machineTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = f[3] + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
/**
 * CPU ticks per pid of the PostgreSQL backends serving database `db` (their command line is
 * "postgres: <cluster>: <user> <db> <client> <state>"), so that other databases on the same server don't count.
 */
function postgresTicks(db: string | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!db) return out;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const d of entries) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres:') || !cmd.includes(` ${db} `)) continue;
      out.set(Number(d), processTicks(Number(d)));
    } catch {
      // process ended
    }
  }
  return out;
}

/** Ticks used between two snapshots by backends alive at the end (a backend that exited meanwhile is lost). */
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += Math.max(0, t - (before.get(pid) ?? 0));
  return sum;
}

export interface CpuUsage {
  /** Cores used (1.0 = one core busy all the time) by the server process, PostgreSQL, and this bench process. */
  serverCpu: number;
  dbCpu: number;
  benchCpu: number;
  /** Whole machine, % of all cores; and cores used by anything else on the machine (noise). */
  machineCpu: number;
  otherCpu: number;
}

export class CpuMeter {
  private readonly p0: number;
  private readonly pg0: Map<number, number>;
  private readonly self0 = process.cpuUsage();
  private readonly m0 = machineTicks();
  private readonly t0 = process.hrtime.bigint();
  constructor(
    private readonly pid: number | undefined,
    private readonly db?: string,
  ) {
    this.p0 = processTicks(pid);
    this.pg0 = postgresTicks(db);
  }
  stop(): CpuUsage {
    const seconds = Number(process.hrtime.bigint() - this.t0) / 1e9;
    const m1 = machineTicks();
    const self = process.cpuUsage(this.self0);
    const serverCpu = (processTicks(this.pid) - this.p0) / TICK / seconds;
    const dbCpu = ticksBetween(this.pg0, postgresTicks(this.db)) / TICK / seconds;
    const benchCpu = (self.user + self.system) / 1e6 / seconds;
    const machineCpu = m1.total > this.m0.total ? ((m1.busy - this.m0.busy) / (m1.total - this.m0.total)) * 100 : 0;
    const ours = serverCpu + benchCpu + dbCpu;
    return { serverCpu, dbCpu, benchCpu, machineCpu, otherCpu: Math.max(0, (machineCpu / 100) * cpus().length - ours) };
  }
}

/**
 * Waits (up to maxSeconds) until the machine is quiet apart from `ours` (pids whose CPU is expected), so that
 * other work on a shared machine does not end up in the figures. Returns the busy cores seen last.
 */
export async function waitIdle(maxSeconds: number, ours: (number | undefined)[]): Promise<number> {
  if (maxSeconds <= 0) return 0;
  const deadline = Date.now() + maxSeconds * 1000;
  let warned = false;
  for (;;) {
    const m0 = machineTicks();
    const own0 = ours.reduce<number>((a, p) => a + processTicks(p), 0) + processTicks(process.pid);
    await sleep(1000);
    const m1 = machineTicks();
    const own1 = ours.reduce<number>((a, p) => a + processTicks(p), 0) + processTicks(process.pid);
    const total = m1.total - m0.total;
    const busyCores = total > 0 ? ((m1.busy - m0.busy - (own1 - own0)) / total) * cpus().length : 0;
    if (busyCores < 0.15) return busyCores;
    if (Date.now() > deadline) {
      console.log(`  warning: machine still busy with other work (${busyCores.toFixed(2)} cores); measuring anyway`);
      return busyCores;
    }
    if (!warned) {
      console.log(`  waiting for the machine to be idle (other work uses ${busyCores.toFixed(2)} cores)…`);
      warned = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Server child process.

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface Server {
  url: string;
  /** PostgreSQL database name (undefined on PGlite). */
  db?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(backend: Backend, env: Record<string, string>, o: Options): Promise<Server> {
  // BENCH_CLI: the server of another build (its dist/src/cli.js), to measure it with this bench's code.
  const cli = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : join(ROOT, 'dist', 'src', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm run bench does)`);
  const port = await freePort();
  const nodeArgs = o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(o.cpuProf)}`, `--cpu-prof-name=server-${backend}-${process.pid}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((r) => child.once('exit', (code, signal) => {
    exited = code ?? (signal ? -1 : null);
    r();
  }));
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exitPromise;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited (code ${exited}) before it was ready:\n${output}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready after 120 s:\n${output}`);
    }
    await sleep(200);
  }
  child.stderr?.on('data', (b: Buffer) => {
    const line = b.toString().trim();
    if (line) console.error(`  [server] ${line.slice(0, 500)}`);
  });
  const db = env.DATABASE_URL ? new URL(env.DATABASE_URL).pathname.slice(1) : undefined;
  return { url, db, child, stop };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Statistics.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k];
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios.

export const FHIR_JSON = 'application/fhir+json';

export async function postJson(url: string, body: string): Promise<{ status: number; json: any; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON }, body });
  const text = await r.text();
  const ms = performance.now() - t0;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, json, ms };
}

/** Creates n patients in one transaction bundle and returns their ids. */
async function seedPatients(url: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += 1000) {
    const entry = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      entry.push({
        request: { method: 'POST', url: 'Patient' },
        resource: { resourceType: 'Patient', active: true, name: [{ family: `Bench${i}`, given: ['Read'] }], gender: i % 2 ? 'female' : 'male', birthDate: '1980-01-01' },
      });
    }
    const r = await postJson(`${url}/fhir`, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    if (r.status !== 200) throw new Error(`seeding patients failed: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
    for (const e of r.json.entry) ids.push(String(e.response.location).split('/')[1]);
  }
  return ids;
}

export async function cannon(
  opts: autocannon.Options,
  o: Options,
  server: Server,
  backend: Backend,
): Promise<{ rps: number; p50: number; p95: number; p99: number; count: number; errors: number; firstError?: string } & CpuUsage> {
  await waitIdle(o.waitIdle, [server.child.pid]);
  if (o.warmup > 0) await autocannon({ ...opts, duration: o.warmup });
  const latencies: number[] = [];
  let firstError: string | undefined;
  const cpu = new CpuMeter(server.child.pid, server.db);
  const result: autocannon.Result = await new Promise((resolveResult, reject) => {
    const instance = autocannon({ ...opts, duration: o.duration }, (err, res) => (err ? reject(err) : resolveResult(res)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if ((statusCode < 200 || statusCode >= 300) && !firstError) firstError = `HTTP ${statusCode}`;
    });
  });
  const usage = cpu.stop();
  latencies.sort((a, b) => a - b);
  const errors = result.non2xx + result.errors + result.timeouts;
  const ok = result.requests.total - result.non2xx;
  return {
    rps: ok / (result.duration || o.duration),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    count: result.requests.total,
    errors,
    ...usage,
    firstError,
  };
}

async function readScenario(backend: Backend, server: Server, o: Options): Promise<Row> {
  console.log(`  read: seeding ${o.patients} patients…`);
  const ids = await seedPatients(server.url, o.patients);
  let next = 0;
  const r = await cannon(
    {
      url: server.url,
      connections: o.connections,
      requests: [
        {
          method: 'GET',
          headers: { accept: FHIR_JSON },
          setupRequest: (req) => ({ ...req, path: `/fhir/Patient/${ids[next++ % ids.length]}` }),
        },
      ],
    },
    o,
    server,
    backend,
  );
  return { backend, scenario: 'read Patient/{id}', throughput: r.rps, unit: 'req/s', ...r, note: r.firstError };
}

async function createScenario(backend: Backend, server: Server, o: Options): Promise<Row> {
  const body = JSON.stringify({
    resourceType: 'Patient',
    active: true,
    identifier: [{ system: 'urn:oid:2.16.600.1', value: '1234567' }],
    name: [{ family: 'Benítez', given: ['Ana', 'María'] }],
    gender: 'female',
    birthDate: '1990-05-17',
    address: [{ city: 'Asunción', country: 'PY' }],
  });
  const r = await cannon(
    { url: `${server.url}/fhir/Patient`, connections: o.connections, method: 'POST', headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON }, body },
    o,
    server,
    backend,
  );
  return { backend, scenario: 'create Patient', throughput: r.rps, unit: 'req/s', ...r, note: r.firstError };
}

export interface BundleFile {
  name: string;
  text: string;
  entries: number;
}

export function loadBundles(o: Options): { shared: BundleFile[]; patients: BundleFile[] } {
  const dir = join(o.corpora, 'synthea');
  if (!existsSync(dir)) throw new Error(`Synthea corpus not found at ${dir} (set BENCH_CORPORA; where to get it: the header of bench/run.ts)`);
  const read = (file: string): BundleFile => {
    const text = readFileSync(file, 'utf8');
    return { name: file.split('/').pop() as string, text, entries: (JSON.parse(text).entry ?? []).length };
  };
  const top = readdirSync(dir).sort();
  const shared = [
    ...top.filter((f) => /^hospitalInformation.*\.json$/.test(f)),
    ...top.filter((f) => /^practitionerInformation.*\.json$/.test(f)),
  ].map((f) => read(join(dir, f)));
  const patients = readdirSync(join(dir, 'patients'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => read(join(dir, 'patients', f)));
  return { shared, patients };
}

export function checkBundleResponse(name: string, r: { status: number; json: any }, kind: 'batch' | 'transaction'): void {
  if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 800)}`);
  const bad = (r.json?.entry ?? []).filter((e: any) => !/^20[01]/.test(String(e?.response?.status)));
  if (bad.length) throw new Error(`${name}: ${bad.length} ${kind} entries failed, first: ${JSON.stringify(bad[0]).slice(0, 800)}`);
}

/** Posts bundles with `clients` concurrent clients taking the next bundle from a shared queue. */
export async function postBundles(server: Server, backend: Backend, o: Options, bundles: BundleFile[], clients: number, kind: 'batch' | 'transaction'): Promise<Omit<Row, 'backend' | 'scenario'>> {
  const url = server.url;
  const latencies: number[] = [];
  let next = 0;
  let entries = 0;
  await waitIdle(o.waitIdle, [server.child.pid]);
  const cpu = new CpuMeter(server.child.pid, server.db);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < bundles.length; i = next++) {
        const b = bundles[i];
        const r = await postJson(`${url}/fhir`, b.text);
        checkBundleResponse(b.name, r, kind);
        latencies.push(r.ms);
        entries += b.entries;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const usage = cpu.stop();
  latencies.sort((a, b) => a - b);
  return {
    throughput: entries / seconds,
    unit: 'resources/s',
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    count: latencies.length,
    errors: 0,
    ...usage,
    note: `${entries} entries in ${seconds.toFixed(1)} s`,
  };
}

async function syntheaScenario(backend: Backend, server: Server, o: Options): Promise<Row[]> {
  const { shared, patients } = loadBundles(o);
  const rows: Row[] = [];
  console.log(`  synthea: ${shared.length} batch bundles (${shared.reduce((a, b) => a + b.entries, 0)} entries), sequential…`);
  rows.push({ backend, scenario: 'Synthea batch (hospital+practitioner)', ...(await postBundles(server, backend, o, shared, 1, 'batch')) });
  const total = patients.reduce((a, b) => a + b.entries, 0);
  for (const c of o.clients) {
    console.log(`  synthea: ${patients.length} patient transactions (${total} entries), ${c} client${c > 1 ? 's' : ''}…`);
    rows.push({ backend, scenario: `Synthea transactions, ${c} client${c > 1 ? 's' : ''}`, ...(await postBundles(server, backend, o, patients, c, 'transaction')) });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// pg_stat_statements (optional).

async function pgStatsAvailable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT current_setting('shared_preload_libraries') AS l`);
    if (!String(rows[0].l).includes('pg_stat_statements')) return false;
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return true;
  } finally {
    await c.end();
  }
}

async function pgStatsReset(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('SELECT pg_stat_statements_reset()').finally(() => c.end());
}

async function pgStatsPrint(url: string, label: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
              regexp_replace(left(query, 110), '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT 12`,
    );
    console.log(`\n  pg_stat_statements after ${label} (top by total execution time):`);
    console.log('  ' + ['calls', 'total ms', 'mean ms', 'rows', 'query'].join('\t'));
    for (const r of rows) console.log(`  ${r.calls}\t${r.total_ms}\t${r.mean_ms}\t${r.rows}\t${r.query}`);
    console.log('');
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Backends.

export async function withPostgres<T>(o: Options, fn: (env: Record<string, string>, dbUrl: string) => Promise<T>, prefix = 'bench'): Promise<T> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: o.pgUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    for (const setting of o.pgSettings) {
      const [key, value] = setting.split('=');
      if (!/^[a-z_.]+$/.test(key ?? '') || value === undefined) throw new Error(`bad PostgreSQL setting "${setting}" (name=value)`);
      await admin.query(`ALTER DATABASE ${name} SET ${key} = ${pg.escapeLiteral(value)}`);
    }
  } finally {
    await admin.end();
  }
  console.log(`  database ${name} created`);
  const drop = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: o.pgUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      console.log(`  database ${name} dropped`);
    } finally {
      await c.end();
    }
  };
  // BENCH_KEEP_DB=1: the database stays for a look at its plans afterwards.
  if (!process.env.BENCH_KEEP_DB) cleanups.push(drop);
  else console.log(`  database ${name} kept (BENCH_KEEP_DB)`);
  const u = new URL(o.pgUrl);
  u.pathname = `/${name}`;
  try {
    return await fn({ DATABASE_URL: u.toString(), DB_POOL_SIZE: String(o.pool) }, u.toString());
  } finally {
    const i = cleanups.indexOf(drop);
    if (i >= 0) cleanups.splice(i, 1);
    // The server must be gone first: the caller's finally has stopped it.
    if (!process.env.BENCH_KEEP_DB) await drop();
  }
}

export async function withPglite<T>(fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hms-ops-bench-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  cleanups.push(remove);
  try {
    return await fn({ DATA_DIR: dir, DATABASE_URL: '' });
  } finally {
    const i = cleanups.indexOf(remove);
    if (i >= 0) cleanups.splice(i, 1);
    remove();
  }
}

async function runBackend(backend: Backend, o: Options): Promise<Row[]> {
  console.log(`\n== ${backend} ==`);
  const go = async (env: Record<string, string>, dbUrl?: string): Promise<Row[]> => {
    const server = await startServer(backend, env, o);
    try {
      const stats = backend === 'postgres' && o.pgStats && dbUrl ? await pgStatsAvailable(dbUrl) : false;
      if (backend === 'postgres' && o.pgStats && !stats) console.log('  (pg_stat_statements is not in shared_preload_libraries: no SQL statistics)');
      const rows: Row[] = [];
      for (const s of o.scenarios) {
        if (stats && dbUrl) await pgStatsReset(dbUrl);
        const started = rows.length;
        if (s === 'read') rows.push(await readScenario(backend, server, o));
        else if (s === 'create') rows.push(await createScenario(backend, server, o));
        else rows.push(...(await syntheaScenario(backend, server, o)));
        for (const r of rows.slice(started)) console.log(`  ${formatRow(r)}`);
        if (stats && dbUrl) await pgStatsPrint(dbUrl, s);
      }
      return rows;
    } finally {
      await server.stop();
      const i = cleanups.indexOf(server.stop);
      if (i >= 0) cleanups.splice(i, 1);
    }
  };
  return backend === 'postgres' ? withPostgres(o, go) : withPglite((env) => go(env));
}

// ---------------------------------------------------------------------------------------------------------------
// Report.

export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
export const ms = (n: number): string => (n >= 100 ? fmt(n) : fmt(n, 1));

function formatRow(r: Row): string {
  return `${r.scenario}: ${fmt(r.throughput)} ${r.unit}, p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms, p99 ${ms(r.p99)} ms, ${r.count} requests, ${r.errors} errors, CPU cores: server ${fmt(r.serverCpu, 2)}, postgres ${fmt(r.dbCpu, 2)}, bench ${fmt(r.benchCpu, 2)}, other ${fmt(r.otherCpu, 2)}, machine ${fmt(r.machineCpu)} %${r.note ? ` (${r.note})` : ''}`;
}

/**
 * Server (+ PostgreSQL) CPU milliseconds per request or per resource: unlike throughput, it hardly depends on what
 * else runs on the machine, so 1000 × cores / this is the ceiling on an otherwise idle machine.
 */
function cpuPerOp(r: Row): number {
  return ((r.serverCpu + (r.backend === 'postgres' ? r.dbCpu : 0)) * 1000) / r.throughput;
}

function table(rows: Row[]): string {
  const header = ['backend', 'scenario', 'throughput', 'p50 ms', 'p95 ms', 'p99 ms', 'requests', 'errors', 'CPU cores: server / postgres / bench / other', 'CPU ms per op'];
  const body = rows.map((r) => [
    r.backend,
    r.scenario,
    `${fmt(r.throughput)} ${r.unit}`,
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    fmt(r.count),
    fmt(r.errors),
    `${fmt(r.serverCpu, 2)} / ${r.backend === 'postgres' ? fmt(r.dbCpu, 2) : '–'} / ${fmt(r.benchCpu, 2)} / ${fmt(r.otherCpu, 2)}`,
    fmt(cpuPerOp(r), 2),
  ]);
  const lines = [header, header.map(() => '---'), ...body];
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

function comparison(rows: Row[]): string {
  const out: string[] = [];
  for (const r of rows.filter((x) => x.backend === 'pglite')) {
    const p = rows.find((x) => x.backend === 'postgres' && x.scenario === r.scenario);
    if (p && p.throughput > 0) out.push(`| ${r.scenario} | ${fmt(p.throughput)} | ${fmt(r.throughput)} | ${fmt((r.throughput / p.throughput) * 100)} % |`);
  }
  return out.length ? ['| scenario | PostgreSQL | PGlite | PGlite / PostgreSQL |', '| --- | --- | --- | --- |', ...out].join('\n') : '';
}

async function main(): Promise<void> {
  const o = readOptions();
  console.log(
    `HMS-OPS bench: backends ${o.backends.join(',')}, scenarios ${o.scenarios.join(',')}, ${o.connections} connections, ` +
      `${o.warmup} s warm-up + ${o.duration} s per autocannon scenario, bundle clients ${o.clients.join(',')}; ` +
      `${cpus().length} CPUs, node ${process.version}`,
  );
  const rows: Row[] = [];
  for (const b of o.backends) rows.push(...(await runBackend(b, o)));
  console.log('\n' + table(rows));
  const cmp = comparison(rows);
  if (cmp) console.log('\n' + cmp);
  if (o.out) {
    writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), options: o, rows }, null, 2));
    console.log(`\nresults written to ${o.out}`);
  }
}

// Run only as the entry point: bench/search.ts imports the helpers above.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runBench('core', main);
