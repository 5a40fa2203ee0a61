import type { RequestContext } from '../context.js';
import { parseScopes, type Grant } from './scopes.js';

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
  /** The user's own FHIR resource (SMART `fhirUser` claim), as `Type/id`: recorded as the audit agent. */
  fhirUser?: string;
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
  ctx.region = p.region;
  ctx.subsystem = p.subsystem;
}

export function principalOf(ctx: RequestContext): Principal | undefined {
  return (ctx as WithPrincipal)[PRINCIPAL];
}

/** Non-SMART permissions carried as scopes. */
export const ADMIN_SCOPE = 'hms/admin';
export const LABEL_SCOPE_PREFIX = 'hms/label.';

/**
 * What a Subscription keeps of the requester that last wrote it (stored as JSON with the subscription's state),
 * so that a change fires it only when that owner may read the changed resource. The scopes are those of the
 * token it wrote with.
 */
export interface OwnerSnapshot {
  kind: 'client' | 'user';
  id: string;
  clientId?: string;
  roles: string[];
  scopes: string[];
  facility?: string;
  subsystem?: string;
  region?: string;
  patient?: string;
}

export function ownerOf(ctx: RequestContext): OwnerSnapshot | undefined {
  const p = principalOf(ctx);
  if (!p) return undefined;
  const { kind, id, clientId, roles, scopes, facility, subsystem, region, patient } = p;
  return { kind, id, roles, scopes, ...(clientId ? { clientId } : {}), ...(facility ? { facility } : {}), ...(subsystem ? { subsystem } : {}), ...(region ? { region } : {}), ...(patient ? { patient } : {}) };
}

/** A context acting as the owner (its scopes parsed again; it does not expire). */
export function actingAs(base: RequestContext, o: OwnerSnapshot): RequestContext {
  const ctx: RequestContext = { ...base, actor: { kind: o.kind, id: o.id }, scopes: o.scopes };
  setPrincipal(ctx, { ...o, roles: o.roles ?? [], grants: parseScopes(o.scopes ?? []), exp: Number.MAX_SAFE_INTEGER });
  return ctx;
}
