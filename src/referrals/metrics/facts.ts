import type { Task } from '@medplum/fhirtypes';
import { refKey } from '../../fhir/references.js';
import type { PendingWrite, StoreTransaction } from '../../store/store.js';
import { placeOf, regionOf } from '../facility.js';
import { STEP_SYSTEM } from '../model.js';

/**
 * The referral_fact rows behind the metrics (migration 17): one per referral Task, kept by the referral
 * workflow in the transaction of the write, so they roll back with it. Times are the server's times of the
 * writes that first reached each step; the origin and destination (and their regions) are resolved when the
 * Task is first written or its requester or owner changes, and the destination stays the first one (an
 * escalation gives the Task to the coordinator: the referral still went to its destination).
 */

/** The states a referral reaches only once its destination has accepted it. */
const ACCEPTED = new Set<Task['status']>(['accepted', 'ready', 'in-progress', 'on-hold', 'completed', 'failed']);

const UPSERT = `INSERT INTO referral_fact AS f (task_id, origin, destination, origin_region, destination_region, priority, authored, status, accepted, escalated, counter_referral, completed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (task_id) DO UPDATE SET
  origin = COALESCE(EXCLUDED.origin, f.origin),
  destination = COALESCE(f.destination, EXCLUDED.destination),
  origin_region = CASE WHEN EXCLUDED.origin IS NULL THEN f.origin_region ELSE EXCLUDED.origin_region END,
  destination_region = CASE WHEN f.destination IS NULL THEN EXCLUDED.destination_region ELSE f.destination_region END,
  priority = EXCLUDED.priority, authored = EXCLUDED.authored, status = EXCLUDED.status,
  accepted = COALESCE(f.accepted, EXCLUDED.accepted),
  escalated = f.escalated OR EXCLUDED.escalated,
  counter_referral = COALESCE(f.counter_referral, EXCLUDED.counter_referral),
  completed = COALESCE(f.completed, EXCLUDED.completed)`;

const step = (task: Task): string | undefined => task.businessStatus?.coding?.find((c) => c.system === STEP_SYSTEM)?.code;

/** A referral Task written (created, updated, patched): its row follows it. */
export async function recordReferral(t: StoreTransaction, c: PendingWrite, now: Task, before: Task | undefined): Promise<void> {
  const placesMoved = !before || before.requester?.reference !== now.requester?.reference || before.owner?.reference !== now.owner?.reference;
  const origin = placesMoved ? await placeOf(t, refKey(now.requester)) : undefined;
  const destination = placesMoved ? await placeOf(t, refKey(now.owner)) : undefined;
  const authored = now.authoredOn && !Number.isNaN(Date.parse(now.authoredOn)) ? new Date(Date.parse(now.authoredOn)).toISOString() : c.lastUpdated;
  const s = step(now);
  await t.tx.query(
    UPSERT,
    [
      c.id, origin ?? null, destination ?? null, (await regionOf(t, origin)) ?? null, (await regionOf(t, destination)) ?? null, now.priority ?? 'routine',
      authored, now.status, ACCEPTED.has(now.status) ? c.lastUpdated : null, s === 'escalada',
      s === 'contrarreferencia-enviada' || s === 'ciclo-cerrado' ? c.lastUpdated : null, now.status === 'completed' ? c.lastUpdated : null,
    ],
    'referral_fact_upsert',
  );
}

/** A referral Task deleted: its row goes. */
export async function forgetReferral(t: StoreTransaction, taskId: string): Promise<void> {
  await t.tx.query('DELETE FROM referral_fact WHERE task_id = $1', [taskId], 'referral_fact_delete');
}

/** The appointment of referral Tasks booked (its start), or cancelled (null); a missed one stays. */
export async function recordAppointment(t: StoreTransaction, taskIds: string[], start: string | null): Promise<void> {
  if (taskIds.length === 0) return;
  await t.tx.query('UPDATE referral_fact SET appointment = $2 WHERE task_id = ANY($1::text[])', [taskIds, start], 'referral_fact_appointment');
}
