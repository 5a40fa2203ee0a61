import type { Communication, Task } from '@medplum/fhirtypes';
import { systemContext } from '../context.js';
import { create, update } from '../interactions/write.js';
import type { Services } from '../rest/services.js';
import { searchIn } from '../store/search-in.js';
import { STEP_DISPLAY, STEP_SYSTEM, taskKind, TASK_TYPE } from './model.js';

type Priority = NonNullable<Task['priority']>;
const DEFAULT_HOURS: Record<Priority, number> = { stat: 2, asap: 8, urgent: 24, routine: 168 };
const HOUR = 3_600_000;
/** Most referrals one round looks at (the oldest first); the next round takes the rest. */
const ROUND = 500;

/** REFERRAL_DEADLINE_HOURS (`priority=hours,...`, checked by the config's pattern) over the defaults. */
export function deadlineHours(setting: string): Record<Priority, number> {
  const hours = { ...DEFAULT_HOURS };
  for (const pair of setting.split(',')) {
    const [p, h] = pair.split('=');
    if (p in hours) hours[p as Priority] = Number(h);
  }
  return hours;
}

/** When a referral Task not yet accepted escalates: its restriction.period.end, else authoredOn + its priority's hours. */
export function dueAt(task: Task, hours: Record<Priority, number>): number | undefined {
  const end = task.restriction?.period?.end;
  if (end && !Number.isNaN(Date.parse(end))) return Date.parse(end);
  const authored = task.authoredOn ? Date.parse(task.authoredOn) : NaN;
  return Number.isNaN(authored) ? undefined : authored + hours[task.priority ?? 'routine'] * HOUR;
}


/**
 * Escalation: a referral Task still requested or received past its deadline goes to the coordinator
 * (REFERRAL_COORDINATOR: its new owner) with a Communication about it, and its businessStatus becomes
 * `escalada` (topic referral-escalated). Each in its own transaction, under the Task's lock and read again
 * there, so with several processes each escalates once. Returns how many escalated.
 */
export async function escalateOverdue(s: Services, now = Date.now()): Promise<number> {
  const hours = deadlineHours(s.config.referralDeadlineHours);
  const soonest = Math.min(...Object.values(hours));
  const ctx = systemContext('referrals', s.store.baseUrl, s.log, 'es');
  // Candidates: open referral Tasks whose own deadline (search parameter `plazo` of the guide) passed, and
  // those without one authored before the shortest deadline by priority; the oldest first.
  const open = { code: `${TASK_TYPE}|derivacion`, status: 'requested,received' };
  const candidates = await s.store.transaction(ctx, async (t) => [
    ...(await searchIn<Task>(t, 'Task', { ...open, plazo: `lt${new Date(now).toISOString()}`, _sort: 'plazo' }, ROUND)),
    ...(await searchIn<Task>(t, 'Task', { ...open, 'plazo:missing': 'true', 'authored-on': `lt${new Date(now - soonest * HOUR).toISOString()}`, _sort: 'authored-on' }, ROUND)),
  ]);
  const coordinator: Task['owner'] = s.config.referralCoordinator ? { reference: s.config.referralCoordinator } : undefined;
  let escalated = 0;
  for (const c of candidates) {
    const due = dueAt(c, hours);
    if (due === undefined || due > now || escalatedAlready(c)) continue;
    await s.store.transaction(ctx, async (t) => {
      await t.lock([`Task/${c.id}`]);
      const row = await t.read('Task', c.id!);
      const task = row?.content && !row.deleted ? (JSON.parse(row.content) as Task) : undefined;
      if (!task || taskKind(task) !== 'referral' || (task.status !== 'requested' && task.status !== 'received') || escalatedAlready(task)) return;
      const previousOwner = task.owner;
      await update(t, 'Task', c.id!, {
        ...task,
        ...(coordinator ? { owner: coordinator } : {}),
        businessStatus: { coding: [{ system: STEP_SYSTEM, code: 'escalada', display: STEP_DISPLAY.escalada }] },
      });
      const text = `Derivación sin aceptar desde ${task.authoredOn ?? '—'} (plazo ${new Date(dueAt(task, hours)!).toISOString()}): Task/${c.id}${previousOwner?.reference ? `, destino ${previousOwner.reference}` : ''}.`;
      const communication: Communication = {
        resourceType: 'Communication',
        status: 'completed',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert' }] }],
        priority: task.priority === 'routine' || !task.priority ? 'urgent' : task.priority,
        ...(task.for?.reference ? { subject: { reference: task.for.reference } } : {}),
        about: [{ reference: `Task/${c.id}` }],
        ...(task.focus ? { basedOn: [task.focus] } : {}),
        recipient: [coordinator ?? previousOwner].filter((r): r is NonNullable<Task['owner']> => !!r?.reference),
        sent: new Date(now).toISOString(),
        payload: [{ contentString: text }],
      };
      await create(t, communication);
      escalated++;
    });
  }
  return escalated;
}

function escalatedAlready(task: Task): boolean {
  return !!task.businessStatus?.coding?.some((c) => c.system === STEP_SYSTEM && c.code === 'escalada');
}
