import type { Queryable } from '../db/database.js';
import { getParamByUrl, type IndexedParam } from '../fhir/definitions.js';
import { errors } from '../fhir/outcome.js';
import { expandValueSet, subsumption, type CodeSet } from '../terminology/terminology.js';
import type { Filter, SpecialParam } from './parse.js';
import {
  dateCondition,
  nearCondition,
  numberCondition,
  ofTypeCondition,
  quantityCondition,
  referenceCondition,
  referencesCondition,
  stringCondition,
  tokenCondition,
  tokenTextCondition,
  uriCondition,
} from './params/conditions.js';
import { likeEscape, splitPipe, SqlParams, unescape } from './sql.js';
import { statementName } from './statements.js';
import { forwardLink, reverseLink } from './links.js';

/**
 * Filters → SQL. A filter is tested against a scope: the SQL expressions of a resource's type and id (the row
 * r at the top; the target or source columns of sp_reference inside chains and _has). Leaf parameters are
 * EXISTS tests on their index table; chains and _has are EXISTS joins through sp_reference, nested to any
 * depth. Index rows exist only for live resources (a delete removes them), so chains and _has need not
 * visit the resource table; only the few leaves that read the row itself (_lastUpdated, _text, _content)
 * do, through `withRow`.
 */
export interface Scope {
  type: string;
  id: string;
  /** alias of the `resource` row, when the scope has one */
  row?: string;
  /** the resource type as a value, when the scope has one type (declared links are found by it) */
  literal?: string;
}

/**
 * From this many matching sources on, _has walks the candidates instead of collecting the sources. (Tried: 100.
 * Statement by statement on the search benchmark's data the walk was as fast from ~100 sources on at 1× and
 * faster at every count at 10×, but under 10 concurrent clients the 1× request cost 5.2 instead of 3.9 CPU ms,
 * for 8.1 instead of 9.6 at 10×; see /work/coord/search3-perf.md.)
 */
const MANY_SOURCES = 500;
/**
 * From MANY_SOURCES up to this many matching sources (SEARCH_HAS_HASH_LIMIT), the walk tests each candidate's
 * sources against a hash of the matching sources' pids, built once per query (PostgreSQL's hashed SubPlan),
 * instead of probing the inner test's index once per source of the candidate until one matches. On the search
 * bench's 10× data a code on 1,079 Observations: 8.2 → 1.2 ms (29 candidates, 1,952 probes → one hash). For a
 * code on most candidates' Observations the probe finds one at once and building the hash costs more (17,598
 * sources: 3.3 ms probing vs 6.8 ms hashed, EXPLAIN ANALYZE), and above a few tens of thousands the hash may
 * not fit in work_mem (an unhashed SubPlan would rescan the sources per row): those keep the probe.
 */
let hashedSources = 5_000;

/** Sets the largest number of _has sources tested through a hash (from the server's configuration). */
export function setHasHashLimit(limit: number): void {
  hashedSources = limit;
}

export const TOP: Scope = { type: 'r.res_type', id: 'r.res_id', row: 'r' };

export class FilterBuilder {
  private n = 0;

  constructor(
    readonly params: SqlParams,
    private readonly q: Queryable,
    private readonly baseUrl: string,
  ) {}

  alias(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  private idsOnly = false;
  /**
   * Inside a _has that probes candidates: parameter tests are scalar subqueries too, so even a generic plan
   * (which cannot tell a common value from a rare one) tests each source by its id instead of joining every
   * index row of the value.
   */
  private probing = false;
  /**
   * Set when the SQL probes _has candidates: the caller must run it unprepared, so PostgreSQL plans it for
   * the actual (common) value. A generic plan estimates one row for any value and may scan every index row of
   * the value for each probe instead of looking the source up by id.
   */
  customPlan = false;

  /**
   * When the search is one positive parameter test on one index table: the pids of the resources it matches
   * (with repeats when a resource has several matching values), read from that table alone (index rows exist
   * only for live resources, so the resource table is not needed). Undefined for any other filter.
   */
  async matchingIds(f: Filter, type: string): Promise<string | undefined> {
    if (f.kind === 'has') {
      this.idsOnly = true;
      try {
        return this.linkedHas(f, { type: this.params.add(type), id: '', literal: type });
      } finally {
        this.idsOnly = false;
      }
    }
    if (f.kind !== 'leaf' || !('definition' in f.param) || f.param.type === 'composite') return undefined;
    if (f.modifier === 'missing' || f.modifier === 'not' || f.modifier === 'not-in') return undefined;
    this.idsOnly = true;
    try {
      const sql = await this.leaf(f, { type: this.params.add(type), id: '' });
      return sql.startsWith('SELECT ') ? sql : undefined;
    } finally {
      this.idsOnly = false;
    }
  }

  /**
   * True when matchingIds(f) reads its index in pid order: one value compared for equality on the leading
   * index columns (token code, reference id, uri), so the first page is an index walk that stops after it.
   */
  static walksInPidOrder(f: Filter, type?: string): boolean {
    // a declared _has link ending in one plain token value: sp_has is read in the target's pid order
    if (f.kind === 'has') return linkedHasTest(f, type) !== undefined && FilterBuilder.walksInPidOrder(f.next);
    if (f.kind !== 'leaf' || !('definition' in f.param) || f.values.length !== 1) return false;
    const v = f.values[0];
    switch (f.param.type) {
      case 'token': {
        if (f.modifier !== undefined) return false;
        const parts = splitPipe(v);
        return parts.length === 1 || parts[1] !== '';
      }
      case 'reference':
        // a local reference or a plain id (a canonical URL is matched on target_url)
        return (f.modifier === undefined || /^[A-Z]/.test(f.modifier)) && !/^[a-z][a-z0-9+.-]*:/i.test(unescape(v));
      case 'uri':
        return f.modifier === undefined;
      default:
        return false;
    }
  }

  async build(filters: Filter[], scope: Scope): Promise<string[]> {
    const out: string[] = [];
    for (const f of filters) out.push(await this.filter(f, scope));
    return out;
  }

  private async filter(f: Filter, scope: Scope): Promise<string> {
    if ('filters' in f) {
      if (f.filters.length === 0) return f.kind === 'all' ? 'true' : 'false';
      const parts: string[] = [];
      for (const x of f.filters) parts.push(await this.filter(x, scope));
      return f.kind === 'any' ? or(parts) : `(${parts.map((c) => `(${c})`).join(' AND ')})`;
    }
    if (f.kind === 'chain') {
      const parts: string[] = [];
      for (const t of f.targets) parts.push((await this.linkedChain(f.via, t.type, t.next, scope)) ?? (await this.step('sp_reference', f.via, t, scope)));
      return or(parts);
    }
    if (f.kind === 'has') {
      const linked = this.linkedHas(f, scope);
      if (linked) return linked;
      const ref = this.alias('h');
      const sourceCount = await this.countSources(f);
      const sources = `sp_reference ${ref} WHERE ${ref}.res_type = ${this.params.add(f.sourceType)} AND ${ref}.code = ${this.params.add(f.via)}`;
      if (sourceCount >= MANY_SOURCES && sourceCount < hashedSources) {
        const ids = await this.matchingIds(f.next, f.sourceType);
        if (ids) {
          this.customPlan = true;
          // Many sources, not too many: each candidate (in the caller's order) is tested for a source in the
          // hash of matching source pids. `IS TRUE` keeps the IN a hashed SubPlan (not a join pulled up into a
          // per-row probe); the query runs unprepared so PostgreSQL sizes the hash for the actual value.
          return `(SELECT 1 FROM ${sources} AND ${ref}.target_id = ${scope.id} AND ${ref}.target_type = ${scope.type} AND (${ref}.pid IN (${ids})) IS TRUE LIMIT 1) IS NOT NULL`;
        }
      }
      const common = sourceCount >= MANY_SOURCES;
      const probing = this.probing;
      this.probing = probing || common;
      const inner = await this.filter(f.next, { type: `${ref}.res_type`, id: `${ref}.res_id`, literal: f.sourceType }).finally(() => (this.probing = probing));
      if (common) {
        this.customPlan = true;
        // Many sources match: test each candidate (in the caller's order, pid at the top) for its first source.
        // A scalar subquery stays a per-row test (the planner never turns it into a join that reads every
        // source before the first page), and its unknown selectivity keeps the ordered walk that stops early.
        return `(SELECT 1 FROM ${sources} AND ${ref}.target_id = ${scope.id} AND ${ref}.target_type = ${scope.type} AND ${inner} LIMIT 1) IS NOT NULL`;
      }
      // Few sources: an uncorrelated IN lets the planner start from them and hash.
      return `(${scope.type}, ${scope.id}) IN (SELECT ${ref}.target_type, ${ref}.target_id FROM ${sources} AND ${ref}.target_id IS NOT NULL AND ${inner})`;
    }
    return this.leaf(f, scope);
  }

  /**
   * One step of a chain: a reference row of the scope's resource (sp_reference, or sp_link for a declared
   * link) under `code` to a `t.type` resource that matches the rest of the chain.
   */
  private async step(table: 'sp_reference' | 'sp_link', code: string, t: { type: string; next: Filter }, scope: Scope): Promise<string> {
    const a = this.alias(table === 'sp_link' ? 'k' : 'c');
    const inner = await this.filter(t.next, { type: `${a}.target_type`, id: `${a}.target_id`, literal: t.type });
    return `EXISTS (SELECT 1 FROM ${table} ${a}
      WHERE ${a}.res_id = ${scope.id} AND ${a}.res_type = ${scope.type} AND ${a}.code = ${this.params.add(code)}
        AND ${a}.target_type = ${this.params.add(t.type)} AND ${inner})`;
  }

  /**
   * A chain step `via` → `through` whose next step is a declared forward link (links.ts): the sources' link
   * rows in sp_link stand for both steps, so the test starts from the final targets (one index lookup)
   * instead of probing every intermediate. Only for the exact path with a plain reference test or a further
   * filter on the final target; undefined otherwise (the generic chain).
   */
  private async linkedChain(via: string, through: string, next: Filter, scope: Scope): Promise<string | undefined> {
    if (next.kind === 'chain') {
      const link = forwardLink(scope.literal, via, through, next.via);
      if (!link) return undefined;
      const parts: string[] = [];
      for (const t of next.targets) parts.push(await this.step('sp_link', link.code, t, scope));
      return or(parts);
    }
    if (next.kind !== 'leaf' || !('definition' in next.param) || next.param.type !== 'reference') return undefined;
    if (next.modifier !== undefined && !/^[A-Z]/.test(next.modifier)) return undefined;
    const link = forwardLink(scope.literal, via, through, next.param.code);
    if (!link) return undefined;
    const k = this.alias('k');
    const p = this.params;
    const cond = or(next.values.map((v) => referenceCondition(k, next.name, v, next.modifier, this.baseUrl, p)));
    return `EXISTS (SELECT 1 FROM sp_link ${k}
      WHERE ${k}.res_id = ${scope.id} AND ${k}.res_type = ${scope.type} AND ${k}.code = ${p.add(link.code)} AND (${cond}))`;
  }

  /**
   * `_has:Source:via:param=value` through a declared reverse link: one test of the target's own rows in
   * sp_has (or, for matchingIds, the pids of the targets, in pid order for one value).
   */
  private linkedHas(f: Extract<Filter, { kind: 'has' }>, scope: Scope): string | undefined {
    const test = linkedHasTest(f, scope.literal);
    if (!test) return undefined;
    const x = this.alias('x');
    const p = this.params;
    const cond = or(test.next.values.map((v) => tokenCondition(x, test.next.name, v, p)));
    if (this.idsOnly) {
      return `SELECT ${x}.pid FROM sp_has ${x} WHERE ${x}.code = ${p.add(test.code)} AND ${x}.res_type = ${scope.type} AND (${cond})`;
    }
    const probe = `SELECT 1 FROM sp_has ${x} WHERE ${x}.res_id = ${scope.id} AND ${x}.res_type = ${scope.type} AND ${x}.code = ${p.add(test.code)} AND (${cond})`;
    return this.probing ? `(${probe} LIMIT 1) IS NOT NULL` : `EXISTS (${probe})`;
  }

  /**
   * How many resources the inner parameter test of a _has matches, counted up to the larger of MANY_SOURCES and the hash limit: a bounded
   * index-only probe of its index table (prepared statements cannot tell a placeholder code carried by a
   * quarter of all Observations from a rare one). Nested chains and _has count as few (0).
   */
  private async countSources(f: Extract<Filter, { kind: 'has' }>): Promise<number> {
    const probeParams = new SqlParams();
    const ids = await new FilterBuilder(probeParams, this.q, this.baseUrl).matchingIds(f.next, f.sourceType);
    if (!ids) return 0;
    const sql = `SELECT count(*) AS n FROM (${ids} LIMIT ${Math.max(MANY_SOURCES, hashedSources)}) s`;
    const { rows } = await this.q.query<{ n: string }>(sql, probeParams.values, statementName(sql));
    return Number(rows[0].n);
  }

  private async leaf(f: Extract<Filter, { kind: 'leaf' }>, scope: Scope): Promise<string> {
    const p = this.params;
    // Built-in parameters (_id, _text, …) have no SearchParameter definition; `near` is special but indexed.
    if (!('definition' in f.param)) return this.special(f, f.param as SpecialParam, scope);
    const param = f.param as IndexedParam;
    const table = param.type === 'special' ? 'geo' : param.type;
    const exists = (code: string, cond: string, tableName = table): string => {
      const a = this.alias('x');
      if (this.idsOnly) {
        return `SELECT ${a}.pid FROM sp_${tableName} ${a} WHERE ${a}.res_type = ${scope.type} AND ${a}.code = ${p.add(code)} AND (${cond.replaceAll('§', a)})`;
      }
      const test = `SELECT 1 FROM sp_${tableName} ${a} WHERE ${a}.res_id = ${scope.id} AND ${a}.res_type = ${scope.type} AND ${a}.code = ${p.add(code)} AND (${cond.replaceAll('§', a)})`;
      return this.probing ? `(${test} LIMIT 1) IS NOT NULL` : `EXISTS (${test})`;
    };

    if (f.modifier === 'missing') {
      const v = f.values[0];
      if (f.values.length !== 1 || (v !== 'true' && v !== 'false')) throw errors.badRequest('invalidParam', f.name, f.values.join(','));
      const has = param.type === 'composite' ? exists(`${param.code}#0`, 'true', componentTable(param, 0)) : exists(param.code, 'true');
      return v === 'true' ? `NOT ${has}` : has;
    }

    switch (param.type) {
      case 'token': {
        if (f.modifier === 'text') return exists(param.code, or(f.values.map((v) => tokenTextCondition('§', v, p))));
        if (f.modifier === 'of-type') return exists(`${param.code}:of-type`, or(f.values.map((v) => ofTypeCondition('§', f.name, v, p))));
        if (f.modifier === 'in' || f.modifier === 'not-in' || f.modifier === 'above' || f.modifier === 'below') {
          const sets: CodeSet[] = [];
          for (const v of f.values) sets.push(await this.codeSet(f.name, f.modifier, unescape(v)));
          const cond = exists(param.code, codeSetCondition('§', sets, p));
          return f.modifier === 'not-in' ? `NOT ${cond}` : cond;
        }
        const cond = exists(param.code, or(f.values.map((v) => tokenCondition('§', f.name, v, p))));
        return f.modifier === 'not' ? `NOT ${cond}` : cond;
      }
      case 'string':
        return exists(param.code, or(f.values.map((v) => stringCondition('§', v, f.modifier, p))));
      case 'uri':
        return exists(param.code, or(f.values.map((v) => uriCondition('§', v, f.modifier, p))));
      case 'reference': {
        if (f.modifier === 'identifier') return exists(`${param.code}:identifier`, or(f.values.map((v) => tokenCondition('§', f.name, v, p))), 'token');
        const typeModifier = f.modifier && /^[A-Z]/.test(f.modifier) ? f.modifier : undefined;
        return exists(param.code, or(referencesCondition('§', f.name, f.values, typeModifier, this.baseUrl, p)));
      }
      case 'date':
        return exists(param.code, or(f.values.map((v) => dateCondition('§.lo', '§.hi', f.name, v, p))));
      case 'number':
        return exists(param.code, or(f.values.map((v) => numberCondition('§.lo', '§.hi', f.name, v, p))));
      case 'quantity':
        return exists(param.code, or(f.values.map((v) => quantityCondition('§', f.name, v, p))));
      case 'composite':
        return or(f.values.map((v) => this.composite(param, f.name, v, scope)));
      default:
        // special: near (the only special parameter R4 defines)
        if (param.code !== 'near') throw errors.badRequest('unknownParam', f.name);
        return exists(param.code, or(f.values.map((v) => nearCondition('§', f.name, v, p))), 'geo');
    }
  }

  /** composite: component values separated by $, each tested in its own type's table within one group. */
  private composite(param: IndexedParam, name: string, value: string, scope: Scope): string {
    const values = splitDollar(value);
    const comps = param.definition.component ?? [];
    if (values.length !== comps.length) throw errors.badRequest('invalidParam', name, value);
    const aliases = comps.map(() => this.alias('k'));
    const conds = comps.map((c, i) => {
      const def = c.definition ? getParamByUrl(c.definition) : undefined;
      const a = aliases[i];
      const v = values[i];
      switch (def?.type) {
        case 'token':
          return tokenCondition(a, name, v, this.params);
        case 'string':
          return stringCondition(a, v, undefined, this.params);
        case 'date':
          return dateCondition(`${a}.lo`, `${a}.hi`, name, v, this.params);
        case 'number':
          return numberCondition(`${a}.lo`, `${a}.hi`, name, v, this.params);
        case 'quantity':
          return quantityCondition(a, name, v, this.params);
        case 'reference':
          return referenceCondition(a, name, v, undefined, this.baseUrl, this.params);
        case 'uri':
          return uriCondition(a, v, undefined, this.params);
        default:
          throw errors.badRequest('unknownParam', name);
      }
    });
    // Innermost first: component i+1 must share the group of component 0.
    let sql = '';
    for (let i = comps.length - 1; i >= 0; i--) {
      const a = aliases[i];
      const table = componentTable(param, i);
      const link = i === 0 ? `${a}.res_id = ${scope.id} AND ${a}.res_type = ${scope.type}` : `${a}.res_id = ${aliases[0]}.res_id AND ${a}.res_type = ${aliases[0]}.res_type AND ${a}.grp = ${aliases[0]}.grp`;
      sql = `EXISTS (SELECT 1 FROM sp_${table} ${a} WHERE ${link} AND ${a}.code = ${this.params.add(`${param.code}#${i}`)} AND (${conds[i]})${sql ? ` AND ${sql}` : ''})`;
    }
    return sql;
  }

  /** A condition on the resource row of the scope (joining it when the scope has none). */
  private withRow(scope: Scope, cond: (row: string) => string): string {
    if (scope.row) return cond(scope.row);
    const z = this.alias('z');
    return `EXISTS (SELECT 1 FROM resource ${z} WHERE ${z}.res_type = ${scope.type} AND ${z}.res_id = ${scope.id} AND NOT ${z}.deleted AND ${cond(z)})`;
  }

  private async special(f: Extract<Filter, { kind: 'leaf' }>, param: SpecialParam, scope: Scope): Promise<string> {
    const p = this.params;
    if (f.modifier === 'missing') {
      // _id and _lastUpdated always exist; _text/_content/_list are not values one can miss
      return f.values[0] === 'true' ? 'false' : 'true';
    }
    switch (param.code) {
      case '_id':
        return this.withRow(scope, (r) => `${r}.res_id = ANY(${p.add(f.values.map(unescape))}::text[])`);
      case '_lastUpdated':
        return this.withRow(scope, (r) => or(f.values.map((v) => dateCondition(`${r}.last_updated`, `${r}.last_updated`, f.name, v, p))));
      case '_content':
      case '_text': {
        const values = f.values.map((v) => {
          const words = unescape(v).split(/\s+/).filter(Boolean);
          if (words.length === 0) throw errors.badRequest('invalidParam', f.name, v);
          return words;
        });
        return this.withRow(scope, (r) => {
          const field = param.code === '_text' ? `(${r}.content::json->'text'->>'div')` : `${r}.content`;
          return or(values.map((words) => words.map((w) => `${field} ILIKE ${p.add('%' + likeEscape(w) + '%')}`).join(' AND ')));
        });
      }
      case '_list': {
        const l = this.alias('l');
        return `EXISTS (SELECT 1 FROM sp_reference ${l} WHERE ${l}.res_type = 'List' AND ${l}.res_id = ANY(${p.add(f.values.map(unescape))}::text[])
          AND ${l}.code = 'item' AND ${l}.target_type = ${scope.type} AND ${l}.target_id = ${scope.id})`;
      }
      default:
        throw errors.badRequest('unknownParam', f.name);
    }
  }

  private async codeSet(name: string, modifier: string, value: string): Promise<CodeSet> {
    if (modifier === 'in' || modifier === 'not-in') {
      const set = await expandValueSet(this.q, value);
      if (!set) throw errors.badRequest('invalidParam', name, `${value} (no such ValueSet on this server)`);
      return set;
    }
    const parts = splitPipe(value);
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw errors.badRequest('invalidParam', name, value);
    return subsumption(this.q, parts[0], parts[1], modifier as 'above' | 'below');
  }
}

/** The declared reverse link a _has uses, with its plain token test: undefined when there is none. */
function linkedHasTest(f: Extract<Filter, { kind: 'has' }>, target: string | undefined): { code: string; next: Extract<Filter, { kind: 'leaf' }> } | undefined {
  const next = f.next;
  if (next.kind !== 'leaf' || !('definition' in next.param) || next.param.type !== 'token' || next.modifier !== undefined) return undefined;
  const link = reverseLink(target, f.sourceType, f.via, next.param.code);
  return link ? { code: link.code, next } : undefined;
}

function componentTable(param: IndexedParam, i: number): string {
  const c = param.definition.component?.[i];
  const def = c?.definition ? getParamByUrl(c.definition) : undefined;
  return def?.type ?? 'token';
}

function codeSetCondition(a: string, sets: CodeSet[], p: SqlParams): string {
  const systems = sets.flatMap((s) => s.codes.map((c) => c.system));
  const codes = sets.flatMap((s) => s.codes.map((c) => c.code));
  const whole = sets.flatMap((s) => s.systems);
  const parts: string[] = [];
  if (codes.length) parts.push(`(${a}.system, ${a}.value) IN (SELECT * FROM unnest(${p.add(systems)}::text[], ${p.add(codes)}::text[]))`);
  if (whole.length) parts.push(`${a}.system = ANY(${p.add(whole)}::text[])`);
  return parts.length ? or(parts) : 'false';
}

function splitDollar(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && i + 1 < value.length) cur += value[i] + value[++i];
    else if (value[i] === '$') {
      out.push(cur);
      cur = '';
    } else cur += value[i];
  }
  out.push(cur);
  return out;
}

export function or(conds: string[]): string {
  return conds.length === 1 ? conds[0] : `(${conds.map((c) => `(${c})`).join(' OR ')})`;
}

