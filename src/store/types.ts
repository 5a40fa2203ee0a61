import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import type { RequestContext } from '../context.js';
import type { IndexRows } from '../search/indexer.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One resource change staged in a store transaction. */
export interface PendingWrite {
  type: string;
  id: string;
  version: number;
  lastUpdated: string;
  method: WriteMethod;
  /** The resource as stored (meta.versionId and meta.lastUpdated set); absent for a delete. */
  resource?: Resource;
  /** JSON text of resource, exactly as stored and served. */
  content: string | null;
  /** True when no row existed before (no old index rows to remove). */
  isNew: boolean;
  previousVersion?: number;
  /**
   * Search-index rows computed by a writer that knows its resource's shape (the audit trail); they must be
   * exactly what indexResource would give. Absent: the store indexes the resource.
   */
  index?: IndexRows;
  /**
   * The writer vouches for the resource's references (the audit trail: they name what a request just read or
   * wrote, and stay as they were when that resource is deleted later): referential integrity is not checked.
   */
  trustedReferences?: boolean;
  /** Staged by a derivation (see Derivation): outside the access guard's write checks. */
  derived?: boolean;
}

/** The current (or a historical) row of a resource. */
export interface StoredResource {
  type: string;
  id: string;
  version: number;
  lastUpdated: string;
  deleted: boolean;
  content: string | null;
}

/**
 * A hook that runs inside the database transaction of every write, after the resources are written and before
 * commit. Later features (subscription outbox, audit, stock ledger, booking invariants) write their own rows here;
 * throwing rolls the whole change back.
 */
export type TransactionHook = (tx: Queryable, changes: readonly PendingWrite[], ctx: RequestContext) => Promise<void>;

/**
 * A derivation keeps resources that depend on others in step, inside the same transaction: it runs on the
 * changes written since its last run (after the handler's writes are flushed) and may read, search and stage
 * further writes through t, which are flushed and given to the derivations in turn (a few rounds at most).
 * Throwing rolls the change back (a batch entry alone). E.g. scheduling: an Appointment's Slots count it.
 * What a derivation writes is the server's consequence of a write the requester was allowed to make: the
 * access guard checks the requester's own writes, not the derived ones (PendingWrite.derived).
 */
export type Derivation = (t: import('./store.js').StoreTransaction, changes: readonly PendingWrite[]) => Promise<void>;
