import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

/** Embedded PostgreSQL (WASM) persisted in dataDir. One connection: transactions run one at a time. */
export async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
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
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      await db.close();
    },
  };
}
