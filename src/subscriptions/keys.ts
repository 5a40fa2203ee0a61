import { toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { evalParam, getIndexedParam } from '../fhir/definitions.js';
import type { Filter } from './model.js';

/**
 * Equality keys, so that thousands of subscriptions on one type with filters such as `patient=Patient/1`
 * or `identifier=sys|123` are found by a Map lookup instead of being evaluated one by one. A subscription is
 * indexed under one (parameter, key) of its filter; a change looks up the keys its resource yields for the
 * indexed parameters. Keys are generous on the resource side (code, system|code, Type/id, id, all
 * lower-cased): a spurious candidate is then checked with the full filter, a missed one would be a lost
 * notification.
 */
export function filterKey(type: string, filter: Filter): { code: string; key: string } | undefined {
  for (const f of filter.search.filters ?? []) {
    if (f.operator !== 'eq' || f.value.includes(',') || f.value === '') continue;
    const p = getIndexedParam(type, f.code);
    if (!p) continue;
    const value = f.value.toLowerCase();
    if (p.type === 'token') return { code: f.code, key: value };
    if (p.type === 'reference') {
      const m = /([A-Za-z]+\/[^/]+)$/.exec(value);
      return { code: f.code, key: m ? m[1] : value };
    }
  }
  return undefined;
}

/** The keys a resource yields for a parameter (token / reference), matching filterKey's normalisation. */
export function resourceKeys(resource: Resource, code: string): Set<string> {
  const keys = new Set<string>();
  const p = getIndexedParam(resource.resourceType, code);
  if (!p) return keys;
  const typed = toTypedValue(resource);
  let values: TypedValue[];
  try {
    values = evalParam(p, typed, { '%resource': typed, '%rootResource': typed });
  } catch {
    return keys;
  }
  const token = (system: string | undefined, value: unknown): void => {
    if (value === undefined || value === null) return;
    const v = String(value).toLowerCase();
    keys.add(v);
    keys.add(`${(system ?? '').toLowerCase()}|${v}`);
  };
  const reference = (ref: string | undefined): void => {
    if (!ref) return;
    const r = ref.toLowerCase().replace(/\/_history\/[^/]*$/, '');
    keys.add(r);
    const m = /([a-z]+\/([^/]+))$/.exec(r);
    if (m) {
      keys.add(m[1]);
      keys.add(m[2]);
    }
  };
  for (const v of values) {
    const x = v.value as Record<string, unknown> | string | number | boolean;
    if (x === null || x === undefined) continue;
    if (p.type === 'reference') {
      reference(typeof x === 'object' ? (x.reference as string | undefined) : String(x));
      continue;
    }
    if (typeof x !== 'object') {
      token(undefined, x);
      continue;
    }
    if (Array.isArray(x.coding)) for (const c of x.coding as Record<string, unknown>[]) token(c.system as string, c.code);
    if ('code' in x) token(x.system as string | undefined, x.code);
    if ('value' in x) token(x.system as string | undefined, x.value);
  }
  return keys;
}
