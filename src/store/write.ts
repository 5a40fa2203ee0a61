import type { Queryable } from '../db/database.js';
import { emptyIndexRows, indexResource, type IndexRows } from '../search/indexer.js';
import type { PendingWrite } from './types.js';

const INDEX_TABLES: { table: keyof IndexRows; columns: string[]; casts: string[] }[] = [
  { table: 'token', columns: ['system', 'value', 'display'], casts: ['text', 'text', 'text'] },
  { table: 'string', columns: ['value_norm', 'value'], casts: ['text', 'text'] },
  { table: 'reference', columns: ['target_type', 'target_id', 'target_url'], casts: ['text', 'text', 'text'] },
  { table: 'date', columns: ['lo', 'hi'], casts: ['timestamptz', 'timestamptz'] },
  { table: 'number', columns: ['lo', 'hi'], casts: ['numeric', 'numeric'] },
  { table: 'quantity', columns: ['system', 'unit', 'lo', 'hi'], casts: ['text', 'text', 'numeric', 'numeric'] },
  { table: 'uri', columns: ['value'], casts: ['text'] },
];

/** Rows per statement: keeps each JSON parameter well below protocol limits for very large bundles. */
const CHUNK = 5000;

/**
 * Writes a set of resource changes with a constant number of statements: the current rows, the history rows,
 * and the search index (old rows of changed resources removed, new rows inserted), all in the caller's
 * database transaction.
 */
export async function writeChanges(tx: Queryable, writes: PendingWrite[], baseUrl?: string): Promise<void> {
  if (writes.length === 0) return;
  for (const part of chunks(writes, CHUNK)) {
    const records = part.map((w) => [w.type, w.id, String(w.version), w.lastUpdated, w.method === 'DELETE', w.content, w.method]);
    await tx.query(
      `INSERT INTO resource (res_type, res_id, version, last_updated, deleted, content)
       SELECT x->>0, x->>1, (x->>2)::bigint, (x->>3)::timestamptz, (x->>4)::boolean, x->>5 FROM json_array_elements($1::json) x
       ON CONFLICT (res_type, res_id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated,
         deleted = excluded.deleted, content = excluded.content`,
      [JSON.stringify(records)],
    );
    await tx.query(
      `INSERT INTO resource_history (res_type, res_id, version, last_updated, method, content)
       SELECT x->>0, x->>1, (x->>2)::bigint, (x->>3)::timestamptz, x->>6, x->>5 FROM json_array_elements($1::json) x`,
      [JSON.stringify(records)],
    );
  }

  const replaced = writes.filter((w) => !w.isNew).map((w) => [w.type, w.id]);
  if (replaced.length > 0) {
    for (const part of chunks(replaced, CHUNK)) {
      const keys = JSON.stringify(part);
      for (const { table } of INDEX_TABLES) {
        await tx.query(
          `DELETE FROM sp_${table} s USING json_array_elements($1::json) x WHERE s.res_type = x->>0 AND s.res_id = x->>1`,
          [keys],
        );
      }
    }
  }

  const rows = emptyIndexRows();
  for (const w of writes) if (w.resource && w.method !== 'DELETE') indexResource(w.resource, rows, baseUrl);
  for (const { table, columns, casts } of INDEX_TABLES) {
    const list = rows[table] as unknown[][];
    if (list.length === 0) continue;
    const select = columns.map((_, i) => `(x->>${i + 3})::${casts[i]}`).join(', ');
    for (const part of chunks(list, CHUNK)) {
      await tx.query(
        `INSERT INTO sp_${table} (res_type, res_id, code, ${columns.join(', ')})
         SELECT x->>0, x->>1, x->>2, ${select} FROM json_array_elements($1::json) x`,
        [JSON.stringify(part)],
      );
    }
  }
}

function* chunks<T>(list: T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}
