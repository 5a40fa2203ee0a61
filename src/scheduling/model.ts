import type { Appointment, AppointmentParticipant, Extension, Reference, Schedule, Slot } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';

/**
 * The scheduling profiles of the Paraguay guide (profiles/agenda.fsh) as the server reads and writes them:
 * a Schedule's weekly availability blocks, its unavailable periods and planning horizon; a Slot's quota.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
export const EXT = {
  availability: `${SD}py-disponibilidad`,
  notAvailable: `${SD}py-no-disponible`,
  horizon: `${SD}py-horizonte-planificacion`,
  quota: `${SD}py-cupo`,
  mode: `${SD}py-modalidad-atencion`,
  careType: `${SD}py-tipo-atencion`,
  language: `${SD}py-idioma-atencion`,
  interpreter: `${SD}py-requiere-interprete`,
  holdExpires: `${SD}py-retencion-vence`,
  urgency: `${SD}py-urgencia-clinica`,
} as const;
export const PROFILE = { schedule: `${SD}py-schedule`, slot: `${SD}py-slot`, appointment: `${SD}py-appointment` } as const;

/** Local time of the schedules' hours: Paraguay, UTC−03:00 all year (since October 2024). */
export const UTC_OFFSET_MIN = -180;
export const DEFAULT_HORIZON_DAYS = 30;
/** Most days a schedule may plan ahead, and most slots one generation may write (the work is bounded). */
export const MAX_HORIZON_DAYS = 366;
export const MAX_SLOTS_PER_SCHEDULE = 20_000;

/** Appointment statuses that hold a place in their Slots. */
export const HOLDING = new Set<Appointment['status']>(['pending', 'booked', 'arrived', 'checked-in', 'fulfilled']);
/** ... of which a participant is busy for the time of the appointment. */
export const BUSY = new Set<Appointment['status']>(['pending', 'booked', 'arrived', 'checked-in']);

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface Block {
  days: Set<number>;
  /** Minutes after local midnight. */
  start: number;
  end: number;
  minutes: number;
  capacity: number;
  overbook: number;
  breaks: { start: number; end: number }[];
}

export interface Availability {
  blocks: Block[];
  /** Unavailable periods (UTC ms, end exclusive). */
  closed: { start: number; end: number }[];
  horizonDays: number;
  modes: Extension[];
}

const sub = (e: Extension, url: string): Extension[] => (e.extension ?? []).filter((x) => x.url === url);
const one = (e: Extension, url: string): Extension | undefined => sub(e, url)[0];

function minutesOf(time: unknown, where: string): number {
  const m = typeof time === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?$/.exec(time) : null;
  if (!m) throw new FhirError(422, 'invalid', 'scheduling.badTime', [where, String(time)]);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant a FHIR date or dateTime starts (a date alone: local midnight) and, for an end, where it ends. */
export function instantOf(v: unknown, end = false): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const t = Date.parse(`${v}T00:00:00Z`) - UTC_OFFSET_MIN * 60_000;
    return end ? t + 86_400_000 : t;
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Reads a Schedule's availability; a block the profile would refuse is a 422 naming it. */
export function readAvailability(schedule: Schedule): Availability {
  const blocks: Block[] = [];
  const exts = schedule.extension ?? [];
  exts.filter((e) => e.url === EXT.availability).forEach((e, i) => {
    const where = `Schedule.extension[py-disponibilidad][${i}]`;
    const days = new Set(sub(e, 'dia').map((d) => DAYS.indexOf(d.valueCode as (typeof DAYS)[number])));
    if (days.size === 0 || days.has(-1)) throw new FhirError(422, 'invalid', 'scheduling.badBlock', [where, 'dia']);
    const start = minutesOf(one(e, 'inicio')?.valueTime, `${where}.inicio`);
    const end = minutesOf(one(e, 'fin')?.valueTime, `${where}.fin`);
    const minutes = one(e, 'duracionMinutos')?.valuePositiveInt;
    if (!Number.isInteger(minutes) || minutes! < 5 || minutes! > 24 * 60) throw new FhirError(422, 'invalid', 'scheduling.badBlock', [where, 'duracionMinutos (5–1440)']);
    if (start >= end) throw new FhirError(422, 'invalid', 'scheduling.badBlock', [where, 'inicio < fin']);
    const capacity = one(e, 'capacidad')?.valuePositiveInt ?? 1;
    const overbook = one(e, 'sobreturnos')?.valueUnsignedInt ?? 0;
    if (capacity > 1000 || overbook > 1000) throw new FhirError(422, 'invalid', 'scheduling.badBlock', [where, 'capacidad, sobreturnos ≤ 1000']);
    const breaks = sub(e, 'pausa').map((p, k) => ({ start: minutesOf(one(p, 'inicio')?.valueTime, `${where}.pausa[${k}].inicio`), end: minutesOf(one(p, 'fin')?.valueTime, `${where}.pausa[${k}].fin`) }));
    blocks.push({ days, start, end, minutes: minutes!, capacity, overbook, breaks });
  });
  const closed = exts
    .filter((e) => e.url === EXT.notAvailable)
    .map((e, i) => {
      const p = one(e, 'periodo')?.valuePeriod;
      const start = instantOf(p?.start);
      const end = instantOf(p?.end, true);
      if (start === undefined || end === undefined || end <= start) throw new FhirError(422, 'invalid', 'scheduling.badBlock', [`Schedule.extension[py-no-disponible][${i}]`, 'periodo']);
      return { start, end };
    });
  const horizonDays = exts.find((e) => e.url === EXT.horizon)?.valuePositiveInt ?? DEFAULT_HORIZON_DAYS;
  if (horizonDays > MAX_HORIZON_DAYS) throw new FhirError(422, 'invalid', 'scheduling.badBlock', ['Schedule.extension[py-horizonte-planificacion]', `≤ ${MAX_HORIZON_DAYS}`]);
  return { blocks, closed, horizonDays, modes: exts.filter((e) => e.url === EXT.mode) };
}

export interface Quota {
  capacity: number;
  overbook: number;
  taken: number;
}

export function readQuota(slot: Slot): Quota {
  const e = slot.extension?.find((x) => x.url === EXT.quota);
  return {
    capacity: (e && one(e, 'capacidad')?.valuePositiveInt) ?? 1,
    overbook: (e && one(e, 'sobreturnos')?.valueUnsignedInt) ?? 0,
    taken: (e && one(e, 'reservados')?.valueUnsignedInt) ?? 0,
  };
}

export function quotaExtension(q: Quota): Extension {
  return {
    url: EXT.quota,
    extension: [
      { url: 'capacidad', valuePositiveInt: q.capacity },
      ...(q.overbook ? [{ url: 'sobreturnos', valueUnsignedInt: q.overbook }] : []),
      { url: 'reservados', valueUnsignedInt: q.taken },
    ],
  };
}

/** A Slot's status from its quota: busy once its capacity is taken (overbooking still possible), else free. */
export function quotaStatus(q: Quota): Slot['status'] {
  return q.taken >= q.capacity ? 'busy' : 'free';
}

/** A `proposed` Appointment for one slot (not stored by $find; a waitlist offer is): the slot's times and services. */
export function proposedFor(slot: Slot, participant: AppointmentParticipant[], extension: Extension[], more: Partial<Appointment> = {}): Appointment {
  return {
    resourceType: 'Appointment',
    meta: { profile: [PROFILE.appointment] },
    ...(extension.length ? { extension } : {}),
    status: 'proposed',
    ...(slot.serviceType ? { serviceType: slot.serviceType } : {}),
    ...(slot.specialty ? { specialty: slot.specialty } : {}),
    start: slot.start,
    end: slot.end,
    slot: [{ reference: `Slot/${slot.id}` }],
    ...more,
    participant,
  };
}

/** `Type/id` of a literal relative reference (the core's; re-exported for the scheduling modules). */
export { refKey } from '../fhir/references.js';
import { refKey } from '../fhir/references.js';

/** The Slots an Appointment holds a place in (none unless its status holds one). */
export function heldSlots(a: Appointment | undefined): string[] {
  if (!a || !HOLDING.has(a.status)) return [];
  return [...new Set((a.slot ?? []).map((r) => refKey(r, 'Slot')).filter((k): k is string => !!k))];
}
