import { createHash } from 'node:crypto';
import { MAX_SLOTS_PER_SCHEDULE, UTC_OFFSET_MIN, type Availability } from './model.js';

/** One slot a schedule's availability offers (UTC ms). */
export interface SlotSpec {
  start: number;
  end: number;
  capacity: number;
  overbook: number;
}

const DAY = 86_400_000;
const OFFSET = UTC_OFFSET_MIN * 60_000;

/** Local midnight (as UTC ms) of the local day containing t. */
export function localDay(t: number): number {
  return Math.floor((t + OFFSET) / DAY) * DAY - OFFSET;
}

/**
 * The slots of [from, to): for each local day, each block on its weekday is cut into slots of its length from
 * its start; a slot must end by the block's end and not overlap a break or an unavailable period. Ordered by
 * start. More than MAX_SLOTS_PER_SCHEDULE: a 422 from the caller (slotsFor returns undefined).
 */
export function slotsFor(a: Availability, from: number, to: number): SlotSpec[] | undefined {
  const out: SlotSpec[] = [];
  for (let day = localDay(from); day < to; day += DAY) {
    const weekday = new Date(day + OFFSET).getUTCDay();
    for (const b of a.blocks) {
      if (!b.days.has(weekday)) continue;
      for (let m = b.start; m + b.minutes <= b.end; m += b.minutes) {
        if (b.breaks.some((p) => m < p.end && m + b.minutes > p.start)) continue;
        const start = day + m * 60_000;
        const end = start + b.minutes * 60_000;
        if (start < from || start >= to) continue;
        if (a.closed.some((c) => start < c.end && end > c.start)) continue;
        out.push({ start, end, capacity: b.capacity, overbook: b.overbook });
        if (out.length > MAX_SLOTS_PER_SCHEDULE) return undefined;
      }
    }
  }
  return out.sort((x, y) => x.start - y.start || x.end - y.end);
}

/**
 * The id of the slot of a schedule that starts at `start` (the same in every process, so regeneration is
 * idempotent): `sl-`, 20 hex digits of the SHA-256 of the schedule id, the start in UTC as YYYYMMDDHHmm and the
 * length in minutes, e.g. `sl-1f0c…-202612141100-20`. One schedule's slots share a prefix and follow each other in
 * time, so a generation's rows go into neighbouring places of every index keyed by id instead of one random
 * place per slot: 1.35× the slots per second at 1,000 schedules on PostgreSQL (docs/performance.md).
 */
export function slotId(scheduleId: string, start: number, end: number): string {
  const t = new Date(start).toISOString();
  const minute = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}${t.slice(11, 13)}${t.slice(14, 16)}`;
  return `sl-${createHash('sha256').update(scheduleId).digest('hex').slice(0, 20)}-${minute}-${Math.round((end - start) / 60_000)}`;
}

const GENERATED = /^sl-[0-9a-f]{20}-\d{12}-\d{1,5}$/;
/** Ids of generated slots written before the form above (`sl-` and 32 hex digits of a hash of schedule, start and end). */
const LEGACY = /^sl-[0-9a-f]{32}$/;

/** Whether a Slot id is one slotId makes (a slot the server generated and manages), or made before. */
export function isGenerated(id: string): boolean {
  return GENERATED.test(id) || LEGACY.test(id);
}

/** Whether a generated Slot id is of the form made before slotId's. */
export function isLegacyGenerated(id: string): boolean {
  return LEGACY.test(id);
}

/**
 * The order of slots that start together in $find: a hash of the slot id, so that simultaneous slots of
 * several schedules are offered in an order that changes from one start to the next, spreading bookings.
 */
export function tieKey(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

/** FHIR instant in Paraguay's local time (e.g. 2026-12-14T07:00:00-03:00). */
export function localInstant(t: number): string {
  const sign = UTC_OFFSET_MIN < 0 ? '-' : '+';
  const abs = Math.abs(UTC_OFFSET_MIN);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return new Date(t + OFFSET).toISOString().slice(0, 19) + zone;
}
