import { readBaseBundle } from '../fhir/base-bundles.js';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import { NATIVE_INVARIANTS } from './invariants.js';

/**
 * Keys of the error-severity invariants of the R4 base types and resources. @medplum/core's validateResource
 * evaluates these on every write (except the ones it skips: ele-1, dom-3, org-1, sdf-19), so the walker does
 * not evaluate them again. The ones evaluated natively (invariants.ts) are not among them.
 */
const MEDPLUM_SKIPS = new Set(['dom-3', 'org-1', 'sdf-19']);
let keys: Set<string> | undefined;

export function baseErrorConstraintKeys(): Set<string> {
  if (!keys) {
    keys = new Set();
    for (const file of ['profiles-types.json', 'profiles-resources.json']) {
      for (const e of readBaseBundle<Bundle<StructureDefinition>>(file).entry ?? []) {
        for (const el of e.resource?.snapshot?.element ?? []) {
          for (const c of el.constraint ?? []) if (c.key && c.severity === 'error' && !MEDPLUM_SKIPS.has(c.key) && !NATIVE_INVARIANTS.has(c.key)) keys.add(c.key);
        }
      }
    }
  }
  return keys;
}
