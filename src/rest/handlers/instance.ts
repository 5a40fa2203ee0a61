import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { errors } from '../../fhir/outcome.js';
import { patch, type PatchBody } from '../../interactions/patch.js';
import { assertBody, parseEtag, parseIfNoneMatch } from '../../interactions/resource.js';
import { remove, update } from '../../interactions/write.js';
import type { StoreTransaction } from '../../store/store.js';
import { renderResource, renderWrite, versionHeaders } from '../render.js';
import type { FhirRequest, FhirResponse } from '../request.js';
import { inTransaction, type Services } from '../services.js';

/** Instance-level interactions: read, vread, update, patch, delete. */

export async function read(s: Services, ctx: RequestContext, req: FhirRequest, type: string, id: string, t?: StoreTransaction): Promise<FhirResponse> {
  const row = await s.store.read(ctx, type, id, t);
  if (!row) throw errors.notFound('notFound', `${type}/${id}`);
  if (row.deleted || !row.content) throw errors.gone(`${type}/${id}`);
  const headers = versionHeaders(ctx, row, false);
  if (req.headers.ifNoneMatch && etagMatches(req.headers.ifNoneMatch, row.version)) return { status: 304, headers };
  if (req.headers.ifModifiedSince) {
    const since = Date.parse(req.headers.ifModifiedSince);
    // HTTP dates have second precision
    if (!Number.isNaN(since) && Math.floor(Date.parse(row.lastUpdated) / 1000) * 1000 <= since) return { status: 304, headers };
  }
  return { status: 200, headers, body: renderResource(req, row.content) };
}

export async function vread(s: Services, ctx: RequestContext, req: FhirRequest, type: string, id: string, vid: string, t?: StoreTransaction): Promise<FhirResponse> {
  if (!/^\d{1,15}$/.test(vid)) throw errors.notFound('versionNotFound', `${type}/${id}`, vid);
  const row = await s.store.vread(ctx, type, id, Number(vid), t);
  if (!row) {
    const current = await s.store.read(ctx, type, id, t);
    throw current ? errors.notFound('versionNotFound', `${type}/${id}`, vid) : errors.notFound('notFound', `${type}/${id}`);
  }
  if (row.deleted || !row.content) throw errors.gone(`${type}/${id}/_history/${vid}`);
  return { status: 200, headers: versionHeaders(ctx, row, false), body: renderResource(req, row.content) };
}

export async function updateInstance(s: Services, ctx: RequestContext, req: FhirRequest, type: string, id: string, t?: StoreTransaction): Promise<FhirResponse> {
  const resource = assertBody(req.body, type, id) as Resource;
  const ifMatch = req.headers.ifMatch ? parseEtag(req.headers.ifMatch) : undefined;
  const ifNoneMatch = req.headers.ifNoneMatch ? parseIfNoneMatch(req.headers.ifNoneMatch) : undefined;
  const result = await inTransaction(s, ctx, t, (tx) => update(tx, type, id, resource, { ifMatch, ifNoneMatch }));
  return renderWrite(ctx, req, result);
}

export async function patchInstance(s: Services, ctx: RequestContext, req: FhirRequest, type: string, id: string, t?: StoreTransaction): Promise<FhirResponse> {
  if (!req.body) throw errors.badRequest('bodyRequired');
  const ifMatch = req.headers.ifMatch ? parseEtag(req.headers.ifMatch) : undefined;
  const result = await inTransaction(s, ctx, t, (tx) => patch(tx, type, id, req.body as PatchBody, { ifMatch }));
  return renderWrite(ctx, req, result);
}

export async function deleteInstance(s: Services, ctx: RequestContext, req: FhirRequest, type: string, id: string, t?: StoreTransaction): Promise<FhirResponse> {
  const ifMatch = req.headers.ifMatch ? parseEtag(req.headers.ifMatch) : undefined;
  const result = await inTransaction(s, ctx, t, (tx) => remove(tx, type, id, { ifMatch }));
  return renderWrite(ctx, req, result);
}

function etagMatches(header: string, version: number): boolean {
  return header
    .split(',')
    .map((e) => e.trim())
    .some((e) => e === '*' || e.replace(/^W\//, '').replace(/"/g, '') === String(version));
}
