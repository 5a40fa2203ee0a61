import type { Bundle, BundleEntry, MessageHeader, Organization, Parameters, Patient, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcome.js';
import type { OperationCall } from '../../operations/registry.js';

/**
 * Step 1 of $process-message: the shape of the message, checked before anything else is read (400 saying
 * which part is wrong or missing). A message is a Bundle `message` with identifier (system BUNDLE_SID, a UUID),
 * timestamp and signature; entry[0] the MessageHeader (event py-evento-intercambio, source.endpoint,
 * destination[0].endpoint, focus → the Task entry); the Task (focus → ServiceRequest, for → Patient, requester
 * and owner → Organization entries); the ServiceRequest (supportingInfo → the IPS document entry); the Patient;
 * the Organizations; the document Bundle. Every entry has a `urn:uuid:` fullUrl. Sizes are bounded.
 */
export const BUNDLE_SID = 'https://fhir.mspbs.gov.py/sid/bundle';
export const EVENT_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio';
export const EVENTS = new Set(['derivacion-solicitud', 'contrarreferencia']);
export const MAX_MESSAGE_ENTRIES = 50;
export const MAX_DOCUMENT_ENTRIES = 5000;
const UUID = /^(?:urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URN = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface InboundMessage {
  bundle: Bundle;
  /** Bundle.identifier.value: the key of idempotency. */
  identifier: string;
  header: MessageHeader;
  /** MessageHeader.id, else the uuid of its fullUrl: what the response names. */
  headerId: string;
  event: string;
  source: string;
  destination: string;
  task: Task;
  serviceRequest: ServiceRequest;
  patient: Patient;
  /** The Task's owner (the receiving facility) and requester (the origin), as the message carries them. */
  owner: Organization;
  requester?: Organization;
  document: Bundle;
  /** fullUrl → resource, for every entry. */
  byUrl: Map<string, Resource>;
}

const missing = (what: string): FhirError => new FhirError(400, 'required', 'inbound.missing', [what]);
const bad = (what: string, why: string): FhirError => new FhirError(400, 'invalid', 'inbound.badElement', [what, why]);

/** Only `async=false` may come as a parameter; async processing is not offered. */
export function readMessage(call: OperationCall): InboundMessage {
  checkParams(call.params);
  const b = call.resource as Bundle | undefined;
  if (!b || b.resourceType !== 'Bundle' || b.type !== 'message') throw new FhirError(400, 'invalid', 'inbound.notMessage');
  if (!b.identifier?.value) throw missing('Bundle.identifier');
  if (b.identifier.system !== BUNDLE_SID) throw bad('Bundle.identifier.system', `${b.identifier.system ?? '(none)'} (expected ${BUNDLE_SID})`);
  if (!UUID.test(b.identifier.value)) throw bad('Bundle.identifier.value', `${b.identifier.value.slice(0, 100)} (expected a UUID)`);
  const identifier = b.identifier.value.replace(/^urn:uuid:/, '').toLowerCase();
  if (!b.timestamp) throw missing('Bundle.timestamp');
  const entries = b.entry ?? [];
  if (entries.length > MAX_MESSAGE_ENTRIES) throw new FhirError(400, 'too-costly', 'inbound.tooLarge', ['Bundle', entries.length, MAX_MESSAGE_ENTRIES]);
  const byUrl = new Map<string, Resource>();
  entries.forEach((e: BundleEntry, i) => {
    if (!e.resource || typeof e.resource !== 'object') throw missing(`Bundle.entry[${i}].resource`);
    if (!e.fullUrl || !URN.test(e.fullUrl)) throw bad(`Bundle.entry[${i}].fullUrl`, `${String(e.fullUrl ?? '(none)').slice(0, 100)} (expected urn:uuid:)`);
    if (byUrl.has(e.fullUrl)) throw bad(`Bundle.entry[${i}].fullUrl`, `${e.fullUrl} (repeated)`);
    byUrl.set(e.fullUrl, e.resource);
  });
  const header = entries[0]?.resource as MessageHeader | undefined;
  if (header?.resourceType !== 'MessageHeader') throw missing('a MessageHeader as Bundle.entry[0]');
  const coding = header.eventCoding;
  if (!coding) throw missing('MessageHeader.eventCoding');
  if (coding.system !== EVENT_SYSTEM || !coding.code || !EVENTS.has(coding.code)) throw bad('MessageHeader.eventCoding', `${coding.system ?? ''}|${coding.code ?? ''} (expected ${EVENT_SYSTEM}|${[...EVENTS].join(' or ')})`);
  const source = header.source?.endpoint;
  if (!source) throw missing('MessageHeader.source.endpoint');
  const destination = header.destination?.[0]?.endpoint;
  if (!destination) throw missing('MessageHeader.destination[0].endpoint');
  if (!b.signature) throw new FhirError(400, 'security', 'inbound.unsigned', ['the message']);

  const resolve = <T extends Resource>(ref: Reference | undefined, type: string, path: string): T => {
    if (!ref?.reference) throw missing(path);
    const r = byUrl.get(ref.reference);
    if (!r) throw bad(path, `${ref.reference.slice(0, 100)} is not an entry of the message`);
    if (r.resourceType !== type) throw bad(path, `${ref.reference} is a ${r.resourceType}, not a ${type}`);
    return r as T;
  };
  if ((header.focus ?? []).length !== 1) throw bad('MessageHeader.focus', 'expected one reference, to the Task');
  const task = resolve<Task>(header.focus![0], 'Task', 'MessageHeader.focus');
  const serviceRequest = resolve<ServiceRequest>(task.focus, 'ServiceRequest', 'Task.focus');
  const patient = resolve<Patient>(task.for, 'Patient', 'Task.for');
  const subject = resolve<Patient>(serviceRequest.subject, 'Patient', 'ServiceRequest.subject');
  if (subject !== patient) throw bad('ServiceRequest.subject', 'not the Patient of Task.for');
  const owner = resolve<Organization>(task.owner, 'Organization', 'Task.owner');
  if (!owner.identifier?.some((i) => i.system && i.value)) throw missing('Task.owner: the receiving Organization with an identifier (system and value)');
  const requester = task.requester ? resolve<Organization>(task.requester, 'Organization', 'Task.requester') : undefined;
  const docs = (serviceRequest.supportingInfo ?? []).map((r) => byUrl.get(r.reference ?? '')).filter((r): r is Bundle => r?.resourceType === 'Bundle');
  if (docs.length !== 1) throw missing('ServiceRequest.supportingInfo: one reference to the IPS document Bundle entry');
  const document = docs[0];
  if (document.type !== 'document') throw bad('ServiceRequest.supportingInfo', `the Bundle is of type ${document.type ?? '(none)'}, not document`);
  const n = document.entry?.length ?? 0;
  if (n > MAX_DOCUMENT_ENTRIES) throw new FhirError(400, 'too-costly', 'inbound.tooLarge', ['the IPS document', n, MAX_DOCUMENT_ENTRIES]);
  if (!document.signature) throw new FhirError(400, 'security', 'inbound.unsigned', ['the IPS document']);
  const headerId = header.id ?? entries[0].fullUrl!.slice('urn:uuid:'.length);
  return { bundle: b, identifier, header, headerId, event: coding.code, source, destination, task, serviceRequest, patient, owner, requester, document, byUrl };
}

function checkParams(p: Parameters): void {
  for (const x of p.parameter ?? []) {
    if (x.name === 'async' && (x.valueBoolean === false || x.valueString === 'false')) continue;
    throw new FhirError(400, 'not-supported', 'inbound.badParam', [x.name]);
  }
}
