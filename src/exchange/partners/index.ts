import type { Endpoint, Organization } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import type { Services } from '../../rest/services.js';
import { searchStore } from '../../store/search-in.js';
import { trustedKeys, type TrustedKeys } from './trust.js';

/**
 * Partner facilities: an Organization (address.country ISO 3166 alpha-2, identifier) with one or more active
 * Endpoints (profile py-endpoint-socio): Endpoint.address is the partner's FHIR base URL, which its messages
 * carry in MessageHeader.source.endpoint; connectionType hl7-fhir-msg; its signing keys in py-clave-intercambio
 * (trust.ts). The partner of a message is the managingOrganization of the active Endpoint whose address is the
 * message's source; the keys it may sign with are those on every active Endpoint of that Organization.
 */
export { KEY_EXTENSION, trustedKeys, type TrustedKeys } from './trust.js';
export const MESSAGING = 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type|hl7-fhir-msg';
/** Most partner Endpoints read for one lookup (active messaging Endpoints of the server, then of one partner). */
export const MAX_ENDPOINTS = 500;

export interface Partner {
  organization: Organization;
  /** The active Endpoint whose address is the message's source. */
  endpoint: Endpoint;
  trust: TrustedKeys;
}

export type PartnerLookup = { ok: true; partner: Partner } | { ok: false; reason: 'unknown' | 'ambiguous' | 'inactive' };

/** A URL as compared: without a trailing slash. */
export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** The partner whose active Endpoint has this address, read as the server (ctx: the exchange's system context). */
export async function findPartner(s: Services, ctx: RequestContext, source: string): Promise<PartnerLookup> {
  const active = await searchStore<Endpoint>(s, ctx, 'Endpoint', [['status', 'active'], ['connection-type', MESSAGING]], MAX_ENDPOINTS);
  const at = active.filter((e) => sameAddress(e.address, source) && e.managingOrganization?.reference);
  if (at.length === 0) return { ok: false, reason: 'unknown' };
  const orgOf = (e: Endpoint): string => (e.managingOrganization?.reference ?? '').replace(/^.*\/(Organization\/[^/]+)$/, '$1');
  const orgRefs = new Set(at.map(orgOf));
  if (orgRefs.size > 1) return { ok: false, reason: 'ambiguous' };
  const orgRef = [...orgRefs][0];
  const m = /^Organization\/([A-Za-z0-9\-.]{1,64})$/.exec(orgRef);
  if (!m) return { ok: false, reason: 'unknown' };
  const row = await s.store.read(ctx, 'Organization', m[1]);
  if (!row?.content || row.deleted) return { ok: false, reason: 'unknown' };
  const organization = JSON.parse(row.content) as Organization;
  if (organization.active === false) return { ok: false, reason: 'inactive' };
  return { ok: true, partner: { organization, endpoint: at[0], trust: trustedKeys(active.filter((e) => orgOf(e) === orgRef)) } };
}
