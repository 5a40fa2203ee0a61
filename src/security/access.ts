import type { RequestContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { getIndexedParam, getResourceTypes } from '../fhir/definitions.js';
import { errors, FhirError } from '../fhir/outcome.js';
import type { FhirRequest } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { executeSearch, type SearchRow } from '../search/engine.js';
import { FilterBuilder } from '../search/filter.js';
import { parseSearch, type Filter, type SearchRequest } from '../search/parse.js';
import { SqlParams } from '../search/sql.js';
import type { AccessGuard, HistoryBranch, PendingWrite, StoredResource, StoreTransaction } from '../store/store.js';
import { classifyRequest } from './interaction.js';
import { AuthError, forbidden } from './messages.js';
import { POLICIES, PROTECTED_LABELS, REGION_PARAM, REGION_SYSTEM, SHARED_TYPES, SUBSCRIPTION_OWNER_TAG_SYSTEM, SUBSYSTEM_TAG_SYSTEM } from './policies.js';
import { LABEL_SCOPE_PREFIX, principalOf, type Principal } from './principal.js';
import { grantsFor, type Op } from './scopes.js';
import { versionConditions } from './versions.js';

/**
 * Access rules for one requester, type and kind of access, compiled into search criteria ("restriction"):
 * the scope's `?param=value` or patient compartment, the facility/region/subsystem policy and the protected
 * labels. Searches get the restriction AND-ed to their filters (store AccessGuard), also on every type a chain
 * or _has of the query walks through, so paging and totals are correct and nothing outside is probed;
 * conditional interactions match only inside the restriction; instance interactions check their target with
 * `_id=X&<restriction>` (404 when outside); writes check the changed resources before (404) and after (403)
 * the change inside the transaction; history rows are filtered in SQL.
 */
interface Rule {
  /** Criteria that need SQL (scope restriction, patient compartment, policy), AND-ed: each a list of OR-ed query strings. */
  policy: string[][];
  /** `_security:not=…` for the protected labels the requester lacks ('' when none). */
  labels: string;
  /** Protected labels the requester may not see (checked in memory on single resources). */
  hidden: { system: string; code: string }[];
  /** Canonical text of the whole rule ('' = unrestricted). */
  key: string;
}

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;
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

function bound(p: Principal): boolean {
  return Boolean(p.facility || p.region || p.subsystem);
}

function compile(p: Principal, type: string, op: Op): Rule | null {
  const grants = grantsFor(p.grants, type, op);
  if (grants.length === 0) return null;
  const policy: string[][] = [];
  // Scope part: an unrestricted grant wins; otherwise the first restricted one (never the union: under-granting is safe).
  const free = grants.find((g) => g.context !== 'patient' && !g.query);
  if (!free) {
    const g = grants.find((x) => x.context !== 'patient') ?? grants[0];
    if (g.context === 'patient') {
      if (!p.patient || !ID_RE.test(p.patient)) return null;
      if (type === 'Patient') policy.push([`_id=${p.patient}`]);
      else if (type === '*' || getIndexedParam(type, 'patient')) policy.push([`patient=Patient/${p.patient}`]);
      else return null;
    }
    if (g.query) policy.push([g.query]);
  }
  const hidden = hiddenLabels(p);
  const labels = hidden.length > 0 ? `_security:not=${hidden.map((l) => encodeURIComponent(`${l.system}|${l.code}`)).join(',')}` : '';
  // Every type at once (system history, system operations): only the grant matters here; see historyCondition.
  if (type === '*') return { policy: [], labels: '', hidden: [], key: bound(p) || labels || policy.length ? '*' : '' };
  if (bound(p) && type === 'Subscription') {
    for (const t of ownerTags(p)) policy.push([`_tag=${encodeURIComponent(`${t.system}|${t.code}`)}`]);
  } else if (bound(p) && !SHARED_TYPES.has(type)) {
    const pol = POLICIES[type];
    if (!pol) return null;
    const alts = op === 'r' || op === 's' ? [...pol.paths, ...(pol.read ?? [])] : pol.paths;
    if (!alts.includes('*')) {
      for (const v of [p.facility, p.region, p.subsystem]) if (v !== undefined && !ID_RE.test(v)) return null;
      if (p.facility) policy.push(alts.map((a) => criterion(a, `Organization/${p.facility}`, undefined)));
      if (p.region) policy.push(alts.map((a) => criterion(a, undefined, encodeURIComponent(`${REGION_SYSTEM}|${p.region}`))));
      if (p.subsystem) policy.push([`_tag=${encodeURIComponent(`${SUBSYSTEM_TAG_SYSTEM}|${p.subsystem}`)}`]);
    }
  }
  const key = [...policy.map((alts) => alts.join(' OR ')), labels].filter(Boolean).join(' AND ');
  return { policy, labels, hidden, key };
}

/** The read rule of `type`, or undefined when no scope grants reading it. */
function readRule(p: Principal, type: string): Rule | undefined {
  try {
    return rule(p, type, 'r');
  } catch {
    return undefined;
  }
}

function byType<R extends { type: string }>(rows: R[]): Map<string, R[]> {
  const m = new Map<string, R[]>();
  for (const row of rows) {
    const list = m.get(row.type);
    if (list) list.push(row);
    else m.set(row.type, [row]);
  }
  return m;
}

/** The owner tags of a Subscription written by a bound requester (policies.ts). */
function ownerTags(p: Principal): { system: string; code: string }[] {
  const tags: { system: string; code: string }[] = [];
  if (p.facility) tags.push({ system: SUBSCRIPTION_OWNER_TAG_SYSTEM, code: `facility:${p.facility}` });
  if (p.region) tags.push({ system: SUBSCRIPTION_OWNER_TAG_SYSTEM, code: `region:${p.region}` });
  if (p.subsystem) tags.push({ system: SUBSCRIPTION_OWNER_TAG_SYSTEM, code: `subsystem:${p.subsystem}` });
  return tags;
}

/** A Subscription created or replaced by a bound requester carries its owner tags (others of that system dropped). */
function stampOwner(body: unknown, p: Principal): void {
  const r = body as { resourceType?: string; meta?: { tag?: { system?: string; code?: string }[] } } | undefined;
  if (!r || r.resourceType !== 'Subscription' || !bound(p)) return;
  const kept = (r.meta?.tag ?? []).filter((t) => t.system !== SUBSCRIPTION_OWNER_TAG_SYSTEM);
  r.meta = { ...(r.meta ?? {}), tag: [...kept, ...ownerTags(p)] };
}

/**
 * One policy alternative (`cond&…&path`, see policies.ts) as query criteria: the path leads to the facility
 * `org` (`Organization/F`) or to an Organization of the region whose token is `region`.
 */
function criterion(alt: string, org: string | undefined, region: string | undefined): string {
  const parts = alt.split('&');
  const i = parts.findIndex((x) => !x.includes('='));
  if (i < 0) return alt;
  const path = parts[i];
  if (org) parts[i] = path === '' ? `_id=${org.slice('Organization/'.length)}` : `${path.replace(/:[A-Z][A-Za-z]+$/, '')}=${org}`;
  else parts[i] = path === '' ? `${REGION_PARAM}=${region}` : `${path}.${REGION_PARAM}=${region}`;
  return parts.join('&');
}

const hiddenMemo = new WeakMap<Principal, Rule['hidden']>();

function hiddenLabels(p: Principal): Rule['hidden'] {
  let h = hiddenMemo.get(p);
  if (!h) hiddenMemo.set(p, (h = PROTECTED_LABELS.filter((l) => !p.scopes.includes(LABEL_SCOPE_PREFIX + l.code))));
  return h;
}

type Label = { system?: string; code?: string };

/** The security labels of stored JSON. */
function labelsOf(content: string | null | undefined): Label[] {
  if (!content || !content.includes('"security"')) return [];
  return (JSON.parse(content) as { meta?: { security?: Label[] } }).meta?.security ?? [];
}

/** True when one of the labels is hidden. */
function carries(labels: Label[], hidden: Rule['hidden']): boolean {
  return labels.some((l) => hidden.some((h) => h.system === l.system && h.code === l.code));
}

/** True when the resource (stored JSON) carries one of the hidden labels. */
function hiddenLabel(content: string | null | undefined, hidden: Rule['hidden']): boolean {
  return hidden.length > 0 && carries(labelsOf(content), hidden);
}

/**
 * The labels of a stored row, read once per row object: PGlite's resource cache hands out the same row for
 * every read of a resource, which then costs no scan of its JSON.
 */
const ROW_LABELS = Symbol('securityLabels');
function rowLabels(row: StoredResource & { [ROW_LABELS]?: Label[] }): Label[] {
  return (row[ROW_LABELS] ??= labelsOf(row.content));
}

function parseCriteria(types: string[], criteria: string): Filter[] {
  const parsed = parseSearch(types, new URLSearchParams(criteria), { count: 1, maxCount: 1 });
  if (parsed.unknown.length > 0) throw new FhirError(500, 'exception', 'internal', [`access policy for ${types.join(',')}: ${parsed.unknown.join(',')}`]);
  return parsed.filters;
}

const filterMemo = new WeakMap<Rule, Map<string, Filter[]>>();

/** The rule as search filters on `types` (policy only, or with the labels). Parsed once per rule and types. */
function filtersOf(r: Rule, types: string[], withLabels: boolean): Filter[] {
  let cache = filterMemo.get(r);
  if (!cache) filterMemo.set(r, (cache = new Map()));
  const key = `${withLabels ? 'L' : 'P'}${types.join(',')}`;
  let f = cache.get(key);
  if (!f) {
    f = r.policy.map((alts): Filter => {
      const each = alts.map((a): Filter => {
        const fs = parseCriteria(types, a);
        return fs.length === 1 ? fs[0] : { kind: 'all', filters: fs, name: a };
      });
      return each.length === 1 ? each[0] : { kind: 'any', filters: each, name: alts.join(' OR ') };
    });
    if (withLabels && r.labels) f.push(...parseCriteria(types, r.labels));
    cache.set(key, f);
  }
  return f;
}

const firstMemo = new WeakMap<Filter[], Filter[] | null>();
const firstChainMemo = new WeakMap<Filter[], Filter[] | null>();

/**
 * The filters with every OR of alternatives reduced to its first alternative (null when there is no OR).
 * `chains` false: only when each first alternative is a plain parameter (e.g. `organization=Organization/F`).
 * Which shape is cheaper for a few ids depends on the planner (measured with `npm run bench:access`): on
 * PostgreSQL a lone chained alternative is planned as a join from the facility's (or region's) side and costs
 * more than the OR of all alternatives tested row by row; on PGlite it is the other way round.
 */
function firstAlternatives(filters: Filter[], chains: boolean): Filter[] | null {
  const memo = chains ? firstChainMemo : firstMemo;
  let f = memo.get(filters);
  if (f === undefined) {
    const ors = filters.filter((x) => x.kind === 'any');
    const ok = ors.length > 0 && (chains || ors.every((x) => x.kind === 'any' && x.filters[0]?.kind === 'leaf'));
    f = ok ? filters.map((x) => (x.kind === 'any' ? x.filters[0] : x)) : null;
    memo.set(filters, f);
  }
  return f;
}

/**
 * Ids among `ids` of `type` inside the rule's filters: first with the first alternative of each criterion
 * alone where that is the cheaper query (most resources belong to their facility through it), then the rest
 * with all of them.
 */
async function inside(q: Queryable, baseUrl: string, type: string, ids: string[], filters: Filter[], chains: boolean): Promise<Set<string>> {
  const first = firstAlternatives(filters, chains);
  if (!first) return matching(q, baseUrl, type, ids, filters);
  const ok = await matching(q, baseUrl, type, ids, first);
  const rest = ids.filter((id) => !ok.has(id));
  if (rest.length > 0) for (const id of await matching(q, baseUrl, type, rest, filters)) ok.add(id);
  return ok;
}

/** Ids among `ids` of `type` that match the filters, in q. */
async function matching(q: Queryable, baseUrl: string, type: string, ids: string[], filters: Filter[]): Promise<Set<string>> {
  const req = parseSearch([type], new URLSearchParams({ _id: ids.join(',') }), { count: ids.length, maxCount: ids.length });
  req.filters.push(...filters);
  req.total = 'none';
  const result = await executeSearch(q, req, baseUrl);
  return new Set(result.rows.map((row) => row.id));
}

/** SQL: the history row carries none of the hidden labels (a delete row has no content and none). */
function labelCondition(hidden: Rule['hidden'], params: SqlParams, row: string): string {
  const tests = hidden.map((h) => `(${row}.content::jsonb -> 'meta' -> 'security') @> ${params.add(JSON.stringify([h]))}::jsonb`);
  return `NOT (${row}.content IS NOT NULL AND COALESCE(${tests.join(' OR ')}, false))`;
}

export class AccessControl implements AccessGuard {
  constructor(private readonly s: Services) {}

  /** Try a lone chained first alternative before the OR of all (cheaper on PGlite only, see firstAlternatives). */
  private get firstChains(): boolean {
    return this.s.db.kind === 'pglite';
  }

  private get on(): boolean {
    return this.s.config.authMode === 'on';
  }

  /**
   * AccessGuard: AND the restriction for `op` into a search, and the restriction for searching into every
   * chain target and _has source of its filters, so a query cannot test for resources outside (at any step).
   */
  restrict(ctx: RequestContext, req: SearchRequest, op: Op = 's'): void {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return;
    const rules = req.types.map((t) => rule(p, t, op));
    if (new Set(rules.map((r) => r.key)).size > 1) throw new FhirError(403, 'forbidden', 'security.systemSearch', [req.types.slice(0, 5).join(', ')]);
    req.filters = req.filters.map((f) => this.inner(p, f));
    if (rules[0]?.key) req.filters.push(...filtersOf(rules[0], req.types, true));
  }

  /** A user's filter with the requester's restriction AND-ed at every type it walks through. */
  private inner(p: Principal, f: Filter): Filter {
    const and = (next: Filter, type: string): Filter => {
      const r = rule(p, type, 's');
      const inner = this.inner(p, next);
      return r.key ? { kind: 'all', filters: [inner, ...filtersOf(r, [type], true)], name: inner.name } : inner;
    };
    switch (f.kind) {
      case 'leaf':
        return f;
      case 'chain':
        return { ...f, targets: f.targets.map((t) => ({ type: t.type, next: and(t.next, t.type) })) };
      case 'has':
        return { ...f, next: and(f.next, f.sourceType) };
      default:
        return { ...f, filters: f.filters.map((x) => this.inner(p, x)) };
    }
  }

  /**
   * AccessGuard: the rule's protected labels when they are all that restricts the requester's searches of
   * `type` (a `_security:not` test of each resource's own labels); undefined for a rule with a scope query,
   * patient compartment or facility/region/subsystem policy, or without a grant (the search itself then answers 403).
   */
  searchScope(ctx: RequestContext, type: string): string | undefined {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return '';
    let r: Rule;
    try {
      r = rule(p, type, 's');
    } catch {
      return undefined;
    }
    // (the rule of every type at once keeps its restriction in `key` only)
    return r.policy.length === 0 && r.key === r.labels ? r.labels : undefined;
  }

  /** AccessGuard: keep the included resources the requester may read. */
  async visible(ctx: RequestContext, q: Queryable, rows: SearchRow[]): Promise<SearchRow[]> {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return rows;
    const keep = new Set<SearchRow>();
    for (const [type, list] of byType(rows)) {
      const r = readRule(p, type);
      if (!r) continue;
      if (!r.key) list.forEach((x) => keep.add(x));
      else {
        const ok = await inside(q, this.s.store.baseUrl, type, list.map((x) => x.id), filtersOf(r, [type], true), this.firstChains);
        list.filter((x) => ok.has(x.id)).forEach((x) => keep.add(x));
      }
    }
    return rows.filter((x) => keep.has(x));
  }

  /**
   * AccessGuard: changes the requester may be told of (a Subscription's owner). Written resources as a read
   * would be judged (rule, policy in SQL in q, labels); a deleted one by its last version (`previous`): its
   * labels, and the policy or scope restriction read from that version's JSON as history judges a version
   * (versions.ts, strict: what cannot be read from the version, such as a `_has` path, tells nothing).
   */
  async notifiable<R extends { type: string; id: string; content?: string; deleted: boolean; previous?: number }>(ctx: RequestContext, q: Queryable, items: R[]): Promise<R[]> {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return items;
    const hidden = hiddenLabels(p);
    const keep = new Set<R>();
    for (const [type, list] of byType(items.filter((x) => !hiddenLabel(x.content, hidden)))) {
      const r = readRule(p, type);
      if (!r) continue;
      // labels were judged on the contents above: only a policy or scope restriction needs SQL
      if (r.policy.length === 0) {
        list.forEach((x) => keep.add(x));
        continue;
      }
      const live = list.filter((x) => !x.deleted);
      if (live.length > 0) {
        const ok = await inside(q, this.s.store.baseUrl, type, live.map((x) => x.id), filtersOf(r, [type], false), this.firstChains);
        for (const x of live) if (ok.has(x.id)) keep.add(x);
      }
      const gone = list.filter((x): x is R & { previous: number } => x.deleted && x.previous !== undefined);
      if (gone.length > 0) {
        const ok = await this.lastVersionInside(q, type, gone, filtersOf(r, [type], false));
        for (const x of gone) if (ok.has(x.id)) keep.add(x);
      }
    }
    return items.filter((x) => keep.has(x));
  }

  /** Ids of deleted resources whose last version (`previous`) lay inside the filters, read from its JSON. */
  private async lastVersionInside(q: Queryable, type: string, gone: { id: string; previous: number }[], filters: Filter[]): Promise<Set<string>> {
    const params = new SqlParams();
    const conds = await versionConditions(type, filters, new FilterBuilder(params, q, this.s.store.baseUrl), 'r', true);
    const sql = `SELECT r.res_id AS id FROM resource_history r
      WHERE r.res_type = ${params.add(type)} AND (r.res_id, r.version) IN (SELECT * FROM unnest(${params.add(gone.map((x) => x.id))}::text[], ${params.add(gone.map((x) => x.previous))}::bigint[]))
        AND r.content IS NOT NULL${conds.map((c) => ` AND ${c}`).join('')}`;
    const { rows } = await q.query<{ id: string }>(sql, params.values);
    return new Set(rows.map((x) => x.id));
  }

  /** AccessGuard: a resource read by id that carries a label the requester may not see does not exist for them. */
  readable(ctx: RequestContext, row: StoredResource): void {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return;
    const hidden = hiddenLabels(p);
    if (hidden.length > 0 && carries(rowLabels(row), hidden)) throw errors.notFound('notFound', `${row.type}/${row.id}`);
  }

  /**
   * AccessGuard: history rows the requester may see. A version is shown when the resource is inside the
   * requester's rule now (its current index, as for a read) and the version itself was inside it (versions.ts:
   * the version's own references and tags, and no protected label the requester lacks). Type and system
   * history are limited to the types the requester may search. One branch per restricted type, driven by the
   * set of its resources inside the rule (so a facility's history does not walk the whole country's), one for
   * the unrestricted types, one per labels-only rule.
   */
  async historyCondition(ctx: RequestContext, q: Queryable, params: SqlParams, type?: string): Promise<HistoryBranch[] | undefined> {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return undefined;
    if (!type && !rule(p, '*', 's').key) return undefined;
    const fb = new FilterBuilder(params, q, this.s.store.baseUrl);
    const free: string[] = [];
    const labelsOnly = new Map<string, { rule: Rule; types: string[] }>();
    const branches: HistoryBranch[] = [];
    const isType = (types: string[]): string => (types.length === 1 ? `r.res_type = ${params.add(types[0])}` : `r.res_type = ANY(${params.add(types)}::text[])`);
    // System history: a restricted branch only for the types that have live resources (a deleted resource's
    // history is not shown to a restricted requester), so the query does not grow with every declared policy.
    const live = type ? undefined : await liveTypes(q);
    for (const t of type ? [type] : getResourceTypes()) {
      let r: Rule;
      try {
        r = rule(p, t, 's');
      } catch {
        continue;
      }
      if (!r.key) free.push(t);
      else if (live && !live.has(t)) continue;
      else if (r.policy.length === 0) {
        const g = labelsOnly.get(r.key);
        if (g) g.types.push(t);
        else labelsOnly.set(r.key, { rule: r, types: [t] });
      } else {
        const policy = filtersOf(r, [t], false);
        // Inside now: per criterion, the union of its alternatives, each its own select (an OR of several chains
        // would be tested row by row; each alternative alone is planned as a join from the facility's side).
        const typeParam = params.add(t);
        const inside: string[] = [];
        for (const f of policy) {
          const selects: string[] = [];
          for (const alt of f.kind === 'any' ? f.filters : [f]) {
            const [cond] = await fb.build([alt], { type: 'c.res_type', id: 'c.res_id', row: 'c' });
            selects.push(`SELECT c.res_id FROM resource c WHERE c.res_type = ${typeParam} AND NOT c.deleted AND ${cond}`);
          }
          inside.push(`r.res_id IN (${selects.join(' UNION ')})`);
        }
        const post = await versionConditions(t, policy, fb, 'r');
        if (r.hidden.length > 0) post.push(labelCondition(r.hidden, params, 'r'));
        branches.push({ where: `${isType([t])} AND ${inside.join(' AND ')}`, ...(post.length ? { post: post.map((c) => `(${c})`).join(' AND ') } : {}) });
      }
    }
    if (type && free.length) return undefined;
    if (free.length) branches.unshift({ where: isType(free) });
    for (const { rule: r, types } of labelsOnly.values()) branches.push({ where: isType(types), post: labelCondition(r.hidden, params, 'r') });
    return branches;
  }

  /**
   * Feature.authorize: every interaction, including each bundle entry. Synchronous (no promise) unless the
   * target has to be looked at: a read by id under a scope without restriction costs no query and no tick.
   */
  authorize(ctx: RequestContext, req: FhirRequest, t?: StoreTransaction): Promise<void> | void {
    if (!this.on) return;
    const i = classifyRequest(req);
    if (i.code === 'metadata') return;
    const p = principalOf(ctx);
    if (!p) throw new AuthError(undefined);
    // a Subscription created or replaced by a bound requester gets its owner tags (a patch body is no resource)
    if (i.type === 'Subscription') stampOwner(req.body, p);
    switch (i.code) {
      case 'batch':
      case 'search-system':
      case 'search-type':
      case 'unknown':
        return; // searches are restricted by restrict(); bundle entries are authorized one by one
      case 'history-system':
      case 'history-type':
        rule(p, i.type ?? '*', 's'); // rows are filtered by historyCondition()
        return;
      case 'create':
      case 'conditional-update':
      case 'conditional-patch':
      case 'conditional-delete':
        // the condition matches only inside the rule (StoreTransaction.search); writes are checked on write
        rule(p, i.type as string, i.op as Op);
        return;
      case 'operation': {
        const r = rule(p, i.type ?? '*', i.op as Op);
        if (i.id) return this.checkTarget(ctx, i.type as string, i.id, r, i.op as Op, t);
        return;
      }
      case 'vread': {
        const r = rule(p, i.type as string, 'r');
        return this.checkTarget(ctx, i.type as string, i.id as string, r, 'r', t).then(() =>
          this.checkVersion(ctx, i.type as string, i.id as string, req.path.split('/')[3], r, t),
        );
      }
      default: {
        // update may create: the new resource is checked against the create rule on write
        const r = rule(p, i.type as string, i.op as Op);
        if (targetUnchecked(r, i.op as Op)) return;
        return this.checkTarget(ctx, i.type as string, i.id as string, r, i.op as Op, t);
      }
    }
  }

  /** vread: the version itself must be one the requester's history shows (404 otherwise). */
  private async checkVersion(ctx: RequestContext, type: string, id: string, version: string | undefined, r: Rule, t?: StoreTransaction): Promise<void> {
    if (!r.key || !ID_RE.test(id) || !version || !/^\d{1,18}$/.test(version)) return;
    const q = t ? (await t.flush(), t.tx) : this.s.db;
    const params = new SqlParams();
    const branches = await this.historyCondition(ctx, q, params, type);
    const visible = branches === undefined ? 'true' : branches.length ? `(${branches.map((b) => `(${b.where}${b.post ? ` AND ${b.post}` : ''})`).join(' OR ')})` : 'false';
    const sql = `SELECT 1 FROM resource_history r WHERE r.res_type = ${params.add(type)} AND r.res_id = ${params.add(id)} AND r.version = ${params.add(Number(version))} AND NOT ${visible}`;
    const { rows } = await q.query(sql, params.values);
    if (rows.length > 0) throw errors.notFound('notFound', `${type}/${id}/_history/${version}`);
  }

  /**
   * 404 for an existing resource outside the rule (as if it did not exist): labels are checked on the stored
   * JSON, the rest with one `_id=X&<criteria>` search. A deleted resource answers as the handler does (410).
   */
  private async checkTarget(ctx: RequestContext, type: string, id: string, r: Rule, op: Op, t?: StoreTransaction): Promise<void> {
    if (!ID_RE.test(id) || targetUnchecked(r, op)) return;
    const row = await this.s.store.read(ctx, type, id, t); // readable() throws 404 on a hidden label
    if (!row || row.deleted || r.policy.length === 0) return;
    const q = t ? (await t.flush(), t.tx) : this.s.db;
    if (!(await inside(q, this.s.store.baseUrl, type, [id], filtersOf(r, [type], false), this.firstChains)).has(id)) throw errors.notFound('notFound', `${type}/${id}`);
  }

  /**
   * AccessGuard: the resources an update or delete changes must lie inside the requester's rule as they are
   * before the change (404 otherwise, as if they did not exist): a conditional update that matched nothing
   * cannot take over another facility's resource by its id. Deleted resources have no content to protect.
   */
  async checkExisting(ctx: RequestContext, tx: Queryable, writes: readonly PendingWrite[]): Promise<void> {
    const p = this.on ? principalOf(ctx) : undefined;
    if (!p) return;
    for (const [key, ids] of groupBy(writes, (w) => `${w.type}\u0000${w.content ? 'u' : 'd'}`)) {
      const [type, op] = key.split('\u0000');
      const r = rule(p, type, op as Op);
      if (!r.key) continue;
      const ok = await inside(tx, this.s.store.baseUrl, type, ids, filtersOf(r, [type], true), this.firstChains);
      const outside = ids.filter((id) => !ok.has(id));
      if (outside.length === 0) continue;
      const { rows } = await tx.query<{ id: string }>('SELECT res_id AS id FROM resource WHERE res_type = $1 AND res_id = ANY($2::text[]) AND NOT deleted', [type, outside]);
      if (rows.length > 0) throw errors.notFound('notFound', `${type}/${rows[0].id}`);
    }
  }

  /** AccessGuard: every written resource must lie inside the writer's rule (403, rolled back). */
  async checkWritten(ctx: RequestContext, tx: Queryable, changes: readonly PendingWrite[], flush: () => Promise<void>): Promise<void> {
    if (!this.on) return;
    const p = principalOf(ctx);
    if (!p) return; // the server's own writes (audit)
    const written: PendingWrite[] = [];
    for (const c of changes) {
      if (!c.content) {
        rule(p, c.type, 'd');
        continue;
      }
      const r = rule(p, c.type, c.isNew ? 'c' : 'u');
      if (hiddenLabel(c.content, r.hidden)) throw new FhirError(403, 'forbidden', 'security.outOfScope', [`${c.type}/${c.id}`]);
      if (r.policy.length > 0) written.push(c);
    }
    if (written.length > 0) await flush(); // tested in SQL below
    for (const [key, ids] of groupBy(written, (c) => `${c.type}\u0000${c.isNew ? 'c' : 'u'}`)) {
      const [type, op] = key.split('\u0000');
      const ok = await inside(tx, this.s.store.baseUrl, type, ids, filtersOf(rule(p, type, op as Op), [type], false), this.firstChains);
      const outside = ids.find((id) => !ok.has(id));
      if (outside) throw new FhirError(403, 'forbidden', 'security.outOfScope', [`${type}/${outside}`]);
    }
  }
}

/**
 * True when an instance interaction needs no look at its target: no policy, and no hidden label or a read
 * (reads are checked by readable() on the row the handler reads anyway, with no extra query).
 */
function targetUnchecked(r: Rule, op: Op): boolean {
  return r.policy.length === 0 && (r.hidden.length === 0 || op === 'r');
}

/** Types with at least one live resource (resource_count: delta rows summed, see search/counts.ts). */
async function liveTypes(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ t: string }>('SELECT res_type AS t FROM resource_count GROUP BY res_type HAVING sum(n) > 0');
  return new Set(rows.map((r) => r.t));
}

function groupBy(writes: readonly PendingWrite[], key: (w: PendingWrite) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const w of writes) out.set(key(w), [...(out.get(key(w)) ?? []), w.id]);
  return out;
}
