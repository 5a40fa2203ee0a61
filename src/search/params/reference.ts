import type { TypedValue } from '@medplum/core';

/** reference parameters: a local target as (type, id), anything else (absolute URL, canonical) as target_url. */
export interface ReferenceRow {
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}

const LOCAL_RE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export function parseLocalReference(ref: string, baseUrl?: string): { type: string; id: string } | undefined {
  let r = ref;
  if (baseUrl && r.startsWith(baseUrl + '/')) r = r.slice(baseUrl.length + 1);
  const m = LOCAL_RE.exec(r);
  return m ? { type: m[1], id: m[2] } : undefined;
}

export function extractReferences(values: TypedValue[], baseUrl?: string): ReferenceRow[] {
  const out: ReferenceRow[] = [];
  for (const { value } of values) {
    const ref = typeof value === 'string' ? value : value?.reference;
    if (typeof ref !== 'string' || ref.startsWith('#')) continue;
    const local = parseLocalReference(ref, baseUrl);
    out.push(local ? { targetType: local.type, targetId: local.id, url: null } : { targetType: null, targetId: null, url: ref });
  }
  return out;
}
