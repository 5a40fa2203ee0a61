import type { StructureDefinition } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { ResourceStore } from '../store/store.js';
import { addStructureDefinition, removeStructureDefinition } from './registry.js';

/**
 * StructureDefinitions written through the API (POST /StructureDefinition) become usable as profiles: the
 * writing process picks them up when the write commits; every other process polls the history every
 * POLL_MS. A definition without a snapshot is kept out (the validator needs snapshots).
 */
const POLL_MS = 5000;

export class StoredDefinitions {
  private lastSeq = '0';
  private timer?: NodeJS.Timeout;
  /** resource id → canonical, to forget a definition when it is deleted */
  private readonly urls = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly store: ResourceStore,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.store.onCommit((changes) => {
      for (const c of changes) if (c.type === 'StructureDefinition') this.apply(c.id, (c.resource as StructureDefinition | undefined) ?? null);
    });
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.log.warn({ err }, 'StructureDefinition refresh failed'));
    }, POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const { rows } = await this.db.query<{ id: string; content: string | null; deleted: boolean; seq: string }>(
      `SELECT h.res_id AS id, r.content, r.deleted, h.seq::text AS seq FROM resource_history h
       JOIN resource r ON r.res_type = h.res_type AND r.res_id = h.res_id
       WHERE h.res_type = 'StructureDefinition' AND h.seq > $1::bigint ORDER BY h.seq`,
      [this.lastSeq],
    );
    for (const row of rows) {
      this.apply(row.id, row.deleted || !row.content ? null : (JSON.parse(row.content) as StructureDefinition));
      this.lastSeq = row.seq;
    }
  }

  private apply(id: string, sd: StructureDefinition | null): void {
    const previous = this.urls.get(id);
    if (previous && previous !== sd?.url) removeStructureDefinition(previous);
    if (!sd?.url || !sd.snapshot?.element?.length) {
      this.urls.delete(id);
      return;
    }
    addStructureDefinition(sd, 'server');
    this.urls.set(id, sd.url);
  }
}
