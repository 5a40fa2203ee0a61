import type { Appointment, Resource } from '@medplum/fhirtypes';
import type { TopicDefinition } from './topic.js';

/** Appointment topics: fire when an Appointment reaches a status (created in it, or changed into it). */
function becomes(status: Appointment['status']) {
  return (previous: Resource | undefined, current: Resource | undefined): boolean =>
    (current as Appointment | undefined)?.status === status && (previous as Appointment | undefined)?.status !== status;
}

const filters = [
  { resource: 'Appointment', filterParameter: 'patient', description: 'The patient taking part' },
  { resource: 'Appointment', filterParameter: 'actor', description: 'Any participant (Practitioner, Location, ...)' },
  { resource: 'Appointment', filterParameter: 'practitioner', description: 'The practitioner taking part' },
  { resource: 'Appointment', filterParameter: 'location', description: 'The location' },
  { resource: 'Appointment', filterParameter: 'service-type', description: 'The service type' },
];

export const appointmentBooked: TopicDefinition = {
  id: 'appointment-booked',
  title: 'Appointment booked',
  description: 'An Appointment was created with status booked, or its status changed to booked.',
  triggers: [{ resource: 'Appointment', interactions: ['create', 'update'], description: 'Status becomes booked', fires: becomes('booked') }],
  canFilterBy: filters,
};

export const appointmentCancelled: TopicDefinition = {
  id: 'appointment-cancelled',
  title: 'Appointment cancelled',
  description: 'The status of an Appointment changed to cancelled.',
  triggers: [{ resource: 'Appointment', interactions: ['create', 'update'], description: 'Status becomes cancelled', fires: becomes('cancelled') }],
  canFilterBy: filters,
};

export const appointmentNoShow: TopicDefinition = {
  id: 'appointment-noshow',
  title: 'Appointment no-show',
  description: 'The status of an Appointment changed to noshow (the patient did not come).',
  triggers: [{ resource: 'Appointment', interactions: ['create', 'update'], description: 'Status becomes noshow', fires: becomes('noshow') }],
  canFilterBy: filters,
};
