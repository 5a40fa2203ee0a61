import type { Resource } from '@medplum/fhirtypes';
import { errors } from '../fhir/outcome.js';
import { emptyIndexRows, indexResource } from './indexer.js';
import type { Filter, SortKey } from './parse.js';
import { parseDateRange } from './params/date.js';
import { parseLocalReference } from './params/reference.js';
import { normalizeString } from './params/string.js';
import { textWords } from './params/token.js';
import { encodeNumber } from './sortkey.js';
import { splitPipe, splitPrefix, unescape } from './sql.js';

/**
 * Search over resources held in memory (the read-only package resources): a resource is indexed by the same
 * indexer as a stored one, and each filter is tested on those index rows with the same rules the SQL of
 * params/conditions.ts applies, so a package resource and a stored one match the same searches.
 *
 * Tested here: token (plain, :not, :text, :missing), string (plain, :exact, :contains), uri (plain, :below,
 * :above), reference (local, id, canonical), date and number prefixes, `_id`, `_lastUpdated`, and the all/any
 * groups access control builds. Anything else (chains, _has, :in/:not-in/:above/:below, :of-type,
 * :identifier, composite, quantity, near, _text, _content, _list) cannot be tested in memory: `matches`
 * answers undefined and the caller leaves the resources out.
 */
export interface IndexedResource {
  type: string;
  id: string;
  lastUpdated: string;
  resource: Resource;
  /** index rows by parameter code (the row as the indexer gives it: type, id, code, …values, grp), made per code when first needed */
  rows: Map<string, unknown[][]>;
}

export function inMemory(resource: Resource, lastUpdated: string): IndexedResource {
  return { type: resource.resourceType, id: resource.id as string, lastUpdated, resource, rows: new Map() };
}

/** The parameter codes filters and sort keys test (those the resources must be indexed for). */
export function codesOf(filters: readonly Filter[], sort: readonly SortKey[] = []): Set<string> {
  const out = new Set<string>();
  const walk = (f: Filter): void => {
    if (f.kind === 'leaf') out.add(f.param.code);
    else if (f.kind === 'all' || f.kind === 'any') f.filters.forEach(walk);
  };
  filters.forEach(walk);
  for (const k of sort) out.add(k.code);
  return out;
}

/** Indexes r for the codes it has not been indexed for yet. */
export function indexCodes(r: IndexedResource, codes: ReadonlySet<string>): void {
  const missing = new Set([...codes].filter((c) => !r.rows.has(c)));
  if (missing.size === 0) return;
  const rows = emptyIndexRows();
  indexResource(r.resource, rows, undefined, missing);
  for (const c of missing) r.rows.set(c, []);
  for (const table of ['token', 'string', 'reference', 'date', 'number', 'uri'] as const) {
    for (const row of rows[table]) r.rows.get(row[2] as string)?.push(row);
  }
}

/** True or false when every filter could be tested in memory; undefined (with the filter's name) when one could not. */
export function matches(r: IndexedResource, filters: readonly Filter[], baseUrl: string): { ok: boolean; unsupported?: string } {
  for (const f of filters) {
    const v = test(r, f, baseUrl);
    if (typeof v === 'string') return { ok: false, unsupported: v };
    if (!v) return { ok: false };
  }
  return { ok: true };
}

/** A filter's verdict, or its name when it cannot be tested in memory. */
function test(r: IndexedResource, f: Filter, baseUrl: string): boolean | string {
  switch (f.kind) {
    case 'all':
    case 'any': {
      let any = false;
      for (const x of f.filters) {
        const v = test(r, x, baseUrl);
        if (typeof v === 'string') return v;
        if (f.kind === 'all' && !v) return false;
        any ||= v;
      }
      return f.kind === 'all' ? true : any;
    }
    case 'chain':
    case 'has':
      return f.name;
    case 'leaf':
      return leaf(r, f, baseUrl);
  }
}

function leaf(r: IndexedResource, f: Extract<Filter, { kind: 'leaf' }>, baseUrl: string): boolean | string {
  if (f.param.type === 'special' && !('definition' in f.param)) {
    if (f.modifier === 'missing') return f.values[0] !== 'true';
    if (f.param.code === '_id') return f.values.map(unescape).includes(r.id);
    if (f.param.code === '_lastUpdated') return f.values.some((v) => dateMatches(r.lastUpdated, r.lastUpdated, f.name, v));
    return f.name;
  }
  const code = f.param.code;
  const rows = r.rows.get(code) ?? [];
  if (f.modifier === 'missing') {
    const v = f.values[0];
    if (f.values.length !== 1 || (v !== 'true' && v !== 'false')) throw errors.badRequest('invalidParam', f.name, f.values.join(','));
    if (f.param.type === 'composite') return f.name;
    return v === 'true' ? rows.length === 0 : rows.length > 0;
  }
  const some = (cond: (row: unknown[], v: string) => boolean): boolean => rows.some((row) => f.values.some((v) => cond(row, v)));
  switch (f.param.type) {
    case 'token': {
      if (f.modifier === 'text') return some((row, v) => typeof row[5] === 'string' && row[5].startsWith(textWords(unescape(v))));
      if (f.modifier !== undefined && f.modifier !== 'not') return f.name;
      const hit = some((row, v) => tokenMatches(row[3] as string | null, row[4] as string | null, f.name, v));
      return f.modifier === 'not' ? !hit : hit;
    }
    case 'string':
      return some((row, v) => {
        const value = unescape(v);
        if (f.modifier === 'exact') return row[4] === value;
        const norm = normalizeString(value);
        return f.modifier === 'contains' ? (row[3] as string).includes(norm) : (row[3] as string).startsWith(norm);
      });
    case 'uri':
      return some((row, v) => {
        const value = unescape(v);
        const stored = row[3] as string;
        if (f.modifier === 'below') return stored.startsWith(value);
        if (f.modifier === 'above') return value.startsWith(stored);
        return stored === value;
      });
    case 'reference': {
      if (f.modifier !== undefined && !/^[A-Z]/.test(f.modifier)) return f.name;
      return some((row, v) => referenceMatches(row, f.name, v, f.modifier, baseUrl));
    }
    case 'date':
      return some((row, v) => dateMatches(row[3] as string, row[4] as string, f.name, v));
    case 'number':
      return some((row, v) => numberMatches(row[3] as number | null, row[4] as number | null, f.name, v));
    default:
      return f.name;
  }
}

function tokenMatches(system: string | null, value: string | null, name: string, v: string): boolean {
  const parts = splitPipe(v);
  if (parts.length === 1) {
    if (parts[0] === '') throw errors.badRequest('invalidParam', name, v);
    return value === parts[0];
  }
  const [s, c] = parts;
  if (s === '' && c === '') throw errors.badRequest('invalidParam', name, v);
  if (s === '') return system === null && value === c;
  if (c === '') return system === s;
  return system === s && value === c;
}

function referenceMatches(row: unknown[], name: string, v: string, modifier: string | undefined, baseUrl: string): boolean {
  const [targetType, targetId, url] = [row[3] as string | null, row[4] as string | null, row[5] as string | null];
  const value = unescape(v);
  const local = parseLocalReference(value, baseUrl);
  if (local) {
    if (modifier && modifier !== local.type) throw errors.badRequest('invalidParam', name, v);
    return targetId === local.id && targetType === local.type;
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return targetId === value && (!modifier || targetType === modifier);
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return url === value || (!value.includes('|') && !!url?.startsWith(value + '|'));
  throw errors.badRequest('invalidParam', name, v);
}

/** params/conditions.ts dateCondition over [lo, hi] (ISO instants compare as text). */
function dateMatches(lo: string, hi: string, name: string, v: string): boolean {
  const { prefix, rest } = splitPrefix(v);
  const range = parseDateRange(rest);
  if (!range) throw errors.badRequest('invalidParam', name, v);
  const [x, y] = [range.lo, range.hi];
  const [l, h] = [new Date(lo).toISOString(), new Date(hi).toISOString()];
  const within = l >= x && h <= y;
  switch (prefix) {
    case 'eq':
      return within;
    case 'ne':
      return !within;
    case 'gt':
      return h > y;
    case 'lt':
      return l < x;
    case 'ge':
      return h > y || within;
    case 'le':
      return l < x || within;
    case 'sa':
      return l > y;
    case 'eb':
      return h < x;
    case 'ap': {
      const now = Date.now();
      const a = Date.parse(x);
      const b = Date.parse(y);
      const margin = Math.max(86_400_000, Math.abs(now - (a + b) / 2) * 0.1);
      return l <= new Date(b + margin).toISOString() && h >= new Date(a - margin).toISOString();
    }
    default:
      throw errors.badRequest('invalidParam', name, v);
  }
}

/** params/conditions.ts numberCondition over [lo, hi] (null: unbounded). */
function numberMatches(lo: number | null, hi: number | null, name: string, v: string): boolean {
  const { prefix, rest } = splitPrefix(v);
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(rest)) throw errors.badRequest('invalidParam', name, v);
  const value = Number(rest);
  const decimals = /\.(\d+)/.exec(rest.split(/[eE]/)[0])?.[1].length ?? 0;
  const exp = Number(/[eE]([-+]?\d+)/.exec(rest)?.[1] ?? 0);
  const half = 0.5 * 10 ** (exp - decimals);
  const within = lo !== null && hi !== null && lo >= value - half && hi < value + half;
  switch (prefix) {
    case 'eq':
      return within;
    case 'ne':
      return !within;
    case 'gt':
      return hi === null || hi > value;
    case 'lt':
      return lo === null || lo < value;
    case 'ge':
      return hi === null || hi >= value;
    case 'le':
      return lo === null || lo <= value;
    case 'sa':
      return lo !== null && lo > value;
    case 'eb':
      return hi !== null && hi < value;
    case 'ap': {
      const margin = Math.abs(value) * 0.1;
      return (lo === null || lo <= value + margin) && (hi === null || hi >= value - margin);
    }
    default:
      throw errors.badRequest('invalidParam', name, v);
  }
}

/**
 * Orders resources by the _sort keys as the SQL does: for each key the smallest value (largest when
 * descending), resources without one after those with one; then by type and id (package resources have no pid).
 */
export function sortInMemory(list: IndexedResource[], sort: readonly SortKey[]): IndexedResource[] {
  const keyOf = (r: IndexedResource, k: SortKey): string | undefined => {
    if (k.code === '_id') return r.id;
    if (k.code === '_lastUpdated') return new Date(r.lastUpdated).toISOString();
    const values: string[] = [];
    for (const row of r.rows.get(k.code) ?? []) {
      const v = sortValue(k.param.type, row, k.descending);
      if (v !== undefined) values.push(v);
    }
    if (values.length === 0) return undefined;
    values.sort();
    return k.descending ? values[values.length - 1] : values[0];
  };
  const keyed = list.map((r) => ({ r, keys: sort.map((k) => keyOf(r, k)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const [x, y] = [a.keys[i], b.keys[i]];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = x < y ? -1 : 1;
      return sort[i].descending ? -c : c;
    }
    return a.r.type < b.r.type ? -1 : a.r.type > b.r.type ? 1 : a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0;
  });
  return keyed.map((k) => k.r);
}

function sortValue(type: string, row: unknown[], descending: boolean): string | undefined {
  switch (type) {
    case 'token':
      return (row[4] as string | null) ?? undefined;
    case 'string':
      return row[3] as string;
    case 'uri':
      return row[3] as string;
    case 'reference':
      return row[3] ? `${row[3] as string}/${row[4] as string}` : ((row[5] as string | null) ?? undefined);
    case 'date':
      return new Date((descending ? row[4] : row[3]) as string).toISOString();
    case 'number': {
      const n = (descending ? row[4] : row[3]) as number | null;
      return n === null ? undefined : encodeNumber(Number(n));
    }
    default:
      return undefined;
  }
}
