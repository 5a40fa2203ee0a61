import type { Server } from 'node:http';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { Feature } from '../features.js';
import { addResourceValidator } from '../interactions/resource.js';
import type { Services } from '../rest/services.js';
import type { PendingWrite } from '../store/store.js';
import { EndpointPolicy } from './allowlist.js';
import { WebsocketHub } from './channels/websocket.js';
import { DeliveryWorker } from './delivery.js';
import { OutboxListener } from './listener.js';
import './messages.js';
import { EXT } from './model.js';
import { registerOperations } from './operations.js';
import { recordChanges, type OutboxResult } from './outbox.js';
import { SubscriptionRegistry } from './registry.js';
import { TOPICS, topicResource, topicUrl } from './topics/index.js';
import { subscriptionValidator } from './validation.js';

/**
 * Subscriptions (R4 Subscriptions Backport IG 1.1.0 topic-based, and classic R4 criteria-based), delivered
 * over rest-hook and websocket from a transactional outbox. See docs/subscriptions.md.
 */
export function subscriptionsFeature(): Feature {
  let worker: DeliveryWorker | undefined;
  let hub: WebsocketHub | undefined;
  let listener: OutboxListener | undefined;
  let base = '';
  return {
    name: 'subscriptions',
    start(s: Services) {
      base = s.config.baseUrl ?? s.store.baseUrl;
      const policy = new EndpointPolicy(s.config.subscriptionAllowedHosts);
      addResourceValidator(subscriptionValidator(policy));
      registerOperations();
      const registry = new SubscriptionRegistry(s.db.kind === 'postgres', s.log);
      const pgNotify = s.db.kind === 'postgres';
      // What each transaction's hook found, picked up by the commit listener (same `changes` array).
      const results = new WeakMap<readonly PendingWrite[], OutboxResult>();
      s.store.addTransactionHook(async (tx, changes, ctx) => {
        results.set(changes, await recordChanges(tx, changes, ctx, registry, pgNotify, s.store));
      });
      const wake = (): void => {
        worker?.kick();
        hub?.kick();
      };
      s.store.onCommit((changes) => {
        const r = results.get(changes);
        if (!r) return;
        if (r.subscriptionsChanged) registry.applyCommitted(r.generation, changes, r.written);
        if (r.events > 0 || r.subscriptionsChanged) wake();
      });
      worker = new DeliveryWorker(
        s,
        policy,
        {
          timeoutMs: s.config.subscriptionTimeoutMs,
          maxPayloadBytes: s.config.subscriptionMaxPayloadBytes,
          retryBaseMs: s.config.subscriptionRetryBaseMs,
          retryMaxMs: s.config.subscriptionRetryMaxMs,
          errorAfter: s.config.subscriptionErrorAfter,
          concurrency: s.config.subscriptionConcurrency,
          pollMs: s.config.subscriptionPollMs,
          retentionSeconds: s.config.subscriptionEventRetentionS,
        },
        () => base,
      );
      hub = new WebsocketHub(s, () => base);
      worker.onNumbered = () => hub?.kick();
      worker.start();
      const poll = setInterval(() => hub?.kick(), s.config.subscriptionPollMs);
      poll.unref();
      if (s.config.databaseUrl) {
        listener = new OutboxListener(s.config.databaseUrl, wake, s.log);
        void listener.start();
      }
    },
    routes(app) {
      // Topic discovery (R4B-shaped SubscriptionTopic, read-only): R4 has no SubscriptionTopic resource.
      app.get('/fhir/SubscriptionTopic', (_req, res) => {
        res.type('application/fhir+json').send(
          JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: TOPICS.length, entry: TOPICS.map((t) => ({ fullUrl: topicUrl(t), resource: topicResource(t), search: { mode: 'match' } })) }),
        );
      });
      app.get('/fhir/SubscriptionTopic/:id', (req, res) => {
        const t = TOPICS.find((x) => x.id === req.params.id);
        if (!t) {
          res.status(404).type('application/fhir+json').send(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: `SubscriptionTopic/${req.params.id} not found` }] }));
          return;
        }
        res.type('application/fhir+json').send(JSON.stringify(topicResource(t)));
      });
    },
    capability(cs: CapabilityStatement) {
      const resources = cs.rest?.[0]?.resource;
      const sub = resources?.find((r) => r.type === 'Subscription');
      if (!sub) return;
      sub.supportedProfile = [...(sub.supportedProfile ?? []), 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'];
      sub.extension = [...(sub.extension ?? []), ...TOPICS.map((t) => ({ url: EXT.topicCanonical, valueCanonical: topicUrl(t) }))];
      cs.instantiates = [...(cs.instantiates ?? []), 'http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4'];
    },
    listening(server: Server, s: Services) {
      if (!s.config.baseUrl) {
        const a = server.address();
        if (a && typeof a === 'object') base = `http://${s.config.host}:${a.port}/fhir`;
      }
      hub?.attach(server);
    },
    async stop() {
      await listener?.stop();
      hub?.close();
      await worker?.stop();
    },
  };
}
