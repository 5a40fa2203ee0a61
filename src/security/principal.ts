import type { RequestContext } from '../context.js';
import type { Grant } from './scopes.js';

/** What an access token says about the requester, attached to the RequestContext of its request. */
export interface Principal {
  kind: 'client' | 'user';
  id: string;
  clientId?: string;
  roles: string[];
  scopes: string[];
  grants: Grant[];
  facility?: string;
  subsystem?: string;
  /** Health region (code of py-region-sanitaria) the requester is bound to. */
  region?: string;
  /** Patient context (launch/patient claim) for patient/ scopes. */
  patient?: string;
  exp: number;
}

/** Kept on the context itself under a symbol (a WeakMap entry per request cost ~1 µs in profiles). */
const PRINCIPAL = Symbol('principal');
type WithPrincipal = RequestContext & { [PRINCIPAL]?: Principal };

export function setPrincipal(ctx: RequestContext, p: Principal): void {
  (ctx as WithPrincipal)[PRINCIPAL] = p;
  ctx.actor = { kind: p.kind, id: p.id };
  ctx.scopes = p.scopes;
  ctx.facility = p.facility;
  ctx.subsystem = p.subsystem;
}

export function principalOf(ctx: RequestContext): Principal | undefined {
  return (ctx as WithPrincipal)[PRINCIPAL];
}

/** Non-SMART permissions carried as scopes. */
export const ADMIN_SCOPE = 'hms/admin';
export const LABEL_SCOPE_PREFIX = 'hms/label.';
