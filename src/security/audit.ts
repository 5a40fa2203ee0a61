import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import type { RequestContext } from '../context.js';
import { newId, stamp } from '../interactions/resource.js';
import type { Services } from '../rest/services.js';
import { auditIndexRows } from './audit-index.js';
import { classify, type Interaction } from './interaction.js';
import { AGENT_REGION_EXT, REGION_SYSTEM } from './policies.js';
import { principalOf } from './principal.js';

/**
 * The audit trail: one AuditEvent (R4, type rest, subtype the RESTful interaction) per FHIR request, stored as
 * a real resource so auditors search it with an AuditEvent scope. Requests only queue the event; a writer
 * flushes the queue every AUDIT_FLUSH_MS in one store transaction. A crash loses at most the events of the
 * last interval (documented in docs/security.md). Nothing about the patient goes to the log.
 *
 * Successful reads (read, vread, search, history) of one requester, interaction and address within one flush
 * interval share one AuditEvent: period = first..last request, one entity per resource read (or query), with
 * the request id of every request that read it as entity.detail. Indexing and storing an AuditEvent costs
 * several times a read, so one event per read would halve read throughput; writes, operations and failures
 * keep one event each. The entity index rows are built without FHIRPath (audit-index.ts).
 */
const MAX_QUEUE = 50_000;
/** Requests per aggregated read event (the event is queued and a new one opened past this). */
const MAX_ENTITIES = 500;

/** The open aggregated event of one requester, interaction and address: entities keyed by what was read. */
interface ReadGroup {
  event: AuditEvent;
  entities: Map<string, AuditEventEntity>;
  start: number;
  end: number;
  requests: number;
}

const SYSTEM_OBJECT = { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' };

export class AuditTrail {
  private queue: AuditEvent[] = [];
  private readonly reads = new Map<string, ReadGroup>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly ctx: RequestContext;

  constructor(private readonly s: Services) {
    this.ctx = { requestId: 'audit', lang: 'en', baseUrl: s.store.baseUrl, actor: { kind: 'system', id: 'audit' }, scopes: [], log: s.log.child({ component: 'audit' }) };
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.s.config.auditFlushMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Called once per FHIR request: records when the response is finished. */
  watch(req: Request, res: Response, ctx: RequestContext): void {
    const started = Date.now();
    res.once('finish', () => {
      if (req.path === '/metadata') return;
      const status = res.statusCode;
      let path = req.path;
      try {
        path = decodeURIComponent(path);
      } catch {
        // a malformed escape: classified as it came
      }
      const i = classify(req.method, path);
      if (status < 400 && i.action === 'R' && i.code !== 'unknown' && i.code !== 'metadata') {
        this.read(req, ctx, i, started);
        return;
      }
      const e = this.event(req, status, ctx, i, new Date(started).toISOString(), res.getHeader('location'));
      for (const en of e.entity ?? []) if (!en.name) en.detail = [{ type: 'requestId', valueString: ctx.requestId }];
      this.queue.push(e);
      if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
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
    let g = this.reads.get(key);
    if (g && g.requests >= MAX_ENTITIES) {
      this.queue.push(this.close(g));
      g = undefined;
    }
    if (!g) {
      const event = this.event(req, 200, ctx, i, new Date(at).toISOString(), undefined);
      delete event.entity;
      g = { event, entities: new Map(), start: at, end: at, requests: 0 };
      this.reads.set(key, g);
    }
    g.requests++;
    if (at > g.end) g.end = at;
    const detail = { type: 'requestId', valueString: ctx.requestId };
    let what: string;
    let entity: () => AuditEventEntity;
    if (i.type && i.id) {
      what = `${i.type}/${i.id}`;
      entity = () => ({ what: { reference: what } });
    } else {
      const q = req.originalUrl.indexOf('?');
      const query = q >= 0 ? Buffer.from(req.originalUrl.slice(q + 1)).toString('base64') : '';
      if (!i.type && !query) return; // nothing named (system search without parameters): the event says who and when
      what = `${i.type ?? ''}?${query}`;
      entity = () => ({ ...(i.type ? { what: { display: i.type } } : {}), ...(query ? { query } : {}) });
    }
    const en = g.entities.get(what);
    if (en) (en.detail as NonNullable<AuditEventEntity['detail']>).push(detail);
    else g.entities.set(what, { ...entity(), detail: [detail] });
  }

  private close(g: ReadGroup): AuditEvent {
    const end = new Date(g.end).toISOString();
    const entity = [...g.entities.values()];
    return { ...g.event, recorded: end, period: { start: new Date(g.start).toISOString(), end }, ...(entity.length ? { entity } : {}) };
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
        ...(p?.region ? { extension: [{ url: AGENT_REGION_EXT, valueCoding: { system: REGION_SYSTEM, code: p.region } }] } : {}),
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
   * Writes the queued events in one transaction (retried once). Their references are not checked against the
   * store (PendingWrite.trustedReferences): they name what a request just read or wrote, and an event keeps
   * naming a resource deleted after the request — before or after the writer ran — so `entity=` finds it.
   */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    for (const g of this.reads.values()) this.queue.push(this.close(g));
    this.reads.clear();
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = (async () => {
      try {
        await this.write(batch);
      } catch {
        try {
          await this.write(batch);
        } catch (err) {
          this.ctx.log.error({ err, lost: batch.length }, 'audit events could not be written');
        }
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(events: AuditEvent[]): Promise<void> {
    await this.s.store.transaction(this.ctx, async (t) => {
      for (const e of events) {
        const id = newId();
        const lastUpdated = new Date().toISOString();
        const stored = stamp(e, id, 1, lastUpdated);
        const index = auditIndexRows(stored, this.s.store.baseUrl);
        t.stage({ type: 'AuditEvent', id, version: 1, lastUpdated, method: 'POST', resource: stored, content: JSON.stringify(stored), isNew: true, trustedReferences: true, ...(index ? { index } : {}) });
      }
    });
  }
}
