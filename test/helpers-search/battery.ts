import type { Resource } from '@medplum/fhirtypes';
import { getIndexedParams, type IndexedParam } from '../../src/fhir/definitions.js';
import { escapeValue, normalize, Oracle, parseDate, toDates, toNumbers, toQuantities, toStrings, toTokens } from './oracle.js';

/**
 * Generates the query battery from the data: for every resource type and every parameter of type
 * token/string/date/number/quantity/reference/uri, values that occur (the most and the least frequent) and
 * values that do not, with the prefixes and modifiers of that type, OR lists and AND repeats.
 */
export interface Query {
  types: string[];
  params: [string, string][];
}

const TYPES = ['token', 'string', 'date', 'number', 'quantity', 'reference', 'uri'];
/** Parameters not tested here: _text/_content need narrative search, _source is not in R4 examples. */
const SKIP = new Set(['_id', '_lastUpdated', '_source']);

/** The most frequent and least frequent values (ties broken by text), at most n. */
function pick<T>(items: T[], keyOf: (t: T) => string, n = 2): T[] {
  const counts = new Map<string, { item: T; n: number }>();
  for (const it of items) {
    const k = keyOf(it);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { item: it, n: 1 });
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: T[] = [];
  if (sorted.length > 0) out.push(sorted[0][1].item);
  if (n > 1 && sorted.length > 1) out.push(sorted[sorted.length - 1][1].item);
  if (n > 2 && sorted.length > 2) out.push(sorted[Math.floor(sorted.length / 2)][1].item);
  return out;
}

export function generateBattery(oracle: Oracle, types: string[], base: string): Query[] {
  const out: Query[] = [];
  const q = (type: string, ...params: [string, string][]): void => {
    out.push({ types: [type], params });
  };
  for (const type of types) {
    const resources = oracle.byType.get(type) ?? [];
    if (resources.length === 0) continue;
    for (const p of getIndexedParams(type)) {
      if (!TYPES.includes(p.type) || SKIP.has(p.code)) continue;
      const all = (r: Resource) => oracle.values(r, p.code);
      const present = resources.filter((r) => all(r).length > 0);
      if (present.length === 0) continue;
      q(type, [`${p.code}:missing`, 'true']);
      q(type, [`${p.code}:missing`, 'false']);
      const tv = present.flatMap(all);
      switch (p.type) {
        case 'token':
          tokenQueries(type, p, toTokens(tv), q);
          break;
        case 'string':
          stringQueries(type, p, toStrings(tv), q);
          break;
        case 'date':
          dateQueries(type, p, tv.map((v) => v.value).flatMap((v) => (typeof v === 'string' ? [v] : typeof v?.start === 'string' ? [v.start] : typeof v?.end === 'string' ? [v.end] : [])), q);
          break;
        case 'number':
          numberQueries(type, p, toNumbers(tv).filter((n) => Number.isFinite(n.lo)).map((n) => n.lo), q);
          break;
        case 'quantity':
          quantityQueries(type, p, toQuantities(tv), q);
          break;
        case 'reference':
          referenceQueries(type, p, oracle.references(tv), q, base);
          break;
        case 'uri':
          uriQueries(type, p, tv.map((v) => v.value).filter((v): v is string => typeof v === 'string'), q);
          break;
      }
    }
  }
  return out;
}

type Add = (type: string, ...params: [string, string][]) => void;

function tokenQueries(type: string, p: IndexedParam, tokens: ReturnType<typeof toTokens>, q: Add): void {
  const coded = tokens.filter((t) => t.code !== undefined);
  const chosen = pick(coded, (t) => `${t.system ?? ''}|${t.code}`, 3);
  for (const t of chosen) {
    const code = escapeValue(t.code as string);
    q(type, [p.code, code]);
    if (t.system) {
      q(type, [p.code, `${escapeValue(t.system)}|${code}`]);
      q(type, [p.code, `${escapeValue(t.system)}|`]);
      q(type, [`${p.code}:not`, `${escapeValue(t.system)}|${code}`]);
      q(type, [p.code, `${escapeValue(t.system)}|${code}-no-such`]);
    } else {
      q(type, [p.code, `|${code}`]);
      q(type, [`${p.code}:not`, code]);
    }
  }
  if (chosen.length > 1) q(type, [p.code, chosen.map((t) => escapeValue(t.code as string)).join(',')]);
  if (chosen.length > 1) q(type, [`${p.code}:not`, chosen.map((t) => escapeValue(t.code as string)).join(',')]);
  if (chosen.length > 1) q(type, [p.code, escapeValue(chosen[0].code as string)], [p.code, escapeValue(chosen[1].code as string)]);
  q(type, [p.code, 'no-such-code-17']);
  // :text — the whole display/text as a prefix, in another case, and its first word
  const texts = pick(tokens.flatMap((t) => t.text), (s) => s, 2);
  for (const text of texts) {
    q(type, [`${p.code}:text`, escapeValue(text.toUpperCase())]);
    const first = /^[\p{L}\p{N}]+/u.exec(text)?.[0];
    if (first && first.length > 1) q(type, [`${p.code}:text`, escapeValue(first.toLowerCase())]);
  }
}

function stringQueries(type: string, p: IndexedParam, strings: string[], q: Add): void {
  const chosen = pick(strings, (s) => s, 3);
  for (const s of chosen) {
    q(type, [p.code, escapeValue(s)]);
    q(type, [p.code, escapeValue(normalize(s).slice(0, 3).toUpperCase())]);
    q(type, [`${p.code}:exact`, escapeValue(s)]);
    if (s.toLowerCase() !== s) q(type, [`${p.code}:exact`, escapeValue(s.toLowerCase())]);
    if (s.length > 4) q(type, [`${p.code}:contains`, escapeValue(s.slice(1, 4))]);
    q(type, [p.code, `${escapeValue(s)}zzz`]);
  }
  if (chosen.length > 1) q(type, [p.code, chosen.map((s) => escapeValue(s.slice(0, 2))).join(',')]);
}

function dateQueries(type: string, p: IndexedParam, dates: string[], q: Add): void {
  const chosen = pick(dates.filter((d) => parseDate(d)), (d) => d, 2);
  for (const d of chosen) {
    const day = d.slice(0, 10);
    const variants = [d.slice(0, 4), d.slice(0, 7), day];
    if (d.length > 10) variants.push(d);
    for (const v of variants) {
      if (v.length < 4) continue;
      for (const prefix of ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb']) q(type, [p.code, `${prefix}${v}`]);
    }
    // a closed interval as two ANDed values, and an OR of two dates
    q(type, [p.code, `ge${day}`], [p.code, `le${day}`]);
    q(type, [p.code, `${day},1905-01-01`]);
  }
  q(type, [p.code, 'eq1905-06-07']);
}

function numberQueries(type: string, p: IndexedParam, numbers: number[], q: Add): void {
  for (const n of pick(numbers, (x) => String(x), 2)) {
    for (const prefix of ['', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb']) q(type, [p.code, `${prefix}${n}`]);
    q(type, [p.code, `${Number.isInteger(n) ? n.toFixed(1) : n}`]);
    q(type, [p.code, `${n},${n + 1000}`]);
  }
}

function quantityQueries(type: string, p: IndexedParam, qs: ReturnType<typeof toQuantities>, q: Add): void {
  const finite = qs.filter((x) => Number.isFinite(x.lo) && x.lo === x.hi);
  for (const x of pick(finite, (y) => `${y.lo}|${y.system}|${y.code ?? y.unit}`, 2)) {
    const n = x.lo;
    const sys = x.system ? escapeValue(x.system) : '';
    const unit = x.code ?? x.unit;
    for (const prefix of ['', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb']) {
      q(type, [p.code, `${prefix}${n}`]);
      if (unit) q(type, [p.code, `${prefix}${n}|${sys}|${escapeValue(unit)}`]);
    }
    if (unit) q(type, [p.code, `${n}||${escapeValue(unit)}`]);
    if (unit) q(type, [p.code, `${n}|http://example.org/no-such-system|${escapeValue(unit)}`]);
  }
}

function referenceQueries(type: string, p: IndexedParam, refs: string[], q: Add, base: string): void {
  const local = refs.filter((r) => /^[A-Z][A-Za-z]+\/[^/]+$/.test(r));
  for (const r of pick(local, (x) => x, 2)) {
    const [t, id] = r.split('/');
    q(type, [p.code, r]);
    q(type, [p.code, id]);
    q(type, [`${p.code}:${t}`, id]);
    q(type, [p.code, `${base}/${r}`]);
  }
  const chosen = pick(local, (x) => x, 2);
  if (chosen.length > 1) q(type, [p.code, chosen.join(',')]);
  const other = refs.filter((r) => !/^[A-Z][A-Za-z]+\/[^/]+$/.test(r));
  for (const r of pick(other, (x) => x, 1)) q(type, [p.code, escapeValue(r)]);
  q(type, [p.code, `${(p.targets ?? ['Patient'])[0]}/no-such-id`]);
}

function uriQueries(type: string, p: IndexedParam, uris: string[], q: Add): void {
  for (const u of pick(uris, (x) => x, 2)) {
    q(type, [p.code, escapeValue(u)]);
    const cut = u.lastIndexOf('/');
    if (cut > 8) q(type, [`${p.code}:below`, escapeValue(u.slice(0, cut))]);
    q(type, [`${p.code}:above`, escapeValue(`${u}/sub/part`)]);
    q(type, [p.code, escapeValue(u.slice(0, -1))]);
  }
}

/** Sort keys for checking _sort order: the lowest value ascending, the highest descending (tokens by code, references as "Type/id"). */
export function sortKeyOf(oracle: Oracle, r: Resource, p: IndexedParam, descending: boolean): string | number | undefined {
  const tv = oracle.values(r, p.code);
  let keys: (string | number)[][] = [];
  switch (p.type) {
    case 'date':
      keys = toDates(tv).map((d) => [d.lo, d.hi]);
      break;
    case 'string':
      keys = toStrings(tv).map((s) => [normalize(s)]);
      break;
    case 'token':
      keys = toTokens(tv).filter((t) => t.code !== undefined).map((t) => [t.code as string]);
      break;
    case 'number':
      keys = toNumbers(tv).map((n) => [n.lo, n.hi]);
      break;
    case 'quantity':
      keys = toQuantities(tv).map((n) => [n.lo, n.hi]);
      break;
    case 'reference':
      keys = oracle.references(tv).map((ref) => [ref]);
      break;
    case 'uri':
      keys = tv.map((t) => t.value).filter((u): u is string => typeof u === 'string').map((u) => [u]);
      break;
    default:
      throw new Error(`sort on ${p.type}`);
  }
  if (keys.length === 0) return undefined;
  const ends = keys.map((k) => (descending ? k[k.length - 1] : k[0]));
  return ends.reduce((a, b) => (descending ? (b > a ? b : a) : b < a ? b : a));
}
