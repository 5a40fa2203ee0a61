import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, unique } from './rest-util.js';

/**
 * QUERY_TIMEOUT_MS: a statement past the limit is cancelled and its request answered 422 too-costly, and it
 * no longer holds the database for everyone else. On PostgreSQL that is statement_timeout; on the embedded
 * PGlite (one connection shared by every request) a watchdog stops the database thread and starts a new one,
 * early enough (the limit less a restart) that the requests waiting behind the statement are answered within
 * the limit. Costly searches take turns among themselves (the costly lane), so a light search
 * waits behind one of them, however many there are.
 *
 * The costly search: 200 repetitions of one `name:contains` test. Each is its own EXISTS over sp_string, and
 * planning and running them costs seconds even on a few hundred patients (measured without a limit, 400
 * patients: PGlite 17 s, PostgreSQL 30 s for 200 repetitions).
 */
const LIMIT = 1500;
const SYS = 'urn:hms-test:query-time';
const PATIENTS = 300;
const COSTLY = `Patient?${Array(200).fill('name:contains=qtfam').join('&')}&_count=1`;
const run = unique('qt');

let server: TestServer;
/** How long each restart of PGlite's thread took, from the server's log (CPU-bound: seconds on a busy machine). */
const restarts: number[] = [];
beforeAll(async () => {
  server = await startTestServer({ QUERY_TIMEOUT_MS: String(LIMIT), SEARCH_MAX_PARAMS: '250' });
  let partial = '';
  server.process.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.includes('database thread restarted')) restarts.push(JSON.parse(line).ms as number);
  });
  // Seeded in bundles of 100: a transaction's bulk write is one statement, subject to the limit too.
  for (let start = 0; start < PATIENTS; start += 100) {
    const entry = Array.from({ length: 100 }, (_, k) => ({
      request: { method: 'POST', url: 'Patient' },
      resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: `${run}-${start + k}` }], name: [{ family: `QtFam${start + k}`, given: ['Ana'] }] },
    }));
    const r = await request('POST', server.base, { resourceType: 'Bundle', type: 'transaction', entry });
    expect(r.status).toBe(200);
  }
});
afterAll(async () => {
  await server?.stop();
});

/** A single-resource search (a search always reads the database; a read by id may come from PGlite's cache). */
const readOne = (i: number) => request('GET', `${server.base}/Patient?identifier=${SYS}|${run}-${i}`);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

test('a costly search is cancelled after the limit and answered 422 too-costly (English and Spanish)', async () => {
  const en = await timed(() => request('GET', `${server.base}/${COSTLY}`));
  const issue = expectOutcome(en.value, 422);
  expect(issue.code).toBe('too-costly');
  const es = await request('GET', `${server.base}/${COSTLY}`, undefined, { 'Accept-Language': 'es' });
  if (server.backend === 'postgres') {
    expect(issue.diagnostics).toBe(`The query took longer than the ${LIMIT} ms limit (QUERY_TIMEOUT_MS) and was cancelled`);
    expect(expectOutcome(es, 422).diagnostics).toBe(`La consulta tardó más que el límite de ${LIMIT} ms (QUERY_TIMEOUT_MS) y fue cancelada`);
    // the limit, the check's interval and a busy machine's delays; not the statement's whole cost
    expect(en.ms).toBeGreaterThanOrEqual(LIMIT - 50);
  } else {
    // PGlite stops it the time of a restart (and a watchdog tick) before the limit, but never before half of it
    const ran = Number(/after (\d+) ms/.exec(issue.diagnostics ?? '')?.[1]);
    expect(issue.diagnostics).toBe(
      `The query was cancelled after ${ran} ms: the embedded database must serve other requests again within the ${LIMIT} ms limit (QUERY_TIMEOUT_MS), and restarting it after a cancelled statement takes part of that time`,
    );
    expect(ran).toBeGreaterThanOrEqual(LIMIT / 2);
    expect(ran).toBeLessThan(LIMIT);
    expect(en.ms).toBeGreaterThanOrEqual(LIMIT / 2);
    expect(expectOutcome(es, 422).diagnostics).toMatch(
      new RegExp(`^La consulta fue cancelada tras \\d+ ms: la base de datos embebida debe volver a atender otras solicitudes dentro del límite de ${LIMIT} ms \\(QUERY_TIMEOUT_MS\\)`),
    );
  }
  expect(en.ms).toBeLessThan(LIMIT + 2500);
});

const ROUNDS = 3;
test('while two clients send costly searches, other clients are answered within the limit, every write committed', async () => {
  restarts.length = 0;
  let costlyDone = false;
  // Two costly clients: on PGlite a light search waits behind at most one of their statements (the costly lane).
  const costlyClient = async (): Promise<{ status: number; diagnostics: string }[]> => {
    const answers: { status: number; diagnostics: string }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const r = await request('GET', `${server.base}/${COSTLY}`);
      answers.push({ status: r.status, diagnostics: r.json?.issue?.[0]?.diagnostics });
    }
    return answers;
  };
  const costly = Promise.all([costlyClient(), costlyClient()]).then((both) => {
    costlyDone = true;
    return both.flat();
  });
  const reads: { ms: number; status: number; total: number }[] = [];
  const reader = (async () => {
    for (let i = 0; !costlyDone; i++) {
      const { ms, value } = await timed(() => readOne(i % PATIENTS));
      reads.push({ ms, status: value.status, total: value.json?.entry?.length ?? -1 });
    }
  })();
  const written: { status: number; value: string }[] = [];
  const writer = (async () => {
    for (let i = 0; !costlyDone; i++) {
      const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', identifier: [{ system: SYS, value: `${run}-w${i}` }], name: [{ family: 'Written' }] });
      written.push({ status: r.status, value: `${run}-w${i}` });
    }
  })();
  const costlyStatuses = await costly;
  await Promise.all([reader, writer]);

  // One connection on PGlite: a read queued behind a costly search waits for it to be stopped and the thread restarted.
  expect(reads.length).toBeGreaterThanOrEqual(ROUNDS);
  expect(reads.filter((r) => r.status !== 200 || r.total !== 1)).toEqual([]);
  const sorted = reads.map((r) => r.ms).sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
  const restart = Math.max(0, ...restarts);
  console.log(
    `${server.backend}: ${reads.length} reads during 2 × ${ROUNDS} costly searches, p50 ${sorted[sorted.length >> 1].toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms; ${written.length} writes; restarts ${restarts.join(', ') || 'none'} ms`,
  );
  // A read queued behind a costly search waits at most the limit: on PGlite the statement is stopped a restart
  // of the thread (0.2–1.5 s) and a watchdog tick before the limit. 400 ms more for the read itself, the HTTP
  // round trip, the new thread's cold caches and a restart slower than the ones before (on a busy machine).
  // Stopped at the limit instead, a read waited the limit plus a restart (p99 1.8 s on an idle machine, 2.6 s
  // on a busy one); without the costly lane, both costly clients' statements: twice that.
  expect(restart).toBeLessThan(10_000);
  expect(p99).toBeLessThan(LIMIT + 400);
  expect(costlyStatuses.map((a) => a.status)).toEqual(Array(2 * ROUNDS).fill(422));
  // On PGlite each says why it was stopped before the limit; on PostgreSQL the limit.
  const why = server.backend === 'pglite' ? /^The query was cancelled after \d+ ms: the embedded database must serve other requests again within the 1500 ms limit/ : /^The query took longer than the \d+ ms limit/;
  for (const a of costlyStatuses) expect(a.diagnostics).toMatch(why);

  expect(written.length).toBeGreaterThan(0);
  expect(written.filter((w) => w.status !== 201)).toEqual([]);
  // each one committed: found by a search, which reads the database (a read by id may come from PGlite's cache)
  for (const w of written) expect((await request('GET', `${server.base}/Patient?identifier=${SYS}|${w.value}`)).json.entry).toHaveLength(1);
});

test('a transaction whose search is cancelled leaves nothing behind', async () => {
  const marker = unique('qt-tx');
  const r = await request('POST', server.base, {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: marker }] } },
      { request: { method: 'GET', url: COSTLY } },
    ],
  });
  expect(expectOutcome(r, 422).code).toBe('too-costly');
  const after = await request('GET', `${server.base}/Patient?identifier=${SYS}|${marker}&_total=accurate`);
  expect(after.status).toBe(200);
  expect(after.json.total).toBe(0);
});

test('afterwards the server still serves, and the data written before is intact', async () => {
  const count = await request('GET', `${server.base}/Patient?family=QtFam&_summary=count`);
  expect(count.status).toBe(200);
  expect(count.json.total).toBe(PATIENTS);
  for (const i of [0, 150, PATIENTS - 1]) {
    const r = await readOne(i);
    expect(r.status).toBe(200);
    expect(r.json.entry?.[0]?.resource?.name?.[0]?.family).toBe(`QtFam${i}`);
  }
  const created = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'AfterLimit' }] });
  expect(created.status).toBe(201);
  expect((await request('GET', `${server.base}/Patient/${created.json.id as string}`)).status).toBe(200);
});
