import type { RequestContext } from '../context.js';
import { authorize } from '../features.js';
import { errors, FhirError } from '../fhir/outcome.js';
import { assertId, assertType } from '../interactions/resource.js';
import { invokeOperation } from '../operations/registry.js';
import type { StoreTransaction } from '../store/store.js';
import { processBundle } from './handlers/bundle.js';
import { history } from './handlers/history.js';
import { deleteInstance, patchInstance, read, updateInstance, vread } from './handlers/instance.js';
import { capabilityStatement } from './handlers/metadata.js';
import { search } from './handlers/search.js';
import { conditionalDeleteType, conditionalPatchType, conditionalUpdateType, createResource } from './handlers/type.js';
import type { FhirRequest, FhirResponse } from './request.js';
import type { Services } from './services.js';

/**
 * Routes a FhirRequest to its handler. Used by the HTTP adapter and by the bundle processor (with the
 * bundle's StoreTransaction for transaction entries), so every interaction has one implementation.
 */
export async function dispatch(s: Services, ctx: RequestContext, req: FhirRequest, t?: StoreTransaction): Promise<FhirResponse> {
  await authorize(s, ctx, req, t);
  const parts = req.path.split('/').filter((p) => p.length > 0);
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  const notAllowed = (): FhirError => new FhirError(405, 'not-supported', 'methodNotAllowed', [req.method, '/' + req.path]);

  if (parts.length === 0) {
    if (m === 'POST') {
      if (t) throw errors.badRequest('invalidBundle', 'nested bundles are not processed');
      return processBundle(s, ctx, req);
    }
    if (m === 'GET') return search(s, ctx, req, undefined, t);
    throw notAllowed();
  }
  if (parts[0].startsWith('$') && parts.length === 1) return invokeOperation(s, ctx, req, parts[0], 'system', undefined, undefined, t);
  if (parts[0] === 'metadata' && parts.length === 1) {
    if (m !== 'GET') throw notAllowed();
    return { status: 200, headers: {}, body: capabilityStatement(s, ctx) };
  }
  if (parts[0] === '_search' && parts.length === 1) {
    if (m !== 'POST') throw notAllowed();
    return search(s, ctx, req, undefined, t);
  }
  if (parts[0] === '_history' && parts.length === 1) {
    if (m !== 'GET') throw notAllowed();
    return history(s, ctx, req, undefined, undefined, t);
  }
  const [type, second, third, fourth] = parts;
  if (parts.length > 4) throw new FhirError(404, 'not-found', 'unknownRoute', [req.method, '/' + req.path]);
  assertType(type);

  if (parts.length === 1) {
    switch (m) {
      case 'GET':
        return search(s, ctx, req, type, t);
      case 'POST':
        return createResource(s, ctx, req, type, t);
      case 'PUT':
        return conditionalUpdateType(s, ctx, req, type, t);
      case 'PATCH':
        return conditionalPatchType(s, ctx, req, type, t);
      case 'DELETE':
        return conditionalDeleteType(s, ctx, req, type, t);
    }
  }
  if (second === '_search' && parts.length === 2) {
    if (m !== 'POST') throw notAllowed();
    return search(s, ctx, req, type, t);
  }
  if (second === '_history' && parts.length === 2) {
    if (m !== 'GET') throw notAllowed();
    return history(s, ctx, req, type, undefined, t);
  }
  if (second.startsWith('$') && parts.length === 2) return invokeOperation(s, ctx, req, second, 'type', type, undefined, t);
  const id = second;
  assertId(id);
  if (third?.startsWith('$') && parts.length === 3) return invokeOperation(s, ctx, req, third, 'instance', type, id, t);
  if (parts.length === 2) {
    switch (m) {
      case 'GET':
        return read(s, ctx, req, type, id, t);
      case 'PUT':
        return updateInstance(s, ctx, req, type, id, t);
      case 'PATCH':
        return patchInstance(s, ctx, req, type, id, t);
      case 'DELETE':
        return deleteInstance(s, ctx, req, type, id, t);
      default:
        throw notAllowed();
    }
  }
  if (third === '_history') {
    if (m !== 'GET') throw notAllowed();
    if (fourth === undefined) return history(s, ctx, req, type, id, t);
    return vread(s, ctx, req, type, id, fourth, t);
  }
  throw new FhirError(404, 'not-found', 'unknownRoute', [req.method, '/' + req.path]);
}
