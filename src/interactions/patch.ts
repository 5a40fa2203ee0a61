import { fhirpathPatchTypedValue, parseFhirPathPatchParameters, toTypedValue } from '@medplum/core';
import type { Parameters, Resource } from '@medplum/fhirtypes';
import fastJsonPatch from 'fast-json-patch';
import { errors, FhirError } from '../fhir/outcome.js';
import type { StoreTransaction } from '../store/store.js';
import { findSingleMatch } from './conditional.js';
import type { InteractionResult } from './result.js';
import { update } from './write.js';

/**
 * patch: JSON Patch (application/json-patch+json, an array of operations) or FHIRPath Patch (a Parameters
 * resource). The patched resource goes through the same path as an update (validation, versioning, If-Match).
 */
export type PatchBody = { kind: 'json-patch'; ops: unknown } | { kind: 'fhirpath'; parameters: unknown };

export async function patch(t: StoreTransaction, type: string, id: string, body: PatchBody, opts: { ifMatch?: number } = {}): Promise<InteractionResult> {
  await t.lock([`${type}/${id}`]);
  const existing = await t.read(type, id);
  t.refuseReadOnly('PATCH', type, id, existing);
  if (!existing) throw errors.notFound('notFound', `${type}/${id}`);
  if (existing.deleted || !existing.content) throw errors.gone(`${type}/${id}`);
  const patched = applyPatchBody(JSON.parse(existing.content) as Resource, body);
  if (patched.resourceType !== type) throw errors.badRequest('invalidPatch', 'resourceType cannot change');
  if (patched.id !== id) throw errors.badRequest('invalidPatch', 'id cannot change');
  return update(t, type, id, patched, { ...opts, method: 'PATCH' });
}

export async function conditionalPatch(t: StoreTransaction, type: string, query: string, body: PatchBody, opts: { ifMatch?: number } = {}): Promise<InteractionResult> {
  const m = await findSingleMatch(t, type, query, { lock: true, op: 'u' });
  if (!m) throw errors.notFound('notFound', `${type}?${query}`);
  return patch(t, type, m.id, body, opts);
}

function applyPatchBody(resource: Resource, body: PatchBody): Resource {
  if (body.kind === 'json-patch') {
    if (!Array.isArray(body.ops)) throw errors.badRequest('invalidPatch', 'a JSON Patch document is an array of operations');
    let invalid: fastJsonPatch.JsonPatchError | undefined;
    try {
      invalid = fastJsonPatch.validate(body.ops as fastJsonPatch.Operation[], resource);
    } catch (err) {
      throw errors.badRequest('invalidPatch', (err as Error).message.split('\n')[0]); // e.g. a path through __proto__
    }
    if (invalid) {
      if (invalid.name === 'TEST_OPERATION_FAILED') throw new FhirError(412, 'conflict', 'patchTestFailed', [invalid.message.split('\n')[0]]);
      throw errors.badRequest('invalidPatch', invalid.message.split('\n')[0]);
    }
    try {
      return fastJsonPatch.applyPatch(resource, body.ops as fastJsonPatch.Operation[], false, false, true).newDocument;
    } catch (err) {
      throw errors.badRequest('invalidPatch', (err as Error).message.split('\n')[0]);
    }
  }
  const params = body.parameters as Parameters;
  if (!params || params.resourceType !== 'Parameters') throw errors.badRequest('invalidPatch', 'FHIRPath Patch needs a Parameters resource');
  try {
    const ops = parseFhirPathPatchParameters(params);
    const typed = toTypedValue(resource);
    fhirpathPatchTypedValue(typed, ops);
    return typed.value as Resource;
  } catch (err) {
    throw errors.badRequest('invalidPatch', (err as Error).message);
  }
}
