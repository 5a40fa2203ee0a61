/**
 * SMART scopes, v2 (`system/Observation.rs?category=laboratory`) and v1 (`user/Patient.read`, `.write`, `.*`):
 * parsed once per token into grants; an interaction needs a grant of its kind (c r u d s) on its type.
 */
export type Op = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'system' | 'user' | 'patient';

export interface Grant {
  context: ScopeContext;
  type: string; // resource type or '*'
  ops: Set<Op>;
  /** v2 `?param=value` restriction, as search criteria. */
  query?: string;
}

const SCOPE_RE = /^(system|user|patient)\/([A-Za-z]+|\*)\.([a-z*]+)(\?(.+))?$/;

export function parseScope(scope: string): Grant | undefined {
  const m = SCOPE_RE.exec(scope);
  if (!m) return undefined;
  const [, context, type, perm, , query] = m;
  let ops: Op[];
  if (perm === 'read') ops = ['r', 's'];
  else if (perm === 'write') ops = ['c', 'u', 'd'];
  else if (perm === '*') ops = ['c', 'r', 'u', 'd', 's'];
  else if (/^c?r?u?d?s?$/.test(perm) && perm.length > 0) ops = [...perm] as Op[];
  else return undefined;
  return { context: context as ScopeContext, type, ops: new Set(ops), ...(query ? { query } : {}) };
}

export function parseScopes(scopes: string[]): Grant[] {
  return scopes.map(parseScope).filter((g): g is Grant => g !== undefined);
}

/** True when `allowed` (a client's registered scope) covers the `requested` one. */
export function covers(allowed: string, requested: string): boolean {
  if (allowed === requested) return true;
  const a = parseScope(allowed);
  const r = parseScope(requested);
  if (!a || !r || a.context !== r.context) return false;
  if (a.type !== '*' && a.type !== r.type) return false;
  if (a.query && a.query !== r.query) return false;
  for (const op of r.ops) if (!a.ops.has(op)) return false;
  return true;
}

/** The grants allowing `op` on `type`. */
export function grantsFor(grants: Grant[], type: string, op: Op): Grant[] {
  return grants.filter((g) => (g.type === '*' || g.type === type) && g.ops.has(op));
}
