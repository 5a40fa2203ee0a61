import { randomUUID } from 'node:crypto';
import type { Appointment, AppointmentParticipant, Bundle, Patient, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { findInput, type FindInput } from './input.js';
import { EXT, instantOf, proposedFor, readQuota } from './model.js';
import { searchStore } from './search.js';

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
 * practitioner or location (search parameters), and on language, care type and visit mode (their extensions).
 * Ranking: slots of a schedule that speaks the patient's language (Patient.communication, when `patient` is
 * given and `language` is not) first, then the earliest start, then the most places left, then the schedule.
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
  const schedules = await searchStore<Schedule>(s, ctx, 'Schedule', query, MAX_FIND_SCHEDULES);
  const preferred = input.language ? undefined : await patientLanguage(s, ctx, input.patient);
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

const free = (slot: Slot): number => {
  const q = readQuota(slot);
  return q.capacity - q.taken;
};

async function patientLanguage(s: Services, ctx: RequestContext, patient: string | undefined): Promise<string | undefined> {
  if (!patient) return undefined;
  const row = await s.store.read(ctx, 'Patient', patient.slice('Patient/'.length)).catch(() => undefined);
  if (!row?.content || row.deleted) return undefined;
  const p = JSON.parse(row.content) as Patient;
  const c = p.communication?.find((x) => x.preferred) ?? p.communication?.[0];
  return c?.language?.coding?.find((x) => x.code)?.code?.split('-')[0];
}

function proposal(slot: Slot, schedule: Schedule, input: FindInput): Appointment {
  const participant: AppointmentParticipant[] = (schedule.actor ?? []).map((actor) => ({ actor, required: 'required', status: 'needs-action' }));
  if (input.patient) participant.unshift({ actor: { reference: input.patient }, required: 'required', status: 'needs-action' });
  const carry = (schedule.extension ?? []).filter((e) => e.url === EXT.careType);
  // The visit mode asked for, else the slot's only one (a slot offering several leaves the choice to the client).
  const modes = (slot.extension ?? []).filter((e) => e.url === EXT.mode);
  const mode = input.mode ? modes.filter((e) => e.valueCoding?.code === input.mode).slice(0, 1) : modes.length === 1 ? modes : [];
  const language = input.language ? [{ url: EXT.language, valueCode: input.language }] : [];
  return proposedFor(slot, participant, [...carry, ...mode, ...language]);
}

/**
 * The `count` earliest free slots of `schedules` in [from, to), by time windows in order: each window's slots
 * are all earlier than the next one's, so the search stops at the first window that completes the count. A
 * window whose search fills a page is halved (down to 10 minutes), so no slot is skipped; a sparse one doubles
 * (up to a week). The first window holds about four times the slots asked for.
 */
async function earliest(s: Services, ctx: RequestContext, schedules: Schedule[], from: number, to: number, count: number): Promise<{ slot: Slot; schedule: Schedule }[]> {
  if (schedules.length === 0) return [];
  const byId = new Map(schedules.map((sc) => [sc.id!, sc]));
  const out: { slot: Slot; schedule: Schedule }[] = [];
  // About four times the slots asked for, if each schedule offers one slot in 20 minutes.
  let span = Math.max(MIN_SPAN, Math.min(24 * HOUR, Math.ceil((count * 4) / schedules.length) * 20 * 60_000));
  for (let w0 = from; w0 < to && out.length < count; ) {
    const w1 = Math.min(to, w0 + span);
    const window: Slot[] = [];
    let full = false;
    for (let i = 0; i < schedules.length && !full; i += CHUNK) {
      const ids = schedules.slice(i, i + CHUNK).map((sc) => `Schedule/${sc.id}`);
      const slots = await searchStore<Slot>(
        s,
        ctx,
        'Slot',
        [
          ['schedule', ids.join(',')],
          ['status', 'free'],
          ['start', `ge${new Date(w0).toISOString()}`],
          ['start', `lt${new Date(w1).toISOString()}`],
        ],
        PAGE,
      );
      full = slots.length >= PAGE;
      window.push(...slots);
    }
    if (full && span > MIN_SPAN) {
      span = Math.max(MIN_SPAN, Math.floor(span / 2));
      continue; // the same window start, narrower
    }
    window.sort((a, b) => instantOf(a.start)! - instantOf(b.start)! || free(b) - free(a) || (a.id! < b.id! ? -1 : 1));
    for (const slot of window) {
      const sc = byId.get(slot.schedule.reference?.slice('Schedule/'.length) ?? '');
      if (sc && out.length < count) out.push({ slot, schedule: sc });
    }
    w0 = w1;
    // a sparse window: look further at once next time (up to a week)
    if (window.length < PAGE / 4) span = Math.min(7 * 24 * HOUR, span * 2);
  }
  return out;
}
