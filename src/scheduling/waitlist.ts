import type { Appointment, Schedule, Slot } from '@medplum/fhirtypes';
import { create } from '../interactions/write.js';
import type { StoreTransaction } from '../store/store.js';
import { EXT, instantOf, proposedFor, refKey } from './model.js';
import { searchIn } from '../store/search-in.js';

/** Most waiting entries looked at for one freed slot. */
export const MAX_WAITING = 500;
const URGENCY = ['stat', 'asap', 'urgent', 'routine'];

/**
 * The waitlist: Appointments in status `waitlist` (a patient, and the practitioner, service type or specialty
 * wanted; optionally `requestedPeriod`). When a future Slot gets a free place, the first suitable waiting
 * patient is offered it: a `proposed` Appointment for that slot whose `supportingInformation` is the waiting
 * entry (subscription topic appointment-proposed announces it). The patient books it with $book.
 * Suitable: the entry names one of the schedule's actors, or names none and shares a service type or
 * specialty with the slot; its requestedPeriod, if any, holds the slot; it has no open offer yet.
 * Order: `priority` (1 first; 0 or none last), then py-urgencia-clinica (stat, asap, urgent, routine), then
 * the longest waiting (`created`, else the entry's first version).
 */
export async function offerFreedSlot(t: StoreTransaction, slot: Slot): Promise<Appointment | undefined> {
  const start = instantOf(slot.start);
  const end = instantOf(slot.end);
  if (start === undefined || end === undefined || start <= Date.now()) return undefined;
  const scheduleKey = refKey(slot.schedule, 'Schedule');
  const row = scheduleKey ? await t.read('Schedule', scheduleKey.slice('Schedule/'.length)) : undefined;
  if (!row?.content || row.deleted) return undefined;
  const schedule = JSON.parse(row.content) as Schedule;
  const actors = new Set((schedule.actor ?? []).map((a) => refKey(a)).filter(Boolean));
  const codes = new Set([...(slot.serviceType ?? []), ...(slot.specialty ?? [])].flatMap((c) => (c.coding ?? []).map((x) => `${x.system}|${x.code}`)));

  const waiting = await searchIn<Appointment>(t, 'Appointment', { status: 'waitlist' }, MAX_WAITING);
  const suitable = waiting.filter((w) => {
    const wanted = (w.participant ?? []).map((p) => refKey(p.actor)).filter((k): k is string => !!k && !k.startsWith('Patient/'));
    const fits = wanted.length
      ? wanted.some((k) => actors.has(k))
      : [...(w.serviceType ?? []), ...(w.specialty ?? [])].some((c) => (c.coding ?? []).some((x) => codes.has(`${x.system}|${x.code}`)));
    if (!fits) return false;
    return !w.requestedPeriod?.length || w.requestedPeriod.some((p) => (instantOf(p.start) ?? -Infinity) <= start && end <= (instantOf(p.end, true) ?? Infinity));
  });
  suitable.sort((a, b) => rank(a) - rank(b) || urgency(a) - urgency(b) || waitingSince(a) - waitingSince(b));
  for (const w of suitable) {
    const offered = await searchIn<Appointment>(t, 'Appointment', { status: 'proposed', 'supporting-info': `Appointment/${w.id}` }, 1);
    if (offered.length) continue;
    const patients = (w.participant ?? []).filter((p) => refKey(p.actor, 'Patient'));
    const offer = proposedFor(
      slot,
      [
        ...patients.map((p) => ({ actor: p.actor, required: 'required' as const, status: 'needs-action' as const })),
        ...(schedule.actor ?? []).map((actor) => ({ actor, required: 'required' as const, status: 'needs-action' as const })),
      ],
      (w.extension ?? []).filter((e) => e.url === EXT.language || e.url === EXT.interpreter || e.url === EXT.careType),
      { supportingInformation: [{ reference: `Appointment/${w.id}` }] },
    );
    const r = await create(t, offer);
    return { ...offer, id: r.id };
  }
  return undefined;
}

const rank = (a: Appointment): number => (a.priority && a.priority > 0 ? a.priority : 1000);
const urgency = (a: Appointment): number => {
  const code = a.extension?.find((e) => e.url === EXT.urgency)?.valueCode;
  const i = code ? URGENCY.indexOf(code) : -1;
  return i < 0 ? URGENCY.length : i;
};
const waitingSince = (a: Appointment): number => instantOf(a.created) ?? instantOf(a.meta?.lastUpdated) ?? Infinity;
