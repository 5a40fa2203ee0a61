import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import type { RequestContext } from '../context.js';
import { newId, stamp } from '../interactions/resource.js';
import type { Services } from '../rest/services.js';
import type { StoreTransaction } from '../store/store.js';
import { auditIndexRows } from './audit-index.js';
import { openAuditLog, type AuditLog } from './audit-log.js';
import { classify, type Interaction } from './interaction.js';
import { AGENT_REGION_EXT, REGION_SYSTEM } from './policies.js';
import { principalOf } from './principal.js';

/**
 * The audit trail: one AuditEvent (R4, type rest, subtype the RESTful interaction) per FHIR request, stored as
 * a real resource so auditors search it with an AuditEvent scope. Nothing about the patient goes to the log.
 *
 * Two stages, both off the request path:
 * 1. every AUDIT_FLUSH_MS the records of the requests finished since the last append go to the durable,
 *    append-only log (audit-log.ts: the `audit_log` table on PostgreSQL, a journal file on PGlite) as one
 *    compact text (no search index): the crash window. A request only pushes four values onto the pending
 *    record's arrays (no objects per read are kept);
 * 2. every AUDIT_EVENT_MS the process claims its log records back (kept in memory) and stores them as
 *    AuditEvent resources in the same transaction, so each record becomes an event exactly once. Records of
 *    a process that died are turned into AuditEvents the same way by another process (see recover()).
 *
 * Successful reads (read, vread, search, history) of one requester, interaction and address within one event
 * interval share one AuditEvent: period = first..last request, one entity per resource read (or query), with
 * the request id of every request that read it as entity.detail. Storing and indexing costs per entity, not
 * per read, so a resource read again within the interval costs only its request id. Writes, operations and
 * failures keep one event each. The entity index rows are built without FHIRPath (audit-index.ts).
 */
/** Non-read events kept in memory while the log cannot be written (the oldest dropped past this). */
const MAX_QUEUE = 50_000;
/**
 * Requests per aggregated read event (the event is closed and a new one opened past this): 40,000 keeps one
 * event per event interval (2 s) for a requester reading 20,000 times a second; its request ids make ≈ 700 kB.
 */
const MAX_REQUESTS = 40_000;
/**
 * Log rows older than this are no live process's (a live process takes its own back after about
 * AUDIT_EVENT_MS): max(5 s, 5 × AUDIT_EVENT_MS).
 */
const orphanAgeMs = (eventMs: number): number => Math.max(5_000, 5 * eventMs);
/** Orphan log rows turned into events per recovery transaction. */
const RECOVER_ROWS = 50;

/**
 * One log record, as text: a JSON line with the headers of its read groups (number, key =
 * requester/interaction/address, the event without entities) and its other events, then one line per read:
 * `group <TAB> ms since t <TAB> what was read <TAB> request id` (plain text: JSON-encoding every read cost more
 * than the rest of the audit's per-read work).
 */
interface LogHead {
  /** Base time (ms) of the reads' times (small numbers print faster than epoch milliseconds). */
  t: number;
  h: [number, string, AuditEvent][];
  e: AuditEvent[];
}
/**
 * A record: its reads as parallel arrays (group number, time ms, what was read, request id), so that a read
 * adds no object, and a record still in memory becomes events without being parsed.
 */
interface LogRecord extends LogHead {
  g: number[];
  at: number[];
  what: string[];
  rid: string[];
}

/** The record being filled by requests, with its groups by key. */
interface Pending extends LogRecord {
  keys: Map<string, number>;
}
const newPending = (): Pending => ({ t: Date.now(), h: [], e: [], g: [], at: [], what: [], rid: [], keys: new Map() });
const isEmpty = (p: LogRecord): boolean => p.g.length === 0 && p.e.length === 0;

function serialize(p: LogRecord): string {
  const lines = new Array<string>(p.g.length);
  for (let i = 0; i < lines.length; i++) lines[i] = `${p.g[i]}\t${p.at[i] - p.t}\t${p.what[i]}\t${p.rid[i]}`;
  return `${JSON.stringify({ t: p.t, h: p.h, e: p.e })}\n${lines.join('\n')}`;
}

/** Tabs and line breaks would break a read's line: possible only in odd request ids or paths. */
const BREAK = /[\t\r\n]/;
const BREAKS = /[\t\r\n]/g;
/** A request id is also a word of its entity's detail (ids joined by spaces): spaces become underscores. */
const RID_BREAK = /[\t\r\n ]/;
const RID_BREAKS = /[\t\r\n ]/g;

export function parseRecord(text: string): LogRecord {
  const nl = text.indexOf('\n');
  const head = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as LogHead;
  const rec: LogRecord = { t: head.t, h: head.h, e: head.e, g: [], at: [], what: [], rid: [] };
  if (nl >= 0) {
    for (const line of text.slice(nl + 1).split('\n')) {
      const a = line.indexOf('\t');
      const b = line.indexOf('\t', a + 1);
      const c = line.indexOf('\t', b + 1);
      if (a < 0 || b < 0 || c < 0) continue;
      rec.g.push(Number(line.slice(0, a)));
      rec.at.push(head.t + Number(line.slice(a + 1, b)));
      rec.what.push(line.slice(b + 1, c));
      rec.rid.push(line.slice(c + 1));
    }
  }
  return rec;
}

/** An aggregated read event being built: per thing read, its entity and the ids of the requests that read it. */
interface ReadGroup {
  event: AuditEvent;
  entities: Map<string, { entity: AuditEventEntity; ids: string[] }>;
  start: number;
  end: number;
  requests: number;
}

/** What the HTTP layer notes of a batch or transaction (res.locals): its type as posted, and what it changed. */
interface BundleNotes {
  bundleType?: string;
  changed?: { ref: string; deleted: boolean }[];
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

/** The AuditEvents of log records (in log order): reads grouped by key, other events as they are. */
export function eventsOf(records: LogRecord[]): AuditEvent[] {
  const groups = new Map<string, ReadGroup>();
  const done: AuditEvent[] = [];
  for (const rec of records) {
    const headers = new Map<number, [string, AuditEvent]>();
    for (const [n, key, header] of rec.h) headers.set(n, [key, header]);
    for (let i = 0; i < rec.g.length; i++) {
      const at = rec.at[i];
      const what = rec.what[i];
      const h = headers.get(rec.g[i]);
      if (!h) continue; // cannot happen: a record holds the headers of its reads
      let g = groups.get(h[0]);
      if (!g || g.requests >= MAX_REQUESTS) {
        if (g) done.push(close(g));
        g = { event: h[1], entities: new Map(), start: at, end: at, requests: 0 };
        groups.set(h[0], g);
      }
      g.requests++;
      if (at > g.end) g.end = at;
      if (at < g.start) g.start = at;
      if (what === '') continue; // nothing named (system search without parameters): the event says who and when
      const en = g.entities.get(what);
      if (en) en.ids.push(rec.rid[i]);
      else g.entities.set(what, { entity: entityOf(what), ids: [rec.rid[i]] });
    }
    for (const e of rec.e) done.push(e);
  }
  for (const g of groups.values()) done.push(close(g));
  return done;
}

function close(g: ReadGroup): AuditEvent {
  const end = new Date(g.end).toISOString();
  // One detail per entity: the ids of the requests that read it, separated by spaces (request ids have none).
  const entity = [...g.entities.values()].map(({ entity: en, ids }) => ({ ...en, detail: [{ type: 'requestId', valueString: ids.join(' ') }] }));
  const { entity: _none, ...event } = g.event;
  return { ...event, recorded: end, period: { start: new Date(g.start).toISOString(), end }, ...(entity.length ? { entity } : {}) };
}

/**
 * The requester's address, as req.ip gives it: without 'trust proxy' (the default) that is the socket's
 * address, read directly (req.ip parses X-Forwarded-For on every call to ignore it).
 */
/** The read group a connection's last read went to, in which pending record. */
const SOCKET_GROUP = Symbol('auditGroup');
interface SocketGroup {
  rec: Pending;
  p: ReturnType<typeof principalOf>;
  code: string;
  n: number;
}

/**
 * What the agent of a group's header event records of the requester (who, fhirUser, roles, facility, region,
 * scopes), as a group key: two tokens of one user that differ in any of these never share an event. Kept on
 * the principal, which lives as long as its token is cached.
 */
const AGENT_KEY = Symbol('auditAgentKey');
function agentKey(p: NonNullable<ReturnType<typeof principalOf>>): string {
  const holder = p as { [AGENT_KEY]?: string };
  return (holder[AGENT_KEY] ??= JSON.stringify([p.kind, p.id, p.clientId ?? '', p.fhirUser ?? '', p.roles, p.facility ?? '', p.region ?? '', p.scopes]));
}

function addressOf(req: Request): string {
  return (req.app.enabled('trust proxy') ? req.ip : req.socket.remoteAddress) ?? '';
}

export class AuditTrail {
  /** The record requests add to now. */
  private pending = newPending();
  /** Closed records whose append failed (tried again with the next append). */
  private unlogged: Pending[] = [];
  /** This interval's log records by id (kept, so claiming them back need not read or parse them). */
  private logged = new Map<string, LogRecord>();
  private intervalStart = Date.now();
  private timer?: NodeJS.Timeout;
  private recoveryTimer?: NodeJS.Timeout;
  private busy?: Promise<void>;
  private readonly ctx: RequestContext;
  private readonly startedAt = new Date().toISOString();
  private readonly log: AuditLog;

  constructor(private readonly s: Services) {
    this.log = openAuditLog(s.db, s.config.dataDir);
    this.ctx = { requestId: 'audit', lang: 'en', baseUrl: s.store.baseUrl, actor: { kind: 'system', id: 'audit' }, scopes: [], log: s.log.child({ component: 'audit' }) };
  }

  async start(): Promise<void> {
    // PGlite: the data folder belongs to this process, so every row left is a leftover of a previous run.
    await this.recover(this.s.db.kind === 'pglite').catch((err: unknown) => this.ctx.log.error({ err }, 'audit log recovery failed'));
    this.timer = setInterval(() => void this.flush(), this.s.config.auditFlushMs);
    this.timer.unref();
    const every = orphanAgeMs(this.s.config.auditEventMs);
    this.recoveryTimer = setInterval(() => void this.recover(false).catch((err: unknown) => this.ctx.log.warn({ err }, 'audit log recovery failed')), every);
    this.recoveryTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    await this.busy;
    await this.flush(true);
  }

  /** Called once per FHIR request when its response is finished (Feature.finished): its record. */
  finished(req: Request, res: Response, ctx: RequestContext, started: number): void {
    let path = req.path;
    if (path === '/metadata') return;
    const status = res.statusCode;
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
    const e = this.event(req, status, ctx, i, new Date(started).toISOString(), res.getHeader('location'), res.locals as BundleNotes);
    for (const en of e.entity ?? []) if (!en.name) en.detail = [{ type: 'requestId', valueString: ctx.requestId }];
    const queue = this.pending.e;
    queue.push(e);
    if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
  }

  /**
   * A successful read, search or history request: a tuple (group, time, request id, what) in the pending
   * record. Its group (requester, interaction, address) gets its header event on its first read in the record.
   */
  private read(req: Request, ctx: RequestContext, i: Interaction, at: number): void {
    const p = principalOf(ctx);
    const rec = this.pending;
    // A keep-alive connection carries one client's requests: its last group is remembered on the socket, so
    // the next read of the same requester and interaction in the same record needs no key (unless a proxy in
    // front may carry several clients' addresses over one connection).
    const sock = req.socket as unknown as { [SOCKET_GROUP]?: SocketGroup };
    const last = sock[SOCKET_GROUP];
    let n: number | undefined;
    if (last !== undefined && last.rec === rec && last.p === p && last.code === i.code) n = last.n;
    else {
      const key = `${p ? agentKey(p) : ''}\u0000${i.code}\u0000${addressOf(req)}`;
      n = rec.keys.get(key);
      if (n === undefined) {
        n = rec.h.length;
        rec.keys.set(key, n);
        const header = this.event(req, 200, ctx, i, new Date(at).toISOString(), undefined);
        delete header.entity;
        rec.h.push([n, key, header]);
      }
      if (!req.app.enabled('trust proxy')) sock[SOCKET_GROUP] = { rec, p, code: i.code, n };
    }
    let what: string;
    if (i.type && i.id) what = `${i.type}/${i.id}`;
    else {
      const q = req.originalUrl.indexOf('?');
      const query = q >= 0 ? Buffer.from(req.originalUrl.slice(q + 1)).toString('base64') : '';
      what = !i.type && !query ? '' : `${i.type ?? ''}?${query}`;
    }
    let rid = ctx.requestId;
    if (RID_BREAK.test(rid)) rid = rid.replace(RID_BREAKS, '_');
    if (BREAK.test(what)) what = what.replace(BREAKS, ' ');
    rec.g.push(n);
    rec.at.push(at);
    rec.what.push(what);
    rec.rid.push(rid);
  }

  private event(req: Request, status: number, ctx: RequestContext, i: Interaction, recorded: string, location: unknown, bundle: BundleNotes = {}): AuditEvent {
    // a create names what it created (Location: …/Type/id/_history/n)
    const created = typeof location === 'string' ? /\/([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\/\d+$/.exec(location) : null;
    if (created && !i.id && i.type === created[1]) i.id = created[2];
    const p = principalOf(ctx);
    const subtype =
      i.code === 'batch'
        ? bundle.bundleType === 'transaction' ? 'transaction' : 'batch'
        : i.code.startsWith('conditional-') ? i.code.slice('conditional-'.length) : i.code === 'unknown' ? undefined : i.code;
    const agent: AuditEventAgent[] = [
      {
        who: p
          ? { ...(p.fhirUser ? { reference: p.fhirUser } : {}), identifier: { system: `urn:hms-ops:${p.kind}`, value: p.id }, display: p.id }
          : { display: 'anonymous' },
        requestor: true,
        ...(p?.roles.length ? { role: p.roles.map((r) => ({ text: r })) } : {}),
        ...(p?.facility ? { location: { reference: `Organization/${p.facility}`, display: `facility ${p.facility}` } } : {}),
        ...(p?.region ? { extension: [{ url: AGENT_REGION_EXT, valueCoding: { system: REGION_SYSTEM, code: p.region } }] } : {}),
        ...(p?.scopes.length ? { policy: p.scopes.slice(0, 20) } : {}),
        network: { address: addressOf(req) || 'unknown', type: '2' },
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
    // a batch or transaction: every resource its entries wrote or deleted
    for (const c of bundle.changed ?? []) entity.push({ what: c.deleted ? { identifier: { value: c.ref } } : { reference: c.ref }, type: SYSTEM_OBJECT });
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
   * Every AUDIT_FLUSH_MS: appends the pending record to the log, or, once the event interval is over (or on
   * stop), stores the interval's AuditEvents. One at a time.
   */
  async flush(final = false): Promise<void> {
    if (this.busy) return this.busy;
    const due = final || Date.now() - this.intervalStart >= this.s.config.auditEventMs;
    this.busy = (due ? this.materialize() : this.append()).finally(() => (this.busy = undefined));
    return this.busy;
  }

  /** The closed records not yet in the log, and the pending one closed. */
  private takeUnlogged(): Pending[] {
    const records = this.unlogged;
    if (!isEmpty(this.pending)) records.push(this.pending);
    this.unlogged = [];
    this.pending = newPending();
    return records;
  }

  private async append(): Promise<void> {
    const records = this.takeUnlogged();
    for (let k = 0; k < records.length; k++) {
      try {
        this.logged.set(await this.log.append(serialize(records[k])), records[k]);
      } catch (err) {
        // kept in memory, tried again with the next append (or stored from memory at the interval's end)
        this.unlogged = [...records.slice(k), ...this.unlogged];
        this.ctx.log.warn({ err }, 'audit log append failed');
        return;
      }
    }
  }

  /**
   * Claims this interval's log records back (records recovered meanwhile by another process are not returned,
   * and not stored twice) and stores them — from the records kept in memory — with the records not yet in the
   * log, as AuditEvents in the same transaction (retried once). If that fails, the records not yet in the log
   * go there, and the logged ones are left for recovery.
   */
  private async materialize(): Promise<void> {
    const logged = this.logged;
    const unlogged = this.takeUnlogged();
    this.logged = new Map();
    this.intervalStart = Date.now();
    if (logged.size === 0 && unlogged.length === 0) return;
    const run = (): Promise<string[]> =>
      this.s.store.transaction(this.ctx, async (t) => {
        const records: LogRecord[] = [];
        let claimed: string[] = [];
        if (logged.size > 0) {
          // in append order (the map's), whatever order the claim returns
          claimed = await this.log.claim(t.tx, [...logged.keys()]);
          const mine = new Set(claimed);
          for (const [id, rec] of logged) if (mine.has(id)) records.push(rec);
        }
        records.push(...unlogged);
        this.stage(t, eventsOf(records));
        return claimed;
      });
    let claimed: string[];
    try {
      claimed = await run().catch(() => run());
    } catch (err) {
      this.ctx.log.error({ err, rows: logged.size }, 'audit events could not be stored; left in the audit log for recovery');
      for (const rec of unlogged) {
        await this.log.append(serialize(rec)).catch((e2: unknown) => {
          this.ctx.log.error({ err: e2, lost: rec.g.length + rec.e.length }, 'audit records could not be written');
        });
      }
      return;
    }
    await this.log.release(claimed).catch((err: unknown) => this.ctx.log.warn({ err }, 'audit log records stored but not freed (freed at recovery)'));
  }

  /**
   * Turns log records no live process will store into AuditEvents: on PGlite at start every record (the
   * previous run's); otherwise records older than orphanAgeMs (checked at that interval). Records are claimed
   * (on PostgreSQL locked with SKIP LOCKED), turned into events and deleted in one transaction, RECOVER_ROWS at
   * a time.
   */
  async recover(all: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const { ids, n } = await this.s.store.transaction(this.ctx, async (t) => {
        const found = await this.log.orphans(t.tx, { all, since: this.startedAt, ageMs: orphanAgeMs(this.s.config.auditEventMs), limit: RECOVER_ROWS });
        this.stage(t, eventsOf(found.texts.map(parseRecord)));
        return { ids: found.ids, n: found.texts.length };
      });
      await this.log.release(ids);
      total += n;
      if (ids.length < RECOVER_ROWS) break;
    }
    if (total > 0) this.ctx.log.warn({ rows: total }, 'audit log rows left by a previous process stored as AuditEvents');
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
