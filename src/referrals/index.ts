import type { Feature } from '../features.js';
import { defineOperation } from '../operations/registry.js';
import { healerCoverage } from './coverage.js';
import { escalateOverdue } from './escalation.js';
import { defineReferralMeasures, referralMetricsOperation } from './metrics/index.js';
import { defineTopic } from '../subscriptions/topics/index.js';
import './messages.js';
import { REFERRAL_TOPICS } from './topics.js';
import { startCarePlans } from './care-plans-start.js';
import { preferenceDerivation } from './preference.js';
import { referralDerivation } from './workflow.js';

/**
 * Referrals (closed loop): the referral (ServiceRequest, py-referral) and its Tasks (py-referral-task,
 * py-counter-referral-task) under FHIR Workflow's Task state machine, bookings under a referral into the
 * destination's schedules, the Task following its appointment and its counter-referral (workflow.ts), and
 * referrals not accepted within their deadline escalated to a coordinator (escalation.ts), and the referral
 * metrics as numbers and as MeasureReports (metrics/).
 */
let registered = false;

export function referralsFeature(): Feature {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    name: 'referrals',
    async start(s) {
      s.store.addDerivation((t, changes) => referralDerivation(t, changes));
      s.store.addDerivation((t, changes) => preferenceDerivation(t, changes));
      await startCarePlans(s);
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
        defineOperation({
          name: 'referral-metrics',
          levels: ['type'],
          types: ['Task'],
          definition: 'https://fhir.mspbs.gov.py/OperationDefinition/task-referral-metrics',
          affectsState: false,
          documentation: 'Referral metrics per facility or health region over a period: completion rate, time to acceptance and to appointment, shares escalated and with a counter-referral.',
          handler: (s, ctx, call) => referralMetricsOperation(s, ctx, call),
        });
        defineReferralMeasures();
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
