import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

/**
 * Embedded PostgreSQL (WASM) persisted in dataDir. One connection: transactions run one at a time. A statement
 * runs to its end (statement_timeout has no effect in PGlite); pglite-worker.ts can stop one.
 */
export async function openPglite(dataDir: string, modules?: PgliteModules): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    ...(modules ? { pgliteWasmModule: modules.pglite, initdbWasmModule: modules.initdb } : {}),
    parsers: {
      [types.TIMESTAMPTZ]: (v: string) => v,
      [types.TIMESTAMP]: (v: string) => v,
      [types.INT8]: (v: string) => v,
      [types.NUMERIC]: (v: string) => v,
    },
  });
  await db.exec("SET TIME ZONE 'UTC'");
  const wrap = (c: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await c.query<T>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    costly: base,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    // A statement on this thread cannot be interrupted: nothing is limited here.
    unlimited<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      await db.close();
    },
  };
}

/** PGlite's compiled WASM, shared by the threads that open it one after another (pglite-worker.ts restarts). */
export interface PgliteModules {
  pglite: WebAssembly.Module;
  initdb: WebAssembly.Module;
}

export async function compilePgliteModules(): Promise<PgliteModules> {
  const dir = new URL('.', import.meta.resolve('@electric-sql/pglite'));
  const [pglite, initdb] = await Promise.all(['pglite.wasm', 'initdb.wasm'].map(async (f) => WebAssembly.compile(await readFile(new URL(f, dir)))));
  return { pglite, initdb };
}
