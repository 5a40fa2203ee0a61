import { evalFhirPathTyped, toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { getIndexedParam, getParamByUrl, loadDefinitions, type IndexedParam } from '../../src/fhir/definitions.js';

/**
 * An in-memory search oracle written from the FHIR R4 search specification (search.html), independent of the
 * server's SQL: it evaluates each SearchParameter's FHIRPath expression on the resource (the only thing shared
 * with the server is the parameter registry and the FHIRPath engine) and applies the spec's matching rules
 * for every parameter type, prefix and modifier, chains and _has.
 *
 * Spec rules applied (R4 search.html):
 * - parameters are ANDed, comma-separated values ORed (§2.1.1.3); \, \| \$ \\ escape (§2.1.1.4)
 * - number/date/quantity: eq/ne/gt/lt/ge/le/sa/eb as range relations, the search value covering the implicit
 *   range of its precision (§2.1.1.5.1/2/3, the prefix table)
 * - string: case- and accent-insensitive "equals or starts with"; :exact exact; :contains anywhere (§2.1.1.5.4)
 * - token: [code], [system]|[code], |[code], [system]|; :not (includes resources without a value), :text
 * - reference: [type]/[id], [id], absolute URL, canonical (url or url|version); :[type]
 * - :missing on every type
 */
export type Key = string; // "Type/id"

export class Oracle {
  readonly byKey = new Map<Key, Resource>();
  readonly byType = new Map<string, Resource[]>();
  private cache = new Map<string, TypedValue[]>();

  constructor(resources: Resource[], readonly baseUrl: string) {
    loadDefinitions();
    for (const r of resources) {
      this.byKey.set(`${r.resourceType}/${r.id}`, r);
      let list = this.byType.get(r.resourceType);
      if (!list) this.byType.set(r.resourceType, (list = []));
      list.push(r);
    }
  }

  /** Keys of the resources of `types` matching every (name, value) pair. */
  search(types: string[], query: [string, string][]): Set<Key> {
    const out = new Set<Key>();
    for (const type of types) {
      for (const r of this.byType.get(type) ?? []) {
        if (query.every(([name, value]) => this.matches(r, name, value))) out.add(key(r));
      }
    }
    return out;
  }

  /** The values of parameter `code` on resource r (FHIRPath of the SearchParameter). */
  values(r: Resource, code: string): TypedValue[] {
    const p = getIndexedParam(r.resourceType, code);
    if (!p) throw new Error(`oracle: no parameter ${r.resourceType}.${code}`);
    return this.eval(r, p);
  }

  private eval(r: Resource, p: IndexedParam): TypedValue[] {
    const k = `${r.resourceType}/${r.id}#${p.code}`;
    let v = this.cache.get(k);
    if (!v) {
      const typed = toTypedValue(r);
      try {
        v = evalFhirPathTyped(p.expression, [typed], { '%resource': typed, '%rootResource': typed });
      } catch {
        v = [];
      }
      this.cache.set(k, v);
    }
    return v;
  }

  matches(r: Resource, name: string, value: string): boolean {
    if (name.startsWith('_has:')) {
      const m = /^_has:([A-Za-z]+):([^:]+):(.+)$/.exec(name);
      if (!m) throw new Error(`oracle: bad _has ${name}`);
      const [, sourceType, via, rest] = m;
      return (this.byType.get(sourceType) ?? []).some(
        (s) => this.referenceTargets(s, via).some((t) => t === key(r)) && this.matches(s, rest, value),
      );
    }
    const dot = name.indexOf('.');
    if (dot > 0) {
      const [via, typeModifier] = name.slice(0, dot).split(':');
      const rest = name.slice(dot + 1);
      return this.referenceTargets(r, via).some((t) => {
        const target = this.byKey.get(t);
        if (!target || (typeModifier && target.resourceType !== typeModifier)) return false;
        if (!getIndexedParam(target.resourceType, rest.split(/[.:]/)[0]) && !rest.startsWith('_')) return false;
        return this.matches(target, rest, value);
      });
    }
    const [code, modifier] = splitOnce(name, ':');
    const values = splitComma(value);
    if (code === '_id') return values.map(unescapeValue).includes(r.id as string);
    if (code === '_lastUpdated') {
      const t = parseDate(r.meta?.lastUpdated as string);
      if (!t) return false;
      return values.some((v) => dateMatches([t], v));
    }
    const p = getIndexedParam(r.resourceType, code);
    if (!p) throw new Error(`oracle: no parameter ${r.resourceType}.${code}`);
    const tv = this.eval(r, p);
    if (modifier === 'missing') {
      const present = this.present(r, p, tv);
      return value === 'true' ? !present : present;
    }
    switch (p.type) {
      case 'token': {
        const tokens = toTokens(tv);
        if (modifier === 'text') return values.some((v) => tokens.some((t) => t.text.some((x) => startsWithNorm(x, unescapeValue(v)))));
        const any = values.some((v) => tokens.some((t) => tokenMatches(t, v)));
        if (modifier === 'not') return !any;
        if (modifier) throw new Error(`oracle: token modifier ${modifier}`);
        return any;
      }
      case 'string': {
        const strings = toStrings(tv);
        return values.some((v) => strings.some((s) => stringMatches(s, unescapeValue(v), modifier)));
      }
      case 'uri': {
        const uris = tv.map((t) => t.value).filter((x): x is string => typeof x === 'string');
        return values.some((v) => {
          const u = unescapeValue(v);
          if (modifier === 'below') return uris.some((x) => x.startsWith(u));
          if (modifier === 'above') return uris.some((x) => u.startsWith(x));
          if (modifier) throw new Error(`oracle: uri modifier ${modifier}`);
          return uris.includes(u);
        });
      }
      case 'reference': {
        const refs = this.references(tv);
        return values.some((v) => refs.some((ref) => referenceMatches(ref, unescapeValue(v), modifier)));
      }
      case 'date':
        return values.some((v) => dateMatches(toDates(tv), v));
      case 'number':
        return values.some((v) => toNumbers(tv).some((n) => numberMatches(n, v)));
      case 'quantity':
        return values.some((v) => toQuantities(tv).some((q) => quantityMatches(q, v)));
      case 'composite':
        return values.some((v) => this.compositeMatches(r, p, tv, v));
      default:
        throw new Error(`oracle: parameter type ${p.type}`);
    }
  }

  /** :missing — the spec: "a value for the parameter is present"; only values that index as that type count. */
  private present(r: Resource, p: IndexedParam, tv: TypedValue[]): boolean {
    switch (p.type) {
      case 'token':
        return toTokens(tv).length > 0;
      case 'string':
        return toStrings(tv).length > 0;
      case 'reference':
        return this.references(tv).length > 0;
      case 'date':
        return toDates(tv).length > 0;
      case 'number':
        return toNumbers(tv).length > 0;
      case 'quantity':
        return toQuantities(tv).length > 0;
      case 'composite': {
        // a whole tuple: every component has a value of its type
        const typed = toTypedValue(r);
        return tv.some((group) =>
          (p.definition.component ?? []).every((c) => {
            const def = getParamByUrl(c.definition as string);
            if (!def?.type || !c.expression) return false;
            const cv = evalFhirPathTyped(c.expression, [group], { '%resource': typed, '%rootResource': typed });
            return this.present(r, { ...p, type: def.type } as IndexedParam, cv);
          }),
        );
      }
      default:
        return tv.length > 0;
    }
  }

  private compositeMatches(r: Resource, p: IndexedParam, tv: TypedValue[], v: string): boolean {
    const parts = splitDollar(v);
    const comps = p.definition.component ?? [];
    if (parts.length !== comps.length) throw new Error(`oracle: composite arity ${v}`);
    const typed = toTypedValue(r);
    return tv.some((group) =>
      comps.every((c, i) => {
        const def = getParamByUrl(c.definition as string);
        const cv = evalFhirPathTyped(c.expression, [group], { '%resource': typed, '%rootResource': typed });
        switch (def?.type) {
          case 'token':
            return toTokens(cv).some((t) => tokenMatches(t, parts[i]));
          case 'quantity':
            return toQuantities(cv).some((q) => quantityMatches(q, parts[i]));
          case 'date':
            return dateMatches(toDates(cv), parts[i]);
          case 'string':
            return toStrings(cv).some((s) => stringMatches(s, unescapeValue(parts[i]), undefined));
          default:
            throw new Error(`oracle: composite component type ${def?.type}`);
        }
      }),
    );
  }

  /** Reference strings of a parameter's values: local ones as "Type/id", others as written. */
  references(tv: TypedValue[]): string[] {
    const out: string[] = [];
    for (const { value } of tv) {
      const ref = typeof value === 'string' ? value : value?.reference;
      if (typeof ref !== 'string' || ref.startsWith('#')) continue;
      out.push(this.localize(ref));
    }
    return out;
  }

  localize(ref: string): string {
    let r = ref.startsWith(this.baseUrl + '/') ? ref.slice(this.baseUrl.length + 1) : ref;
    r = r.replace(/\/_history\/[^/]+$/, '');
    return r;
  }

  /** Keys of the stored resources the reference parameter `code` of r points to. */
  referenceTargets(r: Resource, code: string): Key[] {
    const p = getIndexedParam(r.resourceType, code);
    if (!p || p.type !== 'reference') return [];
    return this.references(this.eval(r, p)).filter((k) => this.byKey.has(k));
  }
}

export function key(r: Resource): Key {
  return `${r.resourceType}/${r.id}`;
}

// ---------------------------------------------------------------- helpers

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Splits on unescaped commas, keeping escapes (they are removed per part). */
export function splitComma(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) cur += raw[i] + raw[++i];
    else if (raw[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += raw[i];
  }
  out.push(cur);
  return out;
}

function splitDollar(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) cur += raw[i] + raw[++i];
    else if (raw[i] === '$') {
      out.push(cur);
      cur = '';
    } else cur += raw[i];
  }
  out.push(cur);
  return out;
}

/** Splits on the first unescaped |. */
function splitBar(raw: string): string[] {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '|') return [unescapeValue(raw.slice(0, i)), ...splitBar(raw.slice(i + 1))];
  }
  return [unescapeValue(raw)];
}

export function unescapeValue(s: string): string {
  return s.replace(/\\([,$|\\])/g, '$1');
}

export function escapeValue(s: string): string {
  return s.replace(/[\\,$|]/g, (c) => '\\' + c);
}

export function normalize(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function startsWithNorm(text: string, v: string): boolean {
  return normalize(text).startsWith(normalize(v));
}

// ---------------------------------------------------------------- token

export interface Token {
  system?: string;
  code?: string;
  /** texts for :text (CodeableConcept.text, Coding.display, Identifier.type.text) */
  text: string[];
}

export function toTokens(tv: TypedValue[]): Token[] {
  const out: Token[] = [];
  for (const { type, value } of tv) {
    if (value === undefined || value === null) continue;
    switch (type) {
      case 'Coding':
        out.push({ system: value.system, code: value.code, text: value.display ? [value.display] : [] });
        break;
      case 'CodeableConcept':
        for (const c of value.coding ?? []) out.push({ system: c.system, code: c.code, text: c.display ? [c.display] : [] });
        if (value.text) out.push({ text: [value.text] });
        break;
      case 'Identifier':
        out.push({ system: value.system, code: value.value, text: value.type?.text ? [value.type.text] : [] });
        break;
      case 'ContactPoint':
        out.push({ system: value.system, code: value.value, text: [] });
        break;
      case 'boolean':
        out.push({ code: value ? 'true' : 'false', text: [] });
        break;
      default:
        if (typeof value === 'string' || typeof value === 'number') out.push({ code: String(value), text: [] });
        else if (typeof value === 'object' && typeof value.code === 'string') out.push({ system: value.system, code: value.code, text: value.unit ? [value.unit] : [] });
    }
  }
  return out.filter((t) => t.code !== undefined || t.text.length > 0);
}

function tokenMatches(t: Token, raw: string): boolean {
  const parts = splitBar(raw);
  if (parts.length === 1) return t.code === parts[0];
  const [system, code] = parts;
  if (system === '') return !t.system && t.code === code;
  if (code === '') return t.system === system;
  return t.system === system && t.code === code;
}

// ---------------------------------------------------------------- string

const NAME_PARTS = ['text', 'family', 'given', 'prefix', 'suffix'];
const ADDRESS_PARTS = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'];

export function toStrings(tv: TypedValue[]): string[] {
  const out: string[] = [];
  const push = (v: unknown): void => {
    if (typeof v === 'string' && v !== '') out.push(v);
  };
  for (const { type, value } of tv) {
    if (value === undefined || value === null) continue;
    if (type === 'HumanName' || type === 'Address') {
      for (const part of type === 'HumanName' ? NAME_PARTS : ADDRESS_PARTS) {
        const v = value[part];
        if (Array.isArray(v)) v.forEach(push);
        else push(v);
      }
    } else if (typeof value === 'string') push(value);
    else if (type === 'Annotation') push(value.text);
  }
  return out;
}

function stringMatches(s: string, v: string, modifier: string | undefined): boolean {
  if (modifier === 'exact') return s === v;
  if (modifier === 'contains') return normalize(s).includes(normalize(v));
  if (modifier) throw new Error(`oracle: string modifier ${modifier}`);
  return normalize(s).startsWith(normalize(v));
}

// ---------------------------------------------------------------- reference

function referenceMatches(ref: string, v: string, modifier: string | undefined): boolean {
  const typeModifier = modifier && /^[A-Z]/.test(modifier) ? modifier : undefined;
  if (modifier && !typeModifier) throw new Error(`oracle: reference modifier ${modifier}`);
  if (/^[A-Z][A-Za-z]+\/[^/]+$/.test(v)) return ref === v;
  if (!v.includes('/') && !v.includes(':')) {
    // [id]: any reference to a resource with that id (of the given type with :[type])
    const m = /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(ref);
    return !!m && m[2] === v && (!typeModifier || m[1] === typeModifier);
  }
  // absolute URL or canonical: equal, or canonical url matching url|version
  return ref === v || (!v.includes('|') && ref.startsWith(v + '|'));
}

// ---------------------------------------------------------------- date

/** [lo, hi) in ms since the epoch; open ends are ±Infinity. */
export interface Range {
  lo: number;
  hi: number;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export function parseDate(text: string): Range | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const Y = Number(y);
  if (mo === undefined) return { lo: Date.UTC(Y, 0, 1), hi: Date.UTC(Y + 1, 0, 1) };
  if (d === undefined) return { lo: Date.UTC(Y, Number(mo) - 1, 1), hi: Date.UTC(Y, Number(mo), 1) };
  if (h === undefined) return { lo: Date.UTC(Y, Number(mo) - 1, Number(d)), hi: Date.UTC(Y, Number(mo) - 1, Number(d) + 1) };
  const off = tz && tz !== 'Z' ? (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000 : 0;
  const base = Date.UTC(Y, Number(mo) - 1, Number(d), Number(h), Number(mi), s === undefined ? 0 : Number(s)) - off;
  if (s === undefined) return { lo: base, hi: base + 60_000 };
  if (!frac) return { lo: base, hi: base + 1000 };
  const digits = frac.length - 1;
  const lo = base + Math.floor(Number(frac) * 1000);
  return { lo, hi: lo + (digits >= 3 ? 1 : 10 ** (3 - digits)) };
}

export function toDates(tv: TypedValue[]): Range[] {
  const out: Range[] = [];
  for (const { type, value } of tv) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      const r = parseDate(value);
      if (r) out.push(r);
    } else if (type === 'Period') {
      const s = value.start ? parseDate(value.start) : undefined;
      const e = value.end ? parseDate(value.end) : undefined;
      if (s || e) out.push({ lo: s?.lo ?? -Infinity, hi: e?.hi ?? Infinity });
    } else if (type === 'Timing') {
      for (const ev of value.event ?? []) {
        const r = parseDate(ev);
        if (r) out.push(r);
      }
    }
  }
  return out;
}

const PREFIX_RE = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=[-+0-9.])/;

function splitPrefix(v: string): [string, string] {
  const m = PREFIX_RE.exec(v);
  return m ? [m[1], v.slice(2)] : ['eq', v];
}

/**
 * The prefix table of search.html §2.1.1.4 (Comparators) over ranges: t is the target's range, s the search value's.
 * ge/le are "gt/lt, or the search range fully contains the target range".
 */
export function rangeRelation(prefix: string, t: Range, s: Range): boolean {
  const contains = t.lo >= s.lo && t.hi <= s.hi;
  switch (prefix) {
    case 'eq':
      return contains;
    case 'ne':
      return !contains;
    case 'gt':
      return t.hi > s.hi;
    case 'lt':
      return t.lo < s.lo;
    case 'ge':
      return t.hi > s.hi || contains;
    case 'le':
      return t.lo < s.lo || contains;
    case 'sa':
      return t.lo >= s.hi;
    case 'eb':
      return t.hi <= s.lo;
    default:
      throw new Error(`oracle: prefix ${prefix}`);
  }
}

function dateMatches(dates: Range[], v: string): boolean {
  const [prefix, rest] = splitPrefix(v);
  const s = parseDate(rest);
  if (!s) throw new Error(`oracle: bad date ${v}`);
  return dates.some((t) => rangeRelation(prefix, t, s));
}

// ---------------------------------------------------------------- number & quantity

export interface NumRange {
  lo: number;
  hi: number;
}

export function toNumbers(tv: TypedValue[]): NumRange[] {
  const out: NumRange[] = [];
  for (const { type, value } of tv) {
    if (typeof value === 'number') out.push({ lo: value, hi: value });
    else if (type === 'Range' && value) out.push({ lo: value.low?.value ?? -Infinity, hi: value.high?.value ?? Infinity });
    else if (value && typeof value.value === 'number') out.push({ lo: value.value, hi: value.value });
  }
  return out;
}

/** The implicit range of a search number: 100 is [99.5, 100.5), 1e2 is [50, 150), 100.0 is [99.95, 100.05). */
export function implicitRange(text: string): NumRange {
  const n = Number(text);
  const [mant, exp] = text.split(/[eE]/);
  const decimals = mant.includes('.') ? mant.split('.')[1].length : 0;
  const half = 0.5 * 10 ** (Number(exp ?? 0) - decimals);
  return { lo: n - half, hi: n + half };
}

/**
 * Number prefixes (search.html §2.1.1.5.1): eq/ne use the implicit range of the search value; the others compare
 * with the value itself ("the value for the parameter in the resource is greater than the provided value").
 */
function numberRelation(prefix: string, t: NumRange, text: string, convert: (x: number) => number = (x) => x): boolean {
  const v = convert(Number(text));
  const r = implicitRange(text);
  const [lo, hi] = [convert(r.lo), convert(r.hi)];
  switch (prefix) {
    case 'eq':
      return t.lo >= lo && t.hi < hi;
    case 'ne':
      return !(t.lo >= lo && t.hi < hi);
    case 'gt':
      return t.hi > v;
    case 'lt':
      return t.lo < v;
    case 'ge':
      return t.hi >= v;
    case 'le':
      return t.lo <= v;
    case 'sa':
      return t.lo > v;
    case 'eb':
      return t.hi < v;
    default:
      throw new Error(`oracle: prefix ${prefix}`);
  }
}

function numberMatches(t: NumRange, v: string): boolean {
  const [prefix, rest] = splitPrefix(v);
  return numberRelation(prefix, t, rest);
}

export interface Quant extends NumRange {
  system?: string;
  code?: string;
  unit?: string;
}

export function toQuantities(tv: TypedValue[]): Quant[] {
  const out: Quant[] = [];
  for (const { type, value } of tv) {
    if (!value || typeof value !== 'object') continue;
    if (type === 'Range') {
      const q = value.low ?? value.high;
      out.push({ system: q?.system, code: q?.code, unit: q?.unit, lo: value.low?.value ?? -Infinity, hi: value.high?.value ?? Infinity });
    } else if (typeof value.value === 'number') out.push({ system: value.system, code: value.code, unit: value.unit, lo: value.value, hi: value.value });
  }
  return out;
}

const UCUM = 'http://unitsofmeasure.org';

/** The few UCUM conversions the battery uses, to a base unit (search.html §2.1.1.5.3: canonical units). */
const TO_BASE: Record<string, [string, (x: number) => number]> = {
  Cel: ['K', (x) => x + 273.15],
  K: ['K', (x) => x],
  '[degF]': ['K', (x) => ((x - 32) * 5) / 9 + 273.15],
  kg: ['g', (x) => x * 1000],
  g: ['g', (x) => x],
  '[lb_av]': ['g', (x) => x * 453.59237],
  cm: ['m', (x) => x / 100],
  m: ['m', (x) => x],
  mm: ['m', (x) => x / 1000],
  '[in_i]': ['m', (x) => x * 0.0254],
};

/**
 * UCUM: an annotation {…} has no meaning of its own (a unit of only an annotation is the unity 1) and % is
 * 10^-2, so 10 {score} and 1000 % are the same canonical quantity — a server comparing in canonical units
 * (which R4 allows) matches across them.
 */
function toBase(code: string): [string, (x: number) => number] | undefined {
  if (TO_BASE[code]) return TO_BASE[code];
  if (code === '1' || /^\{[^}]*\}$/.test(code)) return ['1', (x) => x];
  if (code === '%') return ['1', (x) => x / 100];
  return undefined;
}

function quantityMatches(q: Quant, raw: string): boolean {
  const [num, system = '', code = ''] = splitBar(raw);
  const [prefix, rest] = splitPrefix(num);
  if (code && (system === UCUM || system === '') && toBase(code)) {
    const qCode = q.code ?? q.unit;
    const [searchBase, searchConv] = toBase(code) as [string, (x: number) => number];
    const qBase = qCode ? toBase(qCode) : undefined;
    if ((q.system === UCUM || !q.system) && qBase && qBase[0] === searchBase) {
      const conv = qBase[1];
      return numberRelation(prefix, { lo: conv(q.lo), hi: conv(q.hi) }, rest, searchConv);
    }
    return false;
  }
  if (system && q.system !== system) return false;
  if (code && q.code !== code && !(!system && q.unit === code)) return false;
  return numberRelation(prefix, q, rest);
}
