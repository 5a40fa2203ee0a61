import { getIndexedParam } from '../fhir/definitions.js';
import type { FilterBuilder } from '../search/filter.js';
import type { Filter } from '../search/parse.js';
import { splitPipe, unescape, type SqlParams } from '../search/sql.js';

/**
 * The access rule tested on one historical version (a resource_history row `r`, by its JSON content), for
 * history: the first step of each policy criterion is read from the version itself — the references and tags
 * that version carried — and the steps after it on the current state of the resources it points to (they are
 * not versioned together). So a Patient that moved from facility B to facility A shows facility A only its
 * versions managed by A. What cannot be read from the JSON this way (reverse _has, scope parameters other than
 * references and _tag) adds no condition: the caller also requires the resource to be inside the rule now.
 */
export async function versionConditions(type: string, filters: Filter[], fb: FilterBuilder, row: string, strict = false): Promise<string[]> {
  const out: string[] = [];
  for (const f of filters) {
    const c = strict ? await strictCondition(type, f, fb, row) : await condition(type, f, fb, row);
    // A scalar sub-select: a test of this row's own JSON, never turned into a join over all candidates.
    if (c !== undefined) out.push(`(SELECT ${c})`);
  }
  return out;
}

/**
 * Strict mode, for a version that is all there is (the last version of a deleted resource, whose index is gone):
 * what cannot be read from the version is false, so it never admits more than the full rule would.
 */
async function strictCondition(type: string, f: Filter, fb: FilterBuilder, row: string): Promise<string> {
  switch (f.kind) {
    case 'all':
      return (await Promise.all(f.filters.map((x) => strictCondition(type, x, fb, row)))).map((x) => `(${x})`).join(' AND ') || 'true';
    case 'any':
      return (await Promise.all(f.filters.map((x) => strictCondition(type, x, fb, row)))).map((x) => `(${x})`).join(' OR ') || 'false';
    default:
      return (await condition(type, f, fb, row)) ?? 'false';
  }
}

/** undefined: no condition can be read from the version (true). */
async function condition(type: string, f: Filter, fb: FilterBuilder, row: string): Promise<string | undefined> {
  const p = fb.params;
  switch (f.kind) {
    case 'all': {
      const parts = (await Promise.all(f.filters.map((x) => condition(type, x, fb, row)))).filter((x): x is string => x !== undefined);
      return parts.length ? parts.map((x) => `(${x})`).join(' AND ') : undefined;
    }
    case 'any': {
      const parts: string[] = [];
      const mark = p.values.length;
      for (const x of f.filters) {
        const c = await condition(type, x, fb, row);
        if (c === undefined) {
          // One alternative without a condition: the whole OR is true, and the earlier alternatives' parameters
          // are taken back (PostgreSQL refuses a parameter the statement does not use: 42P18).
          p.values.length = mark;
          return undefined;
        }
        parts.push(`(${c})`);
      }
      return parts.join(' OR ');
    }
    case 'has':
      return undefined;
    case 'chain': {
      const paths = referencePaths(type, f.via);
      if (!paths) return undefined;
      const parts: string[] = [];
      for (const t of f.targets) {
        const ref = fb.alias('v');
        const [inner] = await fb.build([t.next], { type: `${ref}.rtype`, id: `${ref}.rid` });
        parts.push(`EXISTS (SELECT 1 FROM ${references(row, paths, ref, p)} WHERE ${ref}.rtype = ${p.add(t.type)} AND ${inner})`);
      }
      return parts.map((x) => `(${x})`).join(' OR ');
    }
    case 'leaf': {
      if (f.modifier === 'missing' && 'definition' in f.param && f.param.type === 'reference' && /^(true|false)$/.test(f.values[0] ?? '')) {
        // `encounter:missing=true` of a policy alternative: whether the version itself carried the reference.
        const paths = referencePaths(type, f.code);
        if (!paths) return undefined;
        return `${f.values[0] === 'true' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${references(row, paths, fb.alias('v'), p)})`;
      }
      if (f.modifier) return undefined;
      if (f.code === '_tag') {
        const tags = f.values.map((v) => splitPipe(v));
        const v = fb.alias('t');
        const tests = tags.map((t) => (t.length === 2 ? `(${v} ->> 'system' = ${p.add(t[0])} AND ${v} ->> 'code' = ${p.add(t[1])})` : `${v} ->> 'code' = ${p.add(t[0])}`));
        return `EXISTS (SELECT 1 FROM jsonb_path_query(${row}.content::jsonb, '$.meta.tag') ${v} WHERE ${tests.join(' OR ')})`;
      }
      const param = f.param;
      if (!('definition' in param) || param.type !== 'reference') return undefined;
      const paths = referencePaths(type, f.code);
      if (!paths) return undefined;
      const targets = f.values.map((v) => unescape(v));
      if (targets.some((t) => !/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(t))) return undefined;
      const ref = fb.alias('v');
      return `EXISTS (SELECT 1 FROM ${references(row, paths, ref, p)} WHERE ${ref}.ref = ANY(${p.add(targets)}::text[]))`;
    }
  }
}

/**
 * The version's references at these JSON paths: `ref` = `Type/id` (absolute and versioned references reduced),
 * `rtype`, `rid`; computed once per reference (OFFSET 0 keeps the planner from repeating the regexp per join).
 */
function references(row: string, paths: { path: string; type?: string }[], alias: string, p: SqlParams): string {
  const union = paths
    .map(({ path, type }) => {
      const ref = `regexp_replace(x.value #>> '{}', '^(.*/)?([A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64})(/_history/[^/]*)?$', '\\2')`;
      return `SELECT ${ref} AS ref FROM jsonb_path_query(${row}.content::jsonb, ${p.add(path)}::jsonpath) x(value)${type ? ` WHERE x.value #>> '{}' ~ ${p.add(`(^|/)${type}/`)}` : ''}`;
    })
    .join(' UNION ALL ');
  return `(SELECT y.ref, split_part(y.ref, '/', 1) AS rtype, split_part(y.ref, '/', 2) AS rid FROM (${union}) y OFFSET 0) ${alias}`;
}

const pathMemo = new Map<string, { path: string; type?: string }[] | null>();

/**
 * The JSON paths (SQL/JSON, lax) of a reference search parameter's `.reference` values on `type`, from its
 * FHIRPath expression when that is a plain path (optionally ending in `.where(resolve() is T)`); null otherwise.
 */
export function referencePaths(type: string, code: string): { path: string; type?: string }[] | null {
  const key = `${type}.${code}`;
  let r = pathMemo.get(key);
  if (r !== undefined) return r;
  r = null;
  const expr = getIndexedParam(type, code)?.expression;
  if (expr) {
    const out: { path: string; type?: string }[] = [];
    for (const part of expr.split('|').map((x) => x.trim().replace(/^\((.*)\)$/, '$1'))) {
      const m = /^(?:[A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z]*)+)(?:\.where\(resolve\(\) is ([A-Z][A-Za-z]+)\))?$/.exec(part);
      if (!m || !part.startsWith(`${type}.`)) {
        out.length = 0;
        break;
      }
      out.push({ path: `lax $${m[1]}.reference`, ...(m[2] ? { type: m[2] } : {}) });
    }
    if (out.length > 0) r = out;
  }
  pathMemo.set(key, r);
  return r;
}
