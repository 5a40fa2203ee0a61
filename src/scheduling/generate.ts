import type { Schedule, Slot } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';
import { stamp, validate } from '../interactions/resource.js';
import { remove, update } from '../interactions/write.js';
import type { StoreTransaction } from '../store/store.js';
import { EXT, MAX_SLOTS_PER_SCHEDULE, PROFILE, quotaExtension, quotaStatus, readAvailability, readQuota } from './model.js';
import { searchIn } from '../store/search-in.js';
import { SlotIndexer } from './slot-index.js';
import { isGenerated, isLegacyGenerated, localDay, localInstant, slotId, slotsFor, type SlotSpec } from './slots.js';

export interface GenerationReport {
  created: number;
  updated: number;
  removed: number;
  kept: number;
  /** Slots with bookings that the availability no longer offers: kept as they are, reported. */
  conflicts: Slot[];
}

const DAY = 86_400_000;

/**
 * Brings a Schedule's Slots in line with its availability, from `now` to the end of its planning horizon: the
 * slots it offers and lacks are created, free slots it no longer offers are deleted, and a slot's quota follows
 * its block (its count of bookings kept). A slot with bookings is never changed or removed: if the
 * availability no longer offers it, it is reported as a conflict. `schedule` undefined, inactive or without
 * availability blocks: no generated slots. Slots a client wrote itself (ids not of slotId's form) are left alone
 * when the schedule has no availability blocks, and refused (422) when it has: $find reads a schedule with
 * availability by its generated slots' ids (find.ts).
 */
export async function generateSlots(t: StoreTransaction, scheduleId: string, schedule: Schedule | undefined, now = Date.now(), isNew = false): Promise<GenerationReport> {
  const report: GenerationReport = { created: 0, updated: 0, removed: 0, kept: 0, conflicts: [] };
  const a = schedule && schedule.active !== false ? readAvailability(schedule) : undefined;
  const from = now;
  const to = localDay(now) + ((a?.horizonDays ?? 0) + 1) * DAY;
  const wanted = a ? slotsFor(a, from, to) : [];
  if (!wanted) throw new FhirError(422, 'too-costly', 'scheduling.tooManySlots', [MAX_SLOTS_PER_SCHEDULE]);
  const want = new Map<string, SlotSpec>(wanted.map((w) => [slotId(scheduleId, w.start, w.end), w]));

  // A new Schedule has no generated slots yet (readMany below still finds any row of the same id).
  const existing = isNew ? [] : await searchIn<Slot>(t, 'Slot', { schedule: `Schedule/${scheduleId}`, start: `ge${new Date(from).toISOString()}` }, MAX_SLOTS_PER_SCHEDULE + 1000);
  const have = new Set<string>();
  for (const slot of existing) {
    const id = slot.id!;
    // Slots a client wrote (ids not of slotId's form) belong only to a schedule without availability.
    if (!isGenerated(id)) {
      if (a?.blocks.length) throw new FhirError(422, 'business-rule', 'scheduling.generatedSchedule', [`Schedule/${scheduleId}`, `Slot/${id}`]);
      continue;
    }
    const q = readQuota(slot);
    // A slot generated before today's ids: the slot of its times now has another id. Free, it is replaced by
    // that one (deleted here, created below); with bookings it stays and stands for it.
    const legacy = isLegacyGenerated(id);
    const key = legacy ? slotId(scheduleId, Date.parse(slot.start), Date.parse(slot.end)) : id;
    const spec = want.get(key);
    if (legacy && spec && q.taken === 0) {
      await remove(t, 'Slot', id);
      report.removed++;
      continue;
    }
    have.add(key);
    if (!spec) {
      if (q.taken > 0) report.conflicts.push(slot);
      else {
        await remove(t, 'Slot', id);
        report.removed++;
      }
      continue;
    }
    // A free slot follows its schedule (quota, service type, specialty, modes); update() writes nothing when unchanged.
    if (q.taken === 0) {
      const r = await update(t, 'Slot', id, slotResource(scheduleId, schedule!, spec, id, 0));
      if (r.version !== Number(slot.meta?.versionId)) report.updated++;
      else report.kept++;
    } else report.kept++;
  }
  // New slots are staged in bulk: no one can hold a slot that does not exist yet (regenerations of one schedule
  // serialise on the Schedule's lock), and they all have the shape of the first, which is validated.
  const fresh = [...want].filter(([id]) => !have.has(id));
  if (fresh.length === 0) return report;
  const rows = await t.readMany('Slot', fresh.map(([id]) => id)); // deleted earlier: a new version on top
  const lastUpdated = new Date().toISOString();
  const indexer = new SlotIndexer(t.baseUrl);
  for (const [i, [id, spec]] of fresh.entries()) {
    const prior = rows.get(id);
    if (prior && !prior.deleted) {
      report.kept++; // there already (outside what the search saw): left as it is
      continue;
    }
    const version = (prior?.version ?? 0) + 1;
    const resource = stamp(slotResource(scheduleId, schedule!, spec, id, 0), id, version, lastUpdated);
    if (i === 0) await validate(resource, t.ctx, t);
    t.stage({ type: 'Slot', id, version, lastUpdated, method: 'PUT', resource, content: JSON.stringify(resource), isNew: !prior, previousVersion: prior?.version, index: indexer.rows(resource) });
    report.created++;
  }
  return report;
}

function slotResource(scheduleId: string, schedule: Schedule, spec: SlotSpec, id: string, taken: number): Slot {
  const q = { capacity: spec.capacity, overbook: spec.overbook, taken };
  return {
    resourceType: 'Slot',
    id,
    meta: { profile: [PROFILE.slot] },
    extension: [quotaExtension(q), ...(schedule.extension ?? []).filter((e) => e.url === EXT.mode)],
    ...(schedule.serviceCategory ? { serviceCategory: schedule.serviceCategory } : {}),
    ...(schedule.serviceType ? { serviceType: schedule.serviceType } : {}),
    ...(schedule.specialty ? { specialty: schedule.specialty } : {}),
    schedule: { reference: `Schedule/${scheduleId}` },
    status: quotaStatus(q),
    start: localInstant(spec.start),
    end: localInstant(spec.end),
  };
}
