import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import type { RequestContext } from '../context.js';
import { newId, stamp } from '../interactions/resource.js';
import type { Services } from '../rest/services.js';
import type { StoreTransaction } from '../store/store.js';
import { auditIndexRows } from './audit-index.js';
import { classify, type Interaction } from './interaction.js';
import { principalOf } from './principal.js';

/**
 * The audit trail: one AuditEvent (R4, type rest, subtype the RESTful interaction) per FHIR request, stored as
 * a real resource so auditors search it with an AuditEvent scope. Nothing about the patient goes to the log.
 *
 * Two stages, both off the request path:
 * 1. every AUDIT_FLUSH_MS the records of the requests finished since the last append go to the durable,
 *    append-only `audit_log` table as one compact JSON row (one insert, no search index): the crash window;
 * 2. every AUDIT_EVENT_MS the records of the interval become AuditEvent resources, stored in one transaction
 *    that also deletes the interval's log rows (so each record becomes an event exactly once). Log rows left
 *    by a process that died are turned into AuditEvents by the next process (see recover()).
 *
 * Successful reads (read, vread, search, history) of one requester, interaction and address within one event
 * interval share one AuditEvent: period = first..last request, one entity per resource read (or query), with
 * the request id of every request that read it as entity.detail. Storing and indexing costs per entity, not
 * per read, so a resource read again within the interval costs only its request id. Writes, operations and
 * failures keep one event each. The entity index rows are built without FHIRPath (audit-index.ts).
 */
const MAX_QUEUE = 50_000;
/** Requests per aggregated read event (the event is closed and a new one opened past this). */
const MAX_REQUESTS = 5_000;
/**
 * On PostgreSQL, log rows older than this are a dead process's leftovers (a live process deletes its own after
 * about AUDIT_EVENT_MS): max(5 s, 5 × AUDIT_EVENT_MS).
 */
const orphanAgeMs = (eventMs: number): number => Math.max(5_000, 5 * eventMs);
/** Log rows turned into events per recovery transaction. */
const RECOVER_ROWS = 50;

/** The open aggregated event of one requester, interaction and address: entities keyed by what was read. */
interface ReadGroup {
  /** Number of the group in its interval (the log's reads name their group by it). */
  n: number;
  key: string;
  event: AuditEvent;
  entities: Map<string, AuditEventEntity>;
  start: number;
  end: number;
  requests: number;
}

/**
 * One `audit_log` row: the headers of the read groups first seen since the last append (number, key, event
 * without entities), the reads ([group number, time ms, request id, what]) and the complete other events.
 */
interface LogRecord {
  h: [number, string, AuditEvent][];
  r: [number, number, string, string][];
  e: AuditEvent[];
}

const SYSTEM_OBJECT = { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' };

/** What a read names: `Type/id` (a reference) or `Type?<base64 query>` (a search or history). */
function entityOf(what: string): AuditEventEntity {
  const q = what.indexOf('?');
  if (q < 0) return { what: { reference: what } };
  const type = what.slice(0, q);
  const query = what.slice(q + 1);
  return { ...(type ? { what: { display: type } } : {}), ...(query ? { query } : {}) };
}

/** The events of one event interval, as they are built up (live) or rebuilt from log rows (recovery). */
class Interval {
  readonly groups = new Map<string, ReadGroup>();
  /** Closed aggregated events and the other events, in order. */
  readonly done: AuditEvent[] = [];
  private next = 0;

  /** The group a read of `key` joins (a new one when there is none or it is full), and whether it is new. */
  group(key: string, header: () => AuditEvent): { g: ReadGroup; fresh: boolean } {
    let g = this.groups.get(key);
    if (g && g.requests < MAX_REQUESTS) return { g, fresh: false };
    if (g) this.done.push(close(g));
    const event = header();
    delete event.entity;
    g = { n: this.next++, key, event, entities: new Map(), start: 0, end: 0, requests: 0 };
    this.groups.set(key, g);
    return { g, fresh: true };
  }

  read(g: ReadGroup, at: number, requestId: string, what: string): void {
    if (g.requests++ === 0) g.start = g.end = at;
    else if (at > g.end) g.end = at;
    else if (at < g.start) g.start = at;
    if (what === '') return; // nothing named (system search without parameters): the event says who and when
    const detail = { type: 'requestId', valueString: requestId };
    const en = g.entities.get(what);
    if (en) (en.detail as NonNullable<AuditEventEntity['detail']>).push(detail);
    else g.entities.set(what, { ...entityOf(what), detail: [detail] });
  }

  events(): AuditEvent[] {
    for (const g of this.groups.values()) this.done.push(close(g));
    this.groups.clear();
    return this.done;
  }
}

function close(g: ReadGroup): AuditEvent {
  const end = new Date(g.end).toISOString();
  const entity = [...g.entities.values()];
  return { ...g.event, recorded: end, period: { start: new Date(g.start).toISOString(), end }, ...(entity.length ? { entity } : {}) };
}

const emptyRecord = (): LogRecord => ({ h: [], r: [], e: [] });

export class AuditTrail {
  /** The current event interval. */
  private interval = new Interval();
  private intervalStart = Date.now();
  /** Records not yet in the log. */
  private pending = emptyRecord();
  /** The log rows of the current interval. */
  private logIds: string[] = [];
  private timer?: NodeJS.Timeout;
  private recoveryTimer?: NodeJS.Timeout;
  private busy?: Promise<void>;
  private readonly ctx: RequestContext;
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly s: Services) {
    this.ctx = { requestId: 'audit', lang: 'en', baseUrl: s.store.baseUrl, actor: { kind: 'system', id: 'audit' }, scopes: [], log: s.log.child({ component: 'audit' }) };
  }

  async start(): Promise<void> {
    // PGlite: the data folder belongs to this process, so every row left is a leftover of a previous run.
    await this.recover(this.s.db.kind === 'pglite').catch((err: unknown) => this.ctx.log.error({ err }, 'audit log recovery failed'));
    this.timer = setInterval(() => void this.flush(), this.s.config.auditFlushMs);
    this.timer.unref();
    if (this.s.db.kind === 'postgres') {
      const every = orphanAgeMs(this.s.config.auditEventMs);
      this.recoveryTimer = setInterval(() => void this.recover(false).catch((err: unknown) => this.ctx.log.warn({ err }, 'audit log recovery failed')), every);
      this.recoveryTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    await this.busy;
    await this.flush(true);
  }

  /** Called once per FHIR request: records when the response is finished. */
  watch(req: Request, res: Response, ctx: RequestContext): void {
    const started = Date.now();
    res.once('finish', () => {
      if (req.path === '/metadata') return;
      const status = res.statusCode;
      let path = req.path;
      if (path.includes('%')) {
        try {
          path = decodeURIComponent(path);
        } catch {
          // a malformed escape: classified as it came
        }
      }
      const i = classify(req.method, path);
      if (status < 400 && i.action === 'R' && i.code !== 'unknown' && i.code !== 'metadata') {
        this.read(req, ctx, i, started);
        return;
      }
      const e = this.event(req, status, ctx, i, new Date(started).toISOString(), res.getHeader('location'));
      for (const en of e.entity ?? []) if (!en.name) en.detail = [{ type: 'requestId', valueString: ctx.requestId }];
      this.interval.done.push(e);
      this.pending.e.push(e);
      if (this.interval.done.length > MAX_QUEUE) this.interval.done.splice(0, this.interval.done.length - MAX_QUEUE);
    });
  }

  /**
   * A successful read, search or history request joins the interval's event of the same requester, interaction
   * and address: one entity per distinct resource read (or query), with the request id of each request that
   * read it as entity.detail. Building the event is left to the first request of the interval.
   */
  private read(req: Request, ctx: RequestContext, i: Interaction, at: number): void {
    const p = principalOf(ctx);
    const key = `${p ? `${p.kind}\u0000${p.id}\u0000${p.clientId ?? ''}` : ''}\u0000${i.code}\u0000${req.ip ?? ''}`;
    const { g, fresh } = this.interval.group(key, () => this.event(req, 200, ctx, i, new Date(at).toISOString(), undefined));
    if (fresh) this.pending.h.push([g.n, key, g.event]);
    let what: string;
    if (i.type && i.id) what = `${i.type}/${i.id}`;
    else {
      const q = req.originalUrl.indexOf('?');
      const query = q >= 0 ? Buffer.from(req.originalUrl.slice(q + 1)).toString('base64') : '';
      what = !i.type && !query ? '' : `${i.type ?? ''}?${query}`;
    }
    this.interval.read(g, at, ctx.requestId, what);
    this.pending.r.push([g.n, at, ctx.requestId, what]);
  }

  private event(req: Request, status: number, ctx: RequestContext, i: Interaction, recorded: string, location: unknown): AuditEvent {
    // a create names what it created (Location: …/Type/id/_history/n)
    const created = typeof location === 'string' ? /\/([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\/\d+$/.exec(location) : null;
    if (created && !i.id && i.type === created[1]) i.id = created[2];
    const p = principalOf(ctx);
    const subtype =
      i.code === 'batch'
        ? /"type"\s*:\s*"transaction"/.test(typeof req.body === 'string' ? req.body.slice(0, 4096) : '') ? 'transaction' : 'batch'
        : i.code.startsWith('conditional-') ? i.code.slice('conditional-'.length) : i.code === 'unknown' ? undefined : i.code;
    const agent: AuditEventAgent[] = [
      {
        who: p
          ? { identifier: { system: `urn:hms-ops:${p.kind}`, value: p.id }, display: p.id }
          : { display: 'anonymous' },
        requestor: true,
        ...(p?.roles.length ? { role: p.roles.map((r) => ({ text: r })) } : {}),
        ...(p?.facility ? { location: { reference: `Organization/${p.facility}`, display: `facility ${p.facility}` } } : {}),
        ...(p?.scopes.length ? { policy: p.scopes.slice(0, 20) } : {}),
        network: { address: req.ip ?? 'unknown', type: '2' },
      },
    ];
    if (p?.kind === 'user' && p.clientId) agent.push({ who: { identifier: { system: 'urn:hms-ops:client', value: p.clientId } }, requestor: false });
    const entity: AuditEventEntity[] = [];
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    if (i.type && i.id) {
      const ref = `${i.type}/${i.id}`;
      entity.push({ what: status < 400 && i.action !== 'D' ? { reference: ref } : { identifier: { value: ref } }, type: SYSTEM_OBJECT });
    } else if (i.type || query) {
      entity.push({
        ...(i.type ? { what: { display: i.type } } : {}),
        type: SYSTEM_OBJECT,
        ...(query ? { query: Buffer.from(query).toString('base64') } : {}),
      });
    }
    if (i.operation) entity.push({ what: { display: `$${i.operation}` }, name: `$${i.operation}` } as AuditEventEntity);
    return {
      resourceType: 'AuditEvent',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
      ...(subtype ? { subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: subtype }] } : {}),
      action: i.action,
      recorded,
      outcome: status < 400 ? '0' : status < 500 ? '4' : '8',
      ...(status >= 400 ? { outcomeDesc: `HTTP ${status}` } : {}),
      agent,
      source: {
        site: 'HMS-OPS',
        observer: { display: 'HMS-OPS FHIR server' },
        type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
      },
      ...(entity.length ? { entity } : {}),
    };
  }

  /**
   * Every AUDIT_FLUSH_MS: appends the pending records to the log, or, once the event interval is over (or on
   * stop), stores the interval's AuditEvents and deletes its log rows. One at a time.
   */
  async flush(final = false): Promise<void> {
    if (this.busy) return this.busy;
    const due = final || Date.now() - this.intervalStart >= this.s.config.auditEventMs;
    this.busy = (due ? this.materialize() : this.append()).finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async append(): Promise<void> {
    const rec = this.pending;
    if (rec.r.length === 0 && rec.e.length === 0) return;
    this.pending = emptyRecord();
    try {
      const { rows } = await this.s.db.query<{ id: string }>('INSERT INTO audit_log (content) VALUES ($1) RETURNING id', [JSON.stringify(rec)], 'hms_audit_append');
      this.logIds.push(String(rows[0].id));
    } catch (err) {
      // kept for the next append (the records stay in memory meanwhile)
      this.pending = { h: [...rec.h, ...this.pending.h], r: [...rec.r, ...this.pending.r], e: [...rec.e, ...this.pending.e] };
      this.ctx.log.warn({ err }, 'audit log append failed');
    }
  }

  /**
   * Stores the interval's events and deletes its log rows in one transaction (retried once). Should the rows
   * be gone (another process took them for a dead one's after a long outage), the transaction is rolled back
   * and the events are not stored twice. If the store keeps failing, the pending records go to the log and
   * its rows are left for recovery.
   */
  private async materialize(): Promise<void> {
    const interval = this.interval;
    const ids = this.logIds;
    const unlogged = this.pending;
    this.interval = new Interval();
    this.intervalStart = Date.now();
    this.logIds = [];
    this.pending = emptyRecord();
    const events = interval.events();
    if (events.length === 0 && ids.length === 0) return;
    const run = (): Promise<void> =>
      this.s.store.transaction(this.ctx, async (t) => {
        if (ids.length > 0) {
          const { rowCount } = await t.tx.query('DELETE FROM audit_log WHERE id = ANY($1::bigint[])', [ids]);
          if (rowCount !== ids.length) throw new LogTaken();
        }
        this.stage(t, events);
      });
    try {
      await run().catch((err: unknown) => (err instanceof LogTaken ? Promise.reject(err) : run()));
    } catch (err) {
      if (err instanceof LogTaken) this.ctx.log.error({ rows: ids.length }, 'audit log rows were recovered by another process; they are not stored twice');
      else this.ctx.log.error({ err, events: events.length }, 'audit events could not be stored; left in the audit log for recovery');
      // what was not in the log yet goes there now, for recovery
      if (unlogged.r.length > 0 || unlogged.e.length > 0) {
        await this.s.db.query('INSERT INTO audit_log (content) VALUES ($1)', [JSON.stringify(unlogged)]).catch((e2: unknown) => {
          this.ctx.log.error({ err: e2, lost: unlogged.r.length + unlogged.e.length }, 'audit records could not be written');
        });
      }
    }
  }

  /**
   * Turns log rows no live process will store into AuditEvents: on PGlite at start every row (the previous
   * run's), on PostgreSQL rows older than orphanAgeMs (at start and at that interval). Rows are locked (SKIP
   * LOCKED), turned into events and deleted in one transaction, RECOVER_ROWS at a time.
   */
  async recover(all: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.s.store.transaction(this.ctx, async (t) => {
        const { rows } = await t.tx.query<{ id: string; content: string }>(
          `DELETE FROM audit_log WHERE id IN (
             SELECT id FROM audit_log WHERE created < ${all ? '$1::timestamptz' : `now() - $1::int * interval '1 millisecond'`}
             ORDER BY id LIMIT ${RECOVER_ROWS} FOR UPDATE SKIP LOCKED)
           RETURNING id, content`,
          [all ? this.startedAt : orphanAgeMs(this.s.config.auditEventMs)],
        );
        const interval = new Interval();
        for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
          const rec = JSON.parse(row.content) as LogRecord;
          const groups = new Map<number, { key: string; header: AuditEvent }>();
          for (const [n, key, header] of rec.h) groups.set(n, { key, header });
          for (const [n, at, requestId, what] of rec.r) {
            const h = groups.get(n);
            if (!h) continue; // cannot happen: a group's header is logged with its first read
            interval.read(interval.group(h.key, () => structuredClone(h.header)).g, at, requestId, what);
          }
          interval.done.push(...rec.e);
        }
        this.stage(t, interval.events());
        return rows.length;
      });
      total += n;
      if (n < RECOVER_ROWS) break;
    }
    if (total > 0) this.ctx.log.warn({ rows: total }, 'audit log rows of a previous process stored as AuditEvents');
    return total;
  }

  /**
   * Stages the events in t. Their references are not checked against the store (PendingWrite.trustedReferences):
   * they name what a request just read or wrote, and an event keeps naming a resource deleted after the request
   * — before or after the writer ran — so `entity=` finds it.
   */
  private stage(t: StoreTransaction, events: AuditEvent[]): void {
    for (const e of events) {
      const id = newId();
      const lastUpdated = new Date().toISOString();
      const stored = stamp(e, id, 1, lastUpdated);
      const index = auditIndexRows(stored, this.s.store.baseUrl);
      t.stage({ type: 'AuditEvent', id, version: 1, lastUpdated, method: 'POST', resource: stored, content: JSON.stringify(stored), isNew: true, trustedReferences: true, ...(index ? { index } : {}) });
    }
  }
}

/** The interval's log rows are gone: another process recovered them. */
class LogTaken extends Error {}
