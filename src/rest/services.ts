import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { RequestContext } from '../context.js';
import type { Database } from '../db/database.js';
import type { Feature } from '../features.js';
import type { ResourceStore, StoreTransaction } from '../store/store.js';

/** What handlers and features need: the store, the database, the configuration, the logger and the loaded features. */
export interface Services {
  store: ResourceStore;
  config: Config;
  db: Database;
  log: Logger;
  features: Feature[];
}

/** Runs fn in the caller's transaction (inside a transaction bundle) or in a new one. */
export function inTransaction<T>(s: Services, ctx: RequestContext, t: StoreTransaction | undefined, fn: (t: StoreTransaction) => Promise<T>): Promise<T> {
  return t ? fn(t) : s.store.transaction(ctx, fn);
}
