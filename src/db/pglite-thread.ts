import { parentPort, workerData } from 'node:worker_threads';
import type { Queryable } from './database.js';
import { compilePgliteModules, openPglite, type PgliteModules } from './pglite.js';
import type { Reply, Request } from './pglite-worker.js';

/**
 * The embedded database's own thread (see pglite-worker.ts): runs PGlite and answers the main thread's
 * statements and transactions, in the order they arrive.
 */
const port = parentPort;
if (!port) throw new Error('pglite-thread.ts runs as a worker thread');
const ROLLBACK = Symbol('rollback');
const data = workerData as { dataDir: string; modules?: PgliteModules };
// Compiled here the first time and handed to the main thread, which gives them to a restarted thread: it then
// skips compiling, and shares the code V8 has already optimised.
const modules = data.modules ?? (await compilePgliteModules());
const db = await openPglite(data.dataDir, modules);
/** Open transactions: their statements' connection, and how they end (true = commit). */
const txs = new Map<number, { q: Queryable; end: (commit: boolean) => void; done: Promise<void> }>();

const send = (r: Reply): void => port.postMessage(r);
function failure(id: number, err: unknown): Reply {
  const e = err as Record<string, unknown> & Error;
  const fields: Record<string, unknown> = {};
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'where', 'position', 'routine']) {
    if (e && e[k] !== undefined && typeof e[k] !== 'function') fields[k] = e[k];
  }
  return { id, ok: false, error: { message: e?.message ?? String(err), fields } };
}

/** Starts transaction `tx` (numbered by the main thread) and resolves once its callback runs (PGlite runs one at a time). */
function begin(tx: number): Promise<number> {
  return new Promise((started, failed) => {
    let end!: (commit: boolean) => void;
    const ending = new Promise<boolean>((r) => (end = r));
    const done = db
      .transaction(async (q) => {
        txs.set(tx, { q, end, done });
        started(tx);
        if (!(await ending)) throw ROLLBACK;
      })
      .catch((err: unknown) => {
        if (err !== ROLLBACK) throw err;
      })
      .finally(() => txs.delete(tx));
    done.catch((err: unknown) => failed(err)); // a failure before the callback ran (after it, end reports it)
  });
}

async function handle(m: Request): Promise<unknown> {
  switch (m.op) {
    case 'query': {
      const q = m.tx === undefined ? db : txs.get(m.tx)?.q;
      if (!q) throw new Error(`transaction ${m.tx} is not open`);
      return q.query(m.sql, m.params);
    }
    case 'begin':
      return begin(m.tx);
    case 'end': {
      const t = txs.get(m.tx);
      if (!t) throw new Error(`transaction ${m.tx} is not open`);
      t.end(m.commit);
      await t.done;
      return null;
    }
    case 'close':
      await db.close();
      return null;
  }
}

port.on('message', (m: Request) => {
  handle(m).then(
    (result) => send({ id: m.id, ok: true, result }),
    (err: unknown) => send(failure(m.id, err)),
  );
});
send({ id: 0, ok: true, result: data.modules ? 'ready' : modules });
