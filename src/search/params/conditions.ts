import { errors } from '../../fhir/outcome.js';
import { parseDateRange } from './date.js';
import { parseLocalReference } from './reference.js';
import { normalizeString } from './string.js';
import { textWords } from './token.js';
import { canonicalize, UCUM_SYSTEM } from '../ucum.js';
import { likeEscape, SqlParams, splitPipe, splitPrefix, unescape } from '../sql.js';

/**
 * The SQL test of one search value against one index row (alias a) of each parameter type. `name` is the
 * parameter as the client wrote it, for error messages. Each function throws a 400 naming the parameter
 * when the value is malformed.
 */

export function tokenCondition(a: string, name: string, v: string, params: SqlParams): string {
  const parts = splitPipe(v);
  if (parts.length === 1) {
    if (parts[0] === '') throw errors.badRequest('invalidParam', name, v);
    return `${a}.value = ${params.add(parts[0])}`;
  }
  const [system, code] = parts;
  if (system === '' && code === '') throw errors.badRequest('invalidParam', name, v);
  if (system === '') return `${a}.system IS NULL AND ${a}.value = ${params.add(code)}`;
  if (code === '') return `${a}.system = ${params.add(system)}`;
  return `${a}.system = ${params.add(system)} AND ${a}.value = ${params.add(code)}`;
}

/**
 * :text on tokens: the display or text, processed as a string search (R4 search.html, token :text), i.e. it
 * starts with the value ignoring case, accents and punctuation (displays are stored normalised).
 */
export function tokenTextCondition(a: string, v: string, params: SqlParams): string {
  const norm = likeEscape(textWords(unescape(v)));
  return `${a}.display LIKE ${params.add(norm + '%')}`;
}

/** :of-type: typeSystem|typeCode|value */
export function ofTypeCondition(a: string, name: string, v: string, params: SqlParams): string {
  const parts = v.split('|');
  if (parts.length !== 3 || !parts[1] || !parts[2]) throw errors.badRequest('invalidParam', name, v);
  return `${a}.system = ${params.add(`${unescape(parts[0])}|${unescape(parts[1])}`)} AND ${a}.value = ${params.add(unescape(parts[2]))}`;
}

export function stringCondition(a: string, v: string, modifier: string | undefined, params: SqlParams): string {
  const value = unescape(v);
  if (modifier === 'exact') return `${a}.value = ${params.add(value)}`;
  const norm = likeEscape(normalizeString(value));
  return modifier === 'contains' ? `${a}.value_norm LIKE ${params.add('%' + norm + '%')}` : `${a}.value_norm LIKE ${params.add(norm + '%')}`;
}

export function uriCondition(a: string, v: string, modifier: string | undefined, params: SqlParams): string {
  const value = unescape(v);
  if (modifier === 'below') return `${a}.value LIKE ${params.add(likeEscape(value) + '%')}`;
  if (modifier === 'above') return String.raw`${params.add(value)} LIKE (replace(replace(replace(${a}.value, '\', '\\'), '%', '\%'), '_', '\_') || '%')`;
  return `${a}.value = ${params.add(value)}`;
}

export function referenceCondition(a: string, name: string, v: string, typeModifier: string | undefined, baseUrl: string, params: SqlParams): string {
  const value = unescape(v);
  const local = parseLocalReference(value, baseUrl);
  if (local) {
    if (typeModifier && typeModifier !== local.type) throw errors.badRequest('invalidParam', name, v);
    return `${a}.target_id = ${params.add(local.id)} AND ${a}.target_type = ${params.add(local.type)}`;
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) {
    const cond = `${a}.target_id = ${params.add(value)}`;
    return typeModifier ? `${cond} AND ${a}.target_type = ${params.add(typeModifier)}` : cond;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    // canonical: url or url|version
    const bar = value.indexOf('|');
    return bar < 0
      ? `(${a}.target_url = ${params.add(value)} OR ${a}.target_url LIKE ${params.add(likeEscape(value) + '|%')})`
      : `${a}.target_url = ${params.add(value)}`;
  }
  throw errors.badRequest('invalidParam', name, v);
}

/**
 * Several OR-values of a reference parameter: local references of one type become one `target_id = ANY(...)`
 * test (one index range per id, where an OR of a hundred pairs makes PostgreSQL test each row against each);
 * a single value, or any other form, is tested as referenceCondition does.
 */
export function referencesCondition(a: string, name: string, values: string[], typeModifier: string | undefined, baseUrl: string, params: SqlParams): string[] {
  if (values.length < 2) return values.map((v) => referenceCondition(a, name, v, typeModifier, baseUrl, params));
  const byType = new Map<string, string[]>();
  const other: string[] = [];
  for (const v of values) {
    const local = parseLocalReference(unescape(v), baseUrl);
    if (!local) {
      other.push(referenceCondition(a, name, v, typeModifier, baseUrl, params));
      continue;
    }
    if (typeModifier && typeModifier !== local.type) throw errors.badRequest('invalidParam', name, v);
    byType.set(local.type, [...(byType.get(local.type) ?? []), local.id]);
  }
  const grouped = [...byType].map(([type, ids]) =>
    ids.length === 1
      ? `${a}.target_id = ${params.add(ids[0])} AND ${a}.target_type = ${params.add(type)}`
      : `${a}.target_id = ANY(${params.add(ids)}::text[]) AND ${a}.target_type = ${params.add(type)}`,
  );
  return [...grouped, ...other];
}

/** Date prefixes as interval relations between the stored [lo, hi] and the searched [x, y]. */
export function dateCondition(lo: string, hi: string, name: string, v: string, params: SqlParams): string {
  const { prefix, rest } = splitPrefix(v);
  const range = parseDateRange(rest);
  if (!range) throw errors.badRequest('invalidParam', name, v);
  // Placeholders are added only where used: PostgreSQL rejects a statement with an untyped unused parameter.
  const x = (): string => `${params.add(range.lo)}::timestamptz`;
  const y = (): string => `${params.add(range.hi)}::timestamptz`;
  switch (prefix) {
    case 'eq':
      return `${lo} >= ${x()} AND ${hi} <= ${y()}`;
    case 'ne':
      return `NOT (${lo} >= ${x()} AND ${hi} <= ${y()})`;
    case 'gt':
      return `${hi} > ${y()}`;
    case 'lt':
      return `${lo} < ${x()}`;
    // ge/le: gt/lt, or the searched range fully contains the resource's (search.html prefix table), so a
    // range that starts before the searched one and ends within it is not ge.
    case 'ge':
      return `(${hi} > ${y()} OR (${lo} >= ${x()} AND ${hi} <= ${y()}))`;
    case 'le':
      return `(${lo} < ${x()} OR (${lo} >= ${x()} AND ${hi} <= ${y()}))`;
    case 'sa':
      return `${lo} > ${y()}`;
    case 'eb':
      return `${hi} < ${x()}`;
    case 'ap': {
      // approximately: the searched range widened by 10 % of its distance from now (at least a day)
      const now = Date.now();
      const a = Date.parse(range.lo);
      const b = Date.parse(range.hi);
      const margin = Math.max(86_400_000, Math.abs(now - (a + b) / 2) * 0.1);
      return `${lo} <= ${params.add(new Date(b + margin).toISOString())}::timestamptz AND ${hi} >= ${params.add(new Date(a - margin).toISOString())}::timestamptz`;
    }
    default:
      throw errors.badRequest('invalidParam', name, v);
  }
}

export function parseNumber(name: string, v: string, text: string): number {
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw errors.badRequest('invalidParam', name, v);
  return Number(text);
}

/**
 * Number prefixes over a stored interval [lo, hi] (a single value has lo = hi; null is unbounded).
 * eq and ne use the implicit range of the value's precision: 100 means [99.5, 100.5).
 */
export function numberCondition(
  lo: string,
  hi: string,
  name: string,
  v: string,
  params: SqlParams,
  convert: (x: number) => number = (x) => x,
): string {
  const { prefix, rest } = splitPrefix(v);
  const value = parseNumber(name, v, rest);
  const decimals = /\.(\d+)/.exec(rest.split(/[eE]/)[0])?.[1].length ?? 0;
  const exp = Number(/[eE]([-+]?\d+)/.exec(rest)?.[1] ?? 0);
  const half = 0.5 * 10 ** (exp - decimals);
  // convert maps search values to stored units (quantities: UCUM canonical, which may have an offset: Cel → K)
  const n = (x: number): string => `${params.add(String(convert(x)))}::numeric`;
  const loOr = (cond: string): string => `(${lo} IS NULL OR ${cond})`;
  const hiOr = (cond: string): string => `(${hi} IS NULL OR ${cond})`;
  switch (prefix) {
    case 'eq':
      return `${lo} >= ${n(value - half)} AND ${hi} < ${n(value + half)}`;
    case 'ne':
      return `NOT (${lo} >= ${n(value - half)} AND ${hi} < ${n(value + half)})`;
    case 'gt':
      return hiOr(`${hi} > ${n(value)}`);
    case 'lt':
      return loOr(`${lo} < ${n(value)}`);
    case 'ge':
      return hiOr(`${hi} >= ${n(value)}`);
    case 'le':
      return loOr(`${lo} <= ${n(value)}`);
    case 'sa':
      return `${lo} > ${n(value)}`;
    case 'eb':
      return `${hi} < ${n(value)}`;
    case 'ap': {
      const margin = Math.abs(value) * 0.1;
      return `${loOr(`${lo} <= ${n(value + margin)}`)} AND ${hiOr(`${hi} >= ${n(value - margin)}`)}`;
    }
    default:
      throw errors.badRequest('invalidParam', name, v);
  }
}

/**
 * quantity: [prefix]number|system|code. With a UCUM unit (or no system and a unit UCUM understands) the
 * comparison is made in canonical units, so 1 g matches 1000 mg; otherwise in the unit given.
 */
export function quantityCondition(a: string, name: string, v: string, params: SqlParams): string {
  const parts = v.split('|');
  if (parts.length > 3) throw errors.badRequest('invalidParam', name, v);
  const [numberPart, systemPart = '', unitPart = ''] = parts.map(unescape);
  const { prefix, rest } = splitPrefix(numberPart);
  const value = parseNumber(name, v, rest);
  if (unitPart && (systemPart === UCUM_SYSTEM || systemPart === '')) {
    const canon = canonicalize(value, unitPart);
    if (canon) {
      const convert = (x: number): number => (canonicalize(x, unitPart) as { value: number }).value;
      return `${a}.c_unit = ${params.add(canon.unit)} AND ${numberCondition(`${a}.c_lo`, `${a}.c_hi`, name, `${prefix}${rest}`, params, convert)}`;
    }
  }
  const conds = [numberCondition(`${a}.lo`, `${a}.hi`, name, `${prefix}${rest}`, params)];
  if (systemPart) conds.push(`${a}.system = ${params.add(systemPart)}`);
  if (unitPart) conds.push(`${a}.unit = ${params.add(unitPart)}`);
  return conds.join(' AND ');
}

/** near: latitude|longitude|distance|units (km default; m and [mi_i] accepted; distance default 10 km). */
export function nearCondition(a: string, name: string, v: string, params: SqlParams): string {
  const [latS, lonS, distS, unitS] = v.split('|');
  const lat = parseNumber(name, v, latS ?? '');
  const lon = parseNumber(name, v, lonS ?? '');
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw errors.badRequest('invalidParam', name, v);
  const units = unitS || 'km';
  const perKm: Record<string, number> = { km: 1, m: 1000, '[mi_i]': 0.621371, mi: 0.621371 };
  if (!perKm[units]) throw errors.badRequest('invalidParam', name, v);
  const km = (distS ? parseNumber(name, v, distS) : 10) / perKm[units];
  const dLat = km / 111.2;
  const dLon = km / (111.2 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const pLat = params.add(lat);
  const pLon = params.add(lon);
  return `${a}.lat BETWEEN ${params.add(lat - dLat)} AND ${params.add(lat + dLat)}
    AND ${a}.lon BETWEEN ${params.add(lon - dLon)} AND ${params.add(lon + dLon)}
    AND 12742 * asin(sqrt(power(sin(radians(${a}.lat - ${pLat}::float8) / 2), 2)
      + cos(radians(${pLat}::float8)) * cos(radians(${a}.lat)) * power(sin(radians(${a}.lon - ${pLon}::float8) / 2), 2))) <= ${params.add(km)}::float8`;
}
