import type { Database, Queryable } from '../db/database.js';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { compactCounts } from '../search/counts.js';
import { isCostlySearch } from '../search/cost.js';
import { executeSearch, type SearchResult } from '../search/engine.js';
import type { SearchRequest } from '../search/parse.js';
import { SqlParams } from '../search/sql.js';
import { ResourceCache } from './cache.js';
import { checkReferences } from './references.js';
import type { Derivation, PendingWrite, StoredResource, TransactionHook } from './types.js';
import { writeChanges } from './write.js';
import { maintainLinks } from '../search/links.js';
import { readOnlyError, searchWithReadOnly, type ReadOnlyResources } from './read-only.js';

export type { Derivation, PendingWrite, StoredResource, TransactionHook } from './types.js';
export type { ReadOnlyResources } from './read-only.js';

/** One part of what a requester sees of the history (see AccessGuard.historyCondition). */
export interface HistoryBranch {
  where: string;
  post?: string;
}

/** The kind of access a search is made for: s (a search), or the c/r/u/d of a conditional interaction. */
export type AccessOp = 'c' | 'r' | 'u' | 'd' | 's';

/**
 * Access control seam (the security feature sets it): restrict() adds filters to a search before it runs, so
 * paging and totals stay correct in SQL; visible() drops included resources the requester may not see.
 * Writes are checked twice inside their transaction: the resources changed, as they were before the change
 * (checkExisting, before they are written), and as written (checkWritten: per batch entry, else at commit).
 */
export interface AccessGuard {
  restrict(ctx: RequestContext, req: SearchRequest, op?: AccessOp): void;
  visible(ctx: RequestContext, q: Queryable, rows: SearchResult['included']): Promise<SearchResult['included']>;
  /** Throws (404) when the requester may not see this resource, read by id. */
  readable(ctx: RequestContext, row: StoredResource): void;
  /**
   * The restriction of the requester's searches of `type` as canonical text, when it tests only each resource's
   * own content ('' = none); undefined when it reaches other resources (a facility policy through references, a
   * patient compartment, a scope's query) or no scope grants the search. Filters that chain or use _has are
   * restricted at every step and are outside what this describes.
   */
  searchScope(ctx: RequestContext, type: string): string | undefined;
  /** Throws when the requester may not change these existing resources (as they are before the write). */
  checkExisting(ctx: RequestContext, tx: Queryable, writes: readonly PendingWrite[]): Promise<void>;
  /**
   * Throws when a written resource lies outside what the requester may write. The writes may be staged only:
   * `flush` writes them, for a check that reads them from the database.
   */
  checkWritten(ctx: RequestContext, tx: Queryable, writes: readonly PendingWrite[], flush: () => Promise<void>): Promise<void>;
  /**
   * The history rows `r` the requester may see, as branches whose union is what it sees (undefined: all; []
   * none): each branch is queried on its own, newest first, and the pages merged. `where` selects the rows,
   * `post` (optional, costly per row) is tested only on them in order, until the page is full.
   */
  historyCondition(ctx: RequestContext, q: Queryable, params: SqlParams, type?: string): Promise<HistoryBranch[] | undefined>;
  /**
   * Of these changes (as written in q, or deleted: then `content` is the last version before the delete), those
   * the requester may be told of: a read of it would be allowed now (scopes, policy, labels of `content`).
   */
  notifiable<R extends { type: string; id: string; content?: string; deleted: boolean; previous?: number }>(ctx: RequestContext, q: Queryable, items: R[]): Promise<R[]>;
}

/** Write commits (per process) between two compactions of the per-type counts. */
const COMPACT_EVERY = 100;

const ROW = 'r.res_type AS type, r.res_id AS id, r.version, r.last_updated AS "lastUpdated", r.deleted, r.content';

function toStored(row: Record<string, unknown>): StoredResource {
  return {
    type: row.type as string,
    id: row.id as string,
    version: Number(row.version),
    lastUpdated: row.lastUpdated as string,
    deleted: Boolean(row.deleted),
    content: (row.content as string | null) ?? null,
  };
}

export interface HistoryOptions {
  type?: string;
  id?: string;
  since?: string;
  at?: string;
  count: number;
  /** Only entries older than this history sequence number (the paging cursor). */
  before?: string;
}

export interface HistoryEntry extends StoredResource {
  seq: string;
  method: string;
}

/**
 * The resource store: the only module that speaks SQL about resources. Reads run on the pool; every write runs
 * in a StoreTransaction, which stages changes, checks references, writes them in bulk and runs the transaction
 * hooks before commit.
 */
export class ResourceStore {
  private readonly hooks: TransactionHook[] = [];
  private readonly derivations: Derivation[] = [];
  private readonly commitListeners: ((changes: readonly PendingWrite[]) => void)[] = [];
  /** Only for the embedded backend, whose data belongs to this one process (see cache.ts). */
  private readonly cache?: ResourceCache;
  private guard?: AccessGuard;
  private readOnly?: ReadOnlyResources;
  /** The running compaction of resource_count, if any (see counts.ts). */
  private compaction?: Promise<void>;
  private commitsSinceCompaction = 0;

  constructor(
    readonly db: Database,
    readonly baseUrl: string,
  ) {
    if (db.kind === 'pglite') {
      const cache = new ResourceCache(20_000);
      this.cache = cache;
      this.onCommit((changes) => cache.committed(changes));
    }
  }

  /** Waits for background maintenance (before the database is closed). */
  async settle(): Promise<void> {
    await this.compaction;
  }

  setAccessGuard(guard: AccessGuard): void {
    this.guard = guard;
  }

  /** The read-only resources served beside the stored ones (the loaded packages' conformance resources). */
  setReadOnly(source: ReadOnlyResources): void {
    this.readOnly = source;
  }

  /** A read-only resource where no live stored one has that id. */
  private readOnlyRow(type: string, id: string, stored: StoredResource | undefined): StoredResource | undefined {
    if (stored && !stored.deleted) return undefined;
    return this.readOnly?.holds(type) ? this.readOnly.read(type, id) : undefined;
  }

  addTransactionHook(hook: TransactionHook): void {
    this.hooks.push(hook);
  }

  addDerivation(d: Derivation): void {
    this.derivations.push(d);
  }

  /** Called in this process after a write transaction commits (for in-memory registries, never for durable work). */
  onCommit(listener: (changes: readonly PendingWrite[]) => void): void {
    this.commitListeners.push(listener);
  }

  /** Reads run on the pool, or inside t (after flushing it) when called from a transaction bundle. */
  private async on(t?: StoreTransaction): Promise<Queryable> {
    if (!t) return this.db;
    await t.flush();
    return t.tx;
  }

  async read(ctx: RequestContext, type: string, id: string, t?: StoreTransaction): Promise<StoredResource | undefined> {
    const stored = await this.readUnguarded(type, id, t);
    const row = this.readOnlyRow(type, id, stored) ?? stored;
    if (row && this.guard) this.guard.readable(ctx, row);
    return row;
  }

  /**
   * Of these resources, those the requester may read: the access guard's rule for reading (scope, facility
   * policy, labels of the current state) and, when `content` is given (e.g. a past version), its labels. For
   * what a feature reads on a requester's behalf outside the FHIR interactions (operation results, validation
   * targets); without a guard every one.
   */
  async readable<R extends { type: string; id: string; content?: string }>(ctx: RequestContext, items: R[], t?: StoreTransaction): Promise<R[]> {
    const guard = this.guard;
    if (!guard || items.length === 0) return items;
    const rows = items.map((x) => ({ type: x.type, id: x.id, pid: '0', version: 0, lastUpdated: '', content: '' }));
    const ok = new Set((await guard.visible(ctx, await this.on(t), rows)).map((r) => `${r.type}/${r.id}`));
    return items.filter((x) => {
      if (!ok.has(`${x.type}/${x.id}`)) return false;
      if (x.content === undefined) return true;
      try {
        guard.readable(ctx, { type: x.type, id: x.id, version: 0, lastUpdated: '', deleted: false, content: x.content });
        return true;
      } catch {
        return false;
      }
    });
  }

  /**
   * For a feature's cache of search results: two searches of `type` with the same plain filters (no chain, no
   * _has) return the same resources for requesters with the same text ('' without an access guard or
   * restriction), as long as no resource of `type` changes; undefined when that cannot be told (no caching).
   */
  searchScope(ctx: RequestContext, type: string): string | undefined {
    return this.guard ? this.guard.searchScope(ctx, type) : '';
  }

  /** AccessGuard.notifiable in q (a write's transaction); without a guard every one. */
  async notifiable<R extends { type: string; id: string; content?: string; deleted: boolean; previous?: number }>(ctx: RequestContext, q: Queryable, items: R[]): Promise<R[]> {
    return this.guard && items.length > 0 ? this.guard.notifiable(ctx, q, items) : items;
  }

  private async readUnguarded(type: string, id: string, t?: StoreTransaction): Promise<StoredResource | undefined> {
    if (t || !this.cache) return readRow(await this.on(t), type, id);
    const cached = this.cache.get(type, id);
    if (cached) return cached;
    const row = await readRow(this.db, type, id);
    if (row) this.cache.remember(row);
    return row;
  }

  async vread(ctx: RequestContext, type: string, id: string, version: number, t?: StoreTransaction): Promise<StoredResource | undefined> {
    const { rows } = await (await this.on(t)).query(
      `SELECT r.res_type AS type, r.res_id AS id, r.version, r.last_updated AS "lastUpdated", r.method = 'DELETE' AS deleted, r.content
       FROM resource_history r WHERE r.res_type = $1 AND r.res_id = $2 AND r.version = $3`,
      [type, id, version],
    );
    let row = rows[0] ? toStored(rows[0]) : undefined;
    if (!row && this.readOnly?.holds(type)) {
      const current = this.readOnlyRow(type, id, await this.readUnguarded(type, id, t));
      if (current?.version === version) row = current;
    }
    if (row && this.guard) this.guard.readable(ctx, row);
    return row;
  }

  /**
   * A search of stored resources and, for the types the read-only source holds, of those too (read-only.ts):
   * `unsupported` names a filter the read-only resources could not be tested on (they were left out).
   */
  async search(ctx: RequestContext, req: SearchRequest, t?: StoreTransaction): Promise<SearchResult & { unsupported?: string }> {
    const q = t ? await this.on(t) : isCostlySearch(req) ? this.db.costly : this.db;
    const readOnly = this.readOnly;
    if (readOnly && req.types.some((type) => readOnly.holds(type))) {
      const restricted = { ...req, types: req.types.filter((type) => readOnly.holds(type)) };
      this.guard?.restrict(ctx, restricted);
      return searchWithReadOnly(readOnly, q, req, restricted, (r) => this.searchStored(ctx, q, r));
    }
    return this.searchStored(ctx, q, req);
  }

  private async searchStored(ctx: RequestContext, q: Queryable, req: SearchRequest): Promise<SearchResult> {
    if (!this.guard) return executeSearch(q, req, this.baseUrl);
    this.guard.restrict(ctx, req);
    const result = await executeSearch(q, req, this.baseUrl);
    if (result.included.length > 0) result.included = await this.guard.visible(ctx, q, result.included);
    return result;
  }

  async history(ctx: RequestContext, o: HistoryOptions, t?: StoreTransaction): Promise<HistoryEntry[]> {
    const q = await this.on(t);
    const params = new SqlParams();
    const branches = await this.guard?.historyCondition(ctx, q, params, o.type);
    const where: string[] = [];
    if (o.type) where.push(`r.res_type = ${params.add(o.type)}`);
    if (o.id) where.push(`r.res_id = ${params.add(o.id)}`);
    if (o.since) where.push(`r.last_updated >= ${params.add(o.since)}::timestamptz`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    let source = `resource_history r ${filter}`;
    if (o.at) {
      // _at: the version current at that instant, one per resource
      source = `(SELECT DISTINCT ON (r.res_type, r.res_id) r.* FROM resource_history r
        ${filter ? filter + ' AND' : 'WHERE'} r.last_updated <= ${params.add(o.at)}::timestamptz
        ORDER BY r.res_type, r.res_id, r.seq DESC) r`;
    }
    const before = o.before ? `r.seq < ${params.add(o.before)}::bigint` : undefined;
    const limit = params.add(o.count);
    const page = (branch?: HistoryBranch): string => {
      const conds = [before, branch?.where].filter(Boolean);
      let rows = `(SELECT * FROM ${source}) r ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`;
      // OFFSET 0 keeps `post` out of the ordered scan: it is tested newest first until the page is full.
      if (branch?.post) rows = `(SELECT * FROM ${rows} ORDER BY r.seq DESC OFFSET 0) r WHERE ${branch.post}`;
      return `SELECT r.seq AS seqn, r.seq::text AS seq, r.method, r.res_type AS type, r.res_id AS id, r.version, r.last_updated AS "lastUpdated", r.method = 'DELETE' AS deleted, r.content
       FROM ${rows} ORDER BY r.seq DESC LIMIT ${limit}`;
    };
    // Access branches (see AccessGuard.historyCondition): each a page of its own, merged newest first.
    let sql = page();
    if (branches?.length === 0) sql = `SELECT * FROM (${page()}) u LIMIT 0`;
    else if (branches?.length === 1) sql = page(branches[0]);
    else if (branches) sql = `SELECT * FROM (${branches.map((b) => `(${page(b)})`).join(' UNION ALL ')}) u ORDER BY u.seqn DESC LIMIT ${limit}`;
    const { rows } = await q.query(sql, params.values);
    const entries = rows.map((row) => ({ ...toStored(row), seq: row.seq as string, method: row.method as string }));
    if (entries.length === 0 && o.type && o.id && !o.before && this.readOnly?.holds(o.type)) {
      // a package resource's history: its one version (unless a stored resource has that id)
      const row = this.readOnlyRow(o.type, o.id, await readRow(q, o.type, o.id));
      const inRange = row && (!o.since || row.lastUpdated >= o.since) && (!o.at || row.lastUpdated <= o.at);
      if (row && inRange) entries.push({ ...row, seq: '0', method: 'POST' });
    }
    return entries;
  }

  /** Runs fn in one database transaction; staged writes are flushed, checked and hooked before commit. */
  async transaction<T>(ctx: RequestContext, fn: (t: StoreTransaction) => Promise<T>): Promise<T> {
    let written: readonly PendingWrite[] = [];
    const result = await this.db.transaction(async (tx) => {
      const t = new StoreTransaction(tx, ctx, this.baseUrl, this.guard, this.derivations, this.readOnly);
      const r = await fn(t);
      await t.derive();
      await t.checkWritten();
      for (const hook of this.hooks) await hook(tx, t.written, ctx);
      written = t.written;
      return r;
    });
    if (written.length > 0) {
      for (const listener of this.commitListeners) listener(written);
      this.maybeCompactCounts();
    }
    return result;
  }

  /** Each write commit adds a delta row per type it changed (counts.ts): sum them every COMPACT_EVERY commits. */
  private maybeCompactCounts(): void {
    if (++this.commitsSinceCompaction < COMPACT_EVERY || this.compaction) return;
    this.commitsSinceCompaction = 0;
    this.compaction = compactCounts(this.db)
      .catch(() => undefined) // tried again after the next COMPACT_EVERY commits
      .finally(() => (this.compaction = undefined));
  }
}

async function readRow(q: Queryable, type: string, id: string, forUpdate = false): Promise<StoredResource | undefined> {
  const { rows } = await q.query(
    `SELECT ${ROW} FROM resource r WHERE r.res_type = $1 AND r.res_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [type, id],
    forUpdate ? 'hms_read_for_update' : 'hms_read',
  );
  return rows[0] ? toStored(rows[0]) : undefined;
}

/**
 * One database transaction's view of the store. Writes are staged and written in bulk by flush(); reads and
 * searches flush first so they see everything staged before them.
 */
export class StoreTransaction {
  private pending: PendingWrite[] = [];
  private readonly staged = new Map<string, PendingWrite>();
  /** Keys in the order they were staged, so a savepoint can forget what it staged. */
  private readonly journal: string[] = [];
  readonly written: PendingWrite[] = [];
  /** Every staged write in order, flushed or not. */
  private readonly changes: PendingWrite[] = [];

  /** changes[0..checked) passed the guard's checkWritten (in a batch entry's savepoint). */
  private checked = 0;
  /** changes[0..derived) went through the derivations. */
  private derived = 0;
  /** A derivation is running (it may stage a resource already written in this transaction). */
  private deriving = false;
  /** The advisory locks taken (held until the end, or until a savepoint taken before them is rolled back), in order. */
  private readonly locks: string[] = [];
  private readonly held = new Set<string>();
  /**
   * Rows read while this transaction held their resource's lock (`Type/id`): every writer of a resource takes
   * its lock (update, remove), so they cannot change before the transaction ends, and a second read (a booking
   * reads its Slot, then update() reads it again) needs no statement.
   */
  private readonly lockedRows = new Map<string, StoredResource | undefined>();

  /**
   * The transaction's connection. After genericPlans, PostgreSQL's generic plans stay on for the store's named
   * statements (planned generically once they have run a few times anyway) and are turned off before the next
   * other statement: a booking's last statements are named, so it commits without a statement to turn them off.
   */
  readonly tx: Queryable;
  private genericPlansLeft = false;

  constructor(
    private readonly raw: Queryable,
    readonly ctx: RequestContext,
    /** The store's base URL (absolute references to it are indexed as relative ones). */
    readonly baseUrl: string,
    private readonly guard?: AccessGuard,
    private readonly derivations: readonly Derivation[] = [],
    private readonly readOnly?: ReadOnlyResources,
  ) {
    this.tx = {
      query: async <T>(sql: string, params?: unknown[], name?: string) => {
        if (this.genericPlansLeft && !name) {
          this.genericPlansLeft = false;
          await raw.query('SET LOCAL plan_cache_mode = auto', [], 'hms_auto_plans');
        }
        return raw.query<T>(sql, params, name);
      },
    };
  }

  /**
   * Runs the derivations on what was staged since their last run, and on what they stage in turn, then flushes.
   * What the handler staged is not flushed before: the derivations' writes usually join it in one statement.
   */
  async derive(): Promise<void> {
    // The requester's own writes are theirs to make before anything follows from them.
    if (this.derivations.length > 0) await this.checkWritten();
    for (let round = 0; this.derived < this.changes.length; round++) {
      if (round === 4) throw new Error('derivations did not settle after 4 rounds');
      const batch = this.changes.slice(this.derived);
      this.derived = this.changes.length;
      this.deriving = true;
      try {
        for (const d of this.derivations) await d(this, batch);
      } finally {
        this.deriving = false;
      }
    }
    await this.flush();
  }

  /** Serialises writers of the same keys across processes (transaction-scoped advisory locks, in a fixed order). */
  async lock(keys: string[]): Promise<void> {
    const unique = [...new Set(keys)].filter((k) => !this.held.has(k)).sort();
    if (unique.length === 0) return; // held already: advisory locks are re-entrant
    await this.tx.query(
      'SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(k, 0) AS h FROM unnest($1::text[]) k ORDER BY 1) x',
      [unique],
      'hms_lock',
    );
    for (const k of unique) {
      this.held.add(k);
      this.locks.push(k);
    }
  }

  async read(type: string, id: string): Promise<StoredResource | undefined> {
    const s = this.staged.get(`${type}/${id}`);
    if (s) {
      return { type, id, version: s.version, lastUpdated: s.lastUpdated, deleted: s.method === 'DELETE', content: s.content };
    }
    const key = `${type}/${id}`;
    if (this.lockedRows.has(key)) return this.lockedRows.get(key);
    const row = await readRow(this.tx, type, id);
    if (this.held.has(key)) this.lockedRows.set(key, row);
    return row;
  }

  /**
   * Throws the 405 of a write (PUT, PATCH, DELETE) to a read-only package resource: one with this id where no
   * live stored resource has it (`existing`, as read).
   */
  refuseReadOnly(method: string, type: string, id: string, existing: StoredResource | undefined): void {
    if (existing && !existing.deleted) return;
    if (this.readOnly?.holds(type) && this.readOnly.read(type, id)) throw readOnlyError(this.readOnly, method, type, id);
  }

  /** The current rows (deleted ones too) of several resources of one type, in one statement; staged ones as staged. */
  async readMany(type: string, ids: string[]): Promise<Map<string, StoredResource>> {
    const out = new Map<string, StoredResource>();
    const rest: string[] = [];
    for (const id of ids) {
      const s = this.staged.get(`${type}/${id}`);
      if (s) out.set(id, { type, id, version: s.version, lastUpdated: s.lastUpdated, deleted: s.method === 'DELETE', content: s.content });
      else rest.push(id);
    }
    if (rest.length === 0) return out;
    const { rows } = await this.tx.query(`SELECT ${ROW} FROM resource r WHERE r.res_type = $1 AND r.res_id = ANY($2::text[])`, [type, rest], 'hms_read_many');
    for (const row of rows) {
      const r = toStored(row);
      out.set(r.id, r);
    }
    return out;
  }

  /** One version of a resource as stored (the history), seen from inside the transaction. */
  async readVersion(type: string, id: string, version: number): Promise<StoredResource | undefined> {
    await this.flush();
    const { rows } = await this.tx.query(
      `SELECT r.res_type AS type, r.res_id AS id, r.version, r.last_updated AS "lastUpdated", r.method = 'DELETE' AS deleted, r.content
       FROM resource_history r WHERE r.res_type = $1 AND r.res_id = $2 AND r.version = $3`,
      [type, id, version],
      'hms_read_version',
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** A search inside the transaction (conditional interactions), restricted to what the requester may `op`. */
  async search(req: SearchRequest, op: AccessOp = 's'): Promise<SearchResult> {
    await this.flush();
    this.guard?.restrict(this.ctx, req, op);
    return executeSearch(this.tx, req, this.baseUrl);
  }

  /**
   * Runs fn with generic plans for the statements it executes (PostgreSQL's plan_cache_mode): for checks that
   * run one search shape with selective values again and again, such as a booking's overlap search, planning
   * each execution anew costs more than running it. Left on when fn fails: the transaction, or the savepoint
   * around it, is rolled back and takes the setting with it.
   */
  async genericPlans<T>(fn: () => Promise<T>): Promise<T> {
    this.genericPlansLeft = false;
    await this.tx.query('SET LOCAL plan_cache_mode = force_generic_plan', [], 'hms_generic_plans');
    // What is staged is written first, on a generic plan too: a write that replaces rows is otherwise planned
    // anew each time, which costs more than running it (its DELETEs of old index rows on every index table).
    await this.flush();
    const result = await fn();
    this.genericPlansLeft = true;
    return result;
  }

  /** Runs the guard's checkWritten on the writes not checked yet. */
  async checkWritten(): Promise<void> {
    const own = this.changes.slice(this.checked).filter((w) => !w.derived);
    if (this.guard && own.length > 0) await this.guard.checkWritten(this.ctx, this.tx, own, () => this.flush());
    this.checked = this.changes.length;
  }

  /**
   * Stages a change; a second change of the same resource in one transaction is refused, except from a
   * derivation (a Slot booked by an Appointment of the same transaction gets a version on top of its first).
   */
  stage(write: PendingWrite): void {
    const key = `${write.type}/${write.id}`;
    if (this.staged.has(key) && !this.deriving) throw new FhirError(400, 'invalid', 'duplicateEntry', [key]);
    if (this.deriving) write.derived = true;
    this.staged.set(key, write);
    this.journal.push(key);
    this.pending.push(write);
    this.changes.push(write);
  }

  /**
   * Runs fn as a unit inside the transaction (a SAVEPOINT): if it throws, its writes are rolled back and the
   * transaction goes on. Batch bundles run each entry this way, paying one commit for the whole bundle.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    await this.flush();
    const mark = { journal: this.journal.length, written: this.written.length, changes: this.changes.length, locks: this.locks.length };
    await this.tx.query('SAVEPOINT hms_entry');
    try {
      const result = await fn();
      await this.derive();
      await this.checkWritten();
      await this.raw.query('RELEASE SAVEPOINT hms_entry');
      return result;
    } catch (err) {
      // (on the raw connection: after a failed statement nothing else runs before it; it also undoes any SET
      // LOCAL since the savepoint, which turned generic plans off before it)
      await this.raw.query('ROLLBACK TO SAVEPOINT hms_entry');
      this.genericPlansLeft = false;
      for (const key of this.journal.splice(mark.journal)) this.staged.delete(key);
      this.written.length = mark.written;
      this.changes.length = mark.changes;
      this.checked = Math.min(this.checked, mark.changes);
      this.derived = Math.min(this.derived, mark.changes);
      this.pending = [];
      // PostgreSQL gives back the locks taken since the savepoint; rows read under them may change now.
      for (const k of this.locks.splice(mark.locks)) this.held.delete(k);
      this.lockedRows.clear();
      throw err;
    }
  }

  isStaged(type: string, id: string): boolean {
    return this.staged.has(`${type}/${id}`);
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    // A resource staged twice since the last flush (a derivation's version on top of the handler's) is written
    // by two statements in order: one statement cannot write a row twice.
    let part: PendingWrite[] = [];
    const keys = new Set<string>();
    for (const w of pending) {
      const key = `${w.type}/${w.id}`;
      if (keys.has(key)) {
        await this.write(part);
        part = [];
        keys.clear();
      }
      keys.add(key);
      part.push(w);
    }
    await this.write(part);
  }

  private async write(batch: PendingWrite[]): Promise<void> {
    const existing = batch.filter((w) => !w.isNew && !w.derived);
    if (this.guard && existing.length > 0) await this.guard.checkExisting(this.ctx, this.tx, existing);
    await checkReferences(this.tx, batch, this.staged, this.baseUrl);
    await writeChanges(this.tx, batch, this.baseUrl);
    await maintainLinks(this.tx, batch);
    this.written.push(...batch);
  }
}
