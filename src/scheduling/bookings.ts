import type { Appointment, Schedule, Slot } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';
import { update } from '../interactions/write.js';
import type { PendingWrite, StoreTransaction } from '../store/store.js';
import { generateSlots } from './generate.js';
import { BUSY, heldSlots, instantOf, quotaExtension, quotaStatus, readAvailability, readQuota, refKey, EXT } from './model.js';
import { isGenerated, localInstant } from './slots.js';
import { searchIn } from '../store/search-in.js';
import { offerFreedSlot } from './waitlist.js';
import { followFlow } from './flow.js';

/** Participants that cannot be in two appointments at once (a Location or a service may host several). */
const EXCLUSIVE = new Set(['Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Device']);
/** Longest appointment the overlap check looks back for. */
const LONGEST_MS = 24 * 3600_000;

/**
 * The scheduling derivation: whatever way an Appointment or a Schedule is written (the operations, PUT, PATCH,
 * POST, a transaction bundle), in the same transaction
 *   - a Schedule's Slots are (re)generated from its availability (generate.ts);
 *   - each Slot counts the appointments holding a place in it (py-cupo `reservados`; status busy once its
 *     capacity is taken): past capacity + overbooking, the write is refused with 409;
 *   - a participant who must be exclusive (patient, practitioner, interpreter, device) is not in two
 *     overlapping appointments that keep them busy: 409 naming them.
 * Several processes: a Slot's count is changed under the Slot's lock (update), so racing bookings serialise.
 */
export async function schedulingDerivation(t: StoreTransaction, changes: readonly PendingWrite[], onConflicts?: (scheduleId: string, slots: Slot[]) => void): Promise<void> {
  const delta = new Map<string, number>();
  const check: Appointment[] = [];
  /** Appointments whose slots or times changed: their times must be their slots' (checked below). */
  const timed: Appointment[] = [];
  const times = new Map<string, { start: number; end: number }>();
  for (const c of changes) {
    if (c.type === 'Schedule') {
      const report = await generateSlots(t, c.id, c.resource as Schedule | undefined, Date.now(), c.isNew);
      if (report.conflicts.length) onConflicts?.(c.id, report.conflicts);
      continue;
    }
    if (c.type === 'Slot') {
      await checkSlotOwner(t, c);
      continue;
    }
    if (c.type !== 'Appointment') continue;
    const now = c.resource as Appointment | undefined;
    const before = c.previousVersion ? await t.readVersion('Appointment', c.id, c.previousVersion) : undefined;
    const old = before?.content ? (JSON.parse(before.content) as Appointment) : undefined;
    await followFlow(t, c, old);
    const after = heldSlots(now);
    const prior = heldSlots(old);
    if (after.length && (!old || prior.join() !== after.join() || old.start !== now!.start || old.end !== now!.end)) timed.push(now!);
    for (const s of after) if (!prior.includes(s)) delta.set(s, (delta.get(s) ?? 0) + 1);
    for (const s of prior) if (!after.includes(s)) delta.set(s, (delta.get(s) ?? 0) - 1);
    if (now && BUSY.has(now.status) && (!old || !BUSY.has(old.status) || old.start !== now.start || old.end !== now.end || JSON.stringify(old.participant) !== JSON.stringify(now.participant))) check.push(now);
  }
  const keys = [...delta.keys()].sort();
  await t.lock(keys);
  const freed: Slot[] = [];
  for (const key of keys) {
    const d = delta.get(key)!;
    if (d === 0) continue;
    const id = key.slice('Slot/'.length);
    const row = await t.read('Slot', id);
    if (!row || row.deleted || !row.content) {
      if (d > 0) throw new FhirError(422, 'not-found', 'scheduling.unknownSlot', [key]);
      continue;
    }
    const slot = JSON.parse(row.content) as Slot;
    times.set(key, { start: instantOf(slot.start)!, end: instantOf(slot.end)! });
    const q = readQuota(slot);
    if (d > 0 && (slot.status === 'busy-unavailable' || slot.status === 'entered-in-error')) throw new FhirError(409, 'conflict', 'scheduling.slotUnavailable', [key, slot.status]);
    q.taken = Math.max(0, q.taken + d);
    if (q.taken > q.capacity + q.overbook) throw new FhirError(409, 'conflict', 'scheduling.slotFull', [key, q.capacity, q.overbook]);
    const status = slot.status === 'busy-unavailable' || slot.status === 'entered-in-error' ? slot.status : quotaStatus(q);
    const next: Slot = { ...slot, extension: [quotaExtension(q), ...(slot.extension ?? []).filter((e) => e.url !== EXT.quota)], status };
    if (q.taken > q.capacity) next.overbooked = true;
    else delete next.overbooked;
    await update(t, 'Slot', id, next);
    if (d < 0 && status === 'free') freed.push(next);
  }
  for (const a of timed) await checkTimes(t, a, times);
  // A place given back: offered to the first suitable patient on the waitlist (waitlist.ts).
  for (const slot of freed) await offerFreedSlot(t, slot);
  if (check.length === 0) return;
  // Racing bookings of one person in different slots serialise here (after the slots' locks: one order for all).
  const people = check.flatMap((a) => (a.participant ?? []).map((p) => refKey(p.actor)).filter((k): k is string => !!k && EXCLUSIVE.has(k.split('/')[0])));
  await t.lock(people.map((k) => `busy:${k}`));
  await t.genericPlans(async () => {
    for (const a of check) await checkParticipantsFree(t, a);
  });
}

/**
 * 409 when an exclusive participant of `a` is in another overlapping appointment that keeps them busy. One
 * search for all of them (each statement is a round trip): the appointments of any of them in the window.
 */
async function checkParticipantsFree(t: StoreTransaction, a: Appointment): Promise<void> {
  const start = instantOf(a.start);
  const end = instantOf(a.end);
  if (start === undefined || end === undefined) return;
  const mine = new Set(heldSlots({ ...a, status: 'booked' }));
  const keys: string[] = [];
  for (const p of a.participant ?? []) {
    const key = refKey(p.actor);
    if (!key || !EXCLUSIVE.has(key.split('/')[0]) || p.required === 'information-only' || p.status === 'declined' || keys.includes(key)) continue;
    keys.push(key);
  }
  if (keys.length === 0) return;
  const others = await searchIn<Appointment>(
    t,
    'Appointment',
    { actor: keys.join(','), date: [`lt${new Date(end).toISOString()}`, `ge${new Date(start - LONGEST_MS).toISOString()}`], status: [...BUSY].join(',') },
    200 * keys.length,
  );
  for (const o of others) {
    if (o.id === a.id) continue;
    const os = instantOf(o.start);
    const oe = instantOf(o.end);
    if (os === undefined || oe === undefined || !(os < end && oe > start)) continue;
    // Whose appointment it is: the participants it names (as the search matched them, e.g. by an absolute
    // reference, when it names none of them as a relative one).
    const theirs = new Set((o.participant ?? []).map((p) => refKey(p.actor)));
    const named = keys.filter((k) => theirs.has(k));
    for (const key of named.length ? named : keys) {
      // Sharing a slot (a group session) does not make the schedule's own people double-booked.
      if (key.split('/')[0] !== 'Patient' && heldSlots(o).some((s) => mine.has(s))) continue;
      throw new FhirError(409, 'conflict', 'scheduling.participantBusy', [key, `Appointment/${o.id}`, o.start ?? '', o.end ?? '']);
    }
  }
}

/** A Slot written by a client (an id not of slotId's form) for a Schedule with availability: 422 (generate.ts). */
async function checkSlotOwner(t: StoreTransaction, c: PendingWrite): Promise<void> {
  const slot = c.resource as Slot | undefined;
  if (!slot || isGenerated(c.id)) return;
  const key = refKey(slot.schedule);
  if (!key?.startsWith('Schedule/')) return;
  const row = await t.read('Schedule', key.slice('Schedule/'.length));
  if (!row?.content || row.deleted) return;
  const schedule = JSON.parse(row.content) as Schedule;
  if (schedule.active !== false && readAvailability(schedule).blocks.length) throw new FhirError(422, 'business-rule', 'scheduling.generatedSchedule', [key, `Slot/${c.id}`]);
}

/**
 * An Appointment that holds Slots spans them: its start is their earliest start and its end their latest end,
 * however it was written ($book checks the same before writing). 422 naming both otherwise.
 */
async function checkTimes(t: StoreTransaction, a: Appointment, known: Map<string, { start: number; end: number }>): Promise<void> {
  let start = Infinity;
  let end = -Infinity;
  for (const key of heldSlots(a)) {
    let x = known.get(key);
    if (!x) {
      const row = await t.read('Slot', key.slice('Slot/'.length));
      if (!row?.content || row.deleted) throw new FhirError(422, 'not-found', 'scheduling.unknownSlot', [key]);
      const slot = JSON.parse(row.content) as Slot;
      x = { start: instantOf(slot.start)!, end: instantOf(slot.end)! };
      known.set(key, x);
    }
    start = Math.min(start, x.start);
    end = Math.max(end, x.end);
  }
  if (instantOf(a.start) !== start || instantOf(a.end) !== end) {
    throw new FhirError(422, 'invalid', 'scheduling.slotMismatch', [a.start ?? '', a.end ?? '', localInstant(start), localInstant(end)]);
  }
}
