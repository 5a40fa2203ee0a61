import { randomUUID } from 'node:crypto';
import type { Subscription } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { update } from '../interactions/write.js';
import type { Services } from '../rest/services.js';
import { SUBSYSTEM } from './outbox.js';

/** The context the subscription machinery writes under (its writes never reset delivery state). */
export function systemContext(s: Services): RequestContext {
  return {
    requestId: randomUUID(),
    lang: 'en',
    baseUrl: s.store.baseUrl,
    actor: { kind: 'system', id: SUBSYSTEM },
    scopes: [],
    subsystem: SUBSYSTEM,
    log: s.log,
  };
}

/** Mirrors the worker's status (active / error) into Subscription.status (and .error), as the IG expects. */
export async function setResourceStatus(s: Services, id: string, status: 'active' | 'error', error?: string): Promise<void> {
  const ctx = systemContext(s);
  await s.store.transaction(ctx, async (t) => {
    await t.lock([`Subscription/${id}`]);
    const current = await t.read('Subscription', id);
    if (!current?.content || current.deleted) return;
    const sub = JSON.parse(current.content) as Subscription;
    if (sub.status === status || sub.status === 'off') return;
    const next: Subscription = { ...sub, status };
    if (status === 'error' && error) next.error = error;
    else delete next.error;
    await update(t, 'Subscription', id, next);
  });
}
