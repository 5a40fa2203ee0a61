import type { OwnerSnapshot } from '../security/principal.js';
import { matchesSearchRequest } from '@medplum/core';
import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import type { Queryable } from '../db/database.js';
import type { PendingWrite } from '../store/store.js';
import { parseSubscription, type SubscriptionSpec } from './model.js';
import { filterKey, resourceKeys } from './keys.js';
import type { Interaction } from './topics/index.js';

/** The subscriptions of one resource type: those indexed by an equality filter, and the rest. */
interface TypeIndex {
  always: SubscriptionSpec[];
  byParam: Map<string, Map<string, SubscriptionSpec[]>>;
}

/** A change as the matcher sees it: the interaction, and the versions before and after (loaded lazily). */
export interface Change {
  write: PendingWrite;
  interaction: Interaction;
  /** The version before the change (read from history only when a candidate needs it). */
  previous(): Promise<Resource | undefined>;
}

export interface Match {
  spec: SubscriptionSpec;
  change: Change;
}

/**
 * The active subscriptions of this process, indexed by resource type so a write only looks at the
 * subscriptions that can fire for its type (10,000 subscriptions on other types cost one Map lookup).
 * Loaded from the database; reloaded inside a write transaction when the subscription generation (bumped
 * by every Subscription write, in any process) moved, so a subscription committed by another process is
 * honoured by the very next write here.
 */
export class SubscriptionRegistry {
  private byType = new Map<string, TypeIndex>();
  private all = new Map<string, SubscriptionSpec>();
  private generation = -1;
  private dirty = true;

  constructor(
    private readonly checkGeneration: boolean,
    private readonly log: Logger,
  ) {}

  markDirty(): void {
    this.dirty = true;
  }

  get(id: string): SubscriptionSpec | undefined {
    return this.all.get(id);
  }

  get size(): number {
    return this.all.size;
  }

  /** Makes sure the registry reflects every committed Subscription (called inside a write transaction). */
  async ensureFresh(q: Queryable): Promise<void> {
    if (this.checkGeneration) {
      const { rows } = await q.query<{ gen: string }>('SELECT gen::text AS gen FROM subscription_generation WHERE id = 1', [], 'hms_sub_gen');
      const gen = Number(rows[0]?.gen ?? 0);
      if (gen !== this.generation) this.dirty = true;
      this.generation = gen;
    }
    if (this.dirty) await this.load(q);
  }

  /**
   * After this process committed Subscription writes that moved the generation from `newGen - 1` to `newGen`:
   * apply them in memory instead of reloading everything (a reload per status change is quadratic when
   * thousands of subscriptions activate). If anyone else moved the generation meanwhile, reload.
   */
  applyCommitted(newGen: number | undefined, written: readonly PendingWrite[], byClient?: { owner?: OwnerSnapshot }): void {
    if (this.dirty || (this.checkGeneration && newGen !== this.generation + 1)) {
      this.dirty = true;
      return;
    }
    for (const w of written) {
      if (w.type !== 'Subscription') continue;
      // a write by the delivery worker (status) keeps the owner; a client's write sets it
      const owner = byClient ? byClient.owner : this.all.get(w.id)?.owner;
      this.remove(w.id);
      if (w.method === 'DELETE' || !w.resource || (w.resource as Subscription).status === 'off') continue;
      try {
        this.add(withOwner(parseSubscription(w.resource as Subscription), owner));
      } catch {
        this.dirty = true;
      }
    }
    if (newGen !== undefined) this.generation = newGen;
  }

  private add(spec: SubscriptionSpec): void {
    this.all.set(spec.id, spec);
    for (const type of typesOf(spec)) {
      let index = this.byType.get(type);
      if (!index) this.byType.set(type, (index = { always: [], byParam: new Map() }));
      const filter = spec.filters.find((f) => f.resourceType === type);
      const k = filter && type !== '*' ? filterKey(type, filter) : undefined;
      if (!k) {
        index.always.push(spec);
        continue;
      }
      let values = index.byParam.get(k.code);
      if (!values) index.byParam.set(k.code, (values = new Map()));
      const list = values.get(k.key) ?? [];
      list.push(spec);
      values.set(k.key, list);
    }
  }

  private remove(id: string): void {
    const spec = this.all.get(id);
    if (!spec) return;
    this.all.delete(id);
    for (const index of this.byType.values()) {
      index.always = index.always.filter((s) => s.id !== id);
      for (const values of index.byParam.values()) {
        for (const [key, list] of values) {
          const rest = list.filter((s) => s.id !== id);
          if (rest.length) values.set(key, rest);
          else values.delete(key);
        }
      }
    }
  }

  async load(q: Queryable): Promise<void> {
    const { rows } = await q.query<{ content: string; owner: string | null }>(
      `SELECT r.content, s.owner FROM subscription_state s JOIN resource r ON r.res_type = 'Subscription' AND r.res_id = s.sub_id AND NOT r.deleted
       WHERE s.status <> 'off'`,
    );
    this.byType = new Map();
    this.all = new Map();
    for (const row of rows) {
      let spec: SubscriptionSpec;
      try {
        spec = withOwner(parseSubscription(JSON.parse(row.content) as Subscription), row.owner ? (JSON.parse(row.owner) as OwnerSnapshot) : undefined);
      } catch (err) {
        this.log.warn({ err }, 'stored Subscription cannot be parsed; ignored');
        continue;
      }
      this.add(spec);
    }
    this.dirty = false;
  }

  /** The subscriptions a change fires, in registry order. */
  async match(change: Change): Promise<SubscriptionSpec[]> {
    const type = change.write.type;
    const index = this.byType.get(type);
    const candidates = [...(index?.always ?? []), ...(this.byType.get('*')?.always ?? [])];
    if (index && index.byParam.size > 0) {
      const subject = change.write.resource ?? (await change.previous());
      if (subject) {
        const seen = new Set<SubscriptionSpec>();
        for (const [code, values] of index.byParam) {
          for (const key of resourceKeys(subject, code)) {
            for (const spec of values.get(key) ?? []) {
              if (!seen.has(spec)) candidates.push(spec);
              seen.add(spec);
            }
          }
        }
      }
    }
    const out: SubscriptionSpec[] = [];
    const now = Date.now();
    for (const spec of candidates) {
      if (spec.endMs !== undefined && spec.endMs <= now) continue; // past Subscription.end
      if (await fires(spec, change)) out.push(spec);
    }
    return out;
  }
}

function withOwner(spec: SubscriptionSpec, owner: OwnerSnapshot | undefined): SubscriptionSpec {
  return owner ? { ...spec, owner } : spec;
}

/** The resource types whose changes can fire a subscription ('*': any). */
function typesOf(spec: SubscriptionSpec): string[] {
  if (spec.filters.length > 0) return [...new Set(spec.filters.map((f) => f.resourceType))];
  return [...new Set(spec.topic?.triggers.map((t) => t.resource) ?? [])];
}

async function fires(spec: SubscriptionSpec, change: Change): Promise<boolean> {
  const { write, interaction } = change;
  if (spec.kind === 'classic') {
    // R4: criteria apply to the new version, so a delete does not fire, unless the subscription asks for delete
    // messages (HAPI's extension): then a delete fires when the last version before it matched the criteria.
    if (interaction === 'delete' || !write.resource) {
      if (!spec.sendDeleteMessages) return false;
      const last = await change.previous();
      return !!last && spec.filters.every((f) => f.resourceType === write.type && matchesSearchRequest(last, f.search));
    }
    return spec.filters.every((f) => f.resourceType === write.type && matchesSearchRequest(write.resource as Resource, f.search));
  }
  const triggers = spec.topic!.triggers.filter((t) => (t.resource === '*' || t.resource === write.type) && t.interactions.includes(interaction));
  if (triggers.length === 0) return false;
  let previous: Resource | undefined;
  let loaded = false;
  const prev = async (): Promise<Resource | undefined> => {
    if (!loaded) previous = await change.previous();
    loaded = true;
    return previous;
  };
  let fired = false;
  for (const t of triggers) {
    if (!t.fires || t.fires(await prev(), write.resource)) {
      fired = true;
      break;
    }
  }
  if (!fired) return false;
  const filters = spec.filters.filter((f) => f.resourceType === write.type);
  if (spec.filters.length > 0 && filters.length === 0) return false;
  for (const f of filters) {
    if (f.interactions && !f.interactions.includes(interaction)) return false;
    if (!f.search.filters?.length) continue;
    const subject = write.resource ?? (await prev());
    if (!subject || !matchesSearchRequest(subject, f.search)) return false;
  }
  return true;
}
