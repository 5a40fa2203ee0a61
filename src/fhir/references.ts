import type { Reference } from '@medplum/fhirtypes';

/**
 * Calls fn with every Reference.reference string in a resource (contained resources included) and the object
 * that holds it, so a caller can rewrite it in place.
 */
export function forEachReference(node: unknown, fn: (ref: string, holder: Record<string, unknown>) => void): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const cur = stack.pop();
    if (Array.isArray(cur)) {
      for (const x of cur) if (x && typeof x === 'object') stack.push(x);
    } else if (cur && typeof cur === 'object') {
      for (const [k, v] of Object.entries(cur)) {
        if (k === 'reference' && typeof v === 'string') fn(v, cur as Record<string, unknown>);
        else if (v && typeof v === 'object') stack.push(v);
      }
    }
  }
}

/** `Type/id` of a literal relative reference (optionally of one type); undefined otherwise. */
export function refKey(r: Reference | undefined, type?: string): string | undefined {
  const m = typeof r?.reference === 'string' ? /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(r.reference) : null;
  if (!m || (type && m[1] !== type)) return undefined;
  return `${m[1]}/${m[2]}`;
}
