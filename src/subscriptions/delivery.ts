import { randomUUID } from 'node:crypto';
import type { Subscription } from '@medplum/fhirtypes';
import type { Services } from '../rest/services.js';
import type { EndpointPolicy } from './allowlist.js';
import { post, type PostResult } from './channels/rest-hook.js';
import { parseSubscription, type PayloadContent, type SubscriptionSpec } from './model.js';
import { classicBody, loadEvents, notificationBundle, type EventRow, type NotificationType } from './notification.js';
import { retentionSweep, endSweep } from './housekeeping.js';
import { numberPending } from './numbering.js';
import { setResourceStatuses, type MirroredStatus } from './status-sync.js';

export interface DeliverySettings {
  timeoutMs: number;
  maxPayloadBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  errorAfter: number;
  concurrency: number;
  pollMs: number;
  /** Delivered events older than this are deleted (seconds). */
  retentionSeconds: number;
}

/** Events read with each claim (a notification carries at most min(backport-max-count, this) events). */
const CLAIM_EVENTS = 100;

interface Claim {
  sub_id: string;
  channel: string;
  status: string;
  events: string;
  delivered: string;
  failures: number;
  heartbeat_due: boolean;
  /** The Subscription resource's current version (undefined: deleted). */
  version: string | null;
  /** The first pending events (rest-hook subscriptions past their handshake), oldest first. */
  batch: EventRow[] | null;
}

/** The outcome of one claim, applied with the others of its moment in one statement. */
interface Ack {
  id: string;
  delivered: number;
  /** The handshake was sent (or a websocket subscription accepted): requested → active. */
  handshake: boolean;
  /** Something was sent (moves last_sent, the heartbeat clock). */
  sent: boolean;
  done: (became: string | undefined) => void;
}

/**
 * The rest-hook delivery worker. Every process runs one; they share the work through the database: a
 * subscription is claimed with a lease (UPDATE ... FOR UPDATE SKIP LOCKED), so each subscription has at most
 * one delivery in flight cluster-wide and its events go out in number order, while up to `concurrency`
 * subscriptions are delivered at once per process (a hanging endpoint holds only its own slot, for at most
 * the timeout). Woken by commits in this process, by NOTIFY from other processes, and by a poll timer.
 *
 * Per round trip, work is done in sets: one statement claims every free slot's subscription together with its
 * pending events; each claimed subscription gets ONE request carrying all of them (within the payload bound);
 * the cursor moves and the lease is released for every finished delivery of the moment in one statement; and
 * the resulting status changes are mirrored into the Subscription resources in one transaction.
 */
export class DeliveryWorker {
  private readonly owner = randomUUID();
  private inflight = 0;
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private housekeeping?: NodeJS.Timeout;
  private readonly pending = new Set<Promise<void>>();
  /** Parsed Subscriptions by id, valid while the resource's version is the one the claim reports. */
  private readonly specs = new Map<string, { spec: SubscriptionSpec; version: string }>();
  private acks: Ack[] = [];
  private flushing = false;
  private statuses = new Map<string, { status: MirroredStatus; error?: string }>();
  private mirroring = false;
  private lastRetention = 0;
  /** Called when a round numbered new events (the websocket hub of this process sends them). */
  onNumbered?: () => void;

  constructor(
    private readonly s: Services,
    private readonly policy: EndpointPolicy,
    private readonly settings: DeliverySettings,
    private readonly base: () => string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.housekeeping = setInterval(() => void this.tidy(), Math.min(1000, this.settings.pollMs));
    this.housekeeping.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.housekeeping) clearInterval(this.housekeeping);
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
      if (this.stopped) return;
      // Events committed since the last round get their numbers first (numbering.ts); websocket sockets of
      // this process are told (other processes hear the NOTIFY the numbering sends).
      if ((await numberPending(this.s.db)) > 0) this.onNumbered?.();
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

  /** Claims up to `limit` due subscriptions with their first pending events, in one statement. */
  private async claim(limit: number): Promise<Claim[]> {
    const { rows } = await this.s.db.query<Claim>(
      `WITH c AS (
         UPDATE subscription_state s SET lease_until = now() + make_interval(secs => $2), lease_owner = $1
         FROM subscription_counter c
         WHERE c.sub_id = s.sub_id AND s.sub_id IN (
           SELECT st.sub_id FROM subscription_state st JOIN subscription_counter ct ON ct.sub_id = st.sub_id
           WHERE st.status IN ('requested', 'active', 'error') AND st.next_attempt <= now() AND (st.lease_until IS NULL OR st.lease_until < now())
             AND (st.ends_at IS NULL OR st.ends_at > now())
             AND ((st.channel = 'rest-hook' AND (st.status <> 'active' OR st.delivered < ct.events
                    OR (st.heartbeat_s IS NOT NULL AND st.last_sent + make_interval(secs => st.heartbeat_s) <= now())))
                  OR (st.channel = 'websocket' AND st.status = 'requested'))
           ORDER BY st.next_attempt LIMIT $3 FOR UPDATE OF st SKIP LOCKED)
         RETURNING s.sub_id, s.channel, s.status, c.events, s.delivered, s.failures,
           (s.heartbeat_s IS NOT NULL AND s.last_sent + make_interval(secs => s.heartbeat_s) <= now()) AS heartbeat_due)
       SELECT c.sub_id, c.channel, c.status, c.events::text AS events, c.delivered::text AS delivered, c.failures, c.heartbeat_due,
         r.version::text AS version,
         CASE WHEN c.channel = 'rest-hook' AND c.status <> 'requested' AND c.delivered < c.events THEN
           (SELECT json_agg(json_build_object('number', e.number::text, 'res_type', e.res_type, 'res_id', e.res_id, 'version', e.version::text,
                                              'method', e.method, 'created', e.created) ORDER BY e.number)
            FROM (SELECT * FROM subscription_event e WHERE e.sub_id = c.sub_id AND e.number > c.delivered AND e.number <= c.events
                  ORDER BY e.number LIMIT $4) e)
         END AS batch
       FROM c LEFT JOIN resource r ON r.res_type = 'Subscription' AND r.res_id = c.sub_id AND NOT r.deleted`,
      [this.owner, this.leaseSeconds(), limit, CLAIM_EVENTS],
      'hms_sub_claim2',
    );
    return rows;
  }

  /** The parsed Subscription at the version the claim saw (parsed once per version). */
  private async loadSpec(id: string, version: string | null): Promise<SubscriptionSpec | undefined> {
    if (version === null) {
      this.specs.delete(id);
      return undefined;
    }
    const cached = this.specs.get(id);
    if (cached && cached.version === version) return cached.spec;
    const { rows } = await this.s.db.query<{ content: string; version: string }>(
      "SELECT content, version::text AS version FROM resource WHERE res_type = 'Subscription' AND res_id = $1 AND NOT deleted",
      [id],
      'hms_sub_resource2',
    );
    if (!rows[0]) return undefined;
    try {
      const spec = parseSubscription(JSON.parse(rows[0].content) as Subscription);
      this.specs.set(id, { spec, version: rows[0].version });
      return spec;
    } catch {
      return undefined;
    }
  }

  private async deliver(c: Claim): Promise<void> {
    const spec = await this.loadSpec(c.sub_id, c.version);
    const delivered = Number(c.delivered);
    if (!spec) return void (await this.ack(c.sub_id, delivered, false, false));
    if (c.channel === 'websocket') {
      // Websocket subscriptions need no handshake over HTTP: active once accepted; bound sockets get the handshake.
      const became = await this.ack(c.sub_id, delivered, true, false);
      if (became === 'active') this.mirror(spec.id, 'active');
      return;
    }
    let result: { ok: boolean; error?: string; delivered: number; sent: boolean };
    if (!(await this.policy.checkResolved(spec.endpoint as string))) result = { ok: false, error: 'endpoint not allowed', delivered, sent: false };
    else result = await this.send(spec, c);
    if (!result.ok) return this.fail(c, spec, result.error ?? 'failed', result.delivered);
    const became = await this.ack(c.sub_id, result.delivered, c.status === 'requested', result.sent);
    if (became === 'active' && c.status !== 'active') this.mirror(spec.id, 'active');
  }

  /** Sends what is due: the handshake, the pending events, or a heartbeat. Returns the new cursor. */
  private async send(spec: SubscriptionSpec, c: Claim): Promise<{ ok: boolean; error?: string; delivered: number; sent: boolean }> {
    const delivered = Number(c.delivered);
    const events = Number(c.events);
    const base = this.base();
    const timeout = Math.min(this.settings.timeoutMs, (spec.timeoutSeconds ?? Infinity) * 1000);
    if (spec.kind === 'classic') {
      // Classic R4: one request per event (the body is the resource); the cursor follows each success.
      let cursor = delivered;
      let sent = false;
      for (const e of c.batch ?? []) {
        const r = await this.classicRequest(spec, e, timeout);
        if (!r.ok) return { ok: false, error: r.error, delivered: cursor, sent };
        cursor = Number(e.number);
        sent = true;
      }
      return { ok: true, delivered: cursor, sent };
    }
    const info = { status: c.status === 'requested' ? 'requested' : 'active', events: String(events) };
    let type: NotificationType;
    let batch: EventRow[] = [];
    if (c.status === 'requested') type = 'handshake';
    else if (delivered < events) {
      type = 'event-notification';
      batch = (c.batch ?? []).slice(0, spec.maxCount);
      if (batch.length === 0) batch = await loadEvents(this.s.db, spec.id, delivered, events, spec.maxCount);
    } else type = 'heartbeat';
    if (type === 'heartbeat' && !c.heartbeat_due) return { ok: true, delivered, sent: false };
    const body = await this.fit(spec, base, type, info, batch);
    const r = await post(spec, body.json, spec.payloadMime ?? 'application/fhir+json', timeout);
    return { ...r, delivered: r.ok ? (body.last ?? delivered) : delivered, sent: true };
  }

  /** Classic: POST the resource (payload set) or nothing; a delete (send-delete-messages) is a DELETE of endpoint/type/id. */
  private async classicRequest(spec: SubscriptionSpec, e: EventRow, timeout: number): Promise<PostResult> {
    if (e.method === 'DELETE') {
      if (!spec.payloadMime) return post(spec, undefined, '', timeout);
      return post(spec, undefined, '', timeout, 'DELETE', `${(spec.endpoint as string).replace(/\/+$/, '')}/${e.res_type}/${encodeURIComponent(e.res_id)}`);
    }
    const body = await classicBody(this.s.db, spec, e);
    return post(spec, body !== undefined && Buffer.byteLength(body) <= this.settings.maxPayloadBytes ? body : undefined, spec.payloadMime ?? 'application/fhir+json', timeout);
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

  /**
   * Records a finished delivery: moves the cursor, resets failures, releases the lease. Deliveries finishing
   * while a previous statement runs are applied together by the next one. Resolves with the status the
   * subscription now has (undefined if this process no longer held the lease).
   */
  private ack(id: string, delivered: number, handshake: boolean, sent: boolean): Promise<string | undefined> {
    return new Promise((done) => {
      this.acks.push({ id, delivered, handshake, sent, done });
      if (!this.flushing) void this.flushAcks();
    });
  }

  private async flushAcks(): Promise<void> {
    this.flushing = true;
    try {
      while (this.acks.length > 0) {
        const batch = this.acks.splice(0);
        let became = new Map<string, string>();
        try {
          const { rows } = await this.s.db.query<{ sub_id: string; status: string }>(
            `UPDATE subscription_state s SET delivered = GREATEST(s.delivered, u.d), failures = 0, next_attempt = now(),
               status = CASE WHEN s.status = 'off' THEN 'off' WHEN s.status = 'requested' AND NOT u.hs THEN 'requested' ELSE 'active' END,
               last_sent = CASE WHEN u.sent THEN now() ELSE s.last_sent END, last_error = NULL, lease_until = NULL, lease_owner = NULL
             FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::boolean[]) u(id, d, hs, sent)
             WHERE s.sub_id = u.id AND s.lease_owner = $5
             RETURNING s.sub_id, s.status`,
            [batch.map((a) => a.id), batch.map((a) => a.delivered), batch.map((a) => a.handshake), batch.map((a) => a.sent), this.owner],
            'hms_sub_ack',
          );
          became = new Map(rows.map((r) => [r.sub_id, r.status]));
        } catch (err) {
          this.s.log.warn({ err }, 'subscription cursor update failed (the leases expire and the events are sent again)');
        }
        for (const a of batch) a.done(became.get(a.id));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Queues a status for the Subscription resource; queued statuses are written together in one transaction. */
  private mirror(id: string, status: MirroredStatus, error?: string): void {
    this.statuses.set(id, { status, error });
    if (!this.mirroring) void this.flushStatuses();
  }

  private async flushStatuses(): Promise<void> {
    this.mirroring = true;
    try {
      while (this.statuses.size > 0) {
        const list = [...this.statuses].slice(0, 200).map(([id, v]) => ({ id, ...v }));
        for (const x of list) this.statuses.delete(x.id);
        const p = setResourceStatuses(this.s, list).catch((err: unknown) => this.s.log.warn({ err }, 'subscription status update failed'));
        this.pending.add(p);
        await p;
        this.pending.delete(p);
      }
    } finally {
      this.mirroring = false;
    }
  }

  private async fail(c: Claim, spec: SubscriptionSpec, error: string, delivered: number): Promise<void> {
    const failures = c.failures + 1;
    const delay = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** Math.min(failures - 1, 20));
    const toError = failures >= this.settings.errorAfter;
    await this.s.db.query(
      `UPDATE subscription_state SET failures = $3, last_error = $4, next_attempt = now() + make_interval(secs => $5),
         status = CASE WHEN $6 AND status <> 'off' THEN 'error' ELSE status END, lease_until = NULL, lease_owner = NULL,
         delivered = GREATEST(delivered, $7)
       WHERE sub_id = $1 AND lease_owner = $2`,
      [c.sub_id, this.owner, failures, error.slice(0, 500), delay / 1000, toError, delivered],
    );
    this.s.log.info({ subscription: spec.id, failures, error, retryInMs: delay }, 'subscription delivery failed');
    if (toError && c.status !== 'error') this.mirror(spec.id, 'error', error);
  }

  /** Housekeeping: switches off subscriptions past their end; deletes delivered events past the retention. */
  private async tidy(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const id of await endSweep(this.s.db)) this.mirror(id, 'off');
      const every = Math.min(60_000, Math.max(1000, this.settings.retentionSeconds * 500));
      if (Date.now() - this.lastRetention >= every) {
        this.lastRetention = Date.now();
        await retentionSweep(this.s.db, this.settings.retentionSeconds);
      }
    } catch (err) {
      this.s.log.warn({ err }, 'subscription housekeeping failed');
    }
  }
}
