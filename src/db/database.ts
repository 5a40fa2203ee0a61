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
  /** Runs fn inside one database transaction; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * PostgreSQL when databaseUrl is set; otherwise the embedded PGlite in dataDir, on its own thread (`worker`,
 * pglite-worker.ts) or in this one (`main`).
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string; poolSize: number; pgliteThread?: 'worker' | 'main' }): Promise<Database> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.databaseUrl, options.poolSize);
  }
  if (options.pgliteThread === 'worker') {
    const { openPgliteWorker } = await import('./pglite-worker.js');
    return openPgliteWorker(options.dataDir);
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.dataDir);
}
