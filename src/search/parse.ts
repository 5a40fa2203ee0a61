import { getIndexedParam, isResourceType, type IndexedParam } from '../fhir/definitions.js';
import { errors, FhirError } from '../fhir/outcome.js';
import { splitValues } from './sql.js';

/**
 * Parses search parameters into a SearchRequest: filters (with chains and _has), sort, paging, includes and
 * result controls. Parameter names are checked against the registry of every type searched; unknown ones are
 * collected for the caller (lenient: warning, strict: 400).
 */
export type Filter =
  /** A parameter test on the current resource. */
  | { kind: 'leaf'; code: string; param: IndexedParam | SpecialParam; modifier?: string; values: string[]; name: string }
  /** A forward chain: the current resource's reference parameter `via` points to a `targetTypes` resource matching `next`. */
  | { kind: 'chain'; via: string; targets: { type: string; next: Filter }[]; name: string }
  /** Reverse chaining: some `sourceType` resource whose reference parameter `via` points here matches `next`. */
  | { kind: 'has'; sourceType: string; via: string; next: Filter; name: string }
  /** Every (all) or at least one (any) of the filters: built by access control, never parsed from a query. */
  | { kind: 'all' | 'any'; filters: Filter[]; name: string };

/** Parameters every resource type has that are not plain indexed values. */
export interface SpecialParam {
  code: '_id' | '_lastUpdated' | '_text' | '_content' | '_list';
  type: 'special';
}

export interface SortKey {
  code: string;
  param: IndexedParam | SpecialParam;
  descending: boolean;
}

export interface IncludeSpec {
  sourceType: string | '*';
  code: string | '*';
  targetType?: string;
  iterate: boolean;
}

export interface SearchRequest {
  /** Types searched: one at type level, several (or all) with _type at system level. */
  types: string[];
  filters: Filter[];
  sort: SortKey[];
  count: number;
  cursor?: string;
  /** undefined: a total only when it is free (the first page holds every match). */
  total?: 'none' | 'estimate' | 'accurate';
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  unknown: string[];
}

/** Result-control parameters: handled around the query, not filters. */
export const CONTROL_PARAMS = new Set([
  '_count', '_cursor', '_sort', '_total', '_summary', '_elements', '_format', '_pretty', '_include', '_revinclude', '_type',
  '_contained', '_containedType',
]);

const SPECIAL: Record<string, SpecialParam> = {
  _id: { code: '_id', type: 'special' },
  _lastUpdated: { code: '_lastUpdated', type: 'special' },
  _text: { code: '_text', type: 'special' },
  _content: { code: '_content', type: 'special' },
  _list: { code: '_list', type: 'special' },
};

/** Modifiers implemented per parameter type (the CapabilityStatement lists them). */
export const MODIFIERS: Record<string, string[]> = {
  token: ['missing', 'not', 'text', 'in', 'not-in', 'above', 'below', 'of-type'],
  string: ['missing', 'exact', 'contains'],
  reference: ['missing', 'identifier', '[type]'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  uri: ['missing', 'below', 'above'],
  composite: ['missing'],
  special: ['missing'],
};

/** The parameter `code` on every one of `types`, when it means the same kind of value on all of them. */
export function resolveParam(types: string[], code: string): IndexedParam | SpecialParam | undefined {
  if (SPECIAL[code]) return SPECIAL[code];
  let found: IndexedParam | undefined;
  for (const t of types) {
    const p = getIndexedParam(t, code);
    if (!p || (found && found.type !== p.type)) return undefined;
    found ??= p;
  }
  return found;
}

/**
 * Bounds on the work one client's search may ask for (SEARCH_MAX_VALUES, SEARCH_MAX_CHAIN_DEPTH,
 * SEARCH_MAX_INCLUDES): past one, a 400 `too-costly` naming the limit. The number of parameters is bounded
 * where the query string is decoded (rest/input.ts). The server's own searches (access control) pass none.
 */
export interface SearchLimits {
  /** Most comma-separated (OR) values of one parameter. */
  maxValues: number;
  /** Most chain and _has steps in one parameter name (`subject.name` is 1, `_has:Observation:patient:subject.name` 2). */
  maxChainDepth: number;
  /** Most _include and _revinclude parameters. */
  maxIncludes: number;
}

export function parseSearch(types: string[], query: URLSearchParams, defaults: { count: number; maxCount: number; limits?: SearchLimits }): SearchRequest {
  const req: SearchRequest = { types, filters: [], sort: [], count: defaults.count, include: [], revinclude: [], unknown: [] };
  const limits = defaults.limits;
  for (const [key, raw] of query) {
    switch (key) {
      case '_count':
        if (!/^\d{1,9}$/.test(raw)) throw errors.badRequest('invalidParam', '_count', raw);
        req.count = Math.min(Number(raw), defaults.maxCount);
        continue;
      case '_cursor':
        req.cursor = raw;
        continue;
      case '_total':
        if (raw !== 'none' && raw !== 'estimate' && raw !== 'accurate') throw errors.badRequest('invalidParam', '_total', raw);
        req.total = raw;
        continue;
      case '_sort':
        req.sort.push(...parseSort(types, raw));
        continue;
      case '_include':
      case '_include:iterate':
      case '_include:recurse':
        req.include.push(parseInclude(key, raw, key !== '_include'));
        continue;
      case '_revinclude':
      case '_revinclude:iterate':
      case '_revinclude:recurse':
        req.revinclude.push(parseInclude(key, raw, key !== '_revinclude'));
        continue;
    }
    if (CONTROL_PARAMS.has(key)) continue;
    if (limits) checkChainDepth(key, limits);
    const filter = parseFilter(types, key, raw);
    if (filter && limits && valueCount(filter) > limits.maxValues) {
      throw new FhirError(400, 'too-costly', 'tooManyValues', [limits.maxValues, 'SEARCH_MAX_VALUES', key]);
    }
    if (filter) req.filters.push(filter);
    else req.unknown.push(key);
  }
  if (limits && req.include.length + req.revinclude.length > limits.maxIncludes) {
    throw new FhirError(400, 'too-costly', 'tooManyIncludes', [limits.maxIncludes, 'SEARCH_MAX_INCLUDES']);
  }
  return req;
}

/** Chain and _has steps of one parameter name, checked before the name is parsed (its parsing follows them). */
function checkChainDepth(key: string, limits: SearchLimits): void {
  const has = key.startsWith('_has:') ? key.split('_has:').length - 1 : 0;
  const steps = has + key.split('.').length - 1;
  if (steps > limits.maxChainDepth) throw new FhirError(400, 'too-costly', 'chainTooDeep', [limits.maxChainDepth, 'SEARCH_MAX_CHAIN_DEPTH', key]);
}

/** The OR-values of a parsed parameter: those of its leaf (escaped commas `\,` are not separators). */
function valueCount(f: Filter): number {
  switch (f.kind) {
    case 'leaf':
      return f.values.length;
    case 'chain':
      return valueCount(f.targets[0].next);
    case 'has':
      return valueCount(f.next);
    default:
      return 0;
  }
}

/** Parses one parameter name (with chains, _has and modifiers) and its value; undefined when unknown. */
export function parseFilter(types: string[], key: string, raw: string): Filter | undefined {
  if (key.startsWith('_has:')) return parseHas(key, raw);
  const dot = key.indexOf('.');
  if (dot > 0) {
    const [head, rest] = [key.slice(0, dot), key.slice(dot + 1)];
    const [via, typeModifier] = head.split(':', 2);
    const p = resolveParam(types, via);
    if (!p || p.type !== 'reference') return undefined;
    const declared = (p as IndexedParam).targets ?? [];
    if (typeModifier && !isResourceType(typeModifier)) return undefined;
    const candidates = typeModifier ? [typeModifier] : declared.filter((t) => isResourceType(t));
    // Each target type on which the rest of the chain is defined is searched on its own (OR).
    const targets: { type: string; next: Filter }[] = [];
    for (const type of candidates) {
      const next = parseFilter([type], rest, raw);
      if (next) targets.push({ type, next });
    }
    if (targets.length === 0) return undefined;
    return { kind: 'chain', via, targets, name: key };
  }
  const [code, modifier] = splitModifier(key);
  const param = resolveParam(types, code);
  if (!param) return undefined;
  checkModifier(key, param, modifier);
  return { kind: 'leaf', code, param, modifier, values: splitValues(raw), name: key };
}

function splitModifier(key: string): [string, string | undefined] {
  const i = key.indexOf(':');
  return i < 0 ? [key, undefined] : [key.slice(0, i), key.slice(i + 1)];
}

function checkModifier(key: string, param: IndexedParam | SpecialParam, modifier: string | undefined): void {
  if (!modifier) return;
  const allowed = MODIFIERS[param.type] ?? [];
  if (param.type === 'reference' && /^[A-Z]/.test(modifier) && isResourceType(modifier)) return;
  if (param.type === 'special' && modifier !== 'missing') throw errors.badRequest('unsupportedModifier', key.split(':')[0], modifier);
  if (!allowed.includes(modifier)) throw errors.badRequest('unsupportedModifier', key.split(':')[0], modifier);
}

/** _has:Source:via:rest — rest is a parameter of Source, or another _has. */
function parseHas(key: string, raw: string): Filter | undefined {
  const m = /^_has:([A-Za-z]+):([^:]+):(.+)$/.exec(key);
  if (!m) throw errors.badRequest('invalidParam', key, raw);
  const [, sourceType, via, rest] = m;
  if (!isResourceType(sourceType)) throw errors.badRequest('unknownType', sourceType);
  const ref = getIndexedParam(sourceType, via);
  if (!ref || ref.type !== 'reference') return undefined;
  const next = parseFilter([sourceType], rest, raw);
  if (!next) return undefined;
  return { kind: 'has', sourceType, via, next, name: key };
}

function parseSort(types: string[], raw: string): SortKey[] {
  return raw
    .split(',')
    .filter((s) => s.length > 0)
    .map((s) => {
      const descending = s.startsWith('-');
      const code = descending ? s.slice(1) : s;
      const param = resolveParam(types, code);
      if (!param || param.type === 'composite' || (param.type === 'special' && code !== '_id' && code !== '_lastUpdated')) {
        throw errors.badRequest('invalidParam', '_sort', s);
      }
      return { code, param, descending };
    });
}

function parseInclude(key: string, raw: string, iterate: boolean): IncludeSpec {
  if (raw === '*') return { sourceType: '*', code: '*', iterate };
  const [sourceType, code, targetType] = raw.split(':');
  if (!sourceType || !code || !isResourceType(sourceType)) throw errors.badRequest('invalidParam', key, raw);
  if (code !== '*') {
    const p = getIndexedParam(sourceType, code);
    if (!p || p.type !== 'reference') throw errors.badRequest('invalidParam', key, raw);
  }
  if (targetType && !isResourceType(targetType)) throw errors.badRequest('invalidParam', key, raw);
  return { sourceType, code, targetType, iterate };
}
