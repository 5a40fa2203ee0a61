import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../rest/services.js';

/**
 * The replay ledger of client assertions: every accepted `jti` (prefixed with its client id) is remembered
 * until the assertion expires, and a second claim of it is refused.
 *
 * - PostgreSQL (several processes may share the database): the table auth_jti, one batched
 *   `INSERT … ON CONFLICT DO NOTHING` per group of concurrent claims (one commit for all of them).
 * - PGlite: the data folder has exactly one owner process, so that process's memory is the authority. Each
 *   accepted jti is appended to `auth-jti.log` in the data folder (a write to the file, no database
 *   statement) before the token is issued, and the log is read back at start, so a restart — also after a
 *   crash — does not reopen replay within the assertion's lifetime. Expired entries are dropped from memory
 *   and the log is rewritten (write, fsync, rename) every minute when most of it has expired.
 */
export interface JtiLedger {
  start(): Promise<void>;
  /** True when the jti is new (and is now recorded); false when it was seen before. */
  claim(jti: string, exp: number): Promise<boolean>;
  /** Forgets expired ids (they can no longer be replayed: their exp is past). */
  purge(): Promise<void>;
  stop(): void;
}

export function openJtiLedger(s: Services): JtiLedger {
  return s.db.kind === 'pglite' ? new FileJtiLedger(s, join(s.config.dataDir, 'auth-jti.log')) : new TableJtiLedger(s);
}

class TableJtiLedger implements JtiLedger {
  private pending: { jti: string; exp: number; done: (fresh: boolean) => void; fail: (err: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly s: Services) {}

  async start(): Promise<void> {}
  stop(): void {}

  claim(jti: string, exp: number): Promise<boolean> {
    return new Promise((done, fail) => {
      this.pending.push({ jti, exp, done, fail });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 1000);
      try {
        const { rows } = await this.s.db.query<{ jti: string }>(
          `INSERT INTO auth_jti (jti, expires_at) SELECT j, to_timestamp(e) FROM unnest($1::text[], $2::float8[]) AS t(j, e)
           ON CONFLICT DO NOTHING RETURNING jti`,
          [batch.map((b) => b.jti), batch.map((b) => b.exp)],
          'hms_auth_jti',
        );
        const fresh = new Set(rows.map((r) => r.jti));
        // a jti twice in one batch: only its first claim is fresh
        for (const b of batch) b.done(fresh.delete(b.jti));
      } catch (err) {
        for (const b of batch) b.fail(err);
      }
    }
    this.running = false;
  }

  async purge(): Promise<void> {
    await this.s.db.query('DELETE FROM auth_jti WHERE expires_at < now()');
  }
}

class FileJtiLedger implements JtiLedger {
  private readonly seen = new Map<string, number>();
  private fd?: number;
  /** Lines in the log (live and expired): the log is rewritten when most have expired. */
  private lines = 0;

  constructor(
    private readonly s: Services,
    private readonly file: string,
  ) {}

  async start(): Promise<void> {
    const now = Date.now() / 1000;
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        const sp = line.indexOf(' ');
        if (sp < 0) continue;
        const exp = Number(line.slice(0, sp));
        let jti: unknown;
        try {
          jti = JSON.parse(line.slice(sp + 1));
        } catch {
          continue; // a line torn by a crash: its token was never issued
        }
        if (typeof jti === 'string' && exp >= now) this.seen.set(jti, Math.max(exp, this.seen.get(jti) ?? 0));
      }
    }
    // ids recorded in the table by an earlier version stay refused too
    const { rows } = await this.s.db.query<{ jti: string; exp: number }>('SELECT jti, extract(epoch FROM expires_at)::float8 AS exp FROM auth_jti WHERE expires_at >= now()');
    for (const r of rows) this.seen.set(r.jti, Number(r.exp));
    this.rewrite();
  }

  async claim(jti: string, exp: number): Promise<boolean> {
    if (this.seen.has(jti)) return false;
    if (this.fd === undefined) throw new Error('jti ledger closed');
    writeSync(this.fd, `${exp} ${JSON.stringify(jti)}\n`);
    this.lines++;
    this.seen.set(jti, exp);
    return true;
  }

  async purge(): Promise<void> {
    const now = Date.now() / 1000;
    for (const [jti, exp] of this.seen) if (exp < now) this.seen.delete(jti);
    if (this.lines > 1000 && this.lines > 2 * this.seen.size) this.rewrite();
    await this.s.db.query('DELETE FROM auth_jti WHERE expires_at < now()');
  }

  stop(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Replaces the log with the live entries (a crash midway leaves the old log or the new one, never a mix). */
  private rewrite(): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    let text = '';
    for (const [jti, exp] of this.seen) text += `${exp} ${JSON.stringify(jti)}\n`;
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
    this.lines = this.seen.size;
  }
}
