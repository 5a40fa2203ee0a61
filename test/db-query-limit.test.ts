import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../src/db/database.js';
import { STALL_FACTOR } from '../src/db/pglite-worker.js';
import { backend, createDatabase } from './helpers/server.js';
import { sleep } from './rest-util.js';

/**
 * The statement time limit at the Database interface (QUERY_TIMEOUT_MS), on the backend of the jest project:
 * PostgreSQL's statement_timeout, or the PGlite thread's watchdog (PGLITE_THREAD=worker), whose restarts must
 * keep every call answered: the statement over the limit fails with 57014, its open transaction is rolled
 * back (40001 for its later calls), calls waiting behind it or made during the restart are answered by the new
 * thread, and nothing committed is lost. Transactions waiting for this thread and `unlimited` work are not timed,
 * but a PGlite transaction that waits for a statement queued behind itself is rolled back (40P01) once that
 * statement has waited STALL_FACTOR times the limit.
 */
const LIMIT = 500;
/** Minutes of CPU in the database on both backends (4·10⁸ rows; measured: 10⁷ take 3.8 s on PGlite, 1.9 s on PostgreSQL). */
const COSTLY = 'SELECT count(*) AS n FROM generate_series(1, 20000) a CROSS JOIN generate_series(1, 20000) b WHERE (a + b) % 7 = 3';
/** Several times the limit: 3.6·10⁷ rows. */
const LONG = 'SELECT count(*) AS n FROM generate_series(1, 6000) a CROSS JOIN generate_series(1, 6000) b WHERE (a + b) % 7 = 3';

let db: Database;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  if (backend() === 'postgres') {
    const pg = await createDatabase();
    db = await openDatabase({ databaseUrl: pg.url, dataDir: '', poolSize: 4, queryTimeoutMs: LIMIT });
    cleanup = pg.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'hms-test-limit-'));
    db = await openDatabase({ dataDir: dir, poolSize: 1, pgliteThread: 'worker', queryTimeoutMs: LIMIT });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  await db.query('CREATE TABLE t (k text PRIMARY KEY, v int)');
});
afterAll(async () => {
  await db?.close();
  await cleanup?.();
});

const codeOf = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => 'ok',
    (err: { code?: string }) => err.code,
  );
async function value(k: string): Promise<number | undefined> {
  const { rows } = await db.query<{ v: number }>('SELECT v FROM t WHERE k = $1', [k]);
  return rows[0]?.v;
}

test('a statement over the limit fails with 57014 and the limit; statements waiting behind it are answered', async () => {
  await db.transaction((tx) => tx.query("INSERT INTO t VALUES ('committed', 1)"));
  const t0 = performance.now();
  const costly = db.query(COSTLY).catch((err: Error & { code?: string; limitMs?: number }) => err);
  const waiting = db.query<{ one: number }>('SELECT 1 AS one');
  const err = await costly;
  const ms = performance.now() - t0;
  expect(err).toBeInstanceOf(Error);
  expect(err).toMatchObject({ code: '57014', limitMs: LIMIT });
  expect(ms).toBeLessThan(LIMIT + 1500);
  // asked while the thread restarts
  const during = db.query<{ two: number }>('SELECT 2 AS two');
  expect((await waiting).rows).toEqual([{ one: 1 }]);
  expect((await during).rows).toEqual([{ two: 2 }]);
  expect(await value('committed')).toBe(1);
});

test('a transaction whose statement is cancelled is rolled back as a whole', async () => {
  let later: string | undefined;
  const result = db.transaction(async (tx) => {
    await tx.query("INSERT INTO t VALUES ('rolled-back', 1)");
    try {
      await tx.query(COSTLY);
    } finally {
      // PGlite: its thread is gone with the transaction (40001, retry); PostgreSQL: the transaction is aborted
      later = await codeOf(tx.query('SELECT 1'));
    }
  });
  expect(await codeOf(result)).toBe('57014');
  expect(later).toBe(backend() === 'postgres' ? '25P02' : '40001');
  expect(await value('rolled-back')).toBeUndefined();
  // the next transaction commits
  await db.transaction((tx) => tx.query("INSERT INTO t VALUES ('after', 2)"));
  expect(await value('after')).toBe(2);
});

test('time a transaction spends waiting for its caller does not count, nor does unlimited work', async () => {
  // an open transaction idle for twice the limit, with a statement queued behind it on PGlite's one connection
  let queued: Promise<unknown> | undefined;
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO t VALUES ('slow-caller', 3)");
    queued = db.query('SELECT 1');
    await sleep(2 * LIMIT);
    await tx.query("UPDATE t SET v = 4 WHERE k = 'slow-caller'");
  });
  await queued;
  expect(await value('slow-caller')).toBe(4);
  // unlimited: a statement of several times the limit runs to its end
  const t0 = performance.now();
  // PostgreSQL runs LONG in about a second on a quick machine: there it gets four times as many rows.
  const unlimited = backend() === 'postgres' ? LONG.replaceAll('6000', '12000') : LONG;
  const { rows } = await db.unlimited((q) => q.query<{ n: string }>(unlimited));
  expect(Number(rows[0].n)).toBeGreaterThan(0);
  expect(performance.now() - t0).toBeGreaterThan(2 * LIMIT);
});

test('a transaction waiting for a statement queued behind it: on PGlite rolled back (40P01) in bounded time, and the statement answered', async () => {
  const t0 = performance.now();
  let outside: unknown;
  const result = db.transaction(async (tx) => {
    await tx.query("INSERT INTO t VALUES ('stalled', 5)");
    // a statement outside the transaction, awaited inside it: PGlite's one connection runs it only after the transaction
    outside = (await db.query<{ seven: number }>('SELECT 7 AS seven')).rows;
    await tx.query("UPDATE t SET v = 6 WHERE k = 'stalled'");
  });
  if (backend() === 'postgres') {
    await result; // another connection of the pool runs it at once
    expect(await value('stalled')).toBe(6);
  } else {
    const err = (await result.catch((e: unknown) => e)) as Error & { code?: string; stalledMs?: number; limitMs?: number };
    expect(err).toMatchObject({ code: '40P01', limitMs: STALL_FACTOR * LIMIT });
    expect(err.stalledMs).toBeGreaterThanOrEqual(STALL_FACTOR * LIMIT);
    expect(performance.now() - t0).toBeLessThan(STALL_FACTOR * LIMIT + 1500);
    expect(await value('stalled')).toBeUndefined();
  }
  expect(outside).toEqual([{ seven: 7 }]);
  // the next transaction commits
  await db.transaction((tx) => tx.query("INSERT INTO t VALUES ('after-stall', 7)"));
  expect(await value('after-stall')).toBe(7);
});
