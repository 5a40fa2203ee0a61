import type { Appointment, Slot } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { create, update } from '../interactions/write.js';
import type { InteractionResult } from '../interactions/result.js';
import type { OperationCall } from '../operations/registry.js';
import { RawJson, type FhirResponse } from '../rest/request.js';
import { inTransaction, type Services } from '../rest/services.js';
import type { StoreTransaction } from '../store/store.js';
import { appointmentInput } from './input.js';
import { EXT, heldSlots, instantOf, PROFILE } from './model.js';
import { searchIn } from '../store/search-in.js';
import { localInstant } from './slots.js';

/** How long a hold ($hold) lasts before it lapses by itself (SCHEDULING_HOLD_SECONDS). */
let holdSeconds = 600;
export function setHoldSeconds(sec: number): void {
  holdSeconds = sec;
}

/**
 * $hold (status `pending`, lapsing after the hold time) and $book (status `booked`): one transaction that
 * checks the slots and writes the Appointment; the scheduling derivation then counts it in its Slots and
 * checks that every participant is free (409 otherwise, nothing written). Booking a hold (the Appointment's id)
 * turns it into a booking. A retry is never booked twice: an Appointment with the same identifier is answered
 * as it stands (200), and without one the patient is already busy at that time (409).
 */
export async function reserve(s: Services, ctx: RequestContext, call: OperationCall, t: StoreTransaction | undefined, status: 'pending' | 'booked'): Promise<FhirResponse> {
  const input = appointmentInput(call);
  const result = await inTransaction(s, ctx, t, async (t) => {
    const slots: Slot[] = [];
    // The slots' locks first (the scheduling derivation takes them anyway, before counting the booking), so
    // that the slots are read once, as they stand under the lock.
    const keys = heldSlots({ ...input, status: 'booked' });
    await t.lock(keys);
    for (const key of keys) {
      const row = await t.read('Slot', key.slice(5));
      if (!row || row.deleted || !row.content) throw new FhirError(422, 'not-found', 'scheduling.unknownSlot', [key]);
      slots.push(JSON.parse(row.content) as Slot);
    }
    const start = Math.min(...slots.map((x) => instantOf(x.start)!));
    const end = Math.max(...slots.map((x) => instantOf(x.end)!));
    const givenStart = input.start === undefined ? start : instantOf(input.start);
    const givenEnd = input.end === undefined ? end : instantOf(input.end);
    if (givenStart !== start || givenEnd !== end) {
      throw new FhirError(422, 'invalid', 'scheduling.slotMismatch', [input.start ?? '', input.end ?? '', localInstant(start), localInstant(end)]);
    }

    const again = await sameIdentifier(t, input, status);
    if (again?.status === 200) return again;
    // the hold of the same identifier, now booked
    if (again && status === 'booked') input.id = again.id;

    // Argonaut's states: a hold's participants are tentative, a booking's accepted (unless they said otherwise).
    const participant = (input.participant ?? []).map((p) => (p.status === 'needs-action' || p.status === 'tentative' ? { ...p, status: status === 'pending' ? 'tentative' : 'accepted' } : p)) as Appointment['participant'];
    const times = { start: input.start ?? localInstant(start), end: input.end ?? localInstant(end), participant };
    const extension = (input.extension ?? []).filter((e) => e.url !== EXT.holdExpires);
    if (status === 'booked' && input.id) {
      const row = await t.read('Appointment', input.id);
      if (row && !row.deleted && row.content) {
        const held = JSON.parse(row.content) as Appointment;
        if (held.status === 'booked' && sameSlots(held, input)) return { status: 200, type: 'Appointment', id: input.id, version: row.version, content: row.content } as InteractionResult;
        if (held.status !== 'pending') throw new FhirError(409, 'conflict', 'scheduling.notHeld', [`Appointment/${input.id}`, held.status]);
        const expires = held.extension?.find((e) => e.url === EXT.holdExpires)?.valueInstant;
        if (expires && Date.parse(expires) <= Date.now()) throw new FhirError(409, 'conflict', 'scheduling.holdExpired', [`Appointment/${input.id}`, expires]);
        return update(t, 'Appointment', input.id, { ...input, ...times, status: 'booked', extension: extension.length ? extension : undefined, meta: held.meta });
      }
    }
    const resource: Appointment = {
      ...input,
      ...times,
      id: undefined,
      meta: { profile: [PROFILE.appointment] },
      status,
      // (no extension at all rather than an empty list: JSON forbids empty arrays)
      extension: status === 'pending' ? [...extension, { url: EXT.holdExpires, valueInstant: new Date(Date.now() + holdSeconds * 1000).toISOString() }] : extension.length ? extension : undefined,
    };
    delete resource.id;
    return create(t, resource);
  });
  const headers: Record<string, string> = {};
  if (result.status === 201) headers.Location = `${s.store.baseUrl}/Appointment/${result.id}/_history/${result.version}`;
  return { status: result.status === 201 ? 201 : 200, headers, body: new RawJson(result.content as string) };
}

function sameSlots(a: Appointment, b: Appointment): boolean {
  const x = heldSlots({ ...a, status: 'booked' }).sort();
  const y = heldSlots({ ...b, status: 'booked' }).sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

/**
 * An Appointment with one of the same identifiers: a retry of the same request (same slots, status `wanted`)
 * is answered as it stands (status 200); a hold of the same slots when booking is given back to be booked
 * (status 0); anything else is a 409.
 */
async function sameIdentifier(t: StoreTransaction, input: Appointment, wanted: Appointment['status']): Promise<InteractionResult | undefined> {
  for (const id of input.identifier ?? []) {
    if (!id.system || !id.value) continue;
    await t.lock([`Appointment?identifier=${id.system}|${id.value}`]);
    const [found] = await searchIn<Appointment>(t, 'Appointment', { identifier: `${id.system}|${id.value}` }, 1);
    if (!found) continue;
    const same = sameSlots(found, input);
    if (same && found.status === wanted) return { status: 200, type: 'Appointment', id: found.id, version: Number(found.meta?.versionId), content: JSON.stringify(found) };
    if (same && wanted === 'booked' && found.status === 'pending') return { status: 0, id: found.id };
    throw new FhirError(409, 'conflict', 'scheduling.identifierTaken', [`Appointment/${found.id}`, `${id.system}|${id.value}`, found.status]);
  }
  return undefined;
}
