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

/** A topic that fires when an Appointment's status becomes `status`. */
function statusTopic(id: string, title: string, status: Appointment['status'], description: string): TopicDefinition {
  return {
    id,
    title,
    description,
    triggers: [{ resource: 'Appointment', interactions: ['create', 'update'], description: `Status becomes ${status}`, fires: becomes(status) }],
    canFilterBy: filters,
  };
}

export const appointmentBooked = statusTopic('appointment-booked', 'Appointment booked', 'booked', 'An Appointment was created with status booked, or its status changed to booked.');
export const appointmentProposed = statusTopic(
  'appointment-proposed',
  'Appointment offered',
  'proposed',
  'An Appointment was created with status proposed: e.g. a freed slot offered to a patient on the waitlist (its supportingInformation is the waitlist entry).',
);
export const appointmentCancelled = statusTopic('appointment-cancelled', 'Appointment cancelled', 'cancelled', 'The status of an Appointment changed to cancelled.');
export const appointmentNoShow = statusTopic('appointment-noshow', 'Appointment no-show', 'noshow', 'The status of an Appointment changed to noshow (the patient did not come).');
