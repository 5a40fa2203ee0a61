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

export type MirroredStatus = 'active' | 'error' | 'off';

/** Mirrors the worker's status (active / error / off) into Subscription.status (and .error), as the IG expects. */
export async function setResourceStatus(s: Services, id: string, status: MirroredStatus, error?: string): Promise<void> {
  await setResourceStatuses(s, [{ id, status, error }]);
}

/**
 * Mirrors several statuses in one transaction (many subscriptions activating at once cost one commit, not one
 * each). A Subscription already in that status, switched off by its client, or deleted is left alone.
 */
export async function setResourceStatuses(s: Services, list: { id: string; status: MirroredStatus; error?: string }[]): Promise<void> {
  if (list.length === 0) return;
  const ctx = systemContext(s);
  await s.store.transaction(ctx, async (t) => {
    await t.lock(list.map((x) => `Subscription/${x.id}`));
    for (const { id, status, error } of list) {
      const current = await t.read('Subscription', id);
      if (!current?.content || current.deleted) continue;
      const sub = JSON.parse(current.content) as Subscription;
      if (sub.status === status || sub.status === 'off') continue;
      const next: Subscription = { ...sub, status };
      if (status === 'error' && error) next.error = error;
      else delete next.error;
      await update(t, 'Subscription', id, next);
    }
  });
}
