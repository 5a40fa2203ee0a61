import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { authorize } from '../../features.js';
import { errors, FhirError } from '../../fhir/outcome.js';
import { conditionKey, existingResult, findSingleMatch } from '../../interactions/conditional.js';
import { forEachReference } from '../../fhir/references.js';
import { assertId, assertType, newId, parseEtag, parseIfNoneMatch } from '../../interactions/resource.js';
import type { InteractionResult } from '../../interactions/result.js';
import { conditionalUpdate, create, update } from '../../interactions/write.js';
import type { StoreTransaction } from '../../store/store.js';
import { dispatch } from '../dispatch.js';
import { parseRelativeUrl } from '../input.js';
import { parsePrefer, RawJson, type FhirRequest, type FhirResponse } from '../request.js';
import type { Services } from '../services.js';

/**
 * batch and transaction (http.html#transaction). A transaction runs in one database transaction and is
 * all-or-nothing: entries are processed DELETE, POST, PUT/PATCH, GET; fullUrls (urn:uuid: or not) and
 * conditional references (Type?query) are resolved to ids before anything is written; writes are staged
 * and stored in bulk. A batch runs each entry in its own transaction and reports each outcome.
 */
const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

interface Entry {
  index: number;
  method: FhirRequest['method'];
  type?: string;
  id?: string;
  path: string;
  query: URLSearchParams;
  fullUrl?: string;
  resource?: Resource;
  request: NonNullable<BundleEntry['request']>;
}

export async function processBundle(s: Services, ctx: RequestContext, req: FhirRequest): Promise<FhirResponse> {
  const bundle = req.body as Bundle | undefined;
  if (!bundle || (bundle as Resource).resourceType !== 'Bundle') throw errors.badRequest('invalidBundle', 'a Bundle is required');
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') throw errors.badRequest('invalidBundle', `type must be batch or transaction, not "${bundle.type}"`);
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw errors.badRequest('invalidBundle', 'entry must be an array');
  const representation = parsePrefer(req.headers.prefer).return;
  return bundle.type === 'transaction'
    ? transaction(s, ctx, bundle.entry ?? [], representation)
    : batch(s, ctx, bundle.entry ?? [], representation);
}

function parseEntry(raw: BundleEntry, index: number, baseUrl: string): Entry {
  const request = raw?.request;
  if (!request || typeof request.method !== 'string' || typeof request.url !== 'string') {
    throw errors.badRequest('bundleEntry', index, 'entry.request with method and url is required');
  }
  const method = request.method.toUpperCase() as FhirRequest['method'];
  if (!(method in ORDER) && method !== 'HEAD') throw errors.badRequest('bundleEntry', index, `unsupported method ${request.method}`);
  let url = request.url;
  if (url.startsWith(baseUrl + '/')) url = url.slice(baseUrl.length + 1);
  let path: string;
  let query: URLSearchParams;
  try {
    ({ path, query } = parseRelativeUrl(url));
  } catch (err) {
    if (err instanceof FhirError) throw new FhirError(err.status, err.code, 'bundleEntry', [index, err.message]);
    throw err;
  }
  const [type, id] = path.split('/');
  if (raw.resource !== undefined && (typeof raw.resource !== 'object' || raw.resource === null)) throw errors.badRequest('bundleEntry', index, 'resource must be an object');
  return { index, method, type: type || undefined, id, path, query, fullUrl: raw.fullUrl, resource: raw.resource, request };
}

async function transaction(s: Services, ctx: RequestContext, rawEntries: BundleEntry[], prefer: string | undefined): Promise<FhirResponse> {
  const entries = rawEntries.map((e, i) => parseEntry(e, i, ctx.baseUrl));
  const seen = new Set<string>();
  for (const e of entries) {
    if (!e.fullUrl) continue;
    if (seen.has(e.fullUrl)) throw errors.badRequest('bundleEntry', e.index, `duplicate fullUrl ${e.fullUrl}`);
    seen.add(e.fullUrl);
  }
  const results: BundleEntry[] = new Array(entries.length);
  await s.store.transaction(ctx, async (t) => {
    const refs = new ReferenceResolver(t, ctx);
    const ordered = [...entries].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);

    const plans = new Map<number, { kind: 'create' | 'existing' | 'update'; id: string; existing?: InteractionResult }>();
    const run = async (e: Entry): Promise<void> => {
      const plan = plans.get(e.index);
      results[e.index] = await guard(e, async () => {
        if (plan?.kind === 'existing') return writeEntry(ctx, plan.existing as InteractionResult, prefer);
        if (plan) {
          await authorize(s, ctx, toRequest(e, e.resource), t);
          const resource = await refs.rewrite(e.resource);
          const body = requireResource(e, resource);
          if (plan.kind === 'create') return writeEntry(ctx, await create(t, body, { id: plan.id }), prefer);
          const ifMatch = e.request.ifMatch ? parseEtag(e.request.ifMatch) : undefined;
          const ifNoneMatch = e.request.ifNoneMatch ? parseIfNoneMatch(e.request.ifNoneMatch) : undefined;
          if (body.id !== undefined && body.id !== plan.id) throw errors.badRequest('idMismatch', body.id, plan.id);
          return writeEntry(ctx, await update(t, e.type as string, plan.id, { ...body, id: plan.id }, { ifMatch, ifNoneMatch }), prefer);
        }
        const res = await dispatch(s, ctx, toRequest(e, e.method === 'PATCH' ? patchBody(e) : undefined), t);
        return responseEntry(ctx, res, e.method);
      });
    };

    // 0. Deletes come first, so that conditional creates and updates below are resolved after them.
    for (const e of ordered) if (e.method === 'DELETE') await run(e);

    // 1. Assign every created or updated entry its id, so references can be rewritten before any write.
    // Two POSTs with the same ifNoneExist in one bundle create one resource: the second answers 200 with it.
    const conditionalCreates = new Map<string, string>();
    for (const e of ordered) {
      if (e.method === 'POST' && e.path.split('/').length === 1 && e.type) {
        assertType(e.type);
        const ifNoneExist = e.request.ifNoneExist?.replace(/^.*\?/, '');
        if (ifNoneExist) {
          const planned = conditionalCreates.get(conditionKey(e.type, ifNoneExist));
          if (planned) {
            plans.set(e.index, { kind: 'existing', id: planned, existing: { status: 200, type: e.type, id: planned } });
            refs.map(e.fullUrl, `${e.type}/${planned}`);
            continue;
          }
          const found = await guard(e, () => findSingleMatch(t, e.type as string, ifNoneExist, { lock: true, op: 'c' }));
          if (found) {
            plans.set(e.index, { kind: 'existing', id: found.id, existing: existingResult(found) });
            refs.map(e.fullUrl, `${e.type}/${found.id}`);
            continue;
          }
        }
        const id = newId();
        plans.set(e.index, { kind: 'create', id });
        refs.map(e.fullUrl, `${e.type}/${id}`);
        if (ifNoneExist) conditionalCreates.set(conditionKey(e.type, ifNoneExist), id);
      } else if (e.method === 'PUT' && e.type) {
        assertType(e.type);
        if (e.id) {
          await guard(e, async () => assertId(e.id as string));
          plans.set(e.index, { kind: 'update', id: e.id });
          refs.map(e.fullUrl, `${e.type}/${e.id}`);
        } else {
          const query = e.query.toString();
          const id = await guard(e, async () => {
            const m = await findSingleMatch(t, e.type as string, query, { lock: true, op: 'u' });
            return m?.id ?? (e.resource?.id as string | undefined) ?? newId();
          });
          plans.set(e.index, { kind: 'update', id });
          refs.map(e.fullUrl, `${e.type}/${id}`);
        }
      }
    }

    // 2. Process the rest in the spec's order.
    for (const e of ordered) if (e.method !== 'DELETE') await run(e);
  }).catch((err: unknown) => {
    throw blameReference(err, entries);
  });
  return { status: 200, headers: {}, body: { resourceType: 'Bundle', type: 'transaction-response', entry: results }, changed: changedBy(entries, results) };
}

async function batch(s: Services, ctx: RequestContext, rawEntries: BundleEntry[], prefer: string | undefined): Promise<FhirResponse> {
  // One database transaction with a savepoint per entry: entries succeed or fail on their own, and the
  // bundle pays one commit instead of one per entry.
  const results = await s.store.transaction(ctx, async (t) => {
    const out: BundleEntry[] = [];
    for (let i = 0; i < rawEntries.length; i++) {
      try {
        out.push(await t.savepoint(() => batchEntry(s, ctx, t, rawEntries[i], i, prefer)));
      } catch (err) {
        if (!(err instanceof FhirError)) throw err;
        out.push({ response: { status: statusLine(err.status), outcome: err.toOutcome(ctx.lang) } });
      }
    }
    return out;
  });
  const entries = rawEntries.map((e) => ({ method: typeof e?.request?.method === 'string' ? e.request.method : '', path: typeof e?.request?.url === 'string' ? e.request.url : '' }));
  return { status: 200, headers: {}, body: { resourceType: 'Bundle', type: 'batch-response', entry: results }, changed: changedBy(entries, results) };
}

/** The resources a bundle's entries changed: each successful write's location, each successful delete's target. */
function changedBy(entries: { method: string; path: string }[], results: BundleEntry[]): { ref: string; deleted: boolean }[] {
  const changed: { ref: string; deleted: boolean }[] = [];
  entries.forEach((e, i) => {
    const r = results[i]?.response;
    if (e.method === 'GET' || e.method === 'HEAD' || !r?.status?.startsWith('2')) return;
    const at = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/|$)/.exec(r.location ?? (e.method === 'DELETE' ? e.path : ''));
    if (at) changed.push({ ref: `${at[1]}/${at[2]}`, deleted: e.method === 'DELETE' && !r.location });
  });
  return changed;
}

async function batchEntry(s: Services, ctx: RequestContext, t: StoreTransaction, raw: BundleEntry, index: number, prefer: string | undefined): Promise<BundleEntry> {
  const e = parseEntry(raw, index, ctx.baseUrl);
  if ((e.method === 'POST' || e.method === 'PUT') && e.type && e.resource) {
    await authorize(s, ctx, toRequest(e, e.resource), t);
    // Conditional references are resolved in batch entries too.
    const resource = await new ReferenceResolver(t, ctx).rewrite(e.resource);
    const ifMatch = e.request.ifMatch ? parseEtag(e.request.ifMatch) : undefined;
    assertType(e.type);
    const body = requireResource(e, resource);
    let res: InteractionResult;
    if (e.method === 'POST') {
      res = await create(t, body, { ifNoneExist: e.request.ifNoneExist?.replace(/^.*\?/, '') });
    } else if (e.id) {
      assertId(e.id);
      if (body.id !== e.id) throw errors.badRequest('idMismatch', String(body.id), e.id);
      res = await update(t, e.type, e.id, body, { ifMatch });
    } else {
      res = await conditionalUpdate(t, e.type, e.query.toString(), body, { ifMatch });
    }
    return writeEntry(ctx, res, prefer);
  }
  const res = await dispatch(s, ctx, toRequest(e, e.method === 'PATCH' ? patchBody(e) : e.resource), t);
  return responseEntry(ctx, res, e.method);
}

/** Resolves fullUrl aliases and conditional references (Type?query) inside resources. */
class ReferenceResolver {
  private readonly aliases = new Map<string, string>();
  private readonly conditional = new Map<string, string>();

  constructor(
    private readonly t: StoreTransaction,
    private readonly ctx: RequestContext,
  ) {}

  map(fullUrl: string | undefined, target: string): void {
    if (!fullUrl) return;
    this.aliases.set(fullUrl, target);
    if (fullUrl.startsWith(this.ctx.baseUrl + '/')) this.aliases.set(fullUrl.slice(this.ctx.baseUrl.length + 1), target);
  }

  async rewrite(resource: Resource | undefined): Promise<Resource | undefined> {
    if (!resource) return resource;
    const found: { holder: Record<string, unknown>; ref: string }[] = [];
    forEachReference(resource, (ref, holder) => found.push({ ref, holder }));
    for (const f of found) {
      const alias = this.aliases.get(f.ref);
      if (alias) f.holder.reference = alias;
      else if (/^[A-Z][A-Za-z]+\?/.test(f.ref)) f.holder.reference = await this.resolveConditional(f.ref);
      // a Bundle written as a resource (a document, a collection) resolves its own urn references among its
      // entries: the validation of the Bundle decides on those, not the transaction
      else if ((f.ref.startsWith('urn:uuid:') || f.ref.startsWith('urn:oid:')) && resource.resourceType !== 'Bundle') throw errors.badRequest('invalidReference', f.ref);
    }
    return resource;
  }

  private async resolveConditional(ref: string): Promise<string> {
    const cached = this.conditional.get(ref);
    if (cached) return cached;
    const [type, query] = [ref.slice(0, ref.indexOf('?')), ref.slice(ref.indexOf('?') + 1)];
    assertType(type);
    const m = await findSingleMatch(this.t, type, query, { lock: false, op: 'r' });
    if (!m) throw new FhirError(404, 'not-found', 'conditionNoMatch', [ref]);
    const target = `${type}/${m.id}`;
    this.conditional.set(ref, target);
    return target;
  }
}

function requireResource(e: Entry, resource: Resource | undefined): Resource {
  if (!resource) throw errors.badRequest('bodyRequired');
  if (resource.resourceType !== e.type) throw errors.badRequest('typeMismatch', String(resource.resourceType), String(e.type));
  return resource;
}

function patchBody(e: Entry): FhirRequest['body'] {
  const r = e.resource as Resource | undefined;
  if (r?.resourceType === 'Binary') {
    const data = (r as { data?: string }).data;
    try {
      return { kind: 'json-patch', ops: JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')) };
    } catch {
      throw errors.badRequest('invalidPatch', 'Binary.data is not a base64 JSON Patch');
    }
  }
  return { kind: 'fhirpath', parameters: r };
}

function toRequest(e: Entry, body: FhirRequest['body']): FhirRequest {
  return {
    method: e.method,
    path: e.path,
    query: e.query,
    headers: { ifMatch: e.request.ifMatch, ifNoneMatch: e.request.ifNoneMatch, ifNoneExist: e.request.ifNoneExist, ifModifiedSince: e.request.ifModifiedSince },
    body,
  };
}

/**
 * Dangling references are found when staged writes are flushed (in bulk, possibly while a later entry runs),
 * so they are named after the entry whose resource holds the reference.
 */
function blameReference(err: unknown, entries: Entry[]): unknown {
  if (!(err instanceof FhirError) || err.key !== 'invalidReference') return err;
  const needle = JSON.stringify({ reference: err.params[0] }).slice(1, -1);
  const e = entries.find((x) => x.resource !== undefined && JSON.stringify(x.resource).includes(needle));
  if (!e) return err;
  return new FhirError(err.status, err.code, 'bundleEntry', [e.index, err.message], err.extraIssues, [`Bundle.entry[${e.index}]`]);
}

/** Runs one entry's step; errors name the entry (and roll the whole transaction back). */
async function guard<T>(e: Entry, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof FhirError && err.key !== 'invalidReference') {
      throw new FhirError(err.status, err.code, 'bundleEntry', [e.index, err.message], err.extraIssues, [`Bundle.entry[${e.index}]`]);
    }
    throw err;
  }
}

function statusLine(status: number): string {
  const text: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 422: 'Unprocessable Entity' };
  return text[status] ? `${status} ${text[status]}` : String(status);
}

/** The response entry of a write, as a transaction or batch answers it (Prefer: return=…). */
export function writeEntry(ctx: RequestContext, r: InteractionResult, prefer: string | undefined): BundleEntry {
  const entry: BundleEntry = {
    response: {
      status: statusLine(r.status),
      ...(r.type && r.id && r.version !== undefined ? { location: `${r.type}/${r.id}/_history/${r.version}` } : {}),
      ...(r.version !== undefined ? { etag: `W/"${r.version}"` } : {}),
      ...(r.lastUpdated ? { lastModified: new Date(r.lastUpdated).toISOString() } : {}),
    },
  };
  if (r.type && r.id) entry.fullUrl = `${ctx.baseUrl}/${r.type}/${r.id}`;
  if (prefer === 'representation' && r.content) entry.resource = JSON.parse(r.content) as Resource;
  if (prefer === 'OperationOutcome' && r.outcome && entry.response) entry.response.outcome = r.outcome;
  return entry;
}

function responseEntry(ctx: RequestContext, res: FhirResponse, method: string): BundleEntry {
  const body = res.body instanceof RawJson ? (JSON.parse(res.body.json) as Resource) : (res.body as Resource | undefined);
  const entry: BundleEntry = {
    response: {
      status: statusLine(res.status),
      ...(res.headers.Location ? { location: res.headers.Location.replace(ctx.baseUrl + '/', '') } : {}),
      ...(res.headers.ETag ? { etag: res.headers.ETag } : {}),
      ...(res.headers['Last-Modified'] ? { lastModified: new Date(res.headers['Last-Modified']).toISOString() } : {}),
    },
  };
  if (body) {
    if (body.resourceType === 'OperationOutcome' && method !== 'GET') (entry.response as { outcome?: Resource }).outcome = body;
    else entry.resource = body;
  }
  return entry;
}

