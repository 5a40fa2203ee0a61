import { getIndexedParam, type IndexedParam } from '../fhir/definitions.js';
import { errors, FhirError } from '../fhir/outcome.js';
import { parseDateRange } from './params/date.js';
import { normalizeString } from './params/string.js';
import { parseLocalReference } from './params/reference.js';
import { SqlParams, splitPipe, splitPrefix, splitValues, unescape } from './sql.js';

/**
 * Search parameters → SQL over the resource table (alias r) and the sp_* index tables.
 * Each parameter becomes an EXISTS test on its index table; comma-separated values are OR, repeated
 * parameters are AND. This is the engine's core; the full modifier set is the search issue's.
 */
export interface Clause {
  code: string;
  modifier?: string;
  values: string[];
}

/** Result-control parameters, handled by the caller, not turned into filters. */
export const CONTROL_PARAMS = new Set([
  '_count', '_offset', '_sort', '_total', '_summary', '_elements', '_format', '_pretty', '_include', '_revinclude', '_contained', '_containedType',
]);

export interface ParsedQuery {
  clauses: Clause[];
  unknown: string[];
}

export function parseQuery(resourceType: string, query: URLSearchParams): ParsedQuery {
  const clauses: Clause[] = [];
  const unknown: string[] = [];
  for (const [key, raw] of query) {
    if (CONTROL_PARAMS.has(key)) continue;
    const [code, modifier] = key.split(':', 2);
    if (code !== '_id' && code !== '_lastUpdated' && !supportedParam(resourceType, code)) {
      unknown.push(key);
      continue;
    }
    clauses.push({ code, modifier, values: splitValues(raw) });
  }
  return { clauses, unknown };
}

const SUPPORTED_TYPES = new Set(['token', 'string', 'reference', 'date', 'number', 'quantity', 'uri']);

export function supportedParam(resourceType: string, code: string): IndexedParam | undefined {
  const p = getIndexedParam(resourceType, code);
  return p && SUPPORTED_TYPES.has(p.type) ? p : undefined;
}

/** Modifiers this engine implements, per parameter type. */
export const SUPPORTED_MODIFIERS: Record<string, string[]> = {
  token: ['missing', 'not', 'text'],
  string: ['missing', 'exact', 'contains'],
  reference: ['missing'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  uri: ['missing', 'below', 'above'],
};

export function buildWhere(resourceType: string, clauses: Clause[], params: SqlParams): string[] {
  return clauses.map((c) => buildClause(resourceType, c, params));
}

function buildClause(resourceType: string, c: Clause, params: SqlParams): string {
  if (c.code === '_id') {
    if (c.modifier) throw errors.badRequest('unsupportedModifier', c.code, c.modifier);
    return `r.res_id = ANY(${params.add(c.values.map(unescape))}::text[])`;
  }
  if (c.code === '_lastUpdated') {
    if (c.modifier) throw errors.badRequest('unsupportedModifier', c.code, c.modifier);
    return or(c.values.map((v) => dateCondition(c.code, v, 'r.last_updated', 'r.last_updated', params)));
  }
  const p = supportedParam(resourceType, c.code) as IndexedParam;
  const table = `sp_${p.type}`;
  const exists = (cond: string): string =>
    `EXISTS (SELECT 1 FROM ${table} s WHERE s.res_type = r.res_type AND s.res_id = r.res_id AND s.code = ${params.add(p.code)} AND (${cond}))`;

  let modifier = c.modifier;
  if (p.type === 'reference' && modifier && /^[A-Z]/.test(modifier)) modifier = undefined; // :[type] handled below
  if (modifier && !SUPPORTED_MODIFIERS[p.type]?.includes(modifier)) throw errors.badRequest('unsupportedModifier', c.code, modifier);

  if (modifier === 'missing') {
    const v = c.values[0];
    if (v !== 'true' && v !== 'false') throw errors.badRequest('invalidParam', `${c.code}:missing`, v);
    return v === 'true' ? `NOT ${exists('true')}` : exists('true');
  }

  switch (p.type) {
    case 'token': {
      if (modifier === 'text') return exists(or(c.values.map((v) => `s.display ILIKE ${params.add('%' + likeEscape(unescape(v)) + '%')}`)));
      const cond = or(c.values.map((v) => tokenCondition(v, params)));
      return modifier === 'not' ? `NOT ${exists(cond)}` : exists(cond);
    }
    case 'string':
      return exists(
        or(
          c.values.map((v) => {
            const value = unescape(v);
            if (modifier === 'exact') return `s.value = ${params.add(value)}`;
            const norm = likeEscape(normalizeString(value));
            return modifier === 'contains'
              ? `s.value_norm LIKE ${params.add('%' + norm + '%')}`
              : `s.value_norm LIKE ${params.add(norm + '%')}`;
          }),
        ),
      );
    case 'reference': {
      const typeModifier = c.modifier && /^[A-Z]/.test(c.modifier) ? c.modifier : undefined;
      return exists(or(c.values.map((v) => referenceCondition(c.code, unescape(v), typeModifier, p, params))));
    }
    case 'date':
      return exists(or(c.values.map((v) => dateCondition(c.code, v, 's.lo', 's.hi', params))));
    case 'number':
      return exists(or(c.values.map((v) => numberCondition(c.code, v, params))));
    case 'quantity':
      return exists(
        or(
          c.values.map((v) => {
            const parts = v.split('|');
            const conds = [numberCondition(c.code, parts[0], params)];
            if (parts.length > 1 && parts[1]) conds.push(`s.system = ${params.add(unescape(parts[1]))}`);
            if (parts.length > 2 && parts[2]) conds.push(`s.unit = ${params.add(unescape(parts[2]))}`);
            return conds.join(' AND ');
          }),
        ),
      );
    case 'uri':
      return exists(
        or(
          c.values.map((v) => {
            const value = unescape(v);
            if (modifier === 'below') return `s.value LIKE ${params.add(likeEscape(value) + '%')}`;
            if (modifier === 'above') return `${params.add(value)} LIKE (replace(replace(s.value, '%', '\\%'), '_', '\\_') || '%')`;
            return `s.value = ${params.add(value)}`;
          }),
        ),
      );
    default:
      throw errors.badRequest('unknownParam', c.code);
  }
}

function tokenCondition(v: string, params: SqlParams): string {
  const parts = splitPipe(v);
  if (parts.length === 1) return `s.value = ${params.add(parts[0])}`;
  const [system, code] = parts;
  if (system === '' && code === '') throw errors.badRequest('invalidParam', 'token', v);
  if (system === '') return `s.system IS NULL AND s.value = ${params.add(code)}`;
  if (code === '') return `s.system = ${params.add(system)}`;
  return `s.system = ${params.add(system)} AND s.value = ${params.add(code)}`;
}

function referenceCondition(code: string, v: string, typeModifier: string | undefined, p: IndexedParam, params: SqlParams): string {
  const local = parseLocalReference(v);
  if (local) {
    if (typeModifier && typeModifier !== local.type) throw errors.badRequest('invalidParam', code, v);
    return `s.target_type = ${params.add(local.type)} AND s.target_id = ${params.add(local.id)}`;
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(v)) {
    const cond = `s.target_id = ${params.add(v)}`;
    return typeModifier ? `${cond} AND s.target_type = ${params.add(typeModifier)}` : cond;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return `s.target_url = ${params.add(v)}`;
  throw errors.badRequest('invalidParam', code, v);
}

/** Date prefixes as interval relations between the stored [lo, hi] and the searched [a, b]. */
function dateCondition(code: string, v: string, lo: string, hi: string, params: SqlParams): string {
  const { prefix, rest } = splitPrefix(v);
  const range = parseDateRange(rest);
  if (!range) throw errors.badRequest('invalidParam', code, v);
  // Placeholders are added only when used: an unused parameter makes PostgreSQL reject the statement.
  const a = (): string => `${params.add(range.lo)}::timestamptz`;
  const b = (): string => `${params.add(range.hi)}::timestamptz`;
  switch (prefix) {
    case 'eq':
      return `${lo} >= ${a()} AND ${hi} <= ${b()}`;
    case 'ne':
      return `NOT (${lo} >= ${a()} AND ${hi} <= ${b()})`;
    case 'gt':
      return `${hi} > ${b()}`;
    case 'lt':
      return `${lo} < ${a()}`;
    case 'ge':
      return `${hi} >= ${a()}`;
    case 'le':
      return `${lo} <= ${b()}`;
    case 'sa':
      return `${lo} > ${b()}`;
    case 'eb':
      return `${hi} < ${a()}`;
    case 'ap':
      return `${lo} <= ${b()} AND ${hi} >= ${a()}`;
    default:
      throw errors.badRequest('invalidParam', code, v);
  }
}

/** Number prefixes; eq and ne use the implicit range of the value's precision (100 means [99.5, 100.5)). */
function numberCondition(code: string, v: string, params: SqlParams): string {
  const { prefix, rest } = splitPrefix(v);
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(rest)) throw errors.badRequest('invalidParam', code, v);
  const value = Number(rest);
  const decimals = /\.(\d+)/.exec(rest)?.[1].length ?? 0;
  const half = 0.5 * 10 ** -decimals;
  // Placeholders are added only when used: an unused parameter makes PostgreSQL reject the statement.
  const x = (): string => `${params.add(String(value))}::numeric`;
  const lo = (): string => `${params.add(String(value - half))}::numeric`;
  const hi = (): string => `${params.add(String(value + half))}::numeric`;
  switch (prefix) {
    case 'eq':
      return `s.lo >= ${lo()} AND s.hi < ${hi()}`;
    case 'ne':
      return `NOT (s.lo >= ${lo()} AND s.hi < ${hi()})`;
    case 'gt':
    case 'sa':
      return `s.hi > ${x()}`;
    case 'lt':
    case 'eb':
      return `s.lo < ${x()}`;
    case 'ge':
      return `s.hi >= ${x()}`;
    case 'le':
      return `s.lo <= ${x()}`;
    case 'ap': {
      const margin = Math.abs(value) * 0.1;
      return `s.lo <= ${params.add(String(value + margin))}::numeric AND s.hi >= ${params.add(String(value - margin))}::numeric`;
    }
    default:
      throw errors.badRequest('invalidParam', code, v);
  }
}

function or(conds: string[]): string {
  return conds.length === 1 ? conds[0] : `(${conds.map((c) => `(${c})`).join(' OR ')})`;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export { FhirError };
