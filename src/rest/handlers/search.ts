import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { getResourceTypes, isResourceType } from '../../fhir/definitions.js';
import { formatMessage } from '../../fhir/messages.js';
import { errors } from '../../fhir/outcome.js';
import { parseSearch } from '../../search/parse.js';
import type { StoreTransaction } from '../../store/store.js';
import { searchLimits } from '../input.js';
import { parsePrefer, RawJson, type FhirRequest, type FhirResponse } from '../request.js';
import type { Services } from '../services.js';
import { parseSummary, subset } from '../subset.js';

/**
 * search-type (GET /Type?…, POST /Type/_search) and search-system (GET /?_type=…): a searchset Bundle with
 * matches, included resources (search.mode include), a warning entry for ignored parameters, the total and
 * self/first/previous/next/last links. Page links carry a keyset _cursor (see search/engine.ts).
 */
export async function search(s: Services, ctx: RequestContext, req: FhirRequest, type: string | undefined, t?: StoreTransaction): Promise<FhirResponse> {
  const q = req.query;
  let types: string[];
  if (type) types = [type];
  else {
    const listed = (q.getAll('_type').join(',') || '').split(',').filter(Boolean);
    for (const t2 of listed) if (!isResourceType(t2)) throw errors.badRequest('unknownType', t2);
    types = listed.length ? listed : getResourceTypes();
  }
  const summary = parseSummary(q.get('_summary'));
  const request = parseSearch(types, q, { count: s.config.defaultPageSize, maxCount: s.config.maxPageSize, limits: searchLimits() });
  if (summary === 'count') request.count = 0;
  if (request.unknown.length > 0 && parsePrefer(req.headers.prefer).handling === 'strict') throw errors.badRequest('unknownParam', request.unknown[0]);

  const result = await s.store.search(ctx, request, t);
  const elements = q.get('_elements')?.split(',');
  const path = type ? `${ctx.baseUrl}/${type}` : ctx.baseUrl;
  const link = (cursor?: string): string => {
    const p = new URLSearchParams(q);
    p.delete('_cursor');
    for (const u of request.unknown) p.delete(u);
    if (cursor) p.set('_cursor', cursor);
    return `${path}?${p.toString()}`;
  };
  const links: Bundle['link'] = [{ relation: 'self', url: link(request.cursor) }];
  if (request.count > 0) {
    links.push({ relation: 'first', url: link() });
    if (result.previous) links.push({ relation: 'previous', url: link(result.previous) });
    if (result.next) links.push({ relation: 'next', url: link(result.next) });
    if (result.last) links.push({ relation: 'last', url: link(result.last) });
  }
  const extra: BundleEntry[] = [];
  const warnings: OperationOutcomeIssue[] = request.unknown.map((u) => ({ severity: 'warning', code: 'not-supported', diagnostics: formatMessage('unknownParam', [u], ctx.lang) }));
  if (result.includeLimited !== undefined) {
    warnings.push({ severity: 'warning', code: 'too-costly', diagnostics: formatMessage('tooManyIncluded', [result.includeLimited, 'SEARCH_MAX_INCLUDED'], ctx.lang) });
  }
  if (result.unsupported !== undefined) {
    warnings.push({ severity: 'warning', code: 'not-supported', diagnostics: formatMessage('packageSearchUnsupported', [result.unsupported], ctx.lang) });
  }
  if (warnings.length > 0) extra.push({ resource: { resourceType: 'OperationOutcome', issue: warnings } satisfies OperationOutcome, search: { mode: 'outcome' } });
  const head: Bundle = { resourceType: 'Bundle', type: 'searchset', ...(result.total !== undefined ? { total: result.total } : {}), link: links };
  const subsetting = (summary && summary !== 'false') || elements;
  // Stored JSON is spliced into the Bundle as it is, unless _summary/_elements need the parsed resource.
  const entryJson = (row: { type: string; id: string; content: string }, mode: 'match' | 'include'): string => {
    const resource = subsetting ? JSON.stringify(subset(JSON.parse(row.content) as Resource, summary, elements)) : row.content;
    return `{"fullUrl":${JSON.stringify(`${ctx.baseUrl}/${row.type}/${row.id}`)},"resource":${resource},"search":{"mode":"${mode}"}}`;
  };
  const entries = [
    ...result.rows.map((row) => entryJson(row, 'match')),
    ...result.included.map((row) => entryJson(row, 'include')),
    ...extra.map((e) => JSON.stringify(e)),
  ];
  return { status: 200, headers: {}, body: new RawJson(`${JSON.stringify(head).slice(0, -1)},"entry":[${entries.join(',')}]}`) };
}
