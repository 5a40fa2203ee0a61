import { appointmentBooked, appointmentCancelled, appointmentNoShow, appointmentProposed } from './appointment.js';
import { resourceChange } from './resource-change.js';
import { topicUrl, type TopicDefinition } from './topic.js';

export { TOPIC_BASE, topicResource, topicUrl, type Interaction, type TopicDefinition, type TopicTrigger } from './topic.js';

/**
 * The topics this server ships. Adding one: a file beside this one and one entry here, or, for a feature's own
 * topics, defineTopic from the feature's start.
 */
export const TOPICS: TopicDefinition[] = [resourceChange, appointmentBooked, appointmentCancelled, appointmentNoShow, appointmentProposed];

const byUrl = new Map(TOPICS.map((t) => [topicUrl(t), t]));

/** Adds a feature's topic (once: a second definition of the same id is ignored). */
export function defineTopic(t: TopicDefinition): void {
  if (TOPICS.some((x) => x.id === t.id)) return;
  TOPICS.push(t);
  byUrl.set(topicUrl(t), t);
}

export function findTopic(url: string): TopicDefinition | undefined {
  return byUrl.get(url.split('|')[0]);
}
