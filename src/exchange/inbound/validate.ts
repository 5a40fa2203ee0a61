import type { Bundle, Organization, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { validate } from '../../interactions/resource.js';
import type { Services } from '../../rest/services.js';
import { searchStore } from '../../store/search-in.js';
import { BUNDLE_IPS } from '../document.js';
import { sameAddress } from '../partners/index.js';
import { identifierToken } from './identifiers.js';
import type { InboundMessage } from './input.js';

/**
 * Step 5 of $process-message: the content, with the server's own validator (base R4, the profiles a resource
 * claims, REQUIRED_PROFILES), before anything is stored; 422 naming the entry and its first issue, the others
 * after it. The Patient is checked against py-patient (after its identifiers were mapped), the IPS document
 * against IPS 2.0.0's Bundle-uv-ips; the Task and the ServiceRequest against R4 and the exchange's rules
 * (intent order) — py-referral asks for what a partner's message does not carry (performer, reasonCode). The
 * message must be addressed to this server (MessageHeader.destination[0].endpoint = its base URL) and the
 * receiving facility (Task.owner, by identifier) must be registered here: it is returned.
 */
export const PY_PATIENT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-patient';

export async function validateMessage(s: Services, ctx: RequestContext, m: InboundMessage): Promise<Organization> {
  if (!sameAddress(m.destination, ctx.baseUrl)) throw new FhirError(422, 'processing', 'inbound.wrongDestination', [m.destination.slice(0, 200), ctx.baseUrl]);
  if (m.task.intent !== 'order') throw content('Task', `intent ${m.task.intent ?? '(none)'} (expected order)`);
  if (m.serviceRequest.intent !== 'order') throw content('ServiceRequest', `intent ${m.serviceRequest.intent ?? '(none)'} (expected order)`);
  await check(ctx, 'Patient', claim(m.patient, PY_PATIENT));
  await check(ctx, 'ServiceRequest', m.serviceRequest);
  await check(ctx, 'Task', m.task);
  await check(ctx, 'MessageHeader', m.header);
  for (const org of new Set([m.owner, m.requester].filter((o): o is Organization => !!o))) await check(ctx, 'Organization', org);
  await check(ctx, 'the IPS document', claim(m.document, BUNDLE_IPS) as Bundle);
  return receivingFacility(s, ctx, m.owner);
}

function claim<T extends Resource>(r: T, profile: string): T {
  const profiles = r.meta?.profile ?? [];
  return profiles.includes(profile) ? r : { ...r, meta: { ...r.meta, profile: [...profiles, profile] } };
}

const content = (what: string, why: string): FhirError => new FhirError(422, 'processing', 'inbound.invalidContent', [what, why]);

async function check(ctx: RequestContext, what: string, r: Resource): Promise<void> {
  try {
    await validate(r, ctx);
  } catch (err) {
    if (!(err instanceof FhirError) || err.status !== 422) throw err;
    throw new FhirError(422, err.code, 'inbound.invalidContent', [what, String(err.params[0] ?? err.message)], err.extraIssues, err.expression);
  }
}

/** The Organization held here with one of the owner's identifiers (the first found). */
async function receivingFacility(s: Services, ctx: RequestContext, owner: Organization): Promise<Organization> {
  for (const id of (owner.identifier ?? []).slice(0, 5)) {
    const token = identifierToken(id);
    if (!token) continue;
    const found = await searchStore<Organization>(s, ctx, 'Organization', [['identifier', token]], 1);
    if (found[0]) return found[0];
  }
  const named = owner.identifier?.find((i) => i.system && i.value);
  throw new FhirError(422, 'processing', 'inbound.unknownFacility', [`${named?.system}|${named?.value}`]);
}
