import type { Services } from '../rest/services.js';
import { defineTopic } from '../subscriptions/topics/index.js';
import { carePlanDerivation } from './care-plans.js';
import { CARE_PLAN_CONFLICT_TOPIC } from './care-plans-topic.js';
import { storeGuideConflictRules } from './conflict-rules.js';

/**
 * Combined care plans, from the referrals feature's start: the conflict check on every CarePlan write
 * (care-plans.ts), the topic care-plan-conflict, and the guide's rule table put in the store when it never was.
 */
export async function startCarePlans(s: Services): Promise<void> {
  s.store.addDerivation((t, changes) => carePlanDerivation(t, changes));
  defineTopic(CARE_PLAN_CONFLICT_TOPIC);
  await storeGuideConflictRules(s);
}
