import type { DetectedIssue, Resource } from '@medplum/fhirtypes';
import type { TopicDefinition } from '../subscriptions/topics/index.js';
import { CONFLICT_SID } from './care-plans.js';

const isConflict = (r: Resource | undefined): r is DetectedIssue =>
  r?.resourceType === 'DetectedIssue' && !!r.identifier?.some((i) => i.system === CONFLICT_SID);

/** Fires when a care plan's conflict is found: its DetectedIssue is created final, or becomes final again. */
export const CARE_PLAN_CONFLICT_TOPIC: TopicDefinition = {
  id: 'care-plan-conflict',
  title: 'Conflict in a care plan',
  description: 'A care plan combines treatments that the rule table py-conflictos-terapeuticos says conflict (a remedy with a medicine, a duplicate treatment): the server recorded a DetectedIssue (status final) implicating the plan.',
  triggers: [
    {
      resource: 'DetectedIssue',
      interactions: ['create', 'update'],
      description: 'A care plan conflict\'s DetectedIssue (identifier system https://fhir.mspbs.gov.py/sid/conflicto-plan) becomes final',
      fires: (previous, current) => isConflict(current) && current.status === 'final' && (previous as DetectedIssue | undefined)?.status !== 'final',
    },
  ],
  canFilterBy: [
    { resource: 'DetectedIssue', filterParameter: 'patient', description: 'The patient of the plan' },
    { resource: 'DetectedIssue', filterParameter: 'implicated', description: 'The care plan (CarePlan/id)' },
  ],
};
