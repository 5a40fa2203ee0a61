import type { Resource, SearchParameter } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { ResourceStore } from '../store/store.js';
import { reindexResources } from '../store/write.js';
import { registerSearchParameter } from './definitions.js';

/**
 * SearchParameter resources stored in the server (the Paraguay profiles add their own) become searchable
 * without code: registered at start; when one is written, the writing process registers it and re-indexes
 * the existing resources of its base types; other processes notice the change within POLL_MS and register
 * it too.
 */
const POLL_MS = 5000;
const REINDEX_BATCH = 500;

export class SearchParameterRegistry {
  private lastSeq = '0';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly store: ResourceStore,
    private readonly log: Logger,
  ) {}

  /** Registers every stored SearchParameter and starts watching for changes. */
  async start(): Promise<number> {
    const n = await this.refresh();
    this.store.onCommit((changes) => {
      const changed = changes.filter((c) => c.type === 'SearchParameter' && c.resource).map((c) => c.resource as SearchParameter);
      for (const sp of changed) register(sp);
      if (changed.length) this.reindex(changed).catch((err: unknown) => this.log.error({ err }, 'reindex failed'));
    });
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.log.warn({ err }, 'SearchParameter refresh failed'));
    }, POLL_MS);
    this.timer.unref();
    return n;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Registers SearchParameters written since the last look (by any process). */
  async refresh(): Promise<number> {
    const { rows } = await this.db.query<{ content: string; seq: string }>(
      `SELECT r.content, h.seq::text AS seq FROM resource_history h JOIN resource r ON r.res_type = h.res_type AND r.res_id = h.res_id
       WHERE h.res_type = 'SearchParameter' AND h.seq > $1::bigint AND NOT r.deleted ORDER BY h.seq`,
      [this.lastSeq],
    );
    let n = 0;
    for (const row of rows) {
      if (register(JSON.parse(row.content) as SearchParameter)) n++;
      this.lastSeq = row.seq;
    }
    return n;
  }

  /** Recomputes the index of every resource of the changed parameters' base types, in batches. */
  async reindex(params: SearchParameter[]): Promise<void> {
    const types = [...new Set(params.flatMap((p) => p.base ?? []))];
    for (const type of types) {
      let after = '0';
      let total = 0;
      for (;;) {
        const rows = await this.db.unlimited(async (tx) => {
          const { rows } = await tx.query<{ content: string; pid: string }>(
            'SELECT content, pid::text AS pid FROM resource WHERE res_type = $1 AND NOT deleted AND pid > $2::bigint ORDER BY pid LIMIT $3',
            [type, after, REINDEX_BATCH],
          );
          if (rows.length) await reindexResources(tx, rows.map((r) => JSON.parse(r.content) as Resource), this.store.baseUrl);
          return rows;
        });
        if (rows.length === 0) break;
        after = rows[rows.length - 1].pid;
        total += rows.length;
      }
      this.log.info({ type, resources: total }, 'reindexed after SearchParameter change');
    }
  }
}

function register(sp: SearchParameter): boolean {
  if (sp.status === 'retired' || !sp.code || !sp.expression || !sp.base?.length || !sp.type) return false;
  try {
    registerSearchParameter(sp);
    return true;
  } catch {
    return false;
  }
}
