import type { RequestContext } from '../../context.js';
import { errors } from '../../fhir/outcome.js';
import { conditionalPatch, type PatchBody } from '../../interactions/patch.js';
import { assertBody, parseEtag } from '../../interactions/resource.js';
import { conditionalDelete, conditionalUpdate, create } from '../../interactions/write.js';
import type { StoreTransaction } from '../../store/store.js';
import { renderWrite } from '../render.js';
import type { FhirRequest, FhirResponse } from '../request.js';
import { inTransaction, type Services } from '../services.js';

/** Type-level interactions: create (plain and conditional), conditional update/patch/delete. */

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

export function parseCount(value: string | null, dflt: number, max: number): number {
  if (value === null) return dflt;
  if (!/^\d+$/.test(value)) throw errors.badRequest('invalidParam', '_count', value);
  return Math.min(Number(value), max);
}
