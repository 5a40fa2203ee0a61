import type { Feature } from '../features.js';
import { defineOperation } from '../operations/registry.js';
import type { Services } from '../rest/services.js';
import { schedulingDerivation } from './bookings.js';
import { find } from './find.js';
import { flow } from './flow.js';
import { lapseHolds, rollHorizon } from './jobs.js';
import './messages.js';
import { reserve, setHoldSeconds } from './reserve.js';
import { scheduleCache } from './schedule-cache.js';
import { sendReminders } from './reminders.js';

/**
 * Scheduling (IHE ITI Scheduling on the Paraguay profiles): Slots generated from each Schedule's availability,
 * Appointment/$find, $hold and $book, holds that lapse by themselves, and the Slot counts and participant
 * checks that keep every write of an Appointment honest (bookings.ts).
 */
const OD = 'https://fhir.mspbs.gov.py/OperationDefinition/';
let registered = false;

export function schedulingFeature(): Feature {
  const timers: NodeJS.Timeout[] = [];
  let running: Promise<unknown> = Promise.resolve();
  return {
    name: 'scheduling',
    start(s: Services) {
      setHoldSeconds(s.config.schedulingHoldSeconds);
      scheduleCache.attach(s);
      s.store.addDerivation((t, changes) =>
        schedulingDerivation(t, changes, (schedule, slots) =>
          s.log.warn({ schedule, slots: slots.map((x) => x.id) }, 'availability no longer offers booked slots: kept, to be moved by hand'),
        ),
      );
      if (!registered) {
        registered = true;
        defineOperation({
          name: 'find',
          levels: ['type'],
          types: ['Appointment'],
          definition: `${OD}appointment-find`,
          affectsState: false,
          documentation: 'IHE ITI-115: free slots of the matching schedules as proposed Appointments, best first.',
          handler: (s, ctx, call) => find(s, ctx, call),
        });
        defineOperation({
          name: 'flow',
          levels: ['type'],
          types: ['Appointment'],
          definition: `${OD}appointment-flow`,
          affectsState: false,
          documentation: 'Patient flow of a location, practitioner or service: who is waiting now and for how long, the day\'s appointments per status and throughput.',
          handler: (s, ctx, call) => flow(s, ctx, call),
        });
        defineOperation({
          name: 'hold',
          levels: ['type'],
          types: ['Appointment'],
          definition: `${OD}appointment-hold`,
          affectsState: true,
          documentation: 'IHE ITI-116: a tentative booking (status pending) that lapses after SCHEDULING_HOLD_SECONDS.',
          handler: (s, ctx, call, t) => reserve(s, ctx, call, t, 'pending'),
        });
        defineOperation({
          name: 'book',
          levels: ['type'],
          types: ['Appointment'],
          definition: `${OD}appointment-book`,
          affectsState: true,
          documentation: 'IHE ITI-117: books an appointment (or a hold) atomically; its slots and participants must be free.',
          handler: (s, ctx, call, t) => reserve(s, ctx, call, t, 'booked'),
        });
      }
      const every = (ms: number, job: () => Promise<unknown>): void => {
        const timer = setInterval(() => {
          running = running.then(job).catch((err: Error) => s.log.warn({ err: err.message }, 'scheduling job failed'));
        }, ms);
        timer.unref();
        timers.push(timer);
      };
      every(s.config.schedulingHoldCheckMs, () => lapseHolds(s));
      every(3600_000, () => rollHorizon(s));
      every(s.config.schedulingReminderCheckMs, () => sendReminders(s, s.config.schedulingReminderHours, s.config.schedulingReminderTemplates));
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await running.catch(() => undefined);
    },
  };
}
