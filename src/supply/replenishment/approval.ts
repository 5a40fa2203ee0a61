import type { SupplyDelivery, SupplyRequest, Task } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcome.js';
import { refKey } from '../../fhir/references.js';
import { update } from '../../interactions/write.js';
import type { PendingWrite, StoreTransaction } from '../../store/store.js';
import './messages.js';
import { isApproval, REQUISITION_SID } from './model.js';

/** Most SupplyRequests one approval Task acts on (a $replenish proposes one per item of a store). */
export const MAX_ORDER_LINES = 1_000;

type Status = SupplyRequest['status'];

/**
 * The approval of a replenishment, kept by the store however the Task is written (PUT, PATCH, a bundle), in
 * the same transaction:
 *   - an approval Task (code py-reposicion#aprobar-pedido) that becomes `completed` turns its SupplyRequests
 *     (`focus` and every `input` valueReference) from `draft` to `active`: the order is final and on order;
 *   - `rejected` or `cancelled` turns them (draft or active) `cancelled`; `entered-in-error`, `entered-in-error`;
 *   - a completed SupplyDelivery whose `basedOn` names an active SupplyRequest completes it: received, no longer
 *     on order (a partial delivery too: the next $replenish orders what is still missing).
 * The Task acts only on the SupplyRequests that carry its requisition number (identifier pedido-reposicion =
 * the Task's id), so no Task can approve another's orders by naming them. The Task's own moves (who may
 * complete it: its owner's facility) are FHIR Workflow's, checked for every Task (referrals/task-status.ts).
 */
export async function approvalDerivation(t: StoreTransaction, changes: readonly PendingWrite[]): Promise<void> {
  for (const c of changes) {
    if (c.method === 'DELETE' || !c.resource) continue;
    if (c.type === 'Task' && isApproval((c.resource as Task).code)) await followApproval(t, c.id, c.resource as Task);
    else if (c.type === 'SupplyDelivery' && (c.resource as SupplyDelivery).status === 'completed') await followDelivery(t, c.resource as SupplyDelivery);
  }
}

const MOVES: Partial<Record<Task['status'], { to: Status; from: Status[] }>> = {
  completed: { to: 'active', from: ['draft'] },
  rejected: { to: 'cancelled', from: ['draft', 'active'] },
  cancelled: { to: 'cancelled', from: ['draft', 'active'] },
  'entered-in-error': { to: 'entered-in-error', from: ['draft', 'active'] },
};

async function followApproval(t: StoreTransaction, taskId: string, task: Task): Promise<void> {
  const move = MOVES[task.status];
  if (!move) return;
  const refs = [task.focus, ...(Array.isArray(task.input) ? task.input.map((i) => i?.valueReference) : [])];
  const ids = [...new Set(refs.map((r) => refKey(r, 'SupplyRequest')?.slice('SupplyRequest/'.length)).filter((x): x is string => !!x))];
  if (ids.length > MAX_ORDER_LINES) throw new FhirError(422, 'too-costly', 'supply.replenishmentTooManyOrderLines', [`Task/${taskId}`, ids.length, MAX_ORDER_LINES]);
  await setStatus(t, ids, move.from, move.to, (sr) => (sr.identifier ?? []).some((i) => i?.system === REQUISITION_SID && i.value === taskId));
}

async function followDelivery(t: StoreTransaction, d: SupplyDelivery): Promise<void> {
  const ids = [...new Set((Array.isArray(d.basedOn) ? d.basedOn : []).map((r) => refKey(r, 'SupplyRequest')?.slice('SupplyRequest/'.length)).filter((x): x is string => !!x))];
  if (ids.length === 0) return;
  if (ids.length > MAX_ORDER_LINES) throw new FhirError(422, 'too-costly', 'supply.replenishmentTooManyOrderLines', [`SupplyDelivery/${d.id}`, ids.length, MAX_ORDER_LINES]);
  await setStatus(t, ids, ['active'], 'completed', () => true);
}

/** SupplyRequests (under their locks) in one of `from` that pass `mine` move to `to`. */
async function setStatus(t: StoreTransaction, ids: string[], from: Status[], to: Status, mine: (sr: SupplyRequest) => boolean): Promise<void> {
  if (ids.length === 0) return;
  await t.lock(ids.map((id) => `SupplyRequest/${id}`));
  const rows = await t.readMany('SupplyRequest', ids);
  for (const id of ids) {
    const row = rows.get(id);
    if (!row?.content || row.deleted) continue;
    const sr = JSON.parse(row.content) as SupplyRequest;
    if (!from.includes(sr.status) || !mine(sr)) continue;
    await update(t, 'SupplyRequest', id, { ...sr, status: to });
  }
}
