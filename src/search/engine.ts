import type { Queryable } from '../db/database.js';
import { errors } from '../fhir/outcome.js';
import { FilterBuilder, TOP } from './filter.js';
import { countLive } from './counts.js';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js';
import { findIncludes } from './include.js';
import type { SearchRequest } from './parse.js';
import { ROW_COLUMNS, toSearchRow, type SearchRow } from './rows.js';
import { SqlParams } from './sql.js';
import { sortKeyFromIndex } from './sortkey.js';
import { statementName } from './statements.js';

export type { SearchRow } from './rows.js';

/**
 * Runs a SearchRequest: filters, sort, keyset paging, total and includes.
 *
 * Order: the _sort keys, then pid (creation order) as the final tie-breaker, so every row has a unique
 * position. Paging is by keyset: a page link carries the position of the row it continues from (_cursor),
 * never an offset or a server-side cursor, so pages stay correct while data changes and any process can
 * serve any page. The first sort key on an indexed parameter walks sp_sort (or, for tokens, references and URIs,
 * reads each match's key from the parameter's index table: sortkey.ts); resources without a value for it come
 * after those with one ("phase" 1), in the order of the remaining keys.
 */

export interface SearchResult {
  rows: SearchRow[];
  included: SearchRow[];
  /** Set when the page stopped including at SEARCH_MAX_INCLUDED resources: that limit. */
  includeLimited?: number;
  total?: number;
  next?: string;
  previous?: string;
  last?: string;
}

interface KeyExpr {
  /** SQL of the key (non-null) */
  sql: string;
  /** SQL cast for cursor values */
  cast: string;
  desc: boolean;
}


export async function executeSearch(q: Queryable, req: SearchRequest, baseUrl: string): Promise<SearchResult> {
  const params = new SqlParams();
  const fb = new FilterBuilder(params, q, baseUrl);
  const where = [`NOT r.deleted`, ...(await fb.build(req.filters, req.types.length === 1 ? { ...TOP, literal: req.types[0] } : TOP))];
  if (req.types.length === 1) where.unshift(`r.res_type = ${params.add(req.types[0])}`);
  else if (req.types.length > 1) where.unshift(`r.res_type = ANY(${params.add(req.types)}::text[])`);
  const whereSql = where.join(' AND ');
  const whereParams = params.values.slice();

  // One positive parameter test on one type: its index table alone answers (see matchingIds).
  const single = req.types.length === 1 && req.filters.length === 1 ? req.filters[0] : undefined;
  const countRows = async (): Promise<number> => {
    // No filter at all (an access policy would have added its own): the maintained per-type counts.
    if (req.filters.length === 0 && req.types.length > 0) return countLive(q, req.types);
    let countSql = `SELECT count(*) AS n FROM resource r WHERE ${whereSql}`;
    let countParams = whereParams;
    if (single) {
      const idsParams = new SqlParams();
      const ids = await new FilterBuilder(idsParams, q, baseUrl).matchingIds(single, req.types[0]);
      if (ids) {
        // DISTINCT over the index's pid order is a Unique without a sort (count(DISTINCT) would sort).
        countSql = `SELECT count(*) AS n FROM (SELECT DISTINCT m.pid FROM (${ids}) m) d`;
        countParams = idsParams.values;
      }
    }
    const { rows } = await q.query<{ n: string }>(countSql, countParams, fb.customPlan ? undefined : statementName(countSql));
    return Number(rows[0].n);
  };
  let total: number | undefined;
  if (req.count === 0 && req.total !== 'none') total = await countRows();
  if (req.count === 0) return { rows: [], included: [], total };

  const cursor = req.cursor ? decodeCursor(req.cursor) : undefined;
  if (cursor && cursor.k.length !== req.sort.length) throw errors.badRequest('invalidParam', '_cursor', req.cursor as string);
  const reverse = cursor?.d === 'p' || cursor?.d === 'l';

  // The first sort key drives phases when it is an indexed parameter.
  const first = req.sort[0];
  const phased = first !== undefined && first.param.type !== 'special';
  const joins: string[] = [];
  const keys: KeyExpr[] = req.sort.map((s, i) => {
    if (s.code === '_id') return { sql: 'r.res_id', cast: 'text', desc: s.descending };
    if (s.code === '_lastUpdated') return { sql: 'r.last_updated', cast: 'timestamptz', desc: s.descending };
    const col = s.descending ? 'hi' : 'lo';
    const alias = `o${i}`;
    if (i === 0) return { sql: `${alias}.${col}`, cast: 'text', desc: s.descending };
    joins.push(`LEFT ${sortJoin(s.param.type, alias, params.add(s.code))}`);
    // missing values sort last
    return { sql: `COALESCE(${alias}.${col}, ${s.descending ? "''" : 'chr(1114111)'}) COLLATE "C"`, cast: 'text', desc: s.descending };
  });
  // Built only by the branch that uses them: an unused parameter has no type and PostgreSQL refuses it.
  const firstJoin = (): string => sortJoin(first.param.type, 'o0', params.add(first.code));
  const firstMissing = (): string => {
    const code = params.add(first.code);
    const fromIndex = sortKeyFromIndex(first.param.type);
    if (!fromIndex) return `NOT EXISTS (SELECT 1 FROM sp_sort m WHERE m.res_id = r.res_id AND m.res_type = r.res_type AND m.code = ${code})`;
    return `NOT EXISTS (SELECT 1 FROM ${fromIndex.table} x WHERE x.res_id = r.res_id AND x.res_type = r.res_type AND x.code = ${code} AND ${fromIndex.key} IS NOT NULL)`;
  };

  const limit = req.count + 1;
  const branch = (phase: 0 | 1): string => {
    // In phase 1 (no value for the first key) the first key is absent from the order.
    const active = phased && phase === 1 ? keys.slice(1) : keys;
    const pidKey: KeyExpr = { sql: 'r.pid', cast: 'bigint', desc: false };
    const order = [...active, pidKey];
    const dirOf = (k: KeyExpr): boolean => (reverse ? !k.desc : k.desc);
    const conds = [whereSql];
    if (phased && phase === 1) conds.push(firstMissing());
    if (cursor && cursor.p === phase && cursor.d !== 'l') {
      const values = phased && phase === 1 ? cursor.k.slice(1) : cursor.k;
      conds.push(keysetCondition(order, [...values, cursor.pid], reverse, params));
    }
    const from = `resource r ${phased && phase === 0 ? firstJoin() : ''} ${joins.join(' ')}`;
    const keyCols = keys.map((k, i) => (phased && phase === 1 && i === 0 ? `NULL::text AS k${i}` : `(${k.sql})::text AS k${i}`));
    return `SELECT ${phase} AS phase, ${ROW_COLUMNS}${keyCols.length ? ', ' + keyCols.join(', ') : ''} FROM ${from}
      WHERE ${conds.join(' AND ')}
      ORDER BY ${order.map((k) => `${k.sql} ${dirOf(k) ? 'DESC' : 'ASC'}`).join(', ')} LIMIT ${limit}`;
  };

  /**
   * Default order and one parameter test whose index reads in pid order: walk that index from the cursor and
   * stop after the page, reading only the page's resource rows — however many resources match.
   */
  const walk = async (): Promise<{ sql: string; values: unknown[] } | undefined> => {
    if (req.sort.length > 0 || req.types.length !== 1) return undefined;
    const wp = new SqlParams();
    let ids: string | undefined;
    if (req.filters.length === 0) {
      // Every live resource of the type: an index-only walk of resource_live_pid. (Selecting the rows directly,
      // the planner prefers the pid-ordered unique index, whose heap order looks cheaper, and filters out every
      // other type's rows before the first match.)
      ids = `SELECT a.pid FROM resource a WHERE a.res_type = ${wp.add(req.types[0])} AND NOT a.deleted`;
    } else if (single && FilterBuilder.walksInPidOrder(single, req.types[0])) {
      ids = await new FilterBuilder(wp, q, baseUrl).matchingIds(single, req.types[0]);
    }
    if (!ids) return undefined;
    const after = cursor && cursor.d !== 'l' ? `WHERE m.pid ${reverse ? '<' : '>'} ${wp.add(cursor.pid)}::bigint` : '';
    const dir = reverse ? 'DESC' : 'ASC';
    // The page's pids first (index rows exist only for live resources), then their rows.
    const sql = `SELECT 0 AS phase, ${ROW_COLUMNS} FROM (SELECT DISTINCT m.pid FROM (${ids}) m ${after} ORDER BY m.pid ${dir} LIMIT ${limit}) d
      JOIN resource r ON r.pid = d.pid WHERE NOT r.deleted ORDER BY d.pid ${dir}`;
    return { sql, values: wp.values };
  };

  let phases: (0 | 1)[] = phased ? [0, 1] : [0];
  if (reverse) phases = phases.reverse();
  if (cursor && cursor.d !== 'l') phases = phases.filter((ph) => (reverse ? ph <= cursor.p : ph >= cursor.p));
  const pageQuery = (await walk()) ?? {
    sql: phases.length === 1 ? branch(phases[0]) : `SELECT * FROM ((${branch(phases[0])}) UNION ALL (${branch(phases[1])})) u LIMIT ${limit}`,
    values: params.values,
  };
  const { rows } = await q.query<Record<string, unknown>>(pageQuery.sql, pageQuery.values, fb.customPlan ? undefined : statementName(pageQuery.sql));
  // Append runs its branches in order; a stable sort by branch keeps that guaranteed.
  rows.sort((a, b) => phases.indexOf(Number(a.phase) as 0 | 1) - phases.indexOf(Number(b.phase) as 0 | 1));

  const more = rows.length > req.count;
  let page = rows.slice(0, req.count);
  if (reverse) page = page.reverse();
  const position = (row: Record<string, unknown>, d: Cursor['d']): string =>
    encodeCursor({ d, p: Number(row.phase) as 0 | 1, k: keys.map((_, i) => (row[`k${i}`] as string | null) ?? null), pid: row.pid as string });

  if (!cursor && !more && req.total !== 'none') {
    total = page.length; // the first page holds every match: the total is free
  } else if (req.total === 'accurate') {
    total = await countRows();
  } else if (req.total === 'estimate') {
    const { rows: plan } = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) SELECT 1 FROM resource r WHERE ${whereSql}`, whereParams);
    const p = plan[0]['QUERY PLAN'];
    const parsed = (typeof p === 'string' ? JSON.parse(p) : p) as { Plan: { 'Plan Rows': number } }[];
    total = Math.round(parsed[0].Plan['Plan Rows']);
  }
  const result: SearchResult = {
    rows: page.map(toSearchRow),
    included: [],
    total,
  };
  if (page.length > 0) {
    const hasNext = reverse ? cursor?.d === 'p' : more;
    const hasPrevious = reverse ? more : cursor !== undefined;
    if (hasNext) result.next = position(page[page.length - 1], 'n');
    if (hasPrevious) result.previous = position(page[0], 'p');
  }
  result.last = encodeCursor({ d: 'l', p: 0, k: keys.map(() => null), pid: '0' });
  if (req.include.length || req.revinclude.length) {
    const inc = await findIncludes(q, req, result.rows);
    result.included = inc.rows;
    if (inc.limited !== undefined) result.includeLimited = inc.limited;
  }
  return result;
}

/**
 * The JOIN (inner: only resources with a value; prefix LEFT for all) that gives `alias` the columns lo and hi
 * of a sort key: a row of sp_sort, or for a type without sort rows (sortkey.ts) the smallest and largest key of
 * the parameter's rows in its own index table.
 */
function sortJoin(type: string, alias: string, code: string): string {
  const fromIndex = sortKeyFromIndex(type);
  if (!fromIndex) return `JOIN sp_sort ${alias} ON ${alias}.res_id = r.res_id AND ${alias}.res_type = r.res_type AND ${alias}.code = ${code}`;
  const key = `(${fromIndex.key}) COLLATE "C"`;
  return `JOIN LATERAL (SELECT min(${key}) AS lo, max(${key}) AS hi FROM ${fromIndex.table} x
    WHERE x.res_id = r.res_id AND x.res_type = r.res_type AND x.code = ${code} HAVING min(${key}) IS NOT NULL) ${alias} ON true`;
}

/** Rows strictly after (or before, reversed) the given position in the given order. */
function keysetCondition(order: KeyExpr[], values: (string | null)[], reverse: boolean, params: SqlParams): string {
  const build = (i: number): string => {
    const k = order[i];
    const desc = reverse ? !k.desc : k.desc;
    const v = `${params.add(values[i])}::${k.cast}`;
    const cmp = `${k.sql} ${desc ? '<' : '>'} ${v}`;
    if (i === order.length - 1) return cmp;
    return `(${cmp} OR (${k.sql} = ${v} AND ${build(i + 1)}))`;
  };
  return build(0);
}
