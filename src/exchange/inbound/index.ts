import type { Bundle, Organization } from '@medplum/fhirtypes';
import { systemContext, type RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { formatMessage } from '../../fhir/messages.js';
import { create } from '../../interactions/write.js';
import { defineOperation, type OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import { findPartner, type Partner } from '../partners/index.js';
import type { ExchangeKeys } from '../signature/index.js';
import { auditEvent } from './audit.js';
import { mapIdentifiers } from './identifiers.js';
import { importMessage } from './import.js';
import { BUNDLE_SID, readMessage, type InboundMessage } from './input.js';
import './messages.js';
import { digestOf, findReceipt } from './receipt.js';
import { translateCodes } from './translate.js';
import { validateMessage } from './validate.js';
import { verifyMessage } from './verify.js';

/**
 * `POST [base]/$process-message`: a partner's signed referral or counter-referral message, checked in order
 * before anything is stored — shape (input.ts), resend (receipt.ts), partner (partners/), signature
 * (verify.ts), content (validate.ts) — then codes translated (translate.ts), the patient matched and everything
 * imported in one transaction (match.ts, import.ts), answered by a signed response message (response.ts). A
 * refused message stores nothing but its AuditEvent (audit.ts). The import is the server's own work (the
 * exchange's system context): the partner's authority is its signature, not the HTTP requester's scopes,
 * which only decide who may call the operation.
 */
export const PROCESS_MESSAGE = 'http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message';

export function registerProcessMessage(keys: () => ExchangeKeys): void {
  defineOperation({
    name: 'process-message',
    levels: ['system'],
    types: [],
    definition: PROCESS_MESSAGE,
    affectsState: true,
    documentation:
      'Receives a signed message Bundle from a partner facility (referral or counter-referral): signature checked against the partner\'s keys on its Endpoints, content validated (IPS, PY profiles), idempotent by Bundle.identifier, patient matched by identifier or score (ambiguous: a review Task), local codes translated, imported with Provenance and AuditEvent, a Task for the receiving facility.',
    handler: (s, ctx, call) => processMessage(s, ctx, call, keys),
  });
}

export async function processMessage(s: Services, ctx: RequestContext, call: OperationCall, keys: () => ExchangeKeys): Promise<FhirResponse> {
  const sys = systemContext('exchange', ctx.baseUrl, ctx.log, ctx.lang);
  let m: InboundMessage | undefined;
  let partner: Partner | undefined;
  try {
    m = readMessage(call);
    const digest = digestOf(m.bundle);
    const seen = await findReceipt(s.db, m.identifier);
    if (seen && seen.digest === digest) return answer(seen.response);
    const found = await findPartner(s, sys, m.source);
    if (!found.ok) {
      const key = found.reason === 'unknown' ? 'inbound.unknownPartner' : found.reason === 'ambiguous' ? 'inbound.ambiguousPartner' : 'inbound.inactivePartner';
      throw new FhirError(403, 'security', key, [m.source.slice(0, 200)]);
    }
    partner = found.partner;
    if (partner.trust.ignored.length) ctx.log.warn({ partner: partner.organization.id, ignored: partner.trust.ignored }, 'partner keys left out of the trust list');
    verifyMessage(m.bundle, m.document, partner);
    if (seen) {
      if (seen.source.replace(/\/+$/, '') !== m.source.replace(/\/+$/, '')) throw new FhirError(409, 'conflict', 'inbound.identifierReused', [m.identifier]);
      return answer(seen.response);
    }
    const patient = mapIdentifiers(m.patient);
    const facility: Organization = await validateMessage(s, sys, { ...m, patient });
    const [p, sr, task] = await translateCodes(s.db, [patient, m.serviceRequest, m.task]);
    const msg = m;
    const p2 = partner;
    const response = await s.store.transaction(sys, (t) =>
      importMessage(t, { message: msg, patient: p as typeof patient, serviceRequest: sr as typeof msg.serviceRequest, task: task as typeof msg.task, partner: p2, facility, digest, baseUrl: ctx.baseUrl, key: keys().current() }),
    );
    return answer(response);
  } catch (err) {
    if (err instanceof FhirError && err.status >= 400 && err.status < 500) await refused(s, sys, call, m, partner, err);
    throw err;
  }
}

function answer(b: Bundle): FhirResponse {
  return { status: 200, headers: {}, body: b };
}

/** The AuditEvent of a refused message, in a transaction of its own (a failure to write it is logged, not answered). */
async function refused(s: Services, sys: RequestContext, call: OperationCall, m: InboundMessage | undefined, partner: Partner | undefined, err: FhirError): Promise<void> {
  const b = call.resource as Bundle | undefined;
  const raw = b?.resourceType === 'Bundle' && b.identifier?.system === BUNDLE_SID && typeof b.identifier.value === 'string' ? b.identifier.value : undefined;
  const header = b?.entry?.[0]?.resource;
  const source = m?.source ?? (header?.resourceType === 'MessageHeader' && typeof header.source?.endpoint === 'string' ? header.source.endpoint : undefined);
  const description = `refused (${err.status}): ${formatMessage(err.key, err.params, 'en')}`;
  try {
    await s.store.transaction(sys, (t) => create(t, auditEvent({ identifier: m?.identifier ?? raw, event: m?.event, source, partner: partner?.organization, outcome: 'refused', description })));
  } catch (e) {
    sys.log.warn({ err: e }, 'AuditEvent of a refused message not written');
  }
}
