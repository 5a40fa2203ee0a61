import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, Queryable } from '../db/database.js';

/**
 * The audit trail's durable log (stage 1 of src/security/audit.ts): where a process appends the records of its
 * requests every AUDIT_FLUSH_MS until they become AuditEvents. Each record is claimed exactly once: by the
 * transaction that stores its AuditEvents (claim), or by recovery when its process died (orphans).
 *
 * - PostgreSQL: the `audit_log` table, shared by every process on the database (the insert runs in the
 *   server's process, not on Node's thread).
 * - PGlite: a journal of files in the data folder (`hms-audit-journal/`), one per append, written by libuv's
 *   thread pool. An insert into PGlite runs its WAL and TOAST work on the request thread (bench/security.ts:
 *   29 µs per read with the audit on, against a cached read of 66 µs; performance.md, session 6). Like PGlite's own files (it runs with fsync off) the journal
 *   survives a crash of the process, not of the machine. A file is claimed by marking its name in
 *   `audit_journal_done` in the storing transaction and deleted after the commit; a marked file found later
 *   (a crash between commit and delete) is only deleted.
 */
export interface AuditLog {
  /** Appends one record's text durably; resolves to its id. */
  append(text: string): Promise<string>;
  /** In t: claims these ids (appended by this process) and returns those not claimed before (by recovery). */
  claim(t: Queryable, ids: string[]): Promise<string[]>;
  /** After the transaction that claimed ids committed: frees what they hold. */
  release(ids: string[]): Promise<void>;
  /**
   * In t: claims up to `limit` records no live process will store — every record appended before `since` when
   * `all`, otherwise those older than `ageMs` — and returns their ids and texts in append order.
   */
  orphans(t: Queryable, o: { all: boolean; since: string; ageMs: number; limit: number }): Promise<{ ids: string[]; texts: string[] }>;
}

export function openAuditLog(db: Database, dataDir: string): AuditLog {
  return db.kind === 'pglite' ? new FileJournal(db, join(dataDir, 'hms-audit-journal')) : new TableLog(db);
}

class TableLog implements AuditLog {
  constructor(private readonly db: Database) {}

  async append(text: string): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>('INSERT INTO audit_log (content) VALUES ($1) RETURNING id', [text], 'hms_audit_append');
    return String(rows[0].id);
  }

  async claim(t: Queryable, ids: string[]): Promise<string[]> {
    // rows another process recovered meanwhile are not returned, and not stored twice
    const { rows } = await t.query<{ id: string }>('DELETE FROM audit_log WHERE id = ANY($1::bigint[]) RETURNING id', [ids]);
    return rows.map((r) => String(r.id));
  }

  async release(): Promise<void> {}

  async orphans(t: Queryable, o: { all: boolean; since: string; ageMs: number; limit: number }): Promise<{ ids: string[]; texts: string[] }> {
    const { rows } = await t.query<{ id: string; content: string }>(
      `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE created < ${o.all ? '$1::timestamptz' : `now() - $1::int * interval '1 millisecond'`}
         ORDER BY id LIMIT ${o.limit} FOR UPDATE SKIP LOCKED) RETURNING id, content`,
      [o.all ? o.since : o.ageMs],
    );
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    return { ids: rows.map((r) => String(r.id)), texts: rows.map((r) => r.content) };
  }
}

const SUFFIX = '.log';

class FileJournal implements AuditLog {
  private seq = 0;

  constructor(
    private readonly db: Database,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Names sort in append order: start time of the process's clock, then a counter. */
  private next(): string {
    return `${String(Date.now()).padStart(14, '0')}-${String(this.seq++).padStart(9, '0')}`;
  }

  async append(text: string): Promise<string> {
    const name = this.next();
    const tmp = join(this.dir, `${name}.tmp`);
    await writeFile(tmp, text);
    // complete or absent: a file cut short by a crash keeps its .tmp name and is never read
    await rename(tmp, join(this.dir, name + SUFFIX));
    return name;
  }

  async claim(t: Queryable, ids: string[]): Promise<string[]> {
    const { rows } = await t.query<{ segment: string }>(
      'INSERT INTO audit_journal_done (segment) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING segment',
      [ids],
    );
    return rows.map((r) => r.segment);
  }

  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all(ids.map((id) => unlink(join(this.dir, id + SUFFIX)).catch(ignoreMissing)));
    await this.db.query('DELETE FROM audit_journal_done WHERE segment = ANY($1::text[])', [ids]);
  }

  async orphans(t: Queryable, o: { all: boolean; since: string; ageMs: number; limit: number }): Promise<{ ids: string[]; texts: string[] }> {
    const files = (await readdir(this.dir)).sort();
    if (o.all) await Promise.all(files.filter((f) => f.endsWith('.tmp')).map((f) => unlink(join(this.dir, f)).catch(ignoreMissing)));
    const before = o.all ? Date.parse(o.since) : Date.now() - o.ageMs;
    const candidates: string[] = [];
    for (const f of files) {
      if (!f.endsWith(SUFFIX)) continue;
      const mtime = await stat(join(this.dir, f)).then((s) => s.mtimeMs, () => Infinity);
      if (mtime >= before) continue;
      candidates.push(f.slice(0, -SUFFIX.length));
      if (candidates.length >= o.limit) break;
    }
    if (candidates.length === 0) return { ids: [], texts: [] };
    const fresh = new Set(await this.claim(t, candidates));
    const texts: string[] = [];
    for (const id of candidates) if (fresh.has(id)) texts.push(await readFile(join(this.dir, id + SUFFIX), 'utf8'));
    // the already-marked ones were stored before: returned so that release deletes them
    return { ids: candidates, texts };
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
