import type { Feature } from '../features.js';
import { defineTopic } from '../subscriptions/topics/index.js';
import './messages.js';
import { REFERRAL_TOPICS } from './topics.js';
import { referralDerivation } from './workflow.js';

/**
 * Referrals (closed loop): the referral (ServiceRequest, py-referral) and its Tasks (py-referral-task,
 * py-counter-referral-task) under FHIR Workflow's Task state machine, bookings under a referral into the
 * destination's schedules, and the Task following its appointment and its counter-referral (workflow.ts).
 */
export function referralsFeature(): Feature {
  return {
    name: 'referrals',
    start(s) {
      s.store.addDerivation((t, changes) => referralDerivation(t, changes));
      for (const topic of REFERRAL_TOPICS) defineTopic(topic);
    },
  };
}
