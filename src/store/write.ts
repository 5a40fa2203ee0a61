import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { emptyIndexRows, indexResource, type IndexRows } from '../search/indexer.js';
import { countDeltaCte } from '../search/counts.js';
import { SqlParams } from '../search/sql.js';
import type { PendingWrite } from './types.js';
import { maintainLinks } from '../search/links.js';

/** Columns of each index table after (res_type, res_id, code), in the order indexer.ts writes them. */
const INDEX_TABLES: { table: keyof IndexRows; columns: string[]; casts: string[] }[] = [
  { table: 'token', columns: ['system', 'value', 'display', 'grp'], casts: ['text', 'text', 'text', 'int'] },
  { table: 'string', columns: ['value_norm', 'value', 'grp'], casts: ['text', 'text', 'int'] },
  { table: 'reference', columns: ['target_type', 'target_id', 'target_url', 'grp'], casts: ['text', 'text', 'text', 'int'] },
  { table: 'date', columns: ['lo', 'hi', 'grp'], casts: ['timestamptz', 'timestamptz', 'int'] },
  { table: 'number', columns: ['lo', 'hi', 'grp'], casts: ['numeric', 'numeric', 'int'] },
  {
    table: 'quantity',
    columns: ['system', 'unit', 'lo', 'hi', 'c_unit', 'c_lo', 'c_hi', 'grp'],
    casts: ['text', 'text', 'numeric', 'numeric', 'text', 'numeric', 'numeric', 'int'],
  },
  { table: 'uri', columns: ['value', 'grp'], casts: ['text', 'int'] },
  { table: 'geo', columns: ['lat', 'lon'], casts: ['float8', 'float8'] },
  { table: 'sort', columns: ['lo', 'hi'], casts: ['text', 'text'] },
];

/**
 * Resources per statement: keeps each JSON parameter well below protocol limits for very large bundles, and
 * each statement of a large transaction well inside QUERY_TIMEOUT_MS (1,000 resources take about 0.5–1 s on a
 * 2-core machine).
 */
const CHUNK = 1000;

/**
 * Writes a set of resource changes, one SQL statement per chunk of resources: the current rows, the history
 * rows, and the search index (old rows of replaced resources deleted, new rows inserted) are data-modifying
 * CTEs of a single statement, in the caller's database transaction. All CTEs see the same snapshot, so the
 * DELETE removes only the old index rows.
 */
export async function writeChanges(tx: Queryable, writes: PendingWrite[], baseUrl?: string): Promise<void> {
  for (let i = 0; i < writes.length; i += CHUNK) {
    const part = writes.slice(i, i + CHUNK);
    const { sql, params } = buildStatement(part, baseUrl);
    // The text depends only on whether old index rows are replaced: two prepared statements serve every write.
    await tx.query(sql, params.values, part.some((w) => !w.isNew) ? 'hms_write_replace' : 'hms_write_new');
  }
}

/**
 * Recomputes the search index of stored resources (after a SearchParameter was added or changed), without
 * writing new versions: old index rows deleted, new ones inserted, in one statement per chunk.
 */
export async function reindexResources(tx: Queryable, resources: Resource[], baseUrl?: string): Promise<void> {
  for (let i = 0; i < resources.length; i += CHUNK) {
    const writes = resources.slice(i, i + CHUNK).map(
      (r): PendingWrite => ({ type: r.resourceType, id: r.id as string, version: 0, lastUpdated: '', method: 'PUT', resource: r, content: null, isNew: false }),
    );
    const { sql, params } = buildStatement(writes, baseUrl, false);
    await tx.query(sql, params.values);
    await maintainLinks(tx, writes);
  }
}

function buildStatement(writes: PendingWrite[], baseUrl: string | undefined, writeRows = true): { sql: string; params: SqlParams } {
  const params = new SqlParams();
  const ctes: string[] = [];
  if (writeRows) addRowWrites(writes, params, ctes);
  else {
    // Reindexing stored resources: their pids are in the resource table.
    ctes.push(`w_pid AS (SELECT r.res_type, r.res_id, r.pid FROM resource r
      JOIN unnest(${params.add(writes.map((w) => w.type))}::text[], ${params.add(writes.map((w) => w.id))}::text[]) AS k(t, i) ON r.res_type = k.t AND r.res_id = k.i)`);
  }
  addIndexWrites(writes, params, ctes, baseUrl);
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT 1`, params };
}

function addRowWrites(writes: PendingWrite[], params: SqlParams, ctes: string[]): void {
  // One typed array per column (unnest): PostgreSQL reads each content once, where a JSON array of records had
  // each field extracted by parsing the record again up to it (a quarter of a bulk write's time).
  const col = (values: unknown[], cast: string): string => `${params.add(values)}::${cast}[]`;
  ctes.push(`rec AS (SELECT * FROM unnest(${col(writes.map((w) => w.type), 'text')}, ${col(writes.map((w) => w.id), 'text')},
    ${col(writes.map((w) => w.version), 'bigint')}, ${col(writes.map((w) => w.lastUpdated), 'timestamptz')},
    ${col(writes.map((w) => w.method === 'DELETE'), 'boolean')}, ${col(writes.map((w) => w.content), 'text')},
    ${col(writes.map((w) => w.method), 'text')}) AS x(t, i, v, u, d, c, m))`);
  // Live resources per type (src/search/counts.ts); reads the previous rows from the statement's snapshot.
  ctes.push(countDeltaCte(writes.some((w) => !w.isNew)));
  ctes.push(`w_res AS (INSERT INTO resource (res_type, res_id, version, last_updated, deleted, content)
    SELECT t, i, v, u, d, c FROM rec
    ON CONFLICT (res_type, res_id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated,
      deleted = excluded.deleted, content = excluded.content
    RETURNING res_type, res_id, pid)`);
  // Index rows carry their resource's pid (new or kept), as the insert returned it.
  ctes.push(`w_pid AS (SELECT res_type, res_id, pid FROM w_res)`);
  ctes.push(`w_hist AS (INSERT INTO resource_history (res_type, res_id, version, last_updated, method, content)
    SELECT t, i, v, u, m, c FROM rec)`);
}

function addIndexWrites(writes: PendingWrite[], params: SqlParams, ctes: string[], baseUrl: string | undefined): void {

  if (writes.some((w) => !w.isNew)) {
    const replaced = writes.filter((w) => !w.isNew);
    const keys = params.add(JSON.stringify(replaced.map((w) => [w.type, w.id])));
    const ids = params.add(replaced.map((w) => w.id));
    ctes.push(`old AS (SELECT x->>0 AS t, x->>1 AS i FROM json_array_elements(${keys}::json) x)`);
    // The ids as an array too: the planner then reads each table's old rows by index, where for the JSON
    // alone it guesses a hundred keys and, on small tables, scans them whole.
    for (const { table } of INDEX_TABLES) {
      ctes.push(`d_${table} AS (DELETE FROM sp_${table} s USING old WHERE s.res_id = ANY(${ids}::text[]) AND s.res_type = old.t AND s.res_id = old.i)`);
    }
  }

  const rows = emptyIndexRows();
  for (const w of writes) {
    if (!w.resource || w.method === 'DELETE') continue;
    if (w.index) for (const t of Object.keys(rows) as (keyof IndexRows)[]) for (const r of w.index[t]) rows[t].push(r);
    else indexResource(w.resource, rows, baseUrl);
  }
  // Each column travels as one typed array (unnest), cheaper for PostgreSQL to read than JSON.
  for (const { table, columns, casts } of INDEX_TABLES) {
    const list = rows[table] as unknown[][];
    const allCasts = ['text', 'text', 'text', ...casts];
    const arrays = allCasts.map((cast, k) => `${params.add(list.map((row) => row[k] ?? null))}::${cast}[]`);
    const names = allCasts.map((_, k) => `c${k}`);
    ctes.push(`i_${table} AS (INSERT INTO sp_${table} (res_type, res_id, code, ${columns.join(', ')}, pid)
      SELECT u.*, w.pid FROM unnest(${arrays.join(', ')}) AS u(${names.join(', ')}) JOIN w_pid w ON w.res_type = u.c0 AND w.res_id = u.c1)`);
  }
}
