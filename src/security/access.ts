import type { RequestContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { getIndexedParam } from '../fhir/definitions.js';
import { errors, FhirError } from '../fhir/outcome.js';
import type { FhirRequest } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { executeSearch, type SearchRow } from '../search/engine.js';
import { parseSearch, type SearchRequest } from '../search/parse.js';
import type { AccessGuard, PendingWrite, StoredResource, StoreTransaction } from '../store/store.js';
import { classifyRequest } from './interaction.js';
import { AuthError, forbidden } from './messages.js';
import { FACILITY_POLICIES, PROTECTED_LABELS, SHARED_TYPES, SUBSYSTEM_TAG_SYSTEM } from './policies.js';
import { LABEL_SCOPE_PREFIX, principalOf, type Principal } from './principal.js';
import { grantsFor, type Op } from './scopes.js';

/**
 * Access rules for one requester, type and kind of access, compiled into search criteria ("restriction"):
 * the scope's `?param=value` or patient compartment, the facility/subsystem policy and the protected labels.
 * Searches get the restriction AND-ed to their filters (store AccessGuard), so paging and totals are correct;
 * instance interactions check their target with `_id=X&<restriction>` (404 when outside); writes check the
 * written resource the same way inside the transaction (403, rolled back).
 */
interface Rule {
  /** Everything, as search criteria (for searches). */
  full: string;
  /** The part that needs SQL (scope restriction, patient compartment, facility/subsystem policy). */
  sql: string;
  /** Protected labels the requester may not see (checked in memory on single resources). */
  hidden: { system: string; code: string }[];
}

const memo = new WeakMap<Principal, Map<string, Rule | null>>();

/** The rule for `op` on `type`; throws 403 when no scope grants it. */
export function rule(p: Principal, type: string, op: Op): Rule {
  let cache = memo.get(p);
  if (!cache) memo.set(p, (cache = new Map()));
  const key = `${type}.${op}`;
  let r = cache.get(key);
  if (r === undefined) {
    r = compile(p, type, op);
    cache.set(key, r);
  }
  if (r === null) throw forbidden(op, type);
  return r;
}

/** The restriction as search criteria ('' when none); throws 403 when no scope grants `op` on `type`. */
export function restriction(p: Principal, type: string, op: Op): string {
  return rule(p, type, op).full;
}

function compile(p: Principal, type: string, op: Op): Rule | null {
  const grants = grantsFor(p.grants, type, op);
  if (grants.length === 0) return null;
  const parts: string[] = [];
  // Scope part: an unrestricted grant wins; otherwise the first restricted one (never the union: under-granting is safe).
  const free = grants.find((g) => g.context !== 'patient' && !g.query);
  if (!free) {
    const g = grants.find((x) => x.context !== 'patient') ?? grants[0];
    if (g.context === 'patient') {
      if (!p.patient || !/^[A-Za-z0-9\-.]{1,64}$/.test(p.patient)) return null;
      if (type === 'Patient') parts.push(`_id=${p.patient}`);
      else if (getIndexedParam(type, 'patient')) parts.push(`patient=Patient/${p.patient}`);
      else return null;
    }
    if (g.query) parts.push(g.query);
  }
  const hidden = hiddenLabels(p);
  // Every type at once (system history, system operations): restricted as soon as any policy or label applies.
  if (type === '*') {
    const all = p.facility || p.subsystem || hidden.length > 0 ? '*' : parts.join('&');
    return { full: all, sql: all, hidden: [] };
  }
  if ((p.facility || p.subsystem) && !SHARED_TYPES.has(type)) {
    const policy = FACILITY_POLICIES[type];
    if (!policy) return null;
    if (p.facility) parts.push(policy.replaceAll('{facility}', encodeURIComponent(p.facility)));
    if (p.subsystem) parts.push(`_tag=${encodeURIComponent(`${SUBSYSTEM_TAG_SYSTEM}|${p.subsystem}`)}`);
  }
  const sql = parts.join('&');
  const labels = hidden.length > 0 ? `_security:not=${hidden.map((l) => encodeURIComponent(`${l.system}|${l.code}`)).join(',')}` : '';
  return { full: [sql, labels].filter(Boolean).join('&'), sql, hidden };
}

const hiddenMemo = new WeakMap<Principal, Rule['hidden']>();

function hiddenLabels(p: Principal): Rule['hidden'] {
  let h = hiddenMemo.get(p);
  if (!h) hiddenMemo.set(p, (h = PROTECTED_LABELS.filter((l) => !p.scopes.includes(LABEL_SCOPE_PREFIX + l.code))));
  return h;
}

/** True when the resource (stored JSON) carries one of the hidden labels. */
function hiddenLabel(content: string | null | undefined, hidden: Rule['hidden']): boolean {
  if (!content || hidden.length === 0 || !content.includes('"security"')) return false;
  const labels = (JSON.parse(content) as { meta?: { security?: { system?: string; code?: string }[] } }).meta?.security ?? [];
  return labels.some((l) => hidden.some((h) => h.system === l.system && h.code === l.code));
}

function filtersOf(types: string[], criteria: string): SearchRequest['filters'] {
  const parsed = parseSearch(types, new URLSearchParams(criteria), { count: 1, maxCount: 1 });
  if (parsed.unknown.length > 0) throw new FhirError(500, 'exception', 'internal', [`access policy for ${types.join(',')}: ${parsed.unknown.join(',')}`]);
  return parsed.filters;
}

/** Ids among `ids` of `type` that match the restriction, in q. */
async function matching(q: Queryable, baseUrl: string, type: string, ids: string[], r: string): Promise<Set<string>> {
  const req = parseSearch([type], new URLSearchParams(`_id=${ids.join(',')}&${r}`), { count: ids.length, maxCount: ids.length });
  req.total = 'none';
  const result = await executeSearch(q, req, baseUrl);
  return new Set(result.rows.map((row) => row.id));
}

export class AccessControl implements AccessGuard {
  constructor(private readonly s: Services) {}

  private get on(): boolean {
    return this.s.config.authMode === 'on';
  }

  /** AccessGuard: AND the restriction into a search. */
  restrict(ctx: RequestContext, req: SearchRequest): void {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return;
    const rs = new Set(req.types.map((t) => restriction(p, t, 's')));
    if (rs.size > 1) throw new FhirError(403, 'forbidden', 'security.systemSearch', [req.types.slice(0, 5).join(', ')]);
    const r = [...rs][0];
    if (r) req.filters.push(...filtersOf(req.types, r));
  }

  /** AccessGuard: keep the included resources the requester may read. */
  async visible(ctx: RequestContext, q: Queryable, rows: SearchRow[]): Promise<SearchRow[]> {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return rows;
    const byType = new Map<string, SearchRow[]>();
    for (const row of rows) byType.set(row.type, [...(byType.get(row.type) ?? []), row]);
    const keep = new Set<SearchRow>();
    for (const [type, list] of byType) {
      let r: string;
      try {
        r = restriction(p, type, 'r');
      } catch {
        continue;
      }
      if (!r) list.forEach((x) => keep.add(x));
      else {
        const ok = await matching(q, this.s.store.baseUrl, type, list.map((x) => x.id), r);
        list.filter((x) => ok.has(x.id)).forEach((x) => keep.add(x));
      }
    }
    return rows.filter((x) => keep.has(x));
  }

  /** AccessGuard: a resource read by id that carries a label the requester may not see does not exist for them. */
  readable(ctx: RequestContext, row: StoredResource): void {
    const p = this.on ? principalOf(ctx) : undefined;
    if (p && hiddenLabel(row.content, hiddenLabels(p))) throw errors.notFound('notFound', `${row.type}/${row.id}`);
  }

  /** Feature.authorize: every interaction, including each bundle entry. */
  async authorize(ctx: RequestContext, req: FhirRequest, t?: StoreTransaction): Promise<void> {
    if (!this.on) return;
    const i = classifyRequest(req);
    if (i.code === 'metadata') return;
    const p = principalOf(ctx);
    if (!p) throw new AuthError(undefined);
    switch (i.code) {
      case 'batch':
      case 'search-system':
      case 'search-type':
      case 'unknown':
        return; // searches are restricted by restrict(); bundle entries are authorized one by one
      case 'history-system':
      case 'history-type': {
        const types = i.type ? [i.type] : ['*'];
        for (const type of types) if (restriction(p, type, 's') !== '') throw new FhirError(403, 'forbidden', 'security.history', [i.type ?? 'the system']);
        return;
      }
      case 'create': {
        const r = restriction(p, i.type as string, 'c');
        if (r && req.headers.ifNoneExist) req.headers.ifNoneExist = `${req.headers.ifNoneExist.replace(/^.*\?/, '')}&${r}`;
        return;
      }
      case 'conditional-update':
      case 'conditional-patch':
      case 'conditional-delete': {
        const r = restriction(p, i.type as string, i.op as Op);
        for (const [k, v] of new URLSearchParams(r)) req.query.append(k, v);
        return;
      }
      case 'operation': {
        const r = rule(p, i.type ?? '*', i.op as Op);
        if (i.id) await this.checkTarget(ctx, i.type as string, i.id, r, i.op as Op, t);
        return;
      }
      default:
        // update may create: the new resource is checked against the create rule on write
        await this.checkTarget(ctx, i.type as string, i.id as string, rule(p, i.type as string, i.op as Op), i.op as Op, t);
    }
  }

  /**
   * 404 for an existing resource outside the rule (as if it did not exist): labels are checked on the stored
   * JSON, the rest with one `_id=X&<criteria>` search. A deleted resource answers as the handler does (410).
   */
  private async checkTarget(ctx: RequestContext, type: string, id: string, r: Rule, op: Op, t?: StoreTransaction): Promise<void> {
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return;
    // Labels alone: reads are checked by readable() on the row the handler reads anyway (no extra query).
    if (!r.sql && (r.hidden.length === 0 || op === 'r')) return;
    const row = await this.s.store.read(ctx, type, id, t); // readable() throws 404 on a hidden label
    if (!row || row.deleted || !r.sql) return;
    const q = t ? (await t.flush(), t.tx) : this.s.db;
    if (!(await matching(q, this.s.store.baseUrl, type, [id], r.sql)).has(id)) throw errors.notFound('notFound', `${type}/${id}`);
  }

  /** Transaction hook: every written resource must lie inside the writer's restriction. */
  async checkWrites(tx: Queryable, changes: readonly PendingWrite[], ctx: RequestContext): Promise<void> {
    if (!this.on) return;
    const p = principalOf(ctx);
    if (!p) return; // the server's own writes (audit)
    const byKey = new Map<string, string[]>();
    for (const c of changes) {
      if (!c.content) {
        restriction(p, c.type, 'd');
        continue;
      }
      const r = rule(p, c.type, c.isNew ? 'c' : 'u');
      if (hiddenLabel(c.content, r.hidden)) throw new FhirError(403, 'forbidden', 'security.outOfScope', [`${c.type}/${c.id}`]);
      if (!r.sql) continue;
      const key = `${c.type}\u0000${r.sql}`;
      byKey.set(key, [...(byKey.get(key) ?? []), c.id]);
    }
    for (const [key, ids] of byKey) {
      const [type, r] = key.split('\u0000');
      const ok = await matching(tx, this.s.store.baseUrl, type, ids, r);
      const outside = ids.find((id) => !ok.has(id));
      if (outside) throw new FhirError(403, 'forbidden', 'security.outOfScope', [`${type}/${outside}`]);
    }
  }
}
