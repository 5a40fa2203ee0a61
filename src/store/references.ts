import type { Queryable } from '../db/database.js';
import { FhirError } from '../fhir/outcome.js';
import { parseLocalReference } from '../search/params/reference.js';
import type { PendingWrite } from './types.js';
import { forEachReference } from '../fhir/references.js';

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
    if (!w.resource || w.method === 'DELETE' || w.trustedReferences) continue;
    const inBundle = bundledKeys(w.resource);
    forEachReference(w.resource, (ref) => {
      if (ref.startsWith('#') || ref.startsWith('urn:')) return;
      const local = parseLocalReference(ref, baseUrl);
      if (!local) return;
      const key = `${local.type}/${local.id}`;
      // a stored Bundle (a document, a collection) carries its own targets: its references resolve inside it
      if (inBundle?.has(key)) return;
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

/** `Type/id` of the resources a stored Bundle carries in its entries (undefined for other resources). */
function bundledKeys(resource: { resourceType?: string }): Set<string> | undefined {
  if (resource.resourceType !== 'Bundle') return undefined;
  const keys = new Set<string>();
  for (const e of (resource as { entry?: { resource?: { resourceType?: unknown; id?: unknown } }[] }).entry ?? []) {
    if (e?.resource && typeof e.resource.resourceType === 'string' && typeof e.resource.id === 'string') keys.add(`${e.resource.resourceType}/${e.resource.id}`);
  }
  return keys;
}
