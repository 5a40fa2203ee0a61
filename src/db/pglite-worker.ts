import { Worker } from 'node:worker_threads';
import { queryCanceled, transactionStalled, type Database, type Queryable, type QueryResult } from './database.js';
import type { PgliteModules } from './pglite.js';

/**
 * The embedded database on its own thread (PGLITE_THREAD=worker, the default): PGlite's WASM, its file I/O and
 * its commits run on a worker thread (pglite-thread.ts), so SQL work — the audit trail's background writes,
 * long searches — never holds up the thread that serves HTTP. Each statement is one message each way; a
 * transaction is a `begin`, its statements and an `end` that commits or rolls back. The same SQL and the same
 * one-transaction-at-a-time semantics as PGlite in process (pglite.ts, PGLITE_THREAD=main).
 *
 * The statement time limit (QUERY_TIMEOUT_MS): PGlite ignores statement_timeout, and its thread cannot take a
 * message while a statement runs, so a watchdog here stops the thread instead. The thread runs one call at a
 * time: the statement of the open transaction, or else the oldest plain statement or `begin`. That call's clock
 * starts when it could start — when it was sent or when the previous call was answered, whichever is later —
 * and stops while an open transaction waits for this thread (its next statement is not sent yet). A statement
 * runs at most the limit less the time a new thread takes to open (and a watchdog tick; at least half the
 * limit), so that what waits behind it is answered within the limit. Past that: the thread is terminated
 * (uncommitted work is gone, as after a crash), that statement fails with 57014, the open transaction's further
 * calls with 40001 (it was rolled back: retry), and a new thread opens the same data folder; the calls still
 * waiting (plain statements, begins, calls made meanwhile) are sent to it in their order. Commits, begins and
 * the statements of `unlimited` transactions are never timed.
 *
 * A stalled transaction: one open on the thread with none of its calls there, while other calls wait behind
 * it. Its caller may just be busy between two statements (that time does not count against the statement
 * limit), but it may also be waiting, directly or through a promise another request shares, for a call queued
 * behind its own transaction: on one connection that wait never ends, and every request after it waits too.
 * Once the calls behind it have waited STALL_FACTOR times the limit, the transaction is rolled back: its further
 * calls and its commit fail with 40P01 (transactionStalled, logged with the statement that waited), and what
 * waited runs. `unlimited` transactions are never rolled back so.
 */
export const STALL_FACTOR = 4;

export type Request =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'begin'; tx: number }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { message: string; fields: Record<string, unknown> } };
type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  msg: Request;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** The transaction the call belongs to (its statements and its end); undefined for plain statements, begin, close. */
  inTx?: number;
  /** Not timed: a call of an `unlimited` transaction. */
  exempt: boolean;
  /** When it was sent to the current thread (performance.now()); 0 while not sent. */
  at: number;
  /** Order of sending to the current thread (the thread runs what it is sent in this order); 0 while not sent. */
  seq: number;
  /** A statement of the costly lane (Database.costly): see pump. */
  costly: boolean;
  /** When the call was made (performance.now()). */
  made: number;
}

/** Options of the embedded database's thread (see openPgliteWorker). */
export interface PgliteWorkerOptions {
  /** Statement time limit in ms (0: none). */
  queryTimeoutMs?: number;
  /** Where the watchdog and the recycling report. */
  log?: DbLog;
  /**
   * Reopen the thread when, after `recycleIdleMs` of quiet (the thread busy less than 2 % of it, nothing
   * waiting, no transaction open), the process's resident size exceeds its size at the first quiet window (or
   * the last reopening) by more than this many bytes (0: never). PGlite's WASM memory keeps every page it has
   * touched; a new thread starts from its opening size.
   */
  recycleBytes?: number;
  recycleIdleMs?: number;
}

/** Where the watchdog reports a stopped statement (a pino logger fits). */
export interface DbLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** How long the thread must have been idle before a costly statement is sent to it (see pump). */
const IDLE_GAP_MS = 20;

export async function openPgliteWorker(dataDir: string, options: PgliteWorkerOptions = {}): Promise<Database> {
  const { queryTimeoutMs = 0, log, recycleBytes = 0, recycleIdleMs = 10_000 } = options;
  /** Calls not answered yet, in the order they were made. */
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined; // undefined while a new thread starts: calls wait in `pending`
  let nextId = 1;
  let nextTx = 1;
  /** The transaction open on the thread (its begin answered, its end not yet). */
  let open: { tx: number; exempt: boolean } | undefined;
  /** Transactions rolled back under their caller (open on a stopped thread, or stalled), with what their further calls get. */
  const lost = new Map<number, () => Error>();
  let lastReply = performance.now();
  /** Time the thread spent on calls since `windowStart` (the recycling's measure of quiet). */
  let busyMs = 0;
  let windowStart = performance.now();
  let broken: Error | undefined;
  /** PGlite's compiled WASM, from the first thread (a restarted thread skips compiling it). */
  let modules: PgliteModules | undefined;

  const fail = (err: Error): void => {
    broken ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  let seq = 0;
  /** Calls sent to the current thread and not answered yet. */
  let posted = 0;
  /** The costly-lane statement sent to the thread and not answered yet. */
  let costlyOnThread: Pending | undefined;
  /** A costly statement held back longer than this is sent even to a busy thread (it is not starved). */
  const starveMs = queryTimeoutMs > 0 ? queryTimeoutMs : 5000;
  /** Since when the thread has had nothing to do (undefined while it has), and the timer that looks again. */
  let idleSince: number | undefined = performance.now();
  let gapTimer: NodeJS.Timeout | undefined;
  const post = (p: Pending): void => {
    if (p.costly) costlyOnThread = p;
    idleSince = undefined;
    p.at = performance.now();
    p.seq = ++seq;
    posted++;
    worker!.postMessage(p.msg);
  };
  /**
   * The costly lane: the oldest costly statement held back is sent when no other costly one is on the thread
   * and the thread has had nothing else to do for IDLE_GAP_MS (a client's next light request usually comes
   * sooner), or once it has waited starveMs; so light statements go first and costly ones are not starved.
   */
  const pump = (): void => {
    if (!worker || costlyOnThread) return;
    let oldest: Pending | undefined;
    for (const p of pending.values()) {
      if (p.costly && p.seq === 0) {
        oldest = p;
        break;
      }
    }
    if (!oldest) return;
    const now = performance.now();
    if (now - oldest.made > starveMs) return post(oldest);
    if (posted > 0) return;
    idleSince ??= now;
    if (now - idleSince >= IDLE_GAP_MS) return post(oldest);
    gapTimer ??= setTimeout(() => {
      gapTimer = undefined;
      pump();
    }, IDLE_GAP_MS - (now - idleSince) + 1);
  };
  /** The `close` sent to a thread being recycled, and what waits for its answer. */
  let closing: { id: number; done: () => void } | undefined;
  const onReply = (r: Reply): void => {
    const p = pending.get(r.id);
    if (!p) {
      if (r.id === closing?.id) closing.done();
      return;
    }
    pending.delete(r.id);
    const now = performance.now();
    busyMs += now - Math.max(p.at, lastReply);
    lastReply = now;
    if (p.seq > 0 && --posted === 0) idleSince = now;
    if (p === costlyOnThread) costlyOnThread = undefined;
    if (p.msg.op === 'begin' && r.ok) open = { tx: p.msg.tx, exempt: p.exempt };
    else if (p.msg.op === 'end' && open?.tx === p.msg.tx) open = undefined;
    if (r.ok) p.resolve(r.result);
    else p.reject(Object.assign(new Error(r.error.message), r.error.fields));
    pump();
  };
  const spawn = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = new Worker(new URL('./pglite-thread.js', import.meta.url), { workerData: { dataDir, modules } });
      w.on('message', (r: Reply) => {
        if (r.id !== 0) return onReply(r);
        if (!r.ok) return reject(new Error(r.error.message));
        if (typeof r.result === 'object') modules ??= r.result as PgliteModules;
        resolve(w);
      });
      w.on('error', (err) => (w === worker ? fail(err) : reject(err)));
      w.on('exit', (code) => {
        const err = new Error(`the database thread stopped (exit code ${code})`);
        if (w === worker) fail(err);
        else reject(err);
      });
    });
  const t0 = performance.now();
  worker = await spawn();
  const firstOpenMs = performance.now() - t0;

  const lostError = (): Error =>
    Object.assign(new Error('the transaction was rolled back: its database thread was restarted after a statement ran past QUERY_TIMEOUT_MS'), { code: '40001' });

  const call = <T>(c: Call, inTx?: number, exempt = false, costly = false): Promise<T> => {
    if (broken) return Promise.reject(broken);
    const gone = inTx === undefined ? undefined : lost.get(inTx);
    if (inTx !== undefined && gone) {
      if (c.op !== 'end') return Promise.reject(gone());
      lost.delete(inTx);
      return c.commit ? Promise.reject(gone()) : Promise.resolve(null as T);
    }
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { msg: { ...c, id } as Request, resolve: resolve as (v: unknown) => void, reject, inTx, exempt, at: 0, seq: 0, costly, made: performance.now() };
      pending.set(id, p);
      if (worker) {
        if (costly) pump();
        else post(p);
      }
    });
  };
  const query = <T>(sql: string, params?: unknown[], tx?: number, exempt = false, costly = false): Promise<QueryResult<T>> =>
    call<QueryResult<T>>({ op: 'query', sql, ...(params ? { params } : {}), ...(tx !== undefined ? { tx } : {}) }, tx, exempt, costly);

  /** The call the thread is running (or about to run): the first sent; undefined when it waits for this thread. */
  const running = (): Pending | undefined => {
    let first: Pending | undefined;
    for (const p of pending.values()) {
      if (p.seq === 0 || !(open ? p.inTx === open.tx : p.inTx === undefined)) continue;
      if (!first || p.seq < first.seq) first = p;
    }
    return first;
  };
  /** Sends every waiting call to a new thread in the order they were made, the costly lane's after the others. */
  const resend = (): void => {
    costlyOnThread = undefined;
    posted = 0;
    for (const p of pending.values()) {
      p.at = 0;
      p.seq = 0;
    }
    for (const p of pending.values()) if (!p.costly) post(p);
    pump();
  };
  /** The watchdog's period: a statement is stopped at most this long after its time is up. */
  const tick = Math.min(250, Math.max(10, queryTimeoutMs / 10));
  /**
   * How long a new thread takes to open: the longest of the last 4 openings (the first one compiled PGlite's
   * WASM too). Calls waiting behind a stopped statement wait for it as well.
   */
  const openings = [firstOpenMs];
  let reopenMs = firstOpenMs;
  const opened = (ms: number): void => {
    if (openings.push(ms) > 4) openings.shift();
    reopenMs = Math.max(...openings);
  };
  /**
   * The running statement once its time is up: the limit less a reopening and a tick (at least half the limit),
   * so that the calls waiting behind it (requests, background work) are answered within the limit.
   */
  const overdue = (): Pending | undefined => {
    if (!worker || broken) return undefined;
    const p = running();
    if (!p || p.msg.op !== 'query' || p.exempt) return undefined;
    const budget = Math.max(queryTimeoutMs / 2, queryTimeoutMs - reopenMs - tick);
    return performance.now() - Math.max(p.at, lastReply) > budget ? p : undefined;
  };

  /** How long calls may wait behind a stalled transaction before it is rolled back. */
  const stallMs = STALL_FACTOR * queryTimeoutMs;
  /**
   * The open transaction when it is stalled past stallMs: none of its calls on the thread, and the oldest call
   * waiting behind it (a plain statement, a begin) has waited longer than that since it was made or the last
   * answer, whichever is later.
   */
  const stalled = (): { tx: number; waiting: Pending; idleMs: number } | undefined => {
    if (!worker || broken || !open || open.exempt || lost.has(open.tx) || running()) return undefined;
    let waiting: Pending | undefined;
    for (const p of pending.values()) {
      if (p.inTx !== open.tx) {
        waiting = p;
        break;
      }
    }
    if (!waiting) return undefined;
    const idleMs = performance.now() - Math.max(lastReply, waiting.made);
    return idleMs > stallMs ? { tx: open.tx, waiting, idleMs } : undefined;
  };

  /** Rolls back a stalled transaction on the thread; its caller's further calls and its commit fail with 40P01. */
  const rollBack = (s: { tx: number; waiting: Pending; idleMs: number }): void => {
    const idleMs = Math.round(s.idleMs);
    void call({ op: 'end', tx: s.tx, commit: false }, s.tx).catch(() => undefined);
    lost.set(s.tx, () => transactionStalled(idleMs, stallMs));
    log?.warn(
      { idleMs, limitMs: stallMs, waiting: pending.size - 1, sql: s.waiting.msg.op === 'query' ? s.waiting.msg.sql.slice(0, 200) : s.waiting.msg.op },
      `transaction held the database without a statement while others waited, past ${STALL_FACTOR} × QUERY_TIMEOUT_MS: rolled back`,
    );
  };

  /** Stops the thread running `victim`, answers what it cannot finish, and carries on with a new thread. */
  const restart = async (victim: Pending): Promise<void> => {
    const old = worker!;
    worker = undefined;
    const started = Math.max(victim.at, lastReply);
    await old.terminate(); // replies it sent before stopping are handled first
    const ranMs = Math.round(performance.now() - started);
    if (pending.delete(victim.msg.id)) victim.reject(queryCanceled(queryTimeoutMs, undefined, ranMs));
    const tx = open;
    open = undefined;
    if (tx) {
      lost.set(tx.tx, lostError);
      for (const [id, p] of pending) {
        if (p.inTx !== tx.tx) continue;
        pending.delete(id);
        if (p.msg.op === 'end') lost.delete(tx.tx);
        if (p.msg.op === 'end' && !p.msg.commit) p.resolve(null);
        else p.reject(lostError());
      }
    }
    log?.warn(
      { ms: ranMs, limitMs: queryTimeoutMs, reopenMs: Math.round(reopenMs), sql: victim.msg.op === 'query' ? victim.msg.sql.slice(0, 200) : undefined, rolledBack: tx !== undefined, waiting: pending.size },
      'statement past QUERY_TIMEOUT_MS less a restart: database thread stopped, restarting it',
    );
    const t0 = performance.now();
    if (!(await reopen())) return;
    opened(lastReply - t0);
    log?.info({ ms: Math.round(lastReply - t0), waiting: pending.size }, 'database thread restarted');
    resend();
  };

  /** Opens a new thread on the data folder and makes it current; false when that failed or the database closed meanwhile. */
  const reopen = async (): Promise<boolean> => {
    let w: Worker;
    try {
      w = await spawn();
    } catch (err) {
      fail(err as Error);
      return false;
    }
    if (broken) {
      void w.terminate(); // closed meanwhile
      return false;
    }
    worker = w;
    lastReply = performance.now();
    return true;
  };

  /**
   * The process's resident size when idle: given by `settled` (the server has started) or the first quiet
   * window, lowered whenever a quiet window finds the process smaller, and set again after each reopening.
   */
  let openedRss: number | undefined;
  let recycling = false;
  const idle = (): boolean => !!worker && !broken && !recycling && pending.size === 0 && !open;

  /** Closes the idle thread and opens a new one on the same data folder (calls made meanwhile wait, then go to it). */
  const recycle = async (rss: number): Promise<void> => {
    const old = worker!;
    worker = undefined;
    recycling = true;
    const t0 = performance.now();
    try {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, 2000);
        closing = { id: nextId++, done: () => (clearTimeout(timer), done()) };
        old.postMessage({ id: closing.id, op: 'close' } satisfies Request);
      });
      closing = undefined;
      await old.terminate();
      if (!(await reopen())) return;
      opened(lastReply - t0);
      const after = process.memoryUsage.rss();
      log?.info(
        { ms: Math.round(lastReply - t0), idleMb: Math.round((openedRss ?? 0) / 1048576), beforeMb: Math.round(rss / 1048576), afterMb: Math.round(after / 1048576), waiting: pending.size },
        'database thread reopened to give back the memory it had grown',
      );
      openedRss = after;
      resend();
    } finally {
      recycling = false;
    }
  };
  let recycler: NodeJS.Timeout | undefined;
  if (recycleBytes > 0) {
    recycler = setInterval(
      () => {
        // A quiet window: the thread busy less than 2 % of recycleIdleMs (background polls take a millisecond).
        const now = performance.now();
        if (now - windowStart < recycleIdleMs) return;
        const quiet = busyMs <= 0.02 * (now - windowStart);
        if (quiet && !idle()) return; // a poll on the thread: look again at the next tick
        busyMs = 0;
        windowStart = now;
        if (!quiet) return;
        const rss = process.memoryUsage.rss();
        // The idle size: the smallest seen when quiet (start-up's passing memory is given back over time).
        if (openedRss === undefined || rss < openedRss) openedRss = rss;
        else if (rss - openedRss > recycleBytes) void recycle(rss);
      },
      Math.max(50, Math.min(1000, recycleIdleMs / 4)),
    );
    recycler.unref();
  }

  let watchdog: NodeJS.Timeout | undefined;
  if (queryTimeoutMs > 0) {
    watchdog = setInterval(
      () => {
        pump(); // a costly statement held back past starveMs
        if (!overdue() && !stalled()) return;
        // Read the replies the thread has already sent before deciding (this thread may just have been busy).
        setImmediate(() => {
          const victim = overdue();
          if (victim) return void restart(victim);
          const stall = stalled();
          if (stall) rollBack(stall);
        });
      },
      tick,
    );
    watchdog.unref();
  }

  const transaction = async <T>(fn: (tx: Queryable) => Promise<T>, exempt: boolean): Promise<T> => {
    const tx = nextTx++;
    await call<number>({ op: 'begin', tx }, undefined, exempt);
    let result: T;
    try {
      result = await fn({ query: <R>(sql: string, params?: unknown[]) => query<R>(sql, params, tx, exempt) });
    } catch (err) {
      await call({ op: 'end', tx, commit: false }, tx).catch(() => undefined);
      throw err;
    }
    await call({ op: 'end', tx, commit: true }, tx);
    return result;
  };

  return {
    kind: 'pglite',
    query: <T>(sql: string, params?: unknown[]) => query<T>(sql, params),
    transaction: (fn) => transaction(fn, false),
    unlimited: (fn) => transaction(fn, true),
    settled() {
      openedRss = process.memoryUsage.rss();
    },
    costly: { query: <T>(sql: string, params?: unknown[]) => query<T>(sql, params, undefined, false, true) },
    async close() {
      if (watchdog) clearInterval(watchdog);
      if (recycler) clearInterval(recycler);
      const w = worker;
      // Idle: PGlite shuts down cleanly. Busy: the thread is stopped, as after a crash (uncommitted work rolls back).
      if (w && !broken && pending.size === 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([call({ op: 'close' }).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
      }
      fail(Object.assign(new Error('the database is closed'), { code: '57P01' }));
      worker = undefined;
      await w?.terminate();
    },
  };
}
