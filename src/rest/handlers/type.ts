import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { errors } from '../../fhir/outcome.js';
import { formatMessage } from '../../fhir/messages.js';
import { conditionalPatch, type PatchBody } from '../../interactions/patch.js';
import { assertBody, parseEtag } from '../../interactions/resource.js';
import { conditionalDelete, conditionalUpdate, create } from '../../interactions/write.js';
import { parseQuery } from '../../search/query.js';
import type { StoreTransaction } from '../../store/store.js';
import { renderWrite } from '../render.js';
import { parsePrefer, type FhirRequest, type FhirResponse } from '../request.js';
import { inTransaction, type Services } from '../services.js';
import { parseSummary, subset } from '../subset.js';

/** Type-level interactions: create (plain and conditional), search, conditional update/patch/delete. */

export async function createResource(s: Services, ctx: RequestContext, req: FhirRequest, type: string, t?: StoreTransaction): Promise<FhirResponse> {
  const resource = assertBody(req.body, type);
  const ifNoneExist = req.headers.ifNoneExist?.replace(/^.*\?/, '');
  const result = await inTransaction(s, ctx, t, (tx) => create(tx, resource, { ifNoneExist }));
  return renderWrite(ctx, req, result);
}

export async function conditionalUpdateType(s: Services, ctx: RequestContext, req: FhirRequest, type: string, t?: StoreTransaction): Promise<FhirResponse> {
  const resource = assertBody(req.body, type);
  const ifMatch = req.headers.ifMatch ? parseEtag(req.headers.ifMatch) : undefined;
  const result = await inTransaction(s, ctx, t, (tx) => conditionalUpdate(tx, type, req.query.toString(), resource, { ifMatch }));
  return renderWrite(ctx, req, result);
}

export async function conditionalPatchType(s: Services, ctx: RequestContext, req: FhirRequest, type: string, t?: StoreTransaction): Promise<FhirResponse> {
  if (!req.body) throw errors.badRequest('bodyRequired');
  const ifMatch = req.headers.ifMatch ? parseEtag(req.headers.ifMatch) : undefined;
  const result = await inTransaction(s, ctx, t, (tx) => conditionalPatch(tx, type, req.query.toString(), req.body as PatchBody, { ifMatch }));
  return renderWrite(ctx, req, result);
}

export async function conditionalDeleteType(s: Services, ctx: RequestContext, req: FhirRequest, type: string, t?: StoreTransaction): Promise<FhirResponse> {
  const result = await inTransaction(s, ctx, t, (tx) => conditionalDelete(tx, type, req.query.toString()));
  return renderWrite(ctx, req, result);
}

export async function search(s: Services, ctx: RequestContext, req: FhirRequest, type: string, t?: StoreTransaction): Promise<FhirResponse> {
  const q = req.query;
  const { clauses, unknown } = parseQuery(type, q);
  const handling = parsePrefer(req.headers.prefer).handling;
  if (unknown.length > 0 && handling === 'strict') throw errors.badRequest('unknownParam', unknown[0]);
  const summary = parseSummary(q.get('_summary'));
  const count = summary === 'count' ? 0 : parseCount(q.get('_count'), s.config.defaultPageSize, s.config.maxPageSize);
  const offset = parseNonNegative('_offset', q.get('_offset'));
  const totalMode = q.get('_total') ?? 'accurate';
  if (!['none', 'estimate', 'accurate'].includes(totalMode)) throw errors.badRequest('invalidParam', '_total', totalMode);
  const options = { count: count + (count > 0 ? 1 : 0), offset, total: totalMode !== 'none' || summary === 'count' };
  const { rows, total } = await s.store.search(ctx, type, clauses, options, t);
  const hasNext = rows.length > count;
  const page = rows.slice(0, count);
  const elements = q.get('_elements')?.split(',');

  const self = new URLSearchParams(q);
  const link: Bundle['link'] = [{ relation: 'self', url: `${ctx.baseUrl}/${type}?${self.toString()}` }];
  const pageUrl = (off: number): string => {
    const p = new URLSearchParams(q);
    p.set('_offset', String(off));
    p.set('_count', String(count));
    return `${ctx.baseUrl}/${type}?${p.toString()}`;
  };
  if (count > 0) {
    link.push({ relation: 'first', url: pageUrl(0) });
    if (offset > 0) link.push({ relation: 'previous', url: pageUrl(Math.max(0, offset - count)) });
    if (hasNext) link.push({ relation: 'next', url: pageUrl(offset + count) });
    if (total !== undefined && total > 0) link.push({ relation: 'last', url: pageUrl(Math.floor((total - 1) / count) * count) });
  }
  const entry: BundleEntry[] = page.map((row) => {
    const resource = JSON.parse(row.content as string) as Resource;
    return {
      fullUrl: `${ctx.baseUrl}/${row.type}/${row.id}`,
      resource: subset(resource, summary, elements),
      search: { mode: 'match' },
    };
  });
  if (unknown.length > 0) {
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: unknown.map((u) => ({ severity: 'warning', code: 'not-supported', diagnostics: formatMessage('unknownParam', [u], ctx.lang) })),
    };
    entry.push({ resource: outcome, search: { mode: 'outcome' } });
  }
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', ...(total !== undefined ? { total } : {}), link, entry };
  return { status: 200, headers: {}, body: bundle };
}

export function parseCount(value: string | null, dflt: number, max: number): number {
  if (value === null) return dflt;
  if (!/^\d+$/.test(value)) throw errors.badRequest('invalidParam', '_count', value);
  return Math.min(Number(value), max);
}

function parseNonNegative(name: string, value: string | null): number {
  if (value === null) return 0;
  if (!/^\d{1,9}$/.test(value)) throw errors.badRequest('invalidParam', name, value);
  return Number(value);
}
