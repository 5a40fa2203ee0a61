import type { Queryable } from '../db/database.js';
import type { IncludeSpec, SearchRequest } from './parse.js';
import { ROW_COLUMNS, toSearchRow, type SearchRow } from './rows.js';
import { SqlParams } from './sql.js';
import { statementName } from './statements.js';

/**
 * _include and _revinclude (with :iterate and *): follow sp_reference from (or to) the page's resources and
 * read the resources found, each once. Iterating specs are applied again to what was included, up to
 * MAX_DEPTH rounds and SEARCH_MAX_INCLUDED resources (past it the page says so: `limited`).
 *
 * Each round is one statement for all its specs: the targets of the forward specs (by type and id) and the
 * sources of the reverse specs (by pid: an index row carries its resource's pid, and index rows exist only for
 * live resources), each resource row read once.
 */
const MAX_DEPTH = 4;
export const DEFAULT_MAX_INCLUDED = 1000;
let maxIncluded = DEFAULT_MAX_INCLUDED;

/** SEARCH_MAX_INCLUDED, set once at start. */
export function setIncludeLimit(limit: number): void {
  maxIncluded = limit;
}

export async function findIncludes(q: Queryable, req: SearchRequest, matches: SearchRow[]): Promise<{ rows: SearchRow[]; limited?: number }> {
  let limited: number | undefined;
  const seen = new Set(matches.map((m) => `${m.type}/${m.id}`));
  const included: SearchRow[] = [];
  let frontier = matches;
  for (let depth = 0; depth <= MAX_DEPTH && frontier.length > 0 && limited === undefined; depth++) {
    const inc = req.include.filter((s) => depth === 0 || s.iterate);
    const rev = req.revinclude.filter((s) => depth === 0 || s.iterate);
    if (inc.length === 0 && rev.length === 0) break;
    const found = await round(q, inc, rev, frontier);
    const fresh: SearchRow[] = [];
    for (const row of found) {
      const key = `${row.type}/${row.id}`;
      if (seen.has(key)) continue;
      if (included.length + fresh.length >= maxIncluded) {
        limited = maxIncluded;
        break;
      }
      seen.add(key);
      fresh.push(row);
    }
    included.push(...fresh);
    frontier = fresh;
  }
  return { rows: included, limited };
}

/** The resources one round of include and revinclude specs reaches from `from`, in one statement. */
async function round(q: Queryable, inc: IncludeSpec[], rev: IncludeSpec[], from: SearchRow[]): Promise<SearchRow[]> {
  const p = new SqlParams();
  const forward: string[] = [];
  for (const spec of inc) {
    const sources = from.filter((r) => spec.sourceType === '*' || r.type === spec.sourceType);
    if (sources.length === 0) continue;
    const conds = [`ref.target_id IS NOT NULL`, `ref.grp IS NULL`];
    if (spec.code !== '*') conds.push(`ref.code = ${p.add(spec.code)}`);
    if (spec.targetType) conds.push(`ref.target_type = ${p.add(spec.targetType)}`);
    forward.push(`SELECT ref.target_type, ref.target_id FROM sp_reference ref
      JOIN unnest(${p.add(sources.map((s) => s.id))}::text[], ${p.add(sources.map((s) => s.type))}::text[]) AS src(id, type) ON ref.res_id = src.id AND ref.res_type = src.type
      WHERE ${conds.join(' AND ')}`);
  }
  const reverse: string[] = [];
  if (rev.length > 0) {
    const ids = p.add(from.map((s) => s.id));
    const types = p.add(from.map((s) => s.type));
    for (const spec of rev) {
      // Composite components are indexed under `code#i` (the only rows with a grp), so a named code excludes them.
      const conds = spec.code === '*' ? [`ref.grp IS NULL`] : [];
      if (spec.sourceType !== '*') conds.push(`ref.res_type = ${p.add(spec.sourceType)}`);
      if (spec.code !== '*') conds.push(`ref.code = ${p.add(spec.code)}`);
      reverse.push(`(SELECT DISTINCT ref.pid FROM sp_reference ref
        JOIN unnest(${ids}::text[], ${types}::text[]) AS dst(id, type) ON ref.target_id = dst.id AND ref.target_type = dst.type
        ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} LIMIT ${maxIncluded + 1})`);
    }
  }
  const parts: string[] = [];
  if (forward.length) parts.push(`SELECT ${ROW_COLUMNS} FROM resource r WHERE (r.res_type, r.res_id) IN (${forward.join(' UNION ALL ')}) AND NOT r.deleted`);
  if (reverse.length) parts.push(`SELECT ${ROW_COLUMNS} FROM resource r WHERE r.pid IN (${reverse.join(' UNION ALL ')}) AND NOT r.deleted`);
  if (parts.length === 0) return [];
  const sql = parts.length === 1 ? parts[0] : `(${parts[0]}) UNION ALL (${parts[1]})`;
  const { rows } = await q.query<Record<string, unknown>>(sql, p.values, statementName(sql));
  return rows.map(toSearchRow);
}
