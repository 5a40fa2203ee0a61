import type { Queryable } from '../db/database.js';
import { FhirError } from '../fhir/outcome.js';
import { parseLocalReference } from '../search/params/reference.js';
import type { PendingWrite } from './types.js';

/**
 * Referential integrity on write (HAPI's default): every local reference (Type/id, or our own base URL) must
 * point to a resource that exists and is not deleted, either already stored or staged in the same transaction.
 */
export async function checkReferences(
  tx: Queryable,
  batch: PendingWrite[],
  staged: Map<string, PendingWrite>,
  baseUrl: string,
): Promise<void> {
  const wanted = new Map<string, string>(); // "Type/id" → original reference text
  for (const w of batch) {
    if (!w.resource || w.method === 'DELETE') continue;
    collectReferences(w.resource, (ref) => {
      const local = parseLocalReference(ref, baseUrl);
      if (!local) return;
      const key = `${local.type}/${local.id}`;
      const s = staged.get(key);
      if (s) {
        if (s.method === 'DELETE') throw new FhirError(400, 'invalid', 'invalidReference', [ref]);
        return;
      }
      if (!wanted.has(key)) wanted.set(key, ref);
    });
  }
  if (wanted.size === 0) return;
  const keys = [...wanted.keys()];
  const { rows } = await tx.query<{ k: string }>(
    `SELECT r.res_type || '/' || r.res_id AS k FROM resource r
     JOIN (SELECT split_part(k, '/', 1) AS t, split_part(k, '/', 2) AS i FROM unnest($1::text[]) k) w ON r.res_type = w.t AND r.res_id = w.i
     WHERE NOT r.deleted`,
    [keys],
    'hms_check_references',
  );
  const found = new Set(rows.map((r) => r.k));
  for (const k of keys) {
    if (!found.has(k)) throw new FhirError(400, 'invalid', 'invalidReference', [wanted.get(k) as string]);
  }
}

/** Calls fn with every Reference.reference string in a resource (contained resources included, '#' refs skipped). */
export function collectReferences(node: unknown, fn: (ref: string) => void): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (Array.isArray(cur)) {
      for (const x of cur) if (x && typeof x === 'object') stack.push(x);
    } else if (cur && typeof cur === 'object') {
      for (const [k, v] of Object.entries(cur)) {
        if (k === 'reference' && typeof v === 'string') {
          if (!v.startsWith('#') && !v.startsWith('urn:')) fn(v);
        } else if (v && typeof v === 'object') stack.push(v);
      }
    }
  }
}
