import type { Database } from '../../db/database.js';
import { defineOperation } from '../../operations/registry.js';
import type { Services } from '../../rest/services.js';
import type { ExchangeKeys } from '../signature/index.js';
import type { OutboxSettings } from './model.js';
import { releaseAll } from './outbox.js';
import { sendOperation } from './send.js';
import { deliverDue } from './worker.js';

export type { OutboxSettings } from './model.js';

/**
 * Sending to partners (store and forward): `ServiceRequest/[id]/$send` queues a signed message Bundle (a
 * referral or a counter-referral) in the outbox with its delivery Task (send.ts, message.ts); the worker
 * (worker.ts) sends what is due every `checkMs` and right after a $send of this process, in every process,
 * each message once at a time (outbox.ts), with retries and backoff per partner, until delivered, refused or
 * out of attempts, each attempt audited.
 */
export interface Outbound {
  stop(): Promise<void>;
}

let registered = false;
let current: { s: Services; keys: () => ExchangeKeys; settings: OutboxSettings; kick: () => void } | undefined;

export async function startOutbound(s: Services, keys: () => ExchangeKeys, settings: OutboxSettings): Promise<Outbound> {
  if (s.db.kind === 'pglite') await releaseAll(s.db as Database);
  let running: Promise<unknown> = Promise.resolve();
  let pending = false;
  let stopped = false;
  const round = (): void => {
    if (pending || stopped) return;
    pending = true;
    running = running
      .then(async () => {
        pending = false;
        // a full round may leave more due: go on at once
        while (!stopped && (await deliverDue(s, settings)) > 0);
      })
      .catch((err: Error) => {
        pending = false;
        s.log.warn({ err: err.message }, 'exchange outbox round failed');
      });
  };
  const timer = setInterval(round, settings.checkMs);
  timer.unref();
  current = { s, keys, settings, kick: round };
  if (!registered) {
    registered = true;
    defineOperation({
      name: 'send',
      levels: ['instance'],
      types: ['ServiceRequest'],
      definition: 'https://fhir.mspbs.gov.py/OperationDefinition/servicerequest-send',
      affectsState: true,
      documentation:
        'Sends a referral (event derivacion-solicitud) or a counter-referral (contrarreferencia, naming the referral Task) to a partner facility as a signed FHIR message Bundle with the IPS: queued in the outbox with a delivery Task (202), delivered with retries to the partner Endpoint\'s $process-message.',
      handler: (s2, ctx, call) => {
        const c = current!;
        return sendOperation(s2, ctx, call, c.keys, c.settings, c.kick);
      },
    });
  }
  round();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
