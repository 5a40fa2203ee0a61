import { randomUUID } from 'node:crypto';
import type { Appointment, AppointmentParticipant, Bundle, Patient, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { errors } from '../fhir/outcome.js';
import { principalOf } from '../security/principal.js';
import type { OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { findInput, type FindInput } from './input.js';
import { EXT, instantOf, proposedFor, type Availability } from './model.js';
import { slotId, slotsFor, tieKey } from './slots.js';
import { actorsAt } from './places.js';
import { searchStore } from '../store/search-in.js';
import { scheduleCache } from './schedule-cache.js';

/** Most schedules one $find looks through, schedules per slot search (its OR-values), slots per search. */
export const MAX_FIND_SCHEDULES = 2000;
const CHUNK = 200;
const PAGE = 1000;
const HOUR = 3600_000;
const MIN_SPAN = 10 * 60_000;

const codes = (r: Schedule, url: string): string[] =>
  (r.extension ?? []).filter((e) => e.url === url).map((e) => e.valueCode ?? e.valueCoding?.code ?? '').filter(Boolean);

/**
 * Appointment/$find (IHE ITI-115): the free Slots of every Schedule that matches, from start to end, as
 * proposed Appointments (status `proposed`, not stored). Schedules match on service type, specialty,
 * practitioner or location (search parameters), on language, care type and visit mode (their extensions), and
 * on a department, district or position through their actors (places.ts).
 * Ranking: slots of a schedule that speaks the patient's language (Patient.communication, when `patient` is
 * given and `language` is not) first, then the earliest start, then a hash of the slot's id (tieKey: slots
 * that start together are offered in an order that spreads bookings over their schedules).
 */
export async function find(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  const input = findInput(call);
  // A Schedule without `active` is active (the element's meaning when missing).
  const query: [string, string][] = [['active:not', 'false']];
  if (input.serviceType) query.push(['service-type', input.serviceType]);
  if (input.specialty) query.push(['specialty', input.specialty]);
  if (input.practitioner) query.push(['actor', input.practitioner]);
  if (input.location) query.push(['actor', input.location]);
  if (input.language) query.push(['idioma-atencion', input.language]);
  if (input.careType) query.push(['tipo-atencion', input.careType]);
  if (input.mode) query.push(['modalidad-atencion', input.mode]);
  // A patient's own app (a patient context) finds for that patient; anyone else for a patient they may read.
  input.patient ??= principalOf(ctx)?.patient ? `Patient/${principalOf(ctx)!.patient}` : undefined;
  const patient = input.patient ? await readPatient(s, ctx, input.patient) : undefined;
  const actors = await actorsAt(s, ctx, input);
  // on PGlite, kept between calls until a Schedule is written (schedule-cache.ts)
  const schedules = actors === undefined ? await scheduleCache.search(s, ctx, query, MAX_FIND_SCHEDULES) : await schedulesOf(s, ctx, query, actors);
  const preferred = input.language ? undefined : languageOf(patient);
  // Schedules that speak the patient's language first; each group earliest first.
  const groups = preferred ? [schedules.filter((sc) => codes(sc, EXT.language).includes(preferred)), schedules.filter((sc) => !codes(sc, EXT.language).includes(preferred))] : [schedules];
  const found: { slot: Slot; schedule: Schedule }[] = [];
  for (const group of groups) {
    if (found.length >= input.count) break;
    found.push(...(await earliest(s, ctx, group, input.start, input.end, input.count - found.length)));
  }
  const page = found.slice(0, input.count);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: page.map(({ slot, schedule }, rank) => ({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: proposal(slot, schedule, input),
      search: { mode: 'match', score: Math.round((1 - rank / Math.max(page.length, 1)) * 1000) / 1000 },
    })),
  };
  return { status: 200, headers: {}, body: bundle };
}

/** The schedules that match `query` and name one of `actors` (a department, district or position's), at most MAX_FIND_SCHEDULES. */
async function schedulesOf(s: Services, ctx: RequestContext, query: [string, string][], actors: string[]): Promise<Schedule[]> {
  const found = new Map<string, Schedule>();
  for (let i = 0; i < actors.length && found.size < MAX_FIND_SCHEDULES; i += CHUNK) {
    const part: [string, string][] = [...query, ['actor', actors.slice(i, i + CHUNK).join(',')]];
    for (const sc of await scheduleCache.search(s, ctx, part, MAX_FIND_SCHEDULES)) if (found.size < MAX_FIND_SCHEDULES) found.set(sc.id!, sc);
  }
  return [...found.values()];
}

/** The Patient as the requester may read it (403 or 404 otherwise: no proposals for someone else's patient). */
async function readPatient(s: Services, ctx: RequestContext, ref: string): Promise<Patient> {
  const row = await s.store.read(ctx, 'Patient', ref.slice('Patient/'.length));
  const visible = row?.content && !row.deleted ? await s.store.readable(ctx, [{ ...row, content: row.content }]) : [];
  if (!row?.content || visible.length === 0) throw errors.notFound('scheduling.unknownPatient', ref);
  return JSON.parse(row.content) as Patient;
}

/** The patient's preferred language (Patient.communication preferred, else the first), without its region. */
function languageOf(p: Patient | undefined): string | undefined {
  const c = p?.communication?.find((x) => x.preferred) ?? p?.communication?.[0];
  return c?.language?.coding?.find((x) => x.code)?.code?.split('-')[0];
}

/** A proposal for one slot; what it takes of the schedule is copied (a cached Schedule is shared between calls). */
function proposal(slot: Slot, schedule: Schedule, input: FindInput): Appointment {
  const participant: AppointmentParticipant[] = (schedule.actor ?? []).map((actor) => ({ actor: structuredClone(actor), required: 'required', status: 'needs-action' }));
  if (input.patient) participant.unshift({ actor: { reference: input.patient }, required: 'required', status: 'needs-action' });
  const carry = (schedule.extension ?? []).filter((e) => e.url === EXT.careType).map((e) => structuredClone(e));
  // The visit mode asked for, else the slot's only one (a slot offering several leaves the choice to the client).
  const modes = (slot.extension ?? []).filter((e) => e.url === EXT.mode);
  const mode = input.mode ? modes.filter((e) => e.valueCoding?.code === input.mode).slice(0, 1) : modes.length === 1 ? modes : [];
  const language = input.language ? [{ url: EXT.language, valueCode: input.language }] : [];
  return proposedFor(slot, participant, [...carry, ...mode, ...language]);
}

/**
 * The `count` earliest free slots of `schedules` in [from, to), by time windows in order: each window's slots
 * are all earlier than the next one's, so the search stops at the first window that completes the count. A
 * window with more than a page of searched slots (or 20 pages of generated ones) is halved (down to 10
 * minutes), so no slot is skipped; a sparse one doubles (up to a week). The first window holds about four times
 * the slots asked for.
 *
 * A schedule with availability has only the Slots the server generated (bookings.ts refuses others), whose
 * ids follow from the schedule and the times (slots.ts): those are read by id, earliest first, which does not
 * depend on how many slots the store holds. The Slots of a schedule without availability (written by clients)
 * are searched.
 */
async function earliest(s: Services, ctx: RequestContext, schedules: Schedule[], from: number, to: number, count: number): Promise<{ slot: Slot; schedule: Schedule }[]> {
  if (schedules.length === 0) return [];
  const byId = new Map(schedules.map((sc) => [sc.id!, sc]));
  const generated: { id: string; a: Availability }[] = [];
  const manual: Schedule[] = [];
  for (const sc of schedules) {
    const a = scheduleCache.availability(sc);
    if (a?.blocks.length) generated.push({ id: sc.id!, a });
    else manual.push(sc);
  }
  const out: { slot: Slot; schedule: Schedule }[] = [];
  // About four times the slots asked for, if each schedule offers one slot in 20 minutes.
  let span = Math.max(MIN_SPAN, Math.min(24 * HOUR, Math.ceil((count * 4) / schedules.length) * 20 * 60_000));
  for (let w0 = from; w0 < to && out.length < count; ) {
    const w1 = Math.min(to, w0 + span);
    const specs = generated.flatMap(({ id, a }) => (slotsFor(a, w0, w1) ?? []).map((x) => ({ schedule: id, start: x.start, end: x.end })));
    // too many slots in the window: the same window start, narrower
    if (specs.length > 20 * PAGE && span > MIN_SPAN) {
      span = Math.max(MIN_SPAN, Math.floor(span / 2));
      continue;
    }
    const searched = await searchedSlots(s, ctx, manual, w0, w1);
    if (searched.length >= PAGE && span > MIN_SPAN) {
      span = Math.max(MIN_SPAN, Math.floor(span / 2));
      continue;
    }
    specs.sort((x, y) => x.start - y.start);
    const window = searched.map((slot) => ({ slot, start: instantOf(slot.start)! }));
    window.push(...(await slotsById(s, ctx, specs, count - out.length, window)));
    // each slot's tie key once, not at every comparison
    const ranked = window.map((w) => ({ ...w, key: tieKey(w.slot.id!) })).sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : 1));
    for (const { slot } of ranked) {
      const sc = byId.get(slot.schedule.reference?.slice('Schedule/'.length) ?? '');
      if (sc && out.length < count) out.push({ slot, schedule: sc });
    }
    w0 = w1;
    // a sparse window: look further at once next time (up to a week)
    if (specs.length + window.length < PAGE / 4) span = Math.min(7 * 24 * HOUR, span * 2);
  }
  return out;
}

interface Ranked {
  slot: Slot;
  start: number;
}

/** Ranking order: start, then the tie key of the slot's id. */
const before = (a: { start: number; key: string }, b: { start: number; key: string }): boolean => a.start < b.start || (a.start === b.start && a.key < b.key);

/**
 * The free ones of the generated Slots of `specs` (ordered by start; those that exist, as the requester may see
 * them), read in ranking order (start, then tie key) a chunk at a time — whole groups of one start up to CHUNK
 * slots, or a chunk of a larger group's ids in tie-key order — until `count` free slots, with
 * `others`, rank before every slot not yet read.
 */
async function slotsById(s: Services, ctx: RequestContext, specs: { schedule: string; start: number; end: number }[], count: number, others: Ranked[]): Promise<Ranked[]> {
  const out: Ranked[] = [];
  const known = others.map((x) => ({ start: x.start, key: tieKey(x.slot.id!) }));
  const groupEnd = (g: number): number => {
    let h = g;
    while (h < specs.length && specs[h].start === specs[g].start) h++;
    return h;
  };
  /** Reads `ids`; true once `count` known slots rank before `next`. */
  const read = async (ids: string[], next: { start: number; key: string }): Promise<boolean> => {
    for (const slot of await searchStore<Slot>(s, ctx, 'Slot', [['_id', ids.join(',')], ['status', 'free']], ids.length)) {
      out.push({ slot, start: instantOf(slot.start)! });
      known.push({ start: instantOf(slot.start)!, key: tieKey(slot.id!) });
    }
    return known.filter((k) => before(k, next)).length >= count;
  };
  const id = (x: { schedule: string; start: number; end: number }): string => slotId(x.schedule, x.start, x.end);
  for (let g = 0; g < specs.length; ) {
    let h = groupEnd(g);
    if (h - g > CHUNK) {
      // one start with more slots than a chunk: in tie-key order, a chunk at a time
      const keyed = specs.slice(g, h).map((x) => { const i = id(x); return { id: i, key: tieKey(i) }; }).sort((a, b) => (a.key < b.key ? -1 : 1));
      for (let i = 0; i < keyed.length; i += CHUNK) {
        const next = i + CHUNK < keyed.length ? { start: specs[g].start, key: keyed[i + CHUNK].key } : { start: h < specs.length ? specs[h].start : Infinity, key: '' };
        if (await read(keyed.slice(i, i + CHUNK).map((k) => k.id), next)) return out;
      }
    } else {
      // whole groups of one start while they fit in a chunk
      for (let n = h < specs.length ? groupEnd(h) : h; h < specs.length && n - g <= CHUNK; n = h < specs.length ? groupEnd(h) : h) h = n;
      if (await read(specs.slice(g, h).map(id), { start: h < specs.length ? specs[h].start : Infinity, key: '' })) return out;
    }
    g = h;
  }
  return out;
}

/** The free Slots of `schedules` (without availability) that start in [w0, w1), up to a page. */
async function searchedSlots(s: Services, ctx: RequestContext, schedules: Schedule[], w0: number, w1: number): Promise<Slot[]> {
  const out: Slot[] = [];
  for (let i = 0; i < schedules.length && out.length < PAGE; i += CHUNK) {
    const refs = schedules.slice(i, i + CHUNK).map((sc) => `Schedule/${sc.id}`);
    const query: [string, string][] = [
      ['schedule', refs.join(',')],
      ['status', 'free'],
      ['start', `ge${new Date(w0).toISOString()}`],
      ['start', `lt${new Date(w1).toISOString()}`],
    ];
    out.push(...(await searchStore<Slot>(s, ctx, 'Slot', query, PAGE)));
  }
  return out;
}
