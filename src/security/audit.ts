import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import type { Request, Response } from 'express';
import type { RequestContext } from '../context.js';
import { newId, stamp } from '../interactions/resource.js';
import type { Services } from '../rest/services.js';
import { classify } from './interaction.js';
import { principalOf } from './principal.js';

/**
 * The audit trail: one AuditEvent (R4, type rest, subtype the RESTful interaction) per FHIR request, stored as
 * a real resource so auditors search it with an AuditEvent scope. Requests only queue the event; a writer
 * flushes the queue every AUDIT_FLUSH_MS in one store transaction. A crash loses at most the events of the
 * last interval (documented in docs/security.md). Nothing about the patient goes to the log.
 *
 * Successful reads (read, vread, search, history) of one requester, interaction and address within one flush
 * interval share one AuditEvent: period = first..last request, one entity per request (what it read or the
 * query, with the request id as entity.detail). Indexing an AuditEvent costs several times a read, so one
 * event per read would halve read throughput; writes, operations and failures keep one event each.
 */
const MAX_QUEUE = 50_000;
const MAX_ENTITIES = 500;

export class AuditTrail {
  private queue: AuditEvent[] = [];
  private readonly reads = new Map<string, AuditEvent>();
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
    const started = new Date().toISOString();
    res.once('finish', () => {
      const path = req.path;
      if (path === '/metadata') return;
      const e = this.event(req, res.statusCode, ctx, started, res.getHeader('location'));
      for (const en of e.entity ?? []) if (!en.name) en.detail = [{ type: 'requestId', valueString: ctx.requestId }];
      if (e.action === 'R' && e.outcome === '0' && e.subtype) this.aggregate(e);
      else this.queue.push(e);
      if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
    });
  }

  private event(req: Request, status: number, ctx: RequestContext, recorded: string, location: unknown): AuditEvent {
    const i = classify(req.method, decodeURIComponent(req.path));
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
      entity.push({ what: status < 400 && i.action !== 'D' ? { reference: ref } : { identifier: { value: ref } }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });
    } else if (i.type || query) {
      entity.push({
        ...(i.type ? { what: { display: i.type } } : {}),
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
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

  /** Adds a successful read to the interval's event of the same requester, interaction and address. */
  private aggregate(e: AuditEvent): void {
    const a = e.agent[0];
    const key = JSON.stringify([a.who, e.subtype, a.network?.address, e.agent[1]?.who]);
    const open = this.reads.get(key);
    // entity.type (System Object) is said once per event, not once per request: fewer index rows
    const entities = (e.entity ?? []).map(({ type: _type, ...rest }) => rest);
    if (open && (open.entity?.length ?? 0) < MAX_ENTITIES) {
      (open.entity ??= []).push(...entities);
      open.period = { start: open.period?.start, end: e.recorded };
      open.recorded = e.recorded;
      return;
    }
    if (open) this.queue.push(open);
    this.reads.set(key, { ...e, entity: entities, period: { start: e.recorded, end: e.recorded } });
  }

  /**
   * Writes the queued events in one transaction. A reference to a resource deleted since the request (the
   * server refuses dangling references) is recorded as an identifier instead; should the write still fail,
   * every reference is turned into an identifier and the write retried once.
   */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    for (const e of this.reads.values()) this.queue.push(e);
    this.reads.clear();
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const unlink = (keep: (ref: string) => boolean): void => {
      for (const e of batch) for (const en of e.entity ?? []) if (en.what?.reference && !keep(en.what.reference)) en.what = { identifier: { value: en.what.reference } };
    };
    this.flushing = (async () => {
      try {
        unlink(await this.live(batch));
        await this.write(batch);
      } catch {
        try {
          unlink(() => false);
          await this.write(batch);
        } catch (err) {
          this.ctx.log.error({ err, lost: batch.length }, 'audit events could not be written');
        }
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Which of the referenced resources exist now. */
  private async live(events: AuditEvent[]): Promise<(ref: string) => boolean> {
    const refs = [...new Set(events.flatMap((e) => (e.entity ?? []).map((en) => en.what?.reference).filter((r): r is string => !!r)))];
    if (refs.length === 0) return () => true;
    const split = refs.map((r) => r.split('/'));
    const { rows } = await this.s.db.query<{ t: string; i: string }>(
      'SELECT r.res_type AS t, r.res_id AS i FROM resource r JOIN unnest($1::text[], $2::text[]) AS x(t, i) ON r.res_type = x.t AND r.res_id = x.i WHERE NOT r.deleted',
      [split.map((x) => x[0]), split.map((x) => x[1])],
    );
    const found = new Set(rows.map((r) => `${r.t}/${r.i}`));
    return (ref) => found.has(ref);
  }

  private async write(events: AuditEvent[]): Promise<void> {
    await this.s.store.transaction(this.ctx, async (t) => {
      for (const e of events) {
        const id = newId();
        const lastUpdated = new Date().toISOString();
        const stored = stamp(e, id, 1, lastUpdated);
        t.stage({ type: 'AuditEvent', id, version: 1, lastUpdated, method: 'POST', resource: stored, content: JSON.stringify(stored), isNew: true });
      }
    });
  }
}
