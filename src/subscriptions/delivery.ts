import { randomUUID } from 'node:crypto';
import type { Subscription } from '@medplum/fhirtypes';
import type { Services } from '../rest/services.js';
import type { EndpointPolicy } from './allowlist.js';
import { post } from './channels/rest-hook.js';
import { parseSubscription, type PayloadContent, type SubscriptionSpec } from './model.js';
import { classicBody, loadEvents, notificationBundle, type EventRow, type NotificationType } from './notification.js';
import { setResourceStatus } from './status-sync.js';

export interface DeliverySettings {
  timeoutMs: number;
  maxPayloadBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  errorAfter: number;
  concurrency: number;
  pollMs: number;
}

const SPEC_TTL_MS = 2000;

interface Claim {
  sub_id: string;
  channel: string;
  status: string;
  events: string;
  delivered: string;
  failures: number;
  heartbeat_due: boolean;
}

/**
 * The rest-hook delivery worker. Every process runs one; they share the work through the database: a
 * subscription is claimed with a lease (UPDATE ... FOR UPDATE SKIP LOCKED), so each subscription has at most
 * one delivery in flight cluster-wide and its events go out in number order, while up to `concurrency`
 * subscriptions are delivered at once per process (a hanging endpoint holds only its own slot, for at most
 * the timeout). Woken by commits in this process, by NOTIFY from other processes, and by a poll timer.
 */
export class DeliveryWorker {
  private readonly owner = randomUUID();
  private inflight = 0;
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly pending = new Set<Promise<void>>();
  /** Parsed Subscriptions, re-read after SPEC_TTL_MS (saves a query per delivery on busy subscriptions). */
  private readonly specs = new Map<string, { spec: SubscriptionSpec; at: number }>();

  constructor(
    private readonly s: Services,
    private readonly policy: EndpointPolicy,
    private readonly settings: DeliverySettings,
    private readonly base: () => string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.pending]);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.loop()
      .catch((err: unknown) => this.s.log.warn({ err }, 'subscription delivery loop failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async loop(): Promise<void> {
    for (;;) {
      this.again = false;
      const free = this.settings.concurrency - this.inflight;
      if (free <= 0 || this.stopped) return;
      const claims = await this.claim(free);
      for (const c of claims) {
        this.inflight++;
        const p = this.deliver(c)
          .catch((err: unknown) => this.s.log.warn({ err, subscription: c.sub_id }, 'subscription delivery failed'))
          .finally(() => {
            this.inflight--;
            this.pending.delete(p);
            this.kick();
          });
        this.pending.add(p);
      }
      if (claims.length < free && !this.again) return;
    }
  }

  private leaseSeconds(): number {
    return Math.ceil(this.settings.timeoutMs / 1000) + 5;
  }

  private async claim(limit: number): Promise<Claim[]> {
    const { rows } = await this.s.db.query<Claim>(
      `UPDATE subscription_state s SET lease_until = now() + make_interval(secs => $2), lease_owner = $1
       FROM subscription_counter c
       WHERE c.sub_id = s.sub_id AND s.sub_id IN (
         SELECT st.sub_id FROM subscription_state st JOIN subscription_counter ct ON ct.sub_id = st.sub_id
         WHERE st.status IN ('requested', 'active', 'error') AND st.next_attempt <= now() AND (st.lease_until IS NULL OR st.lease_until < now())
           AND ((st.channel = 'rest-hook' AND (st.status <> 'active' OR st.delivered < ct.events
                  OR (st.heartbeat_s IS NOT NULL AND st.last_sent + make_interval(secs => st.heartbeat_s) <= now())))
                OR (st.channel = 'websocket' AND st.status = 'requested'))
         ORDER BY st.next_attempt LIMIT $3 FOR UPDATE OF st SKIP LOCKED)
       RETURNING s.sub_id, s.channel, s.status, c.events::text AS events, s.delivered::text AS delivered, s.failures,
         (s.heartbeat_s IS NOT NULL AND s.last_sent + make_interval(secs => s.heartbeat_s) <= now()) AS heartbeat_due`,
      [this.owner, this.leaseSeconds(), limit],
      'hms_sub_claim',
    );
    return rows;
  }

  private async release(id: string): Promise<void> {
    await this.s.db.query('UPDATE subscription_state SET lease_until = NULL, lease_owner = NULL WHERE sub_id = $1 AND lease_owner = $2', [id, this.owner]);
  }

  private async loadSpec(id: string): Promise<SubscriptionSpec | undefined> {
    const cached = this.specs.get(id);
    if (cached && Date.now() - cached.at < SPEC_TTL_MS) return cached.spec;
    const spec = await this.readSpec(id);
    if (spec) this.specs.set(id, { spec, at: Date.now() });
    else this.specs.delete(id);
    return spec;
  }

  private async readSpec(id: string): Promise<SubscriptionSpec | undefined> {
    const { rows } = await this.s.db.query<{ content: string }>(
      "SELECT content FROM resource WHERE res_type = 'Subscription' AND res_id = $1 AND NOT deleted",
      [id],
      'hms_sub_resource',
    );
    if (!rows[0]) return undefined;
    try {
      return parseSubscription(JSON.parse(rows[0].content) as Subscription);
    } catch {
      return undefined;
    }
  }

  private async deliver(c: Claim): Promise<void> {
    const spec = await this.loadSpec(c.sub_id);
    if (!spec) return this.release(c.sub_id);
    if (c.channel === 'websocket') {
      // Websocket subscriptions need no handshake over HTTP: active once accepted; bound sockets get the handshake.
      await this.succeed(c, Number(c.delivered));
      return setResourceStatus(this.s, spec.id, 'active');
    }
    let status = c.status;
    let delivered = Number(c.delivered);
    let events = Number(c.events);
    let heartbeatDue = c.heartbeat_due;
    for (;;) {
      const result = await this.sendNext(spec, status, delivered, events, heartbeatDue);
      if (!result.ok) return this.fail(c, spec, result.error ?? 'failed');
      const after = await this.succeed(c, result.delivered);
      if (status !== 'active') await setResourceStatus(this.s, spec.id, 'active');
      if (!after || after.events <= after.delivered || this.stopped) {
        if (after) await this.release(c.sub_id);
        return;
      }
      status = 'active';
      delivered = after.delivered;
      events = after.events;
      heartbeatDue = false;
    }
  }

  /** Sends what is due: the handshake, the next batch of events, or a heartbeat. Returns the new cursor. */
  private async sendNext(spec: SubscriptionSpec, status: string, delivered: number, events: number, heartbeatDue: boolean): Promise<{ ok: boolean; error?: string; delivered: number }> {
    if (!(await this.policy.checkResolved(spec.endpoint as string))) return { ok: false, error: 'endpoint not allowed', delivered };
    const base = this.base();
    const timeout = Math.min(this.settings.timeoutMs, (spec.timeoutSeconds ?? Infinity) * 1000);
    if (spec.kind === 'classic') {
      if (delivered >= events) return { ok: true, delivered };
      const [e] = await loadEvents(this.s.db, spec.id, delivered, events, 1);
      if (!e) return { ok: true, delivered: events };
      const body = await classicBody(this.s.db, spec, e);
      const r = await post(spec, body !== undefined && Buffer.byteLength(body) <= this.settings.maxPayloadBytes ? body : undefined, spec.payloadMime ?? 'application/fhir+json', timeout);
      return { ...r, delivered: Number(e.number) };
    }
    const info = { status: status === 'requested' ? 'requested' : 'active', events: String(events) };
    let type: NotificationType;
    let batch: EventRow[] = [];
    if (status === 'requested') type = 'handshake';
    else if (delivered < events) {
      type = 'event-notification';
      batch = await loadEvents(this.s.db, spec.id, delivered, events, spec.maxCount);
    } else type = 'heartbeat';
    if (type === 'heartbeat' && !heartbeatDue && status === 'active') return { ok: true, delivered };
    const body = await this.fit(spec, base, type, info, batch);
    const r = await post(spec, body.json, spec.payloadMime ?? 'application/fhir+json', timeout);
    return { ...r, delivered: body.last ?? delivered };
  }

  /** Serialises the notification within the payload bound: fewer events, then id-only if one is still too big. */
  private async fit(spec: SubscriptionSpec, base: string, type: NotificationType, info: { status: string; events: string }, batch: EventRow[]): Promise<{ json: string; last?: number }> {
    let events = batch;
    let content: PayloadContent = spec.content;
    for (;;) {
      const json = JSON.stringify(await notificationBundle(this.s.db, spec, base, type, info, events, content));
      const last = events.length ? Number(events[events.length - 1].number) : undefined;
      if (Buffer.byteLength(json) <= this.settings.maxPayloadBytes || (events.length <= 1 && content !== 'full-resource')) return { json, last };
      if (events.length > 1) events = events.slice(0, Math.max(1, Math.floor(events.length / 2)));
      else content = 'id-only';
    }
  }

  private async succeed(c: Claim, delivered: number): Promise<{ events: number; delivered: number } | undefined> {
    const { rows } = await this.s.db.query<{ events: string; delivered: string }>(
      `UPDATE subscription_state s SET delivered = GREATEST(s.delivered, $3), failures = 0, status = 'active', next_attempt = now(),
         last_sent = now(), last_error = NULL, lease_until = now() + make_interval(secs => $4)
       FROM subscription_counter c
       WHERE c.sub_id = s.sub_id AND s.sub_id = $1 AND s.lease_owner = $2 RETURNING c.events::text AS events, s.delivered::text AS delivered`,
      [c.sub_id, this.owner, delivered, this.leaseSeconds()],
      'hms_sub_success',
    );
    return rows[0] ? { events: Number(rows[0].events), delivered: Number(rows[0].delivered) } : undefined;
  }

  private async fail(c: Claim, spec: SubscriptionSpec, error: string): Promise<void> {
    const failures = c.failures + 1;
    const delay = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** Math.min(failures - 1, 20));
    const toError = failures >= this.settings.errorAfter;
    await this.s.db.query(
      `UPDATE subscription_state SET failures = $3, last_error = $4, next_attempt = now() + make_interval(secs => $5),
         status = CASE WHEN $6 THEN 'error' ELSE status END, lease_until = NULL, lease_owner = NULL
       WHERE sub_id = $1 AND lease_owner = $2`,
      [c.sub_id, this.owner, failures, error.slice(0, 500), delay / 1000, toError],
    );
    this.s.log.info({ subscription: spec.id, failures, error, retryInMs: delay }, 'subscription delivery failed');
    if (toError && c.status !== 'error') await setResourceStatus(this.s, spec.id, 'error', error);
  }
}
