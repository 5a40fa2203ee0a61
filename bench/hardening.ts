/**
 * HMS-OPS hardening benchmark: what one costly client does to everyone else, large bodies to memory, and how
 * fast SIGTERM stops a server that is running a long statement.
 *
 *   npm run bench:hardening                                  # both backends, 10 s per phase
 *   npm run bench:hardening -- --duration=5 --backends=pglite --patients=300
 *
 * Options: --duration [s per phase, 10], --backends [postgres,pglite], --patients [500], --readers [4],
 * --costly [2: clients sending costly searches], --params [200: repeated name:contains parameters per costly
 * search], --timeout [QUERY_TIMEOUT_MS of the server, 5000], --refused [20: costly searches sent in phase 3],
 * --pg-url. BENCH_CLI=<another build>/dist/src/cli.js measures that build's server (e.g. one before the limits:
 * there phase 3's searches run to their end, so give --refused=1).
 *
 * Per backend, one server with QUERY_TIMEOUT_MS=--timeout and SEARCH_MAX_PARAMS=--params + 10 (a server
 * configured to let such searches through, so that the time limit is what stops them), seeded with --patients
 * Patients. Phases:
 *  1. quiet: --readers clients, half reading Patient/{id}, half searching Patient?_id={id}; latencies per kind;
 *  2. costly: the same readers while --costly clients send searches of --params × name:contains (each answered
 *     422 too-costly once the limit is reached); readers' latencies, the costly searches' answers and times;
 *  3. refused: the same costly search on a server with the default SEARCH_MAX_PARAMS: time to the 400;
 *  4. memory: RSS idle, then 3 rounds of 8 concurrent bodies of 30 MB (parsed, then refused by a type check),
 *     RSS peak (sampled every 100 ms) and RSS 5, 12 and 20 s after (the quiet server gives memory back 5–10 s after);
 *  5. shutdown: a server with QUERY_TIMEOUT_MS=0 runs a costly search; SIGTERM; time until the process exits.
 */
import { readFileSync } from 'node:fs';
import { arg, fmt, percentile, runBench, serverOptions, sleep, startServer, withPglite, withPostgres, type Backend } from './run.js';

const o = serverOptions({ duration: '10', patients: '500' });
const READERS = Number(arg('readers', '4'));
const COSTLY = Number(arg('costly', '2'));
const PARAMS = Number(arg('params', '200'));
const TIMEOUT = Number(arg('timeout', '5000'));
const REFUSED = Number(arg('refused', '20'));
const FHIR = { 'Content-Type': 'application/fhir+json' };

const rss = (pid: number | undefined): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
const timed = async (url: string, init?: RequestInit): Promise<{ status: number; ms: number }> => {
  const t = performance.now();
  try {
    const r = await fetch(url, init);
    await r.arrayBuffer();
    return { status: r.status, ms: performance.now() - t };
  } catch {
    return { status: 0, ms: performance.now() - t };
  }
};
const costlyQuery = (): string => Array.from({ length: PARAMS }, (_, i) => `name:contains=${String.fromCharCode(97 + (i % 26))}${i}`).join('&');
const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? `n=${s.length} p50=${fmt(percentile(s, 50), 1)} p99=${fmt(percentile(s, 99), 1)} max=${fmt(s[s.length - 1], 1)} ms` : 'n=0';
};

async function seed(base: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < o.patients; i += 100) {
    const entry = Array.from({ length: Math.min(100, o.patients - i) }, (_, k) => ({
      resource: { resourceType: 'Patient', name: [{ family: `Costa${i + k}`, given: ['Ana', 'María'] }], birthDate: '1990-01-01' },
      request: { method: 'POST', url: 'Patient' },
    }));
    const r = await fetch(base, { method: 'POST', headers: FHIR, body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }) });
    const b = (await r.json()) as { entry: { response: { location: string } }[] };
    for (const e of b.entry) ids.push(e.response.location.split('/')[1]);
  }
  return ids;
}

async function readers(base: string, ids: string[], until: number): Promise<{ read: number[]; search: number[]; failed: number }> {
  const out = { read: [] as number[], search: [] as number[], failed: 0 };
  // Half the clients read by id, half search by _id, so a slow search never holds up a client's reads by id.
  await Promise.all(
    Array.from({ length: READERS }, async (_, r) => {
      const bySearch = r % 2 === 1;
      for (let n = r; Date.now() < until; n++) {
        const id = ids[(n * 7919) % ids.length];
        const res = await timed(bySearch ? `${base}/Patient?_id=${id}` : `${base}/Patient/${id}`);
        if (res.status !== 200) out.failed++;
        (bySearch ? out.search : out.read).push(res.ms);
      }
    }),
  );
  return out;
}

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  const server = await startServer(backend, { ...env, QUERY_TIMEOUT_MS: String(TIMEOUT), SEARCH_MAX_PARAMS: String(PARAMS + 10) }, o);
  try {
    const base = `${server.url}/fhir`;
    const ids = await seed(base);
    console.log(`seeded ${ids.length} patients; QUERY_TIMEOUT_MS=${TIMEOUT}, costly search = ${PARAMS} × name:contains`);

    const quiet = await readers(base, ids, Date.now() + o.duration * 1000);
    console.log(`quiet   read by id: ${stats(quiet.read)}; search by _id: ${stats(quiet.search)}; failed ${quiet.failed}`);

    const until = Date.now() + o.duration * 1000;
    const costly: { status: number; ms: number }[] = [];
    const [busy] = await Promise.all([
      readers(base, ids, until),
      ...Array.from({ length: COSTLY }, async () => {
        while (Date.now() < until) costly.push(await timed(`${base}/Patient?${costlyQuery()}`));
      }),
    ]);
    const statuses = costly.reduce<Record<number, number>>((a, c) => ((a[c.status] = (a[c.status] ?? 0) + 1), a), {});
    console.log(`costly  read by id: ${stats(busy.read)}; search by _id: ${stats(busy.search)}; failed ${busy.failed}`);
    console.log(`costly  searches: ${JSON.stringify(statuses)}, answered in ${stats(costly.map((c) => c.ms))}`);
  } finally {
    await server.stop();
  }

  const strict = await startServer(backend, env, o);
  try {
    const base = `${strict.url}/fhir`;
    const refused = [];
    for (let i = 0; i < REFUSED; i++) refused.push(await timed(`${base}/Patient?${costlyQuery()}`));
    console.log(`refused (default SEARCH_MAX_PARAMS): statuses ${[...new Set(refused.map((r) => r.status))].join(',')}, ${stats(refused.map((r) => r.ms))}`);

    const pid = strict.child.pid;
    await sleep(2000);
    const idle = rss(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 100);
    const body = `{"resourceType":"Observation","name":[${Array.from({ length: 9000 }, () => `{"family":"${'x'.repeat(3300)}"}`).join(',')}]}`;
    const codes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const rs = await Promise.all(Array.from({ length: 8 }, () => timed(`${base}/Patient`, { method: 'POST', headers: FHIR, body })));
      codes.push(...rs.map((r) => r.status));
    }
    await sleep(5000);
    clearInterval(sampler);
    const after5 = rss(pid);
    // the server gives memory back once a whole MEMORY_RELEASE_INTERVAL_MS (5 s) has passed without a request
    await sleep(7000);
    const after12 = rss(pid);
    await sleep(8000);
    console.log(`memory  ${fmt(body.length / 1e6, 1)} MB bodies × 8 × 3 (${[...new Set(codes)].join(',')}): RSS idle ${fmt(idle)} MB, peak ${fmt(peak)} MB, 5 s after ${fmt(after5)} MB, 12 s after ${fmt(after12)} MB, 20 s after ${fmt(rss(pid))} MB`);
  } finally {
    await strict.stop();
  }

  const long = await startServer(backend, { ...env, QUERY_TIMEOUT_MS: '0', SEARCH_MAX_PARAMS: String(PARAMS + 10) }, o);
  const base = `${long.url}/fhir`;
  await seed(base);
  const search = timed(`${base}/Patient?${costlyQuery()}`);
  await sleep(1500);
  const t = performance.now();
  const exited = new Promise<void>((r) => long.child.once('exit', () => r()));
  long.child.kill('SIGTERM');
  await exited;
  await search;
  console.log(`shutdown: SIGTERM during a costly search (no time limit): exited after ${fmt(performance.now() - t)} ms (SHUTDOWN_GRACE_MS 3000)`);
  await long.stop();
}

await runBench('hardening', async () => {
  console.log(`hardening bench: ${o.duration} s per phase, ${READERS} readers, ${COSTLY} costly clients, ${o.patients} patients`);
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_hardening');
    else await withPglite((env) => onBackend(backend, env));
  }
});
