import { Worker } from 'node:worker_threads';
import type { Database, Queryable, QueryResult } from './database.js';

/**
 * The embedded database on its own thread (PGLITE_THREAD=worker, the default): PGlite's WASM, its file I/O and
 * its commits run on a worker thread (pglite-thread.ts), so SQL work — the audit trail's background writes,
 * long searches — never holds up the thread that serves HTTP. Each statement is one message each way; a
 * transaction is a `begin`, its statements and an `end` that commits or rolls back. The same SQL and the same
 * one-transaction-at-a-time semantics as PGlite in process (pglite.ts, PGLITE_THREAD=main).
 */
export type Request =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { message: string; fields: Record<string, unknown> } };
type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export async function openPgliteWorker(dataDir: string): Promise<Database> {
  const worker = new Worker(new URL('./pglite-thread.js', import.meta.url), { workerData: { dataDir } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let broken: Error | undefined;
  let ready!: () => void;
  let failed!: (e: Error) => void;
  const started = new Promise<void>((r, f) => ((ready = r), (failed = f)));

  const fail = (err: Error): void => {
    broken ??= err;
    failed(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (r: Reply) => {
    if (r.id === 0) return r.ok ? ready() : failed(new Error(r.error.message));
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(Object.assign(new Error(r.error.message), r.error.fields));
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`the database thread stopped (exit code ${code})`)));
  await started;

  const call = <T>(c: Call): Promise<T> => {
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...c, id });
    });
  };
  const query = <T>(sql: string, params?: unknown[], tx?: number): Promise<QueryResult<T>> =>
    call<QueryResult<T>>({ op: 'query', sql, ...(params ? { params } : {}), ...(tx !== undefined ? { tx } : {}) });

  return {
    kind: 'pglite',
    query: <T>(sql: string, params?: unknown[]) => query<T>(sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = await call<number>({ op: 'begin' });
      let result: T;
      try {
        result = await fn({ query: <R>(sql: string, params?: unknown[]) => query<R>(sql, params, tx) });
      } catch (err) {
        await call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (!broken) await call({ op: 'close' }).catch(() => undefined);
      broken ??= new Error('the database is closed');
      await worker.terminate();
    },
  };
}
