import type { Task } from '@medplum/fhirtypes';
import { systemContext } from '../../context.js';
import { create, update } from '../../interactions/write.js';
import type { Services } from '../../rest/services.js';
import type { DeliveryStatus, OutboxSettings } from './model.js';
import { claim, markFailed, markRetry, markSent, partnerFailed, release, type OutboxRow } from './outbox.js';
import { postMessage, type PostOutcome } from './post.js';
import { afterAttempt, attemptEvent } from './records.js';

/** Most messages one round takes, and of one partner (sent one after another, in the outbox's order). */
const ROUND = 32;
const PER_PARTNER = 8;

/**
 * One round of the outbox: takes the messages due (outbox.ts: emergencies first, leased so no other process
 * sends them), sends each partner's in order, one at a time, and records each attempt in one transaction: the
 * outbox row, the partner's backoff, the delivery Task and an AuditEvent. When a partner fails (no answer,
 * 5xx, 408, 429) its other messages of the round are released untried: they wait for its next attempt, so when
 * it comes back its most urgent message goes first. Returns how many attempts were made.
 */
export async function deliverDue(s: Services, settings: OutboxSettings): Promise<number> {
  const rows = await claim(s.db, ROUND, PER_PARTNER, settings.timeoutMs);
  if (rows.length === 0) return 0;
  const byPartner = new Map<string, OutboxRow[]>();
  for (const r of rows.sort((a, b) => a.priority - b.priority || a.id - b.id)) {
    const list = byPartner.get(r.endpointId) ?? [];
    list.push(r);
    byPartner.set(r.endpointId, list);
  }
  const counts = await Promise.all(
    [...byPartner.values()].map(async (list) => {
      let n = 0;
      for (let i = 0; i < list.length; i++) {
        const outcome = await postMessage(list[i].address, list[i].body, settings.timeoutMs);
        n++;
        await record(s, settings, list[i], outcome);
        if (outcome.kind === 'unreachable') {
          await release(s.db, list.slice(i + 1).map((r) => r.id));
          break;
        }
      }
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function record(s: Services, settings: OutboxSettings, row: OutboxRow, outcome: PostOutcome): Promise<void> {
  const ctx = systemContext('exchange', s.store.baseUrl, s.log, 'es');
  const attempt = row.attempts + 1;
  await s.store.transaction(ctx, async (t) => {
    let status: DeliveryStatus;
    let detail: string;
    if (outcome.kind === 'delivered') {
      status = 'sent';
      detail = `HTTP ${outcome.status}${outcome.responseId ? `, response ${outcome.responseId}` : ''}`;
      await markSent(t.tx, row);
    } else if (outcome.kind === 'refused') {
      status = 'failed';
      detail = outcome.reason;
      await markFailed(t.tx, row, detail, true);
    } else if (attempt >= settings.maxAttempts) {
      status = 'failed';
      detail = `${outcome.reason} (after ${attempt} attempts)`;
      await markFailed(t.tx, row, detail, false);
      await partnerFailed(t.tx, row.endpointId, settings.retryBaseMs, settings.retryMaxMs);
    } else {
      status = 'retrying';
      await markRetry(t.tx, row, outcome.reason);
      const next = await partnerFailed(t.tx, row.endpointId, settings.retryBaseMs, settings.retryMaxMs);
      detail = `${outcome.reason}; next attempt after ${next.toISOString()}`;
    }
    const now = new Date().toISOString();
    await t.lock([`Task/${row.taskId}`]);
    const stored = await t.read('Task', row.taskId);
    const task = stored?.content && !stored.deleted ? (JSON.parse(stored.content) as Task) : undefined;
    if (task) {
      const error = status === 'sent' ? undefined : detail;
      await update(t, 'Task', row.taskId, afterAttempt(task, status, now, error, outcome.kind === 'delivered' ? outcome.responseId : undefined));
    }
    await create(t, attemptEvent({
      messageId: row.messageId,
      taskId: row.taskId,
      endpoint: row.endpointId,
      address: row.address,
      origin: task?.requester?.reference,
      attempt,
      status,
      detail,
      now,
    }));
    s.log.info({ message: row.messageId, endpoint: row.endpointId, attempt, status, detail }, 'exchange message attempt');
  });
}
