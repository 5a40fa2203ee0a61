import type { Identifier, Patient, ServiceRequest, Task } from '@medplum/fhirtypes';
import { systemContext, type RequestContext } from '../../context.js';
import { errors } from '../../fhir/outcome.js';
import { create } from '../../interactions/write.js';
import type { OperationCall } from '../../operations/registry.js';
import { RawJson, type FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import { signBundle, type ExchangeKeys } from '../signature/index.js';
import { patientSummary } from '../summary.js';
import { readSendInput } from './input.js';
import { buildMessage } from './message.js';
import { priorityRank, type OutboxSettings } from './model.js';
import { enqueue } from './outbox.js';
import { findOrigin, findPartner } from './parties.js';
import { deliveryTask } from './records.js';

/**
 * ServiceRequest/[id]/$send: builds the message Bundle of a referral (or counter-referral) to a partner
 * facility (message.ts) from what the requester may read — the ServiceRequest, its Patient and the Patient's
 * IPS are read with the requester's context —, signs it with the server's exchange key, and queues it in the
 * outbox with its delivery Task in one transaction (the server's own: the Task is its record of the
 * delivery). Answers 202 with the Task; the worker (worker.ts) sends it.
 */
export async function sendOperation(s: Services, ctx: RequestContext, call: OperationCall, keys: () => ExchangeKeys, settings: OutboxSettings, queued: () => void): Promise<FhirResponse> {
  const input = readSendInput(call);
  // this server's FHIR base URL as BASE_URL sets it (else as the requester reached it): source.endpoint
  const base = ctx.baseUrl;
  const as = ctx;
  const sr = await readLive<ServiceRequest>(s, as, 'ServiceRequest', input.serviceRequest, true);
  const subject = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(sr.subject?.reference ?? '');
  if (!subject) throw errors.unprocessable('exchange.sendNoSubject', `ServiceRequest/${sr.id}`);
  const patient = await readLive<Patient>(s, as, 'Patient', subject[1], true);
  const partner = await findPartner(s, as, input.partner);
  const origin = await findOrigin(s, as, sr, settings.organization);
  let partOf: Identifier | undefined;
  if (input.task) {
    const task = await readLive<Task>(s, as, 'Task', input.task, false);
    if (!task) throw errors.unprocessable('exchange.sendNoTask', `Task/${input.task}`);
    partOf = task.identifier?.[0] ?? { system: 'urn:ietf:rfc:3986', value: `${base}/Task/${task.id}` };
  }
  const key = keys();
  const ips = await patientSummary(s, as, patient, key);
  const message = buildMessage({ baseUrl: base, event: input.event, serviceRequest: sr, patient, origin, partner: partner.organization, destination: partner.endpoint.address, ips, partOf });
  const signed = signBundle(message.bundle, key.current(), { reference: message.sender, display: origin.name ?? 'HMS-OPS' });
  const now = new Date().toISOString();
  const sys = systemContext('exchange', base, ctx.log, ctx.lang);
  const created = await s.store.transaction(sys, async (t) => {
    const r = await create(t, deliveryTask({
      messageId: message.messageId,
      event: input.event,
      serviceRequest: sr.id!,
      patient: patient.id!,
      origin: origin.id!,
      partner: partner.organization.id!,
      endpoint: partner.endpoint.id,
      address: partner.endpoint.address,
      priority: sr.priority,
      now,
    }));
    await enqueue(t.tx, {
      messageId: message.messageId,
      taskId: r.id!,
      endpointId: partner.endpoint.id,
      address: partner.endpoint.address,
      priority: priorityRank(sr.priority),
      body: JSON.stringify(signed),
    });
    return r;
  });
  queued();
  return {
    status: 202,
    headers: { Location: `${ctx.baseUrl}/Task/${created.id}/_history/${created.version}` },
    body: new RawJson(created.content!),
  };
}

async function readLive<T>(s: Services, ctx: RequestContext, type: string, id: string, required: true): Promise<T>;
async function readLive<T>(s: Services, ctx: RequestContext, type: string, id: string, required: false): Promise<T | undefined>;
async function readLive<T>(s: Services, ctx: RequestContext, type: string, id: string, required: boolean): Promise<T | undefined> {
  const row = await s.store.read(ctx, type, id);
  // the requester's access rules (scopes, facility policies), as a read of it would be judged
  const visible = row?.content ? (await s.store.readable(ctx, [{ type, id }])).length > 0 : false;
  if (!row?.content || !visible) {
    if (required) throw errors.notFound('notFound', `${type}/${id}`);
    return undefined;
  }
  if (row.deleted) {
    if (required) throw errors.gone(`${type}/${id}`);
    return undefined;
  }
  return JSON.parse(row.content) as T;
}
