import { Worker } from 'node:worker_threads';
import { queryCanceled, type Database, type Queryable, type QueryResult } from './database.js';
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
 * over the limit: the thread is terminated (uncommitted work is gone, as after a crash), that statement fails
 * with 57014, the open transaction's further calls with 40001 (it was rolled back: retry), and a new thread
 * opens the same data folder; the calls still waiting (plain statements, begins, calls made meanwhile) are
 * sent to it in their order. Commits, begins and the statements of `unlimited` transactions are never timed.
 */
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
  /** When it was sent to the current thread (performance.now()). */
  at: number;
}

/** Where the watchdog reports a stopped statement (a pino logger fits). */
export interface DbLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export async function openPgliteWorker(dataDir: string, queryTimeoutMs = 0, log?: DbLog): Promise<Database> {
  /** Calls not answered yet, in the order they were made. */
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined; // undefined while a new thread starts: calls wait in `pending`
  let nextId = 1;
  let nextTx = 1;
  /** The transaction open on the thread (its begin answered, its end not yet). */
  let open: { tx: number; exempt: boolean } | undefined;
  /** Transactions that were open on a stopped thread: rolled back. */
  const lost = new Set<number>();
  let lastReply = performance.now();
  let broken: Error | undefined;
  /** PGlite's compiled WASM, from the first thread (a restarted thread skips compiling it). */
  let modules: PgliteModules | undefined;

  const fail = (err: Error): void => {
    broken ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const post = (p: Pending): void => {
    p.at = performance.now();
    worker!.postMessage(p.msg);
  };
  const onReply = (r: Reply): void => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    lastReply = performance.now();
    if (p.msg.op === 'begin' && r.ok) open = { tx: p.msg.tx, exempt: p.exempt };
    else if (p.msg.op === 'end' && open?.tx === p.msg.tx) open = undefined;
    if (r.ok) p.resolve(r.result);
    else p.reject(Object.assign(new Error(r.error.message), r.error.fields));
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
  worker = await spawn();

  const lostError = (): Error =>
    Object.assign(new Error('the transaction was rolled back: its database thread was restarted after a statement ran past QUERY_TIMEOUT_MS'), { code: '40001' });

  const call = <T>(c: Call, inTx?: number, exempt = false): Promise<T> => {
    if (broken) return Promise.reject(broken);
    if (inTx !== undefined && lost.has(inTx)) {
      if (c.op !== 'end') return Promise.reject(lostError());
      lost.delete(inTx);
      return c.commit ? Promise.reject(lostError()) : Promise.resolve(null as T);
    }
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { msg: { ...c, id } as Request, resolve: resolve as (v: unknown) => void, reject, inTx, exempt, at: 0 };
      pending.set(id, p);
      if (worker) post(p);
    });
  };
  const query = <T>(sql: string, params?: unknown[], tx?: number, exempt = false): Promise<QueryResult<T>> =>
    call<QueryResult<T>>({ op: 'query', sql, ...(params ? { params } : {}), ...(tx !== undefined ? { tx } : {}) }, tx, exempt);

  /** The call the thread is running (or about to run); undefined when it waits for this thread. */
  const running = (): Pending | undefined => {
    for (const p of pending.values()) if (open ? p.inTx === open.tx : p.inTx === undefined) return p;
    return undefined;
  };
  const overdue = (): Pending | undefined => {
    if (!worker || broken) return undefined;
    const p = running();
    if (!p || p.msg.op !== 'query' || p.exempt) return undefined;
    return performance.now() - Math.max(p.at, lastReply) > queryTimeoutMs ? p : undefined;
  };

  /** Stops the thread running `victim`, answers what it cannot finish, and carries on with a new thread. */
  const restart = async (victim: Pending): Promise<void> => {
    const old = worker!;
    worker = undefined;
    const started = Math.max(victim.at, lastReply);
    await old.terminate(); // replies it sent before stopping are handled first
    if (pending.delete(victim.msg.id)) victim.reject(queryCanceled(queryTimeoutMs));
    const tx = open;
    open = undefined;
    if (tx) {
      lost.add(tx.tx);
      for (const [id, p] of pending) {
        if (p.inTx !== tx.tx) continue;
        pending.delete(id);
        if (p.msg.op === 'end') lost.delete(tx.tx);
        if (p.msg.op === 'end' && !p.msg.commit) p.resolve(null);
        else p.reject(lostError());
      }
    }
    log?.warn(
      { ms: Math.round(performance.now() - started), limitMs: queryTimeoutMs, sql: victim.msg.op === 'query' ? victim.msg.sql.slice(0, 200) : undefined, rolledBack: tx !== undefined, waiting: pending.size },
      'statement past QUERY_TIMEOUT_MS: database thread stopped, restarting it',
    );
    let w: Worker;
    const t0 = performance.now();
    try {
      w = await spawn();
    } catch (err) {
      fail(err as Error);
      return;
    }
    if (broken) {
      void w.terminate(); // closed meanwhile
      return;
    }
    worker = w;
    lastReply = performance.now();
    log?.info({ ms: Math.round(lastReply - t0), waiting: pending.size }, 'database thread restarted');
    for (const p of pending.values()) post(p);
  };

  let watchdog: NodeJS.Timeout | undefined;
  if (queryTimeoutMs > 0) {
    watchdog = setInterval(
      () => {
        if (!overdue()) return;
        // Read the replies the thread has already sent before deciding (this thread may just have been busy).
        setImmediate(() => {
          const victim = overdue();
          if (victim) void restart(victim);
        });
      },
      Math.min(250, Math.max(10, queryTimeoutMs / 10)),
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
    async close() {
      if (watchdog) clearInterval(watchdog);
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
