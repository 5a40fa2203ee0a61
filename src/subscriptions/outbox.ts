import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { actingAs, ownerOf, type OwnerSnapshot } from '../security/principal.js';
import type { PendingWrite, ResourceStore } from '../store/store.js';
import { parseSubscription } from './model.js';
import type { Change, SubscriptionRegistry } from './registry.js';

/** The subsystem name the delivery worker writes under (its status updates must not reset delivery state). */
export const SUBSYSTEM = 'subscriptions';

export interface OutboxResult {
  /** Events were recorded (the worker should look). */
  events: number;
  /** A Subscription was written (registries should reload). */
  subscriptionsChanged: boolean;
  /** The subscription generation this transaction set (when it wrote Subscriptions). */
  generation?: number;
  /**
   * Set when a client (not the delivery worker's status updates) wrote Subscriptions here: their new owner, the
   * writer (undefined with authorization off).
   */
  written?: { owner?: OwnerSnapshot };
}

/**
 * The transaction hook: inside the database transaction of every write, keeps subscription_state in step
 * with Subscription resources and records one event per (matching subscription, change) in the outbox's
 * inbox, unnumbered. Numbers are given after commit by numberPending (numbering.ts), before delivery: gapless
 * per subscription, each event once, in the order the numbering sees them committed.
 */
export async function recordChanges(
  tx: Queryable,
  changes: readonly PendingWrite[],
  ctx: RequestContext,
  registry: SubscriptionRegistry,
  pgNotify: boolean,
  store: ResourceStore,
): Promise<OutboxResult> {
  const subs = changes.filter((c) => c.type === 'Subscription');
  const own = ctx.subsystem === SUBSYSTEM;
  // The registry as committed before this transaction: Subscriptions written here take effect after commit.
  await registry.ensureFresh(tx);
  let generation: number | undefined;
  const written = subs.length > 0 && !own ? { owner: ownerOf(ctx) } : undefined;
  if (written) await syncState(tx, subs, written.owner);
  if (subs.length > 0) {
    const { rows } = await tx.query<{ gen: string }>('UPDATE subscription_generation SET gen = gen + 1 WHERE id = 1 RETURNING gen::text AS gen');
    generation = Number(rows[0]?.gen);
  }
  const changed = { subscriptionsChanged: subs.length > 0, generation, written };
  if (registry.size === 0) return { events: 0, ...changed };

  const perSub = new Map<string, PendingWrite[]>();
  for (const write of changes) {
    const change: Change = {
      write,
      interaction: write.method === 'DELETE' ? 'delete' : write.isNew || write.previousVersion === undefined ? 'create' : 'update',
      previous: () => previousVersion(tx, write),
    };
    for (const spec of await registry.match(change)) {
      const list = perSub.get(spec.id) ?? [];
      list.push(write);
      perSub.set(spec.id, list);
    }
  }
  await ownersOnly(tx, perSub, registry, store, ctx);
  if (perSub.size === 0) return { events: 0, ...changed };
  const events = [...perSub].flatMap(([id, list]) => list.map((w) => [id, w.type, w.id, w.version, w.method]));
  // Appended without numbers: nothing shared is locked, so concurrent writers never queue here.
  await tx.query(
    `WITH ins AS (INSERT INTO subscription_inbox (sub_id, res_type, res_id, version, method)
       SELECT x->>0, x->>1, x->>2, (x->>3)::bigint, x->>4 FROM json_array_elements($1::json) WITH ORDINALITY e(x, k) ORDER BY k RETURNING 1)
     SELECT CASE WHEN $2::boolean THEN pg_notify('hms_subscription_event', '') END FROM (SELECT count(*) FROM ins) x`,
    [JSON.stringify(events), pgNotify],
    'hms_sub_record2',
  );
  return { events: events.length, ...changed };
}

async function previousVersion(tx: Queryable, w: PendingWrite): Promise<Resource | undefined> {
  const content = await previousContent(tx, w);
  return content ? (JSON.parse(content) as Resource) : undefined;
}

/** The stored JSON of the version before this write (undefined for a create). */
async function previousContent(tx: Queryable, w: PendingWrite): Promise<string | undefined> {
  if (w.previousVersion === undefined) return undefined;
  const { rows } = await tx.query<{ content: string | null }>(
    'SELECT content FROM resource_history WHERE res_type = $1 AND res_id = $2 AND version = $3',
    [w.type, w.id, w.previousVersion],
    'hms_sub_previous',
  );
  return rows[0]?.content ?? undefined;
}

/**
 * A client created, changed or deleted a Subscription: create its state row (status requested, so the
 * worker performs the handshake), restart the handshake when the client asks (status requested) or changes
 * the channel, switch it off (status off), or remove it with its events (delete).
 */
async function syncState(tx: Queryable, writes: PendingWrite[], owner: OwnerSnapshot | undefined): Promise<void> {
  // Set-based: a transaction bundle creating hundreds of Subscriptions costs a few statements, not two each.
  const deleted = writes.filter((w) => w.method === 'DELETE' || !w.resource).map((w) => w.id);
  if (deleted.length > 0) {
    await tx.query('DELETE FROM subscription_state WHERE sub_id = ANY($1::text[])', [deleted]);
    await tx.query('DELETE FROM subscription_counter WHERE sub_id = ANY($1::text[])', [deleted]);
    await tx.query('DELETE FROM subscription_event WHERE sub_id = ANY($1::text[])', [deleted]);
    await tx.query('DELETE FROM subscription_inbox WHERE sub_id = ANY($1::text[])', [deleted]);
  }
  const kept = writes.filter((w) => !(w.method === 'DELETE' || !w.resource));
  if (kept.length === 0) return;
  const rows = kept.map((w) => {
    const sub = w.resource as Subscription;
    const spec = parseSubscription(sub);
    return {
      id: w.id,
      channel: spec.channel,
      status: sub.status === 'off' ? 'off' : 'requested',
      heartbeat: spec.heartbeatSeconds ?? null,
      requested: sub.status === 'requested',
      ends: spec.endMs !== undefined ? new Date(spec.endMs).toISOString() : null,
    };
  });
  // Keep counters and cursor across updates; an active/error subscription stays as it is unless the client
  // sets requested (new handshake) or off, or turns an off one back on.
  await tx.query(
    `INSERT INTO subscription_state (sub_id, channel, status, heartbeat_s, ends_at, owner)
     SELECT u.id, u.channel, u.status, u.heartbeat, u.ends, $7::text FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[]) u(id, channel, status, heartbeat, ends)
     ON CONFLICT (sub_id) DO UPDATE SET channel = excluded.channel, heartbeat_s = excluded.heartbeat_s, ends_at = excluded.ends_at, owner = excluded.owner,
       status = CASE WHEN excluded.status = 'off' OR excluded.sub_id = ANY($6::text[]) OR subscription_state.status = 'off' THEN excluded.status ELSE subscription_state.status END,
       failures = CASE WHEN excluded.sub_id = ANY($6::text[]) THEN 0 ELSE subscription_state.failures END,
       next_attempt = CASE WHEN excluded.sub_id = ANY($6::text[]) THEN now() ELSE subscription_state.next_attempt END`,
    [rows.map((r) => r.id), rows.map((r) => r.channel), rows.map((r) => r.status), rows.map((r) => r.heartbeat), rows.map((r) => r.ends), rows.filter((r) => r.requested).map((r) => r.id), owner ? JSON.stringify(owner) : null],
  );
  await tx.query('INSERT INTO subscription_counter (sub_id) SELECT unnest($1::text[]) ON CONFLICT (sub_id) DO NOTHING', [rows.map((r) => r.id)]);
}

/**
 * Drops the matches an owned Subscription's owner may not be told of (AccessGuard.notifiable, judged in the
 * writing transaction, where the change's index rows are already written): one check per owner, not per
 * subscription. A Subscription without an owner (authorization off, or written by the server) keeps all.
 */
async function ownersOnly(tx: Queryable, perSub: Map<string, PendingWrite[]>, registry: SubscriptionRegistry, store: ResourceStore, ctx: RequestContext): Promise<void> {
  const byOwner = new Map<string, { owner: OwnerSnapshot; subs: string[] }>();
  for (const id of perSub.keys()) {
    const owner = registry.get(id)?.owner;
    if (!owner) continue;
    const key = JSON.stringify(owner);
    const entry = byOwner.get(key) ?? { owner, subs: [] };
    entry.subs.push(id);
    byOwner.set(key, entry);
  }
  for (const { owner, subs } of byOwner.values()) {
    const writes = [...new Set(subs.flatMap((id) => perSub.get(id) ?? []))];
    const items = await Promise.all(
      writes.map(async (w) => {
        const deleted = w.method === 'DELETE' || !w.resource;
        const content = deleted ? await previousContent(tx, w) : w.content;
        return { type: w.type, id: w.id, deleted, w, ...(content ? { content } : {}), ...(deleted && w.previousVersion !== undefined ? { previous: w.previousVersion } : {}) };
      }),
    );
    const told = new Set((await store.notifiable(actingAs(ctx, owner), tx, items)).map((x) => x.w));
    for (const id of subs) {
      const kept = (perSub.get(id) ?? []).filter((w) => told.has(w));
      if (kept.length) perSub.set(id, kept);
      else perSub.delete(id);
    }
  }
}
