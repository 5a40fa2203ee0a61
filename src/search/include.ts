import type { Queryable } from '../db/database.js';
import type { IncludeSpec, SearchRequest } from './parse.js';
import { ROW_COLUMNS, toSearchRow, type SearchRow } from './rows.js';

/**
 * _include and _revinclude (with :iterate and *): follow sp_reference from (or to) the page's resources and
 * read the resources found, each once. Iterating specs are applied again to what was included, up to
 * MAX_DEPTH rounds and MAX_INCLUDED resources.
 */
const MAX_DEPTH = 4;
const MAX_INCLUDED = 1000;

export async function findIncludes(q: Queryable, req: SearchRequest, matches: SearchRow[]): Promise<SearchRow[]> {
  const seen = new Set(matches.map((m) => `${m.type}/${m.id}`));
  const included: SearchRow[] = [];
  let frontier = matches;
  for (let depth = 0; depth <= MAX_DEPTH && frontier.length > 0 && included.length < MAX_INCLUDED; depth++) {
    const inc = req.include.filter((s) => depth === 0 || s.iterate);
    const rev = req.revinclude.filter((s) => depth === 0 || s.iterate);
    if (inc.length === 0 && rev.length === 0) break;
    const found: SearchRow[] = [];
    for (const spec of inc) found.push(...(await forward(q, spec, frontier)));
    for (const spec of rev) found.push(...(await reverse(q, spec, frontier)));
    const fresh: SearchRow[] = [];
    for (const row of found) {
      const key = `${row.type}/${row.id}`;
      if (seen.has(key) || included.length + fresh.length >= MAX_INCLUDED) continue;
      seen.add(key);
      fresh.push(row);
    }
    included.push(...fresh);
    frontier = fresh;
  }
  return included;
}

async function forward(q: Queryable, spec: IncludeSpec, from: SearchRow[]): Promise<SearchRow[]> {
  const sources = from.filter((r) => spec.sourceType === '*' || r.type === spec.sourceType);
  if (sources.length === 0) return [];
  const params: unknown[] = [sources.map((s) => s.id), sources.map((s) => s.type)];
  let cond = '';
  if (spec.code !== '*') {
    params.push(spec.code);
    cond += ` AND ref.code = $${params.length}`;
  }
  if (spec.targetType) {
    params.push(spec.targetType);
    cond += ` AND ref.target_type = $${params.length}`;
  }
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT DISTINCT ${ROW_COLUMNS} FROM sp_reference ref
     JOIN unnest($1::text[], $2::text[]) AS src(id, type) ON ref.res_id = src.id AND ref.res_type = src.type
     JOIN resource r ON r.res_type = ref.target_type AND r.res_id = ref.target_id
     WHERE ref.target_id IS NOT NULL AND ref.grp IS NULL AND NOT r.deleted${cond}`,
    params,
  );
  return rows.map(toSearchRow);
}

async function reverse(q: Queryable, spec: IncludeSpec, to: SearchRow[]): Promise<SearchRow[]> {
  const params: unknown[] = [to.map((s) => s.id), to.map((s) => s.type)];
  let cond = '';
  if (spec.sourceType !== '*') {
    params.push(spec.sourceType);
    cond += ` AND ref.res_type = $${params.length}`;
  }
  if (spec.code !== '*') {
    params.push(spec.code);
    cond += ` AND ref.code = $${params.length}`;
  }
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT DISTINCT ${ROW_COLUMNS} FROM sp_reference ref
     JOIN unnest($1::text[], $2::text[]) AS dst(id, type) ON ref.target_id = dst.id AND ref.target_type = dst.type
     JOIN resource r ON r.res_type = ref.res_type AND r.res_id = ref.res_id
     WHERE ref.grp IS NULL AND NOT r.deleted${cond}
     LIMIT ${MAX_INCLUDED}`,
    params,
  );
  return rows.map(toSearchRow);
}
