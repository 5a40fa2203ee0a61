import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { getIndexedParams } from '../fhir/definitions.js';
import { extractDates } from './params/date.js';
import { extractNumbers } from './params/number.js';
import { extractQuantities } from './params/quantity.js';
import { extractReferences } from './params/reference.js';
import { extractStrings } from './params/string.js';
import { extractTokens } from './params/token.js';
import { extractUris } from './params/uri.js';

/**
 * Turns a resource into search-index rows: every search parameter of its type is evaluated from its FHIRPath
 * expression and its values land in the table of the parameter's type. No per-parameter code.
 */
export interface IndexRows {
  // Every row starts with resource type, id and parameter code.
  token: [string, string, string, string | null, string | null, string | null][]; // system, value, display
  string: [string, string, string, string, string][]; // norm, value
  reference: [string, string, string, string | null, string | null, string | null][]; // target type, target id, url
  date: [string, string, string, string, string][]; // lo, hi
  number: [string, string, string, number | null, number | null][]; // lo, hi
  quantity: [string, string, string, string | null, string | null, number | null, number | null][]; // system, unit, lo, hi
  uri: [string, string, string, string][]; // value
}

export function emptyIndexRows(): IndexRows {
  return { token: [], string: [], reference: [], date: [], number: [], quantity: [], uri: [] };
}

export function indexResource(resource: Resource, rows: IndexRows, baseUrl?: string): void {
  const rt = resource.resourceType;
  const id = resource.id as string;
  const typed = toTypedValue(resource);
  const input = [typed];
  const vars = { '%resource': typed, '%rootResource': typed };
  for (const p of getIndexedParams(resource.resourceType)) {
    if (p.type === 'composite' || p.type === 'special' || p.code === '_id' || p.code === '_lastUpdated') continue;
    let values;
    try {
      values = evalFhirPathTyped(p.atom, input, vars);
    } catch {
      continue; // an expression the engine cannot evaluate on this instance indexes nothing
    }
    if (values.length === 0) continue;
    switch (p.type) {
      case 'token':
        for (const t of extractTokens(values)) rows.token.push([rt, id, p.code, t.system, t.value, t.display]);
        break;
      case 'string':
        for (const s of extractStrings(values)) rows.string.push([rt, id, p.code, s.norm, s.value]);
        break;
      case 'reference':
        for (const r of extractReferences(values, baseUrl)) rows.reference.push([rt, id, p.code, r.targetType, r.targetId, r.url]);
        break;
      case 'date':
        for (const d of extractDates(values)) rows.date.push([rt, id, p.code, d.lo, d.hi]);
        break;
      case 'number':
        for (const n of extractNumbers(values)) rows.number.push([rt, id, p.code, n.lo, n.hi]);
        break;
      case 'quantity':
        for (const q of extractQuantities(values)) rows.quantity.push([rt, id, p.code, q.system, q.unit, q.lo, q.hi]);
        break;
      case 'uri':
        for (const u of extractUris(values)) rows.uri.push([rt, id, p.code, u]);
        break;
    }
  }
}
