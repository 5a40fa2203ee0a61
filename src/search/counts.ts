import type { Database, Queryable } from '../db/database.js';

/**
 * Exact counts of live resources per type without reading them (migration 5, table resource_count).
 *
 * Every write statement (src/store/write.ts) inserts, in the write's own transaction, one delta row per type
 * whose number of live resources it changes (+1 create, −1 delete, +1 re-create of a deleted one, nothing for
 * an update). A count is the sum of the type's rows, so a reader sees exactly the writes its snapshot sees —
 * its own transaction's included — on any process. Rows are only ever inserted and deleted, so concurrent
 * writers never wait for each other. compactCounts() replaces the rows of each type by their sum from time to
 * time, one process at a time (a try-lock): its DELETE … RETURNING and INSERT of the sum are one statement,
 * so every snapshot sees either the old rows or the sum, and rows committed meanwhile are left for next time.
 *
 * Used only for a search with no filter at all (an access policy adds its filters to the search, so a
 * restricted requester is counted the ordinary way).
 */

export async function countLive(q: Queryable, types: string[]): Promise<number> {
  const sql =
    types.length === 1
      ? 'SELECT COALESCE(sum(n), 0)::text AS n FROM resource_count WHERE res_type = $1'
      : 'SELECT COALESCE(sum(n), 0)::text AS n FROM resource_count WHERE res_type = ANY($1::text[])';
  const { rows } = await q.query<{ n: string }>(sql, [types.length === 1 ? types[0] : types], types.length === 1 ? 'hms_count_type' : 'hms_count_types');
  return Number(rows[0].n);
}

/** The SQL of a write statement's delta rows, given the CTE `rec` of the written rows (t, i, d = deleted). */
export function countDeltaCte(anyReplaced: boolean): string {
  if (!anyReplaced) {
    // Only new resources: each one that is not a delete adds one.
    return `w_cnt AS (INSERT INTO resource_count (res_type, n) SELECT rec.t, count(*) FROM rec WHERE NOT rec.d GROUP BY rec.t)`;
  }
  // The previous state from the statement's snapshot (taken after the writer's advisory lock on the resource).
  const delta = `sum((NOT rec.d)::int - (p.res_id IS NOT NULL)::int)`;
  return `w_cnt AS (INSERT INTO resource_count (res_type, n)
    SELECT rec.t, ${delta} FROM rec LEFT JOIN resource p ON p.res_type = rec.t AND p.res_id = rec.i AND NOT p.deleted
    GROUP BY rec.t HAVING ${delta} <> 0)`;
}

const COMPACT_LOCK = 7_342_005;

/** Sums each type's delta rows into one row (skipped when another process is compacting). */
export async function compactCounts(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [COMPACT_LOCK]);
    if (!rows[0].ok) return;
    await tx.query(`WITH d AS (DELETE FROM resource_count RETURNING res_type, n)
      INSERT INTO resource_count (res_type, n) SELECT res_type, sum(n) FROM d GROUP BY res_type HAVING sum(n) <> 0`);
  });
  // PGlite has no autovacuum: reclaim the deleted rows of this small table right away.
  if (db.kind === 'pglite') await db.query('VACUUM resource_count');
}
