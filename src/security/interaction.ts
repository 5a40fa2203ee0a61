import { listOperations } from '../operations/registry.js';
import type { FhirRequest } from '../rest/request.js';
import type { Op } from './scopes.js';

/**
 * What a FhirRequest asks for, in the terms of access control and audit: the FHIR interaction, the resource
 * type and id, the scope letter it needs (c r u d s) and the audit action (C R U D E).
 */
export interface Interaction {
  code:
    | 'metadata' | 'batch' | 'search-system' | 'search-type' | 'history-system' | 'history-type' | 'history-instance'
    | 'create' | 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'conditional-update' | 'conditional-patch' | 'conditional-delete'
    | 'operation' | 'unknown';
  type?: string;
  id?: string;
  op?: Op;
  operation?: string;
  action: 'C' | 'R' | 'U' | 'D' | 'E';
}

export function classify(method: string, path: string): Interaction {
  const m = method === 'HEAD' ? 'GET' : method;
  const parts = segments(path);
  const [a, b, c] = parts;
  const operation = (segment: string, type?: string, id?: string): Interaction => {
    const name = segment.slice(1);
    const def = listOperations().find((o) => o.name === name);
    const op: Op = m === 'GET' || (def && !def.affectsState) ? 'r' : 'u';
    return { code: 'operation', operation: name, type, id, op, action: 'E' };
  };
  if (parts.length === 0) return m === 'POST' ? { code: 'batch', action: 'E' } : { code: 'search-system', op: 's', action: 'R' };
  if (parts.length === 1) {
    if (a === 'metadata') return { code: 'metadata', action: 'R' };
    if (a === '_search') return { code: 'search-system', op: 's', action: 'R' };
    if (a === '_history') return { code: 'history-system', op: 's', action: 'R' };
    if (a.startsWith('$')) return operation(a);
    switch (m) {
      case 'GET':
        return { code: 'search-type', type: a, op: 's', action: 'R' };
      case 'POST':
        return { code: 'create', type: a, op: 'c', action: 'C' };
      case 'PUT':
        return { code: 'conditional-update', type: a, op: 'u', action: 'U' };
      case 'PATCH':
        return { code: 'conditional-patch', type: a, op: 'u', action: 'U' };
      case 'DELETE':
        return { code: 'conditional-delete', type: a, op: 'd', action: 'D' };
    }
    return { code: 'unknown', type: a, action: 'E' };
  }
  if (parts.length === 2) {
    if (b === '_search') return { code: 'search-type', type: a, op: 's', action: 'R' };
    if (b === '_history') return { code: 'history-type', type: a, op: 's', action: 'R' };
    if (b.startsWith('$')) return operation(b, a);
    switch (m) {
      case 'GET':
        return { code: 'read', type: a, id: b, op: 'r', action: 'R' };
      case 'PUT':
        return { code: 'update', type: a, id: b, op: 'u', action: 'U' };
      case 'PATCH':
        return { code: 'patch', type: a, id: b, op: 'u', action: 'U' };
      case 'DELETE':
        return { code: 'delete', type: a, id: b, op: 'd', action: 'D' };
    }
    return { code: 'unknown', type: a, id: b, action: 'E' };
  }
  if (parts.length === 3 && c.startsWith('$')) return operation(c, a, b);
  if (c === '_history') return { code: parts.length === 3 ? 'history-instance' : 'vread', type: a, id: b, op: 'r', action: 'R' };
  return { code: 'unknown', type: a, id: b, action: 'E' };
}

/** The non-empty segments of a path (one pass, one array: this runs for every audited request). */
function segments(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let k = 0; k <= path.length; k++) {
    if (k === path.length || path.charCodeAt(k) === 47 /* / */) {
      if (k > start) out.push(path.slice(start, k));
      start = k + 1;
    }
  }
  return out;
}

export function classifyRequest(req: FhirRequest): Interaction {
  return classify(req.method, req.path);
}
