import type { Resource, Task } from '@medplum/fhirtypes';
import type { TopicDefinition } from '../subscriptions/topics/index.js';
import { STEP_SYSTEM, taskKind } from './model.js';

/** Referral topics: fire when a referral Task (code derivacion) reaches a status (created in it, or changed into it). */
function becomes(status: Task['status']) {
  return (previous: Resource | undefined, current: Resource | undefined): boolean => {
    const now = current as Task | undefined;
    return taskKind(now) === 'referral' && now!.status === status && (previous as Task | undefined)?.status !== status;
  };
}

const filters = [
  { resource: 'Task', filterParameter: 'owner', description: 'The destination that performs the referral' },
  { resource: 'Task', filterParameter: 'requester', description: 'The origin that referred the patient' },
  { resource: 'Task', filterParameter: 'patient', description: 'The patient referred' },
  { resource: 'Task', filterParameter: 'focus', description: 'The referral (ServiceRequest)' },
];

function statusTopic(id: string, title: string, status: Task['status'], description: string): TopicDefinition {
  return {
    id,
    title,
    description,
    triggers: [{ resource: 'Task', interactions: ['create', 'update'], description: `A referral Task's status becomes ${status}`, fires: becomes(status) }],
    canFilterBy: filters,
  };
}

/** Fires when a referral Task's businessStatus becomes `escalada` (its deadline passed without acceptance). */
function escalates(previous: Resource | undefined, current: Resource | undefined): boolean {
  const step = (r: Resource | undefined): string | undefined => (r as Task | undefined)?.businessStatus?.coding?.find((c) => c.system === STEP_SYSTEM)?.code;
  return taskKind(current as Task | undefined) === 'referral' && step(current) === 'escalada' && step(previous) !== 'escalada';
}

export const REFERRAL_TOPICS: TopicDefinition[] = [
  statusTopic('referral-received', 'Referral sent to its destination', 'requested', 'A referral Task was created with status requested, or moved to it: the destination has a referral to act on.'),
  statusTopic('referral-accepted', 'Referral accepted', 'accepted', 'The destination accepted a referral: the origin may book it into the destination\'s schedules.'),
  statusTopic('referral-rejected', 'Referral rejected', 'rejected', 'The destination rejected a referral (Task.statusReason says why).'),
  {
    id: 'referral-escalated',
    title: 'Referral escalated',
    description: 'A referral was not accepted within its deadline and went to the coordinator (businessStatus escalada; a Communication about it).',
    triggers: [{ resource: 'Task', interactions: ['update'], description: 'A referral Task\'s businessStatus becomes escalada', fires: escalates }],
    canFilterBy: filters,
  },
  statusTopic('referral-completed', 'Referral completed', 'completed', 'The destination completed a referral (the counter-referral follows).'),
];
