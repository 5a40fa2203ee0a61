import pg from 'pg';
import { queryCanceled, type Database, type Queryable, type QueryResult } from './database.js';

// Keep int8 and numeric as strings (no precision loss); timestamps as strings so we format them ourselves.
pg.types.setTypeParser(1184, (v) => v); // timestamptz
pg.types.setTypeParser(1114, (v) => v); // timestamp

/**
 * A pg pool. `queryTimeoutMs` (0: none) is every connection's statement_timeout: PostgreSQL cancels a statement
 * past it with SQLSTATE 57014, which arrives here carrying the limit (queryCanceled).
 */
export async function openPostgres(url: string, poolSize: number, queryTimeoutMs = 0): Promise<Database> {
  // Parallel query workers only add contention when many requests share few cores; each request stays on one.
  const options = `-c max_parallel_workers_per_gather=0 -c statement_timeout=${queryTimeoutMs}`;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options });
  pool.on('error', () => undefined); // idle client errors surface on the next query
  // Clients lent out (by connect or pool.query), so close() can cut off the statements still running.
  const lent = new Set<pg.PoolClient>();
  pool.on('acquire', (c) => lent.add(c));
  pool.on('release', (_err, c) => lent.delete(c));
  pool.on('remove', (c) => lent.delete(c));
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[], name?: string): Promise<QueryResult<T>> {
      try {
        const r = name ? await c.query({ name, text: sql, values: params as unknown[] }) : await c.query(sql, params as unknown[]);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
      } catch (err) {
        throw (err as { code?: string }).code === '57014' ? queryCanceled(queryTimeoutMs, err) : err;
      }
    },
  });
  const base = wrap(pool);
  const transaction = async <T>(fn: (tx: Queryable) => Promise<T>, unlimited: boolean): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (unlimited) await client.query('SET LOCAL statement_timeout = 0');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    query: base.query,
    costly: base,
    transaction: (fn) => transaction(fn, false),
    unlimited: (fn) => transaction(fn, true),
    async close() {
      // Statements still running are cancelled (PostgreSQL would notice a closed connection only when it next
      // writes to it) and their connections closed: PostgreSQL rolls their transactions back.
      const pids = [...lent].map((c) => (c as unknown as { processID?: number }).processID).filter((p) => typeof p === 'number');
      if (pids.length) await cancel(url, pids);
      for (const c of lent) void (c as pg.PoolClient & { end(): Promise<void> }).end().catch(() => undefined);
      await pool.end();
    },
  };
}

async function cancel(url: string, pids: number[]): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  } catch {
    // the connections are closed below all the same
  } finally {
    await c.end().catch(() => undefined);
  }
}
