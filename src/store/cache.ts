import type { PendingWrite, StoredResource } from './types.js';

/**
 * Current versions of recently read or written resources, for the embedded (PGlite) backend only: there the
 * data folder belongs to one process, so every write passes through this process and the cache can never be
 * stale. (With PostgreSQL, other processes write too, so the store does not cache.)
 *
 * Entries are replaced after each commit; a read that raced a commit never overwrites a newer version.
 * Contents above MAX_CHARS (e.g. aggregated AuditEvents, up to a few hundred kB) are not kept: the entry of
 * such a resource is dropped instead; and all contents together stay under TOTAL_CHARS (the oldest entries go
 * first), so the cache is a bounded amount of memory whatever the size of the resources (20,000 Patients of
 * 20 kB would otherwise keep 400 MB).
 */
const MAX_CHARS = 64 * 1024;
const TOTAL_CHARS = 24 * 1024 * 1024;

export class ResourceCache {
  private readonly entries = new Map<string, StoredResource>();
  /** Characters of content held. */
  private chars = 0;

  constructor(private readonly max: number) {}

  get(type: string, id: string): StoredResource | undefined {
    return this.entries.get(`${type}/${id}`);
  }

  /** Remembers a row read from the database, unless a newer version is already known. */
  remember(row: StoredResource): void {
    const key = `${row.type}/${row.id}`;
    const known = this.entries.get(key);
    if (known && known.version >= row.version) return;
    if (row.content && row.content.length > MAX_CHARS) this.drop(key);
    else this.set(key, row);
  }

  /** Records committed changes. */
  committed(changes: readonly PendingWrite[]): void {
    for (const c of changes) {
      if (c.content && c.content.length > MAX_CHARS) {
        this.drop(`${c.type}/${c.id}`);
        continue;
      }
      this.set(`${c.type}/${c.id}`, {
        type: c.type,
        id: c.id,
        version: c.version,
        lastUpdated: c.lastUpdated,
        deleted: c.method === 'DELETE',
        content: c.content,
      });
    }
  }

  private set(key: string, row: StoredResource): void {
    this.drop(key);
    this.entries.set(key, row);
    this.chars += row.content?.length ?? 0;
    while (this.entries.size > this.max || this.chars > TOTAL_CHARS) {
      const oldest = this.entries.keys().next().value as string;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const row = this.entries.get(key);
    if (!row) return;
    this.chars -= row.content?.length ?? 0;
    this.entries.delete(key);
  }
}
