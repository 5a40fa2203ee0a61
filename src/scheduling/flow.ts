import type { Appointment, Encounter, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { create, update } from '../interactions/write.js';
import type { OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import type { PendingWrite, StoreTransaction } from '../store/store.js';
import { flowInput } from './input.js';
import { instantOf, refKey } from './model.js';
import { searchIn, searchStore } from '../store/search-in.js';

/**
 * Patient flow: booked → arrived → checked-in → fulfilled (or noshow). At check-in the server opens the visit's
 * Encounter (status `arrived`: the patient is there and waiting; `appointment` = the Appointment); when the
 * Appointment is fulfilled the Encounter is finished, and when it is cancelled or a no-show after check-in, the
 * Encounter is cancelled. Each in the same transaction as the Appointment's write, once (found by appointment).
 */
/** The statuses that open or close a visit's Encounter. */
const FLOW = new Set<Appointment['status']>(['checked-in', 'fulfilled', 'noshow', 'cancelled']);

export async function followFlow(t: StoreTransaction, c: PendingWrite, before: Appointment | undefined): Promise<void> {
  const now = c.resource as Appointment | undefined;
  if (!now || now.status === before?.status || !FLOW.has(now.status)) return;
  const ref = `Appointment/${c.id}`;
  const [open] = await searchIn<Encounter>(t, 'Encounter', { appointment: ref }, 1);
  const at = new Date().toISOString();
  if (now.status === 'checked-in' && !open) {
    const patient = (now.participant ?? []).find((p) => refKey(p.actor, 'Patient'))?.actor;
    const staff = (now.participant ?? []).filter((p) => /^(Practitioner|PractitionerRole)\//.test(p.actor?.reference ?? ''));
    const places = (now.participant ?? []).filter((p) => refKey(p.actor, 'Location'));
    const encounter: Encounter = {
      resourceType: 'Encounter',
      status: 'arrived',
      statusHistory: [{ status: 'arrived', period: { start: at } }],
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      ...(now.serviceType?.[0] ? { serviceType: now.serviceType[0] } : {}),
      ...(patient ? { subject: { reference: patient.reference } } : {}),
      ...(staff.length ? { participant: staff.map((p) => ({ individual: { reference: p.actor!.reference } })) } : {}),
      appointment: [{ reference: ref }],
      period: { start: at },
      ...(places.length ? { location: places.map((p) => ({ location: { reference: p.actor!.reference }, status: 'active' as const })) } : {}),
    };
    await create(t, encounter);
    return;
  }
  if (!open) return;
  const close = (status: 'finished' | 'cancelled'): Encounter => ({
    ...open,
    status,
    statusHistory: [...(open.statusHistory ?? []).map((h) => (h.period.end ? h : { ...h, period: { ...h.period, end: at } })), { status, period: { start: at } }],
    period: { ...open.period, end: at },
  });
  if (now.status === 'fulfilled' && open.status !== 'finished') await update(t, 'Encounter', open.id!, close('finished'));
  else if ((now.status === 'noshow' || now.status === 'cancelled') && open.status === 'arrived') await update(t, 'Encounter', open.id!, close('cancelled'));
}

const STATUSES: Appointment['status'][] = ['booked', 'arrived', 'checked-in', 'fulfilled', 'noshow', 'cancelled'];
/** Most appointments of one day, and most open Encounters, one $flow reads. */
export const MAX_FLOW = 2000;

/**
 * Appointment/$flow: the waiting room and the day of one location, practitioner or service (at least one):
 * `waiting` — each checked-in patient not seen yet (Encounter `arrived`) with the minutes since check-in,
 * longest first; `count` — the day's Appointments per status; `throughput` — fulfilled that day; `date` —
 * the local day (default today, UTC−03:00).
 */
export async function flow(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  const { location, practitioner, serviceType, date } = flowInput(call);
  const dayStart = instantOf(date)!;

  const filters: [string, string][] = [];
  if (location) filters.push(['actor', location]);
  if (practitioner) filters.push(['actor', practitioner]);
  if (serviceType) filters.push(['service-type', serviceType]);
  const day = await searchStore<Appointment>(s, ctx, 'Appointment', [...filters, ['date', `ge${new Date(dayStart).toISOString()}`], ['date', `lt${new Date(dayStart + 86_400_000).toISOString()}`]], MAX_FLOW);
  const counts = new Map<string, number>(STATUSES.map((x) => [x, 0]));
  for (const a of day) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);

  const inRoom = day.filter((a) => a.status === 'checked-in' || a.status === 'arrived');
  const waiting: ParametersParameter[] = [];
  const nowMs = Date.now();
  for (const a of inRoom) {
    const [enc] = await searchStore<Encounter>(s, ctx, 'Encounter', [['appointment', `Appointment/${a.id}`], ['status', 'arrived']], 1);
    if (!enc?.period?.start) continue;
    const since = instantOf(enc.period.start)!;
    const patient = (a.participant ?? []).find((p) => refKey(p.actor, 'Patient'))?.actor;
    waiting.push({
      name: 'waiting',
      part: [
        { name: 'appointment', valueReference: { reference: `Appointment/${a.id}` } },
        { name: 'encounter', valueReference: { reference: `Encounter/${enc.id}` } },
        ...(patient ? [{ name: 'patient', valueReference: patient }] : []),
        { name: 'since', valueInstant: enc.period.start },
        { name: 'minutes', valueInteger: Math.max(0, Math.floor((nowMs - since) / 60_000)) },
      ],
    });
  }
  waiting.sort((x, y) => (y.part![y.part!.length - 1].valueInteger ?? 0) - (x.part![x.part!.length - 1].valueInteger ?? 0));
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'date', valueDate: date },
      ...waiting,
      ...[...counts].map(([status, n]) => ({ name: 'count', part: [{ name: 'status', valueCode: status }, { name: 'value', valueInteger: n }] })),
      { name: 'throughput', valueInteger: counts.get('fulfilled') ?? 0 },
    ],
  };
  return { status: 200, headers: {}, body };
}
