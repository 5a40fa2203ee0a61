import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { InteractionResult } from '../interactions/result.js';
import { informational } from '../fhir/outcome.js';
import { parsePrefer, RawJson, type FhirRequest, type FhirResponse } from './request.js';
import { subset, parseSummary } from './subset.js';

/** Headers that describe a version: ETag, Last-Modified and (for writes) Location. */
export function versionHeaders(ctx: RequestContext, r: { type?: string; id?: string; version?: number; lastUpdated?: string }, location: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.version !== undefined) h.ETag = `W/"${r.version}"`;
  if (r.lastUpdated) h['Last-Modified'] = new Date(r.lastUpdated).toUTCString();
  if (location && r.type && r.id && r.version !== undefined) h.Location = `${ctx.baseUrl}/${r.type}/${r.id}/_history/${r.version}`;
  return h;
}

/** Renders a write's result honouring Prefer: return=minimal | representation | OperationOutcome. */
export function renderWrite(ctx: RequestContext, req: FhirRequest, result: InteractionResult): FhirResponse {
  const headers = versionHeaders(ctx, result, result.status === 201 || (result.status === 200 && req.method !== 'DELETE' && result.content != null));
  const prefer = parsePrefer(req.headers.prefer).return;
  if (prefer === 'minimal') return { status: result.status, headers };
  if (prefer === 'OperationOutcome' || !result.content) {
    const outcome = result.outcome ?? informational(result.status === 201 ? 'created' : result.status === 200 && req.method === 'DELETE' ? 'deleted' : 'updated', [`${result.type}/${result.id}`], ctx.lang);
    return { status: result.status, headers, body: outcome };
  }
  return { status: result.status, headers, body: new RawJson(result.content) };
}

/** Renders a stored resource for read/vread, applying _summary and _elements when asked. */
export function renderResource(req: FhirRequest, content: string): FhirResponse['body'] {
  const summary = parseSummary(req.query.get('_summary'));
  const elements = req.query.get('_elements')?.split(',');
  if ((!summary || summary === 'false') && !elements) return new RawJson(content);
  return subset(JSON.parse(content) as Resource, summary, elements);
}
