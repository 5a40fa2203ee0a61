import type { Config } from '../config.js';
import type { RequestContext } from '../context.js';
import type { ResourceStore, StoreTransaction } from '../store/store.js';

/** What handlers need: the store and the configuration. */
export interface Services {
  store: ResourceStore;
  config: Config;
}

/** Runs fn in the caller's transaction (inside a transaction bundle) or in a new one. */
export function inTransaction<T>(s: Services, ctx: RequestContext, t: StoreTransaction | undefined, fn: (t: StoreTransaction) => Promise<T>): Promise<T> {
  return t ? fn(t) : s.store.transaction(ctx, fn);
}
