import { evalFhirPathTyped, parseFhirPath, toTypedValue, type FhirPathAtom, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { evalParam, getIndexedParams, getParamByUrl, presentRoots, type IndexedParam } from '../fhir/definitions.js';
import { extractDates } from './params/date.js';
import { extractGeo } from './params/geo.js';
import { extractNumbers } from './params/number.js';
import { extractQuantities } from './params/quantity.js';
import { extractReferences } from './params/reference.js';
import { extractStrings } from './params/string.js';
import { extractIdentifierTypes, extractReferenceIdentifiers, extractTokens } from './params/token.js';
import { extractUris } from './params/uri.js';
import { encodeNumber, SORT_ROW_TYPES, SortKeys } from './sortkey.js';
import { canonicalize, UCUM_SYSTEM } from './ucum.js';

/**
 * Turns a resource into search-index rows: every search parameter of its type is evaluated from its FHIRPath
 * expression and its values land in the table of the parameter's type. No per-parameter code: a
 * SearchParameter added at run time is indexed the same way.
 *
 * Extra rows under derived codes serve modifiers: `code:of-type` (identifier type + value) and
 * `code:identifier` (Reference.identifier) in sp_token. A composite parameter's components are stored
 * under `code#0`, `code#1`, … in their own types' tables, the components of one tuple sharing `grp`.
 */
export interface IndexRows {
  // Every row: resource type, id, parameter code, …values, grp (composite group or null).
  token: unknown[][]; // system, value, display
  string: unknown[][]; // norm, value
  reference: unknown[][]; // target type, target id, url
  date: unknown[][]; // lo, hi
  number: unknown[][]; // lo, hi
  quantity: unknown[][]; // system, unit, lo, hi, canonical unit, canonical lo, canonical hi
  uri: unknown[][]; // value
  geo: unknown[][]; // lat, lon
  sort: unknown[][]; // lo key, hi key
}

export function emptyIndexRows(): IndexRows {
  return { token: [], string: [], reference: [], date: [], number: [], quantity: [], uri: [], geo: [], sort: [] };
}

/** `only`: index just these parameter codes (in-memory search of package resources, search/memory.ts). */
export function indexResource(resource: Resource, rows: IndexRows, baseUrl?: string, only?: ReadonlySet<string>): void {
  const rt = resource.resourceType;
  const id = resource.id as string;
  const typed = toTypedValue(resource);
  const vars = { '%resource': typed, '%rootResource': typed };
  const sort = new SortKeys();
  let group = 0;
  // A parameter whose paths start from elements the resource does not have gives nothing: not evaluated.
  const present = presentRoots(resource);
  for (const p of getIndexedParams(rt)) {
    if (p.code === '_id' || p.code === '_lastUpdated' || (only && !only.has(p.code))) continue;
    if (p.roots && !p.roots.some((r) => present.has(r))) continue;
    if (p.componentRoots?.some((roots) => !roots.some((r) => present.has(r)))) continue;
    let values: TypedValue[];
    try {
      values = evalParam(p, typed, vars);
    } catch {
      continue; // an expression the engine cannot evaluate on this instance indexes nothing
    }
    if (values.length === 0) continue;
    if (p.type === 'composite') {
      for (const v of values) indexComposite(rt, id, p, v, ++group, rows, vars, baseUrl);
      continue;
    }
    addValues(rt, id, p.code, p.type, values, null, rows, baseUrl, SORT_ROW_TYPES.has(p.type) ? sort : undefined);
  }
  for (const [code, k] of sort.entries()) rows.sort.push([rt, id, code, k.lo, k.hi]);
}

function addValues(
  rt: string,
  id: string,
  code: string,
  type: string,
  values: TypedValue[],
  grp: number | null,
  rows: IndexRows,
  baseUrl: string | undefined,
  sort?: SortKeys,
): void {
  switch (type) {
    case 'token':
      for (const t of extractTokens(values)) {
        rows.token.push([rt, id, code, t.system, t.value, t.display, grp]);
        sort?.add(code, t.value);
      }
      if (grp === null) {
        for (const t of extractIdentifierTypes(values)) rows.token.push([rt, id, `${code}:of-type`, t.system, t.value, null, null]);
      }
      break;
    case 'string':
      for (const s of extractStrings(values)) {
        rows.string.push([rt, id, code, s.norm, s.value, grp]);
        sort?.add(code, s.norm);
      }
      break;
    case 'reference':
      for (const r of extractReferences(values, baseUrl)) {
        rows.reference.push([rt, id, code, r.targetType, r.targetId, r.url, grp]);
        sort?.add(code, r.targetType ? `${r.targetType}/${r.targetId}` : r.url);
      }
      if (grp === null) {
        for (const t of extractReferenceIdentifiers(values)) rows.token.push([rt, id, `${code}:identifier`, t.system, t.value, null, null]);
      }
      break;
    case 'date':
      for (const d of extractDates(values)) {
        rows.date.push([rt, id, code, d.lo, d.hi, grp]);
        sort?.add(code, d.lo, d.hi);
      }
      break;
    case 'number':
      for (const n of extractNumbers(values)) {
        rows.number.push([rt, id, code, n.lo, n.hi, grp]);
        sort?.add(code, n.lo === null ? undefined : encodeNumber(n.lo), n.hi === null ? undefined : encodeNumber(n.hi));
      }
      break;
    case 'quantity':
      for (const q of extractQuantities(values)) {
        const lo = q.lo !== null && q.unit && (q.system === UCUM_SYSTEM || q.system === null) ? canonicalize(q.lo, q.unit) : undefined;
        const hi = q.hi !== null && q.unit && (q.system === UCUM_SYSTEM || q.system === null) ? canonicalize(q.hi, q.unit) : undefined;
        const cUnit = lo?.unit ?? hi?.unit ?? null;
        rows.quantity.push([rt, id, code, q.system, q.unit, q.lo, q.hi, cUnit, lo?.value ?? null, hi?.value ?? null, grp]);
        sort?.add(code, q.lo === null ? undefined : encodeNumber(q.lo), q.hi === null ? undefined : encodeNumber(q.hi));
      }
      break;
    case 'uri':
      for (const u of extractUris(values)) {
        rows.uri.push([rt, id, code, u, grp]);
        sort?.add(code, u);
      }
      break;
    case 'special':
      for (const g of extractGeo(values)) rows.geo.push([rt, id, code, g.lat, g.lon]);
      break;
  }
}

function indexComposite(
  rt: string,
  id: string,
  p: IndexedParam,
  value: TypedValue,
  grp: number,
  rows: IndexRows,
  vars: Record<string, TypedValue>,
  baseUrl: string | undefined,
): void {
  // A tuple is indexed only when each of its components has a value: a composite search names every component,
  // so a tuple without one can never match (Observation's code-value-concept on a reading with a valueQuantity is
  // the code alone: three such rows per Observation, a fifth of a lab result's index, went unused), and
  // :missing=false means a whole tuple is there.
  const components = p.definition.component ?? [];
  const tuple = emptyIndexRows();
  for (const [i, c] of components.entries()) {
    const def = c.definition ? getParamByUrl(c.definition) : undefined;
    if (!def?.type || !c.expression) return;
    let values: TypedValue[];
    try {
      values = evalFhirPathTyped(componentAtom(c.expression), [value], vars);
    } catch {
      return;
    }
    if (values.length === 0) return;
    const before = rowCount(tuple);
    addValues(rt, id, `${p.code}#${i}`, def.type, values, grp, tuple, baseUrl);
    if (rowCount(tuple) === before) return;
  }
  for (const t of Object.keys(tuple) as (keyof IndexRows)[]) for (const r of tuple[t]) rows[t].push(r);
}

/** Component expressions parsed once (a string given to evalFhirPathTyped is parsed at every call). */
const componentAtoms = new Map<string, FhirPathAtom>();
function componentAtom(expression: string): FhirPathAtom {
  let atom = componentAtoms.get(expression);
  if (!atom) componentAtoms.set(expression, (atom = parseFhirPath(expression)));
  return atom;
}

function rowCount(rows: IndexRows): number {
  let n = 0;
  for (const t of Object.keys(rows) as (keyof IndexRows)[]) n += rows[t].length;
  return n;
}
