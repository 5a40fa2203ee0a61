import type { Resource } from '@medplum/fhirtypes';

/** The canonical base of the topics HMS-OPS ships. */
export const TOPIC_BASE = 'https://fhir.mspbs.gov.py/SubscriptionTopic';

export type Interaction = 'create' | 'update' | 'delete';

/** One resource trigger of a topic: which changes of which type fire it. */
export interface TopicTrigger {
  /** Resource type, or '*' for every type (the generic topic). */
  resource: string;
  interactions: Interaction[];
  description: string;
  /**
   * Extra condition on the change (e.g. a status transition): previous is the version before the change
   * (absent on create), current the new one (absent on delete). Absent: every listed interaction fires.
   */
  fires?(previous: Resource | undefined, current: Resource | undefined): boolean;
}

/**
 * A subscription topic, declared in one small file under topics/ and listed in topics/index.ts. It is
 * published at [base]/SubscriptionTopic/{id} (R4B shape, read-only) and in the CapabilityStatement.
 */
export interface TopicDefinition {
  id: string;
  title: string;
  description: string;
  triggers: TopicTrigger[];
  /** Search parameters subscribers may filter on (filterBy / backport-filter-criteria), per resource type. */
  canFilterBy: { resource: string; filterParameter: string; description: string }[];
}

export function topicUrl(t: TopicDefinition): string {
  return `${TOPIC_BASE}/${t.id}`;
}

/** The topic as an R4B-shaped SubscriptionTopic (served read-only for discovery). */
export function topicResource(t: TopicDefinition): Record<string, unknown> {
  return {
    resourceType: 'SubscriptionTopic',
    id: t.id,
    url: topicUrl(t),
    title: t.title,
    status: 'active',
    description: t.description,
    resourceTrigger: t.triggers.map((tr) => ({
      description: tr.description,
      resource: tr.resource === '*' ? 'http://hl7.org/fhir/StructureDefinition/Resource' : `http://hl7.org/fhir/StructureDefinition/${tr.resource}`,
      supportedInteraction: tr.interactions,
    })),
    canFilterBy: t.canFilterBy.map((f) => ({
      description: f.description,
      resource: f.resource === '*' ? 'Resource' : f.resource,
      filterParameter: f.filterParameter,
    })),
    notificationShape: [{ resource: 'Resource' }],
  };
}
