import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { errors } from '../../fhir/outcome.js';
import { parseDateRange } from '../../search/params/date.js';
import type { FhirRequest, FhirResponse } from '../request.js';
import type { Services } from '../services.js';
import type { StoreTransaction } from '../../store/store.js';
import { parseCount } from './type.js';

/**
 * history at instance, type and system level: newest first, with _since, _at, _count, and a cursor
 * (_cursor = history sequence number) so pages stay correct while new versions are written.
 */
export async function history(s: Services, ctx: RequestContext, req: FhirRequest, type?: string, id?: string, t?: StoreTransaction): Promise<FhirResponse> {
  const q = req.query;
  const count = parseCount(q.get('_count'), s.config.defaultPageSize, s.config.maxPageSize);
  const since = instantParam('_since', q.get('_since'));
  const at = instantParam('_at', q.get('_at'), true);
  const cursor = q.get('_cursor');
  if (cursor !== null && !/^\d{1,18}$/.test(cursor)) throw errors.badRequest('invalidHistoryParam', '_cursor', cursor);
  if (type && id) {
    const current = await s.store.read(ctx, type, id, t);
    if (!current) throw errors.notFound('notFound', `${type}/${id}`);
  }
  const entries = await s.store.history(ctx, { type, id, since, at, count: count + 1, before: cursor ?? undefined }, t);
  const page = entries.slice(0, count);
  const path = [type, id, '_history'].filter(Boolean).join('/');
  const link: Bundle['link'] = [{ relation: 'self', url: `${ctx.baseUrl}/${path}${q.size ? '?' + q.toString() : ''}` }];
  if (entries.length > count && page.length > 0) {
    const next = new URLSearchParams(q);
    next.set('_cursor', page[page.length - 1].seq);
    next.set('_count', String(count));
    link.push({ relation: 'next', url: `${ctx.baseUrl}/${path}?${next.toString()}` });
  }
  const entry: BundleEntry[] = page.map((e) => {
    const fullUrl = `${ctx.baseUrl}/${e.type}/${e.id}`;
    const method = e.method === 'DELETE' ? 'DELETE' : e.version === 1 || e.method === 'POST' ? 'POST' : 'PUT';
    return {
      fullUrl,
      ...(e.content ? { resource: JSON.parse(e.content) } : {}),
      request: { method, url: method === 'POST' ? e.type : `${e.type}/${e.id}` },
      response: {
        status: e.method === 'DELETE' ? '204' : method === 'POST' ? '201' : '200',
        etag: `W/"${e.version}"`,
        lastModified: new Date(e.lastUpdated).toISOString(),
      },
    } as BundleEntry;
  });
  // As for search: a total only when it is free (the first page holds every version); counting the whole
  // history on every page would grow with the data.
  const total = cursor === null && entries.length <= count ? page.length : undefined;
  return { status: 200, headers: {}, body: { resourceType: 'Bundle', type: 'history', ...(total !== undefined ? { total } : {}), link, entry } };
}

function instantParam(name: string, value: string | null, upper = false): string | undefined {
  if (value === null) return undefined;
  const r = parseDateRange(value);
  if (!r) throw errors.badRequest('invalidHistoryParam', name, value);
  return upper ? r.hi : r.lo;
}
