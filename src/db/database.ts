/**
 * The database face every other module uses: the same SQL runs on embedded PGlite and on PostgreSQL.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  /**
   * Runs one statement. `name` marks a statement whose text never changes (a hot path): PostgreSQL then
   * prepares it once per connection and reuses the plan; PGlite ignores it.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<QueryResult<T>>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Statements that may run long (searches judged costly, see search/cost.ts), outside a transaction. PGlite
   * on its own thread runs them one at a time, and sends the next one only when the thread has nothing else
   * to do (or it has waited QUERY_TIMEOUT_MS): every other statement passes them, and waits behind at most one
   * costly statement. Elsewhere the same as query.
   */
  readonly costly: Queryable;
  /** Runs fn inside one database transaction; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * A transaction without the statement time limit (QUERY_TIMEOUT_MS), for work that is long by nature and
   * nobody waits on: migrations, ANALYZE, building search links, reindexing.
   */
  unlimited<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The process has finished starting: its size now is its idle size (PGlite's reopening measures growth from it). */
  settled?(): void;
  /** Closes at once: statements still running are cut off and their transactions roll back. */
  close(): Promise<void>;
}

/**
 * A statement cancelled for running longer than the limit: SQLSTATE 57014 (query_canceled), as PostgreSQL's
 * statement_timeout reports it, with the limit in `limitMs` (for the answer's message). `ranMs`: the embedded
 * database stopped it after that long, less than the limit, so that the calls waiting behind it are answered
 * within the limit, its restart included (pglite-worker.ts).
 */
export function queryCanceled(limitMs: number, err?: unknown, ranMs?: number): Error {
  const e = (err instanceof Error ? err : new Error('canceling statement due to statement timeout')) as Error & { code?: string; limitMs?: number; ranMs?: number };
  e.code = '57014';
  e.limitMs = limitMs;
  if (ranMs !== undefined) e.ranMs = ranMs;
  return e;
}

/**
 * A transaction the embedded database rolled back because it held the only connection without using it while
 * other calls waited behind it, past the bound of pglite-worker.ts (a wait on a call queued behind itself, which
 * never ends): SQLSTATE 40P01 (deadlock_detected), with how long the connection stood idle (`stalledMs`) and the
 * bound (`limitMs`), for the answer's message.
 */
export function transactionStalled(stalledMs: number, limitMs: number): Error {
  return Object.assign(new Error(`the transaction was rolled back: it held the embedded database's connection for ${stalledMs} ms without a statement while other calls waited behind it`), {
    code: '40P01',
    stalledMs,
    limitMs,
  });
}

/**
 * PostgreSQL when databaseUrl is set; otherwise the embedded PGlite in dataDir, on its own thread (`worker`,
 * pglite-worker.ts) or in this one (`main`, where a statement cannot be interrupted: no time limit).
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  pgliteThread?: 'worker' | 'main';
  /** Statement time limit in ms (0 or absent: none; PGlite on the main thread has none). */
  queryTimeoutMs?: number;
  /** PGlite on its own thread: reopen it when idle for idleMs once its WASM memory has grown by `mb` MB (0: never). */
  pgliteRecycle?: { mb: number; idleMs: number };
  /** Where PGlite's watchdog reports a stopped statement. */
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}): Promise<Database> {
  const limit = options.queryTimeoutMs ?? 0;
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.databaseUrl, options.poolSize, limit);
  }
  if (options.pgliteThread === 'worker') {
    const { openPgliteWorker } = await import('./pglite-worker.js');
    return openPgliteWorker(options.dataDir, { queryTimeoutMs: limit, log: options.log, recycleBytes: (options.pgliteRecycle?.mb ?? 0) * 1048576, recycleIdleMs: options.pgliteRecycle?.idleMs });
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.dataDir);
}
