import type { Schedule, SearchParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Services } from '../rest/services.js';
import { searchStore } from '../store/search-in.js';
import type { ResourceStore } from '../store/store.js';
import { readAvailability, type Availability } from './model.js';

/**
 * The Schedules a $find searches, kept between calls on the embedded (PGlite) backend only: there every write
 * passes through this process (as for the store's resource cache, store/cache.ts), so each commit that writes or
 * deletes a Schedule empties the cache before the next request is served. With PostgreSQL other processes
 * write too, and every call searches.
 *
 * Access: an entry is keyed by the search and by the requester's search restriction on Schedule as the access
 * guard states it (ResourceStore.searchScope): '' for a requester without restriction (authentication off, the
 * server's own work, a token without facility, region, subsystem, scope query or hidden label), else the
 * `_security:not` text of the protected labels it may not see. Both test only each Schedule's own content, so
 * requesters with the same text get the same Schedules from the same search, and a Schedule write changes
 * that answer only through a commit, which empties the cache. A restriction that reaches other resources (a
 * facility policy through the Schedule's Location, a patient compartment, a scope query) could change with a
 * write of those: such requesters are not cached and search each time, as does a requester without a
 * Schedule search grant (whose search answers 403). The queries hold only plain Schedule parameters (no
 * chain, no _has), which the restriction leaves as they are.
 *
 * A search that began before a Schedule commit is not kept (its result may predate the commit). A change of a
 * SearchParameter on Schedule is re-indexed in the background with no commit that tells when it ends: from
 * then on this process no longer caches.
 *
 * Bounded: MAX_KEYS searches, least recently used first out, and MAX_HELD Schedules in all. The Schedules
 * handed out are shared between calls and must not be changed. A Schedule's availability is read once per
 * object (a cached Schedule's on its first $find only).
 */
const MAX_KEYS = 32;
const MAX_HELD = 4000;

class Entries {
  private readonly searches = new Map<string, Schedule[]>();
  private held = 0;
  /** Counts the commits that changed Schedules: a search begun before one is not kept. */
  private generation = 0;
  off = false;

  clear(): void {
    this.generation++;
    this.searches.clear();
    this.held = 0;
  }

  async search(s: Services, ctx: RequestContext, scope: string, query: [string, string][], max: number): Promise<Schedule[]> {
    const key = JSON.stringify([scope, max, query]);
    const hit = this.searches.get(key);
    if (hit) {
      this.searches.delete(key);
      this.searches.set(key, hit);
      return hit;
    }
    const generation = this.generation;
    const found = await searchStore<Schedule>(s, ctx, 'Schedule', query, max);
    if (generation === this.generation && !this.off && found.length <= MAX_HELD) {
      this.searches.set(key, found);
      this.held += found.length;
      for (const [k, v] of this.searches) {
        if (this.searches.size <= MAX_KEYS && this.held <= MAX_HELD) break;
        this.searches.delete(k);
        this.held -= v.length;
      }
    }
    return found;
  }
}

const caches = new WeakMap<ResourceStore, Entries>();
const availabilities = new WeakMap<Schedule, Availability | null>();

const indexesSchedules = (sp: SearchParameter | undefined): boolean => !sp?.base || sp.base.includes('Schedule');

export const scheduleCache = {
  /** Caches for the store of `s` from now on (PGlite only; once per store). */
  attach(s: Services): void {
    if (s.db.kind !== 'pglite' || caches.has(s.store)) return;
    const entries = new Entries();
    caches.set(s.store, entries);
    s.store.onCommit((changes) => {
      if (changes.some((c) => c.type === 'SearchParameter' && indexesSchedules(c.resource as SearchParameter | undefined))) entries.off = true;
      if (changes.some((c) => c.type === 'Schedule' || c.type === 'SearchParameter')) entries.clear();
    });
  },

  /** The Schedules that match `query` (plain Schedule parameters), at most `max`, as the requester's search returns them. */
  search(s: Services, ctx: RequestContext, query: [string, string][], max: number): Promise<Schedule[]> {
    const entries = caches.get(s.store);
    const scope = entries && !entries.off ? s.store.searchScope(ctx, 'Schedule') : undefined;
    return scope === undefined ? searchStore<Schedule>(s, ctx, 'Schedule', query, max) : entries!.search(s, ctx, scope, query, max);
  },

  /** A stored Schedule's availability (undefined if it cannot be read: its slots are then searched). */
  availability(sc: Schedule): Availability | undefined {
    let a = availabilities.get(sc);
    if (a === undefined) {
      try {
        a = readAvailability(sc);
      } catch {
        a = null;
      }
      availabilities.set(sc, a);
    }
    return a ?? undefined;
  },
};
