import type { OperationOutcomeIssue, Resource, Subscription } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { formatMessage } from '../fhir/messages.js';
import type { EndpointPolicy } from './allowlist.js';
import { parseSubscription, SpecError } from './model.js';

/** Resource validator: a Subscription the server cannot honour is refused with 422 (criteria, topic, channel, endpoint). */
export function subscriptionValidator(policy: EndpointPolicy) {
  return (resource: Resource, ctx: RequestContext): OperationOutcomeIssue[] => {
    if (resource.resourceType !== 'Subscription') return [];
    const issue = (key: string, params: string[], expression: string): OperationOutcomeIssue[] => [
      { severity: 'error', code: 'invalid', diagnostics: formatMessage(`subscriptions.${key}`, params, ctx.lang), expression: [expression] },
    ];
    try {
      const spec = parseSubscription(resource as Subscription);
      if (spec.channel === 'rest-hook' && !policy.checkStatic(spec.endpoint as string)) return issue('endpointNotAllowed', [spec.endpoint as string], 'Subscription.channel.endpoint');
      return [];
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      const where = err.key.startsWith('channel') || err.key.includes('ndpoint') || err.key.includes('eader') || err.key.startsWith('payload') ? 'Subscription.channel' : 'Subscription.criteria';
      return issue(err.key, err.params, where);
    }
  };
}
