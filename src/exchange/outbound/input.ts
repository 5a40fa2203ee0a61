import { errors, FhirError } from '../../fhir/outcome.js';
import type { OperationCall } from '../../operations/registry.js';
import { EVENTS, type ExchangeEvent } from './model.js';
import './messages.js';

/** ServiceRequest/[id]/$send's inputs, checked in one place before any work (400 for anything else). */
export interface SendInput {
  serviceRequest: string;
  /** The partner Organization's id. */
  partner: string;
  event: ExchangeEvent;
  /** The referral Task's id a counter-referral answers. */
  task?: string;
}

const PARAMS = new Set(['partner', 'event', 'task']);
const ID = '[A-Za-z0-9\\-.]{1,64}';
const ORG = new RegExp(`^Organization/(${ID})$`);
const TASK = new RegExp(`^Task/(${ID})$`);

export function readSendInput(call: OperationCall): SendInput {
  if (call.resource) throw errors.badRequest('exchange.sendBody', call.resource.resourceType);
  const seen = new Map<string, string>();
  for (const p of call.params.parameter ?? []) {
    if (!PARAMS.has(p.name)) throw new FhirError(400, 'not-supported', 'exchange.sendUnknownParam', [p.name]);
    if (seen.has(p.name)) throw errors.badRequest('exchange.repeatedParam', p.name);
    const v = p.valueReference?.reference ?? p.valueString ?? p.valueCode ?? p.valueCoding?.code;
    if (typeof v !== 'string' || v.length > 200) throw errors.badRequest('exchange.badParam', p.name, JSON.stringify(p).slice(0, 200));
    seen.set(p.name, v);
  }
  const partner = seen.get('partner');
  if (partner === undefined) throw new FhirError(400, 'required', 'exchange.sendNeedPartner');
  const org = ORG.exec(partner);
  if (!org) throw errors.badRequest('exchange.badParam', 'partner', partner);
  const event = (seen.get('event') ?? 'derivacion-solicitud') as ExchangeEvent;
  if (!(event in EVENTS)) throw errors.badRequest('exchange.badParam', 'event', event);
  const task = seen.get('task');
  let taskId: string | undefined;
  if (task !== undefined) {
    const m = TASK.exec(task);
    if (!m) throw errors.badRequest('exchange.badParam', 'task', task);
    if (event !== 'contrarreferencia') throw errors.badRequest('exchange.sendTaskOnlyCounter');
    taskId = m[1];
  } else if (event === 'contrarreferencia') throw new FhirError(400, 'required', 'exchange.sendCounterNeedsTask');
  return { serviceRequest: call.id!, partner: org[1], event, ...(taskId ? { task: taskId } : {}) };
}
