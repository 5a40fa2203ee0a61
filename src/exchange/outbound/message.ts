import { randomUUID } from 'node:crypto';
import type { Bundle, Identifier, MessageHeader, Organization, Patient, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { relink, uuidV5 } from '../document.js';
import { BUNDLE_ID_SYSTEM, EVENT_SYSTEM, EVENTS, REFERRAL_CATEGORY, type ExchangeEvent } from './model.js';

/**
 * The message Bundle of the exchange contract (type message, unsigned here): the MessageHeader first (event,
 * source = this server's base URL, destination = the partner's Endpoint address, sender, focus = the Task),
 * then the Task (fulfil the ServiceRequest; a counter-referral's partOf names the referral Task by
 * identifier), the ServiceRequest (its supportingInfo the IPS document), the Patient, the origin and partner
 * Organizations and the signed IPS document Bundle. Every fullUrl is `urn:uuid:`: the stored resources'
 * name-based UUIDs of their address on this server (as the IPS has them), the others random; references
 * between entries point to them, references to anything else are absolute URLs of this server.
 */
export interface MessageInput {
  baseUrl: string;
  event: ExchangeEvent;
  serviceRequest: ServiceRequest;
  patient: Patient;
  origin: Organization;
  partner: Organization;
  /** The partner's FHIR base URL (Endpoint.address). */
  destination: string;
  /** The signed IPS document. */
  ips: Bundle;
  /** A counter-referral: the identifier of the referral Task it answers. */
  partOf?: Identifier;
  now?: Date;
}

export interface Message {
  bundle: Bundle;
  /** Bundle.identifier.value: unique per message; the partner keeps one copy per value. */
  messageId: string;
  /** fullUrl of the sender Organization (the signer). */
  sender: string;
}

type Json = Record<string, unknown>;

export function buildMessage(m: MessageInput): Message {
  const now = (m.now ?? new Date()).toISOString();
  const base = m.baseUrl;
  const urnOf = (r: Resource): string => `urn:uuid:${uuidV5(`${base}/${r.resourceType}/${r.id}`)}`;
  const urns = new Map<string, string>();
  for (const r of [m.serviceRequest, m.patient, m.origin, m.partner]) urns.set(`${r.resourceType}/${r.id}`, urnOf(r));
  const resolve = (ref: string): string | undefined => {
    const x = /^(?:(.*)\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref);
    if (!x || (x[1] !== undefined && x[1] !== base)) return undefined;
    const u = x[4] ? undefined : urns.get(`${x[2]}/${x[3]}`);
    return u ?? (x[1] === undefined ? `${base}/${ref}` : undefined);
  };
  /** A stored resource as it travels: its references relinked, its id the UUID of its fullUrl, meta.profile kept only. */
  const travel = <T extends Resource>(r: T): T => {
    const { meta, ...rest } = r as T & { meta?: { profile?: string[] } };
    const copy = relink(rest, resolve) as T;
    copy.id = urnOf(r).slice('urn:uuid:'.length);
    if (meta?.profile?.length) (copy as unknown as Json).meta = { profile: meta.profile };
    return copy;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ref = (r: Resource, display?: string): Reference<any> => ({ reference: urns.get(`${r.resourceType}/${r.id}`)!, ...(display ? { display } : {}) });

  const ips = m.ips;
  const ipsUrl = ips.identifier?.value ?? `urn:uuid:${randomUUID()}`;
  const srAddress = `${base}/ServiceRequest/${m.serviceRequest.id}`;

  const sr = travel(m.serviceRequest);
  sr.intent = 'order';
  sr.priority = m.serviceRequest.priority ?? 'routine';
  if (!(sr.category ?? []).some((c) => c.coding?.some((x) => x.system === REFERRAL_CATEGORY.system && x.code === REFERRAL_CATEGORY.code))) {
    sr.category = [...(sr.category ?? []), { coding: [REFERRAL_CATEGORY] }];
  }
  sr.subject = ref(m.patient);
  sr.requester = ref(m.origin, m.origin.name);
  sr.performer = [ref(m.partner, m.partner.name)];
  sr.supportingInfo = [{ reference: ipsUrl, display: 'IPS' }];
  if (!sr.identifier?.length) sr.identifier = [{ system: 'urn:ietf:rfc:3986', value: srAddress }];

  const taskId = randomUUID();
  const task: Task = {
    resourceType: 'Task',
    id: taskId,
    // the same referral (or counter-referral) sent again keeps its Task identifier
    identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuidV5(`${srAddress}#${m.event}`)}` }],
    ...(m.partOf ? { partOf: [{ identifier: m.partOf }] } : {}),
    status: 'requested',
    intent: 'order',
    priority: sr.priority,
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill', display: 'Fulfill the focal request' }] },
    focus: { reference: urns.get(`ServiceRequest/${m.serviceRequest.id}`)! },
    for: ref(m.patient),
    authoredOn: now,
    requester: ref(m.origin, m.origin.name),
    owner: ref(m.partner, m.partner.name),
  };
  const headerId = randomUUID();
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id: headerId,
    eventCoding: { system: EVENT_SYSTEM, code: m.event, display: EVENTS[m.event] },
    destination: [{ endpoint: m.destination, receiver: ref(m.partner, m.partner.name) }],
    sender: ref(m.origin, m.origin.name),
    source: { name: 'HMS-OPS', software: 'HMS-OPS', endpoint: base },
    focus: [{ reference: `urn:uuid:${taskId}` }],
  };
  const messageId = randomUUID();
  const entry = [
    { fullUrl: `urn:uuid:${headerId}`, resource: header },
    { fullUrl: `urn:uuid:${taskId}`, resource: task },
    ...[sr, travel(m.patient), travel(m.origin), ...(m.partner.id === m.origin.id ? [] : [travel(m.partner)])].map((r) => ({ fullUrl: `urn:uuid:${r.id}`, resource: r as Resource })),
    { fullUrl: ipsUrl, resource: ips },
  ];
  return {
    bundle: { resourceType: 'Bundle', id: messageId, identifier: { system: BUNDLE_ID_SYSTEM, value: messageId }, type: 'message', timestamp: now, entry },
    messageId,
    sender: urns.get(`Organization/${m.origin.id}`)!,
  };
}
