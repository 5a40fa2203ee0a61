import type { Appointment, Schedule } from '@medplum/fhirtypes';
import { systemContext, type RequestContext } from '../context.js';
import { update } from '../interactions/write.js';
import type { Services } from '../rest/services.js';
import { generateSlots } from './generate.js';
import { EXT } from './model.js';
import { searchIn } from '../store/search-in.js';

export function schedulingContext(s: Services): RequestContext {
  return systemContext('scheduling', s.store.baseUrl, s.log);
}

/**
 * Holds past their time (py-retencion-vence) are cancelled, which frees their Slots. Each in its own
 * transaction, under the Appointment's lock and read again there, so with several processes each lapses once.
 */
export async function lapseHolds(s: Services, now = Date.now()): Promise<number> {
  const ctx = schedulingContext(s);
  const holds = await s.store.transaction(ctx, (t) => searchIn<Appointment>(t, 'Appointment', { status: 'pending', 'retencion-vence': `le${new Date(now).toISOString()}` }, 500));
  let lapsed = 0;
  for (const h of holds) {
    const expires = h.extension?.find((e) => e.url === EXT.holdExpires)?.valueInstant;
    if (!expires || Date.parse(expires) > now) continue;
    await s.store.transaction(ctx, async (t) => {
      await t.lock([`Appointment/${h.id}`]);
      const row = await t.read('Appointment', h.id!);
      const current = row?.content && !row.deleted ? (JSON.parse(row.content) as Appointment) : undefined;
      if (current?.status !== 'pending') return;
      await update(t, 'Appointment', h.id!, { ...current, status: 'cancelled', cancelationReason: { text: 'hold expired' } });
      lapsed++;
    });
  }
  return lapsed;
}

/** The rolling horizon: every active Schedule's Slots are generated again up to today + its horizon (one transaction each). */
export async function rollHorizon(s: Services): Promise<number> {
  const ctx = schedulingContext(s);
  const schedules = await s.store.transaction(ctx, (t) => searchIn<Schedule>(t, 'Schedule', { 'active:not': 'false' }, 10_000));
  let created = 0;
  for (const sc of schedules) {
    created += await s.store
      .transaction(ctx, async (t) => {
        await t.lock([`Schedule/${sc.id}`]);
        const row = await t.read('Schedule', sc.id!);
        if (!row?.content || row.deleted) return 0;
        return (await generateSlots(t, sc.id!, JSON.parse(row.content) as Schedule)).created;
      })
      .catch((err: Error) => {
        s.log.warn({ schedule: sc.id, err: err.message }, 'slot generation failed');
        return 0;
      });
  }
  return created;
}
