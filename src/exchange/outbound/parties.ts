import type { Endpoint, Organization, PractitionerRole, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { systemContext, type RequestContext } from '../../context.js';
import { errors, FhirError } from '../../fhir/outcome.js';
import type { Services } from '../../rest/services.js';
import { searchStore } from '../../store/search-in.js';
import { MSG_CONNECTION } from './model.js';

/**
 * Who a message goes between: the partner Organization and its Endpoint for FHIR messages, and this facility
 * (the origin). Directory data, read with the server's own context (a requester bound to a facility may send
 * to a partner it cannot otherwise read).
 */
export interface Partner {
  organization: Organization;
  endpoint: Endpoint & { id: string; address: string };
}

const MAX_ENDPOINTS = 20;

function directory(s: Services, ctx: RequestContext): RequestContext {
  return systemContext('exchange', ctx.baseUrl, ctx.log, ctx.lang);
}

async function readLive<T extends Resource>(s: Services, ctx: RequestContext, type: string, id: string): Promise<T | undefined> {
  const row = await s.store.read(ctx, type, id);
  return row?.content && !row.deleted ? (JSON.parse(row.content) as T) : undefined;
}

/** The partner and its active hl7-fhir-msg Endpoint with an http(s) address (one whose payloadType says referral first): 422 otherwise. */
export async function findPartner(s: Services, ctx: RequestContext, id: string): Promise<Partner> {
  const sys = directory(s, ctx);
  const organization = await readLive<Organization>(s, sys, 'Organization', id);
  if (!organization) throw errors.unprocessable('exchange.sendNoPartner', `Organization/${id}`);
  const found = await searchStore<Endpoint>(s, sys, 'Endpoint', [
    ['organization', `Organization/${id}`],
    ['status', 'active'],
    ['connection-type', `${MSG_CONNECTION.system}|${MSG_CONNECTION.code}`],
  ], MAX_ENDPOINTS);
  const usable = found.filter((e) => e.id && typeof e.address === 'string' && /^https?:\/\/[^\s/]+/.test(e.address) && URL.canParse(e.address));
  const endpoint = usable.find((e) => (e.payloadType ?? []).some((p) => /referral/i.test(p.text ?? ''))) ?? usable[0];
  if (!endpoint) throw new FhirError(422, 'business-rule', 'exchange.sendNoEndpoint', [`Organization/${id}`]);
  return { organization, endpoint: endpoint as Partner['endpoint'] };
}

/**
 * This facility: the ServiceRequest's requester when it is an Organization or a PractitionerRole of one,
 * else the setting EXCHANGE_ORGANIZATION; 422 when neither names an existing Organization.
 */
export async function findOrigin(s: Services, ctx: RequestContext, sr: ServiceRequest, setting: string | undefined): Promise<Organization> {
  const sys = directory(s, ctx);
  const requester = sr.requester?.reference ?? '';
  let ref: string | undefined;
  const org = /^Organization\/([A-Za-z0-9\-.]{1,64})$/.exec(requester);
  const role = /^PractitionerRole\/([A-Za-z0-9\-.]{1,64})$/.exec(requester);
  if (org) ref = requester;
  else if (role) ref = (await readLive<PractitionerRole>(s, sys, 'PractitionerRole', role[1]))?.organization?.reference;
  if (!ref || !/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(ref)) ref = setting;
  if (!ref) throw errors.unprocessable('exchange.sendNoOrigin');
  const found = await readLive<Organization>(s, sys, 'Organization', ref.slice('Organization/'.length));
  if (!found) throw errors.unprocessable('exchange.sendNoOriginOrg', ref);
  return found;
}
