import type { AuditEvent, Task } from '@medplum/fhirtypes';
import { BUNDLE_ID_SYSTEM, DELIVERY_TASK_CODE, type DeliveryStatus, type ExchangeEvent } from './model.js';

/**
 * What the server records of a message it sends: the delivery Task (one per message; its businessStatus
 * follows the outbox) and one AuditEvent per attempt.
 */
export interface DeliveryTaskInput {
  messageId: string;
  event: ExchangeEvent;
  serviceRequest: string;
  patient: string;
  origin: string;
  partner: string;
  endpoint: string;
  address: string;
  priority: Task['priority'];
  now: string;
}

export function deliveryTask(d: DeliveryTaskInput): Task {
  return {
    resourceType: 'Task',
    identifier: [{ system: BUNDLE_ID_SYSTEM, value: d.messageId }],
    status: 'in-progress',
    businessStatus: { text: 'queued' satisfies DeliveryStatus },
    intent: 'order',
    priority: d.priority ?? 'routine',
    code: { text: DELIVERY_TASK_CODE },
    description: `${d.event} → ${d.address}`,
    focus: { reference: `ServiceRequest/${d.serviceRequest}` },
    for: { reference: `Patient/${d.patient}` },
    authoredOn: d.now,
    lastModified: d.now,
    requester: { reference: `Organization/${d.origin}` },
    owner: { reference: `Organization/${d.partner}` },
    input: [
      { type: { text: 'message' }, valueIdentifier: { system: BUNDLE_ID_SYSTEM, value: d.messageId } },
      { type: { text: 'event' }, valueCode: d.event },
      { type: { text: 'endpoint' }, valueReference: { reference: `Endpoint/${d.endpoint}` } },
    ],
  };
}

/**
 * The Task after an attempt: sent → completed with the partner's response identifier as output; failed →
 * failed; retrying → still in progress. statusReason: the last error. A Task someone moved out of
 * in-progress (on hold, cancelled) keeps its status; only its businessStatus follows.
 */
export function afterAttempt(task: Task, status: DeliveryStatus, now: string, error?: string, responseId?: string): Task {
  const next: Task['status'] = status === 'sent' ? 'completed' : status === 'failed' ? 'failed' : 'in-progress';
  const { statusReason: _old, ...rest } = task;
  return {
    ...rest,
    status: task.status === 'in-progress' ? next : task.status,
    businessStatus: { text: status },
    lastModified: now,
    ...(error ? { statusReason: { text: error } } : {}),
    ...(status === 'sent' && responseId ? { output: [{ type: { text: 'response' }, valueIdentifier: { system: BUNDLE_ID_SYSTEM, value: responseId } }] } : {}),
  };
}

export interface AttemptInput {
  messageId: string;
  taskId: string;
  endpoint: string;
  address: string;
  origin?: string;
  partner?: string;
  attempt: number;
  status: DeliveryStatus;
  detail: string;
  now: string;
}

/** One attempt: DICOM 110106 Export, outcome 0 (delivered), 4 (to be retried) or 8 (failed), the message and the partner's Endpoint as entities. */
export function attemptEvent(a: AttemptInput): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110106', display: 'Export' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'operation', display: 'operation' }],
    action: 'R',
    recorded: a.now,
    outcome: a.status === 'sent' ? '0' : a.status === 'failed' ? '8' : '4',
    outcomeDesc: `${a.status} (attempt ${a.attempt}): ${a.detail}`.slice(0, 1000),
    agent: [
      { who: { display: 'HMS-OPS exchange outbox', ...(a.origin ? { reference: a.origin } : {}) }, requestor: true, type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }] } },
      {
        who: { identifier: { system: 'urn:ietf:rfc:3986', value: a.address.slice(0, 200) }, display: `Endpoint/${a.endpoint}` },
        requestor: false,
        type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110152', display: 'Destination Role ID' }] },
        network: { address: a.address.slice(0, 200), type: '5' },
      },
    ],
    source: {
      site: 'HMS-OPS',
      observer: { display: 'HMS-OPS FHIR server' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: [
      { what: { identifier: { system: BUNDLE_ID_SYSTEM, value: a.messageId } }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' }, name: 'message' },
      { what: { reference: `Endpoint/${a.endpoint}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' }, name: 'partner endpoint' },
      { what: { reference: `Task/${a.taskId}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' }, name: 'delivery task' },
    ],
  };
}
