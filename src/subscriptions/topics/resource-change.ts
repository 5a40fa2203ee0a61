import type { TopicDefinition } from './topic.js';

/**
 * The generic topic: a resource of a type was created, updated or deleted. The filter criteria choose the
 * type (`Patient?...`) and, with `_interaction=create,update`, the interactions.
 */
export const resourceChange: TopicDefinition = {
  id: 'resource-change',
  title: 'Resource created, updated or deleted',
  description: 'Fires when a resource of the type named in the filter criteria (e.g. "Patient?gender=female") is created, updated or deleted. Without filter criteria, every change of every type fires.',
  triggers: [{ resource: '*', interactions: ['create', 'update', 'delete'], description: 'Any change of a resource' }],
  canFilterBy: [
    { resource: '*', filterParameter: '_interaction', description: 'create, update and/or delete (comma-separated); default all three' },
    { resource: '*', filterParameter: '(any search parameter of the type)', description: 'Any search parameter of the resource type named in the criteria' },
  ],
};
