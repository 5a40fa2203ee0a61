import type { Feature } from '../features.js';
import { defineOperation } from '../operations/registry.js';
import { healerCoverage } from './coverage.js';
import { escalateOverdue } from './escalation.js';
import { defineTopic } from '../subscriptions/topics/index.js';
import './messages.js';
import { REFERRAL_TOPICS } from './topics.js';
import { referralDerivation } from './workflow.js';

/**
 * Referrals (closed loop): the referral (ServiceRequest, py-referral) and its Tasks (py-referral-task,
 * py-counter-referral-task) under FHIR Workflow's Task state machine, bookings under a referral into the
 * destination's schedules, the Task following its appointment and its counter-referral (workflow.ts), and
 * referrals not accepted within their deadline escalated to a coordinator (escalation.ts).
 */
let registered = false;

export function referralsFeature(): Feature {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    name: 'referrals',
    start(s) {
      s.store.addDerivation((t, changes) => referralDerivation(t, changes));
      for (const topic of REFERRAL_TOPICS) defineTopic(topic);
      if (!registered) {
        registered = true;
        defineOperation({
          name: 'healer-coverage',
          levels: ['type'],
          types: ['Practitioner'],
          definition: 'https://fhir.mspbs.gov.py/OperationDefinition/practitioner-healer-coverage',
          affectsState: false,
          documentation: 'Per district, the registered traditional healers of each specialty serving it (0 where none), and the places they serve as GeoJSON.',
          handler: (s, ctx, call) => healerCoverage(s, ctx, call),
        });
      }
      // Escalation on the server's own schedule (escalation.ts): once per referral, whichever process sees it first.
      timer = setInterval(() => {
        running = running.then(() => escalateOverdue(s)).catch((err: Error) => s.log.warn({ err: err.message }, 'referral escalation failed'));
      }, s.config.referralEscalationCheckMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
