import type { Resource } from '@medplum/fhirtypes';
import { errors, informational } from '../fhir/outcome.js';
import type { StoreTransaction } from '../store/store.js';
import { existingResult, findSingleMatch } from './conditional.js';
import { newId, sameContent, stamp, validate } from './resource.js';
import type { InteractionResult } from './result.js';

/**
 * The write interactions: create, update, delete and their conditional forms. Each runs inside a
 * StoreTransaction, so a single request and a transaction bundle share exactly the same rules.
 */

/**
 * `prevalidated`: the caller has just run `validate()` on this very content, with the same or more profiles (a
 * feature that checks what it received before it writes anything), so it is not validated a second time.
 */
export async function create(t: StoreTransaction, resource: Resource, opts: { ifNoneExist?: string; id?: string; prevalidated?: boolean } = {}): Promise<InteractionResult> {
  const type = resource.resourceType;
  if (opts.ifNoneExist) {
    const m = await findSingleMatch(t, type, opts.ifNoneExist, { lock: true, op: 'c' });
    if (m) return existingResult(m);
  }
  const id = opts.id ?? newId();
  const lastUpdated = new Date().toISOString();
  const stored = stamp(resource, id, 1, lastUpdated);
  if (!opts.prevalidated) await validate(stored, t.ctx, t);
  const content = JSON.stringify(stored);
  t.stage({ type, id, version: 1, lastUpdated, method: 'POST', resource: stored, content, isNew: true });
  return { status: 201, type, id, version: 1, lastUpdated, content };
}

export async function update(
  t: StoreTransaction,
  type: string,
  id: string,
  resource: Resource,
  /** storeCopy: the server itself stores a copy of a read-only package resource at its id (the copy wins from then on). */
  opts: { ifMatch?: number; ifNoneMatch?: '*' | number[]; method?: 'PUT' | 'PATCH'; storeCopy?: boolean } = {},
): Promise<InteractionResult> {
  await t.lock([`${type}/${id}`]);
  const existing = await t.read(type, id);
  if (!opts.storeCopy) t.refuseReadOnly(opts.method ?? 'PUT', type, id, existing);
  const live = existing && !existing.deleted ? existing : undefined;
  if (opts.ifMatch !== undefined && (!live || live.version !== opts.ifMatch)) {
    throw errors.preconditionFailed('versionConflict', `${type}/${id}`, live?.version ?? 0, opts.ifMatch);
  }
  // If-None-Match (RFC 9110 §13.1.2): `*` fails when the resource exists, a list of versions when the current one is listed.
  if (live && opts.ifNoneMatch !== undefined && (opts.ifNoneMatch === '*' || opts.ifNoneMatch.includes(live.version))) {
    throw errors.preconditionFailed('resourceExists', `${type}/${id}`);
  }
  const version = (existing?.version ?? 0) + 1;
  const lastUpdated = new Date().toISOString();
  const stored = stamp(resource, id, version, lastUpdated);
  if (live?.content && sameContent(stored, JSON.parse(live.content) as Resource)) {
    // Nothing changed: no new version (HAPI does the same).
    return { status: 200, type, id, version: live.version, lastUpdated: live.lastUpdated, content: live.content };
  }
  await validate(stored, t.ctx, t);
  const content = JSON.stringify(stored);
  t.stage({ type, id, version, lastUpdated, method: opts.method ?? 'PUT', resource: stored, content, isNew: !existing, previousVersion: existing?.version });
  return { status: live ? 200 : 201, type, id, version, lastUpdated, content };
}

export async function conditionalUpdate(
  t: StoreTransaction,
  type: string,
  query: string,
  resource: Resource,
  opts: { ifMatch?: number } = {},
): Promise<InteractionResult> {
  const m = await findSingleMatch(t, type, query, { lock: true, op: 'u' });
  if (m) {
    const id = m.id;
    if (resource.id !== undefined && resource.id !== id) throw errors.badRequest('idMismatch', resource.id, id);
    return update(t, type, id, { ...resource, id }, opts);
  }
  if (resource.id !== undefined) return update(t, type, resource.id, resource, opts);
  return create(t, resource);
}

export async function remove(t: StoreTransaction, type: string, id: string, opts: { ifMatch?: number } = {}): Promise<InteractionResult> {
  await t.lock([`${type}/${id}`]);
  const existing = await t.read(type, id);
  t.refuseReadOnly('DELETE', type, id, existing);
  if (!existing) throw errors.notFound('notFound', `${type}/${id}`);
  if (opts.ifMatch !== undefined && (existing.deleted || existing.version !== opts.ifMatch)) {
    throw errors.preconditionFailed('versionConflict', `${type}/${id}`, existing.version, opts.ifMatch);
  }
  if (existing.deleted) return { status: 200, type, id, version: existing.version, outcome: informational('deleted', [`${type}/${id}`], t.ctx.lang) };
  const version = existing.version + 1;
  const lastUpdated = new Date().toISOString();
  t.stage({ type, id, version, lastUpdated, method: 'DELETE', content: null, isNew: false, previousVersion: existing.version });
  return { status: 200, type, id, version, lastUpdated, outcome: informational('deleted', [`${type}/${id}`], t.ctx.lang) };
}

export async function conditionalDelete(t: StoreTransaction, type: string, query: string): Promise<InteractionResult> {
  const m = await findSingleMatch(t, type, query, { lock: true, op: 'd' });
  if (!m) return { status: 200, type, outcome: informational('nothingToDelete', [], t.ctx.lang) };
  return remove(t, type, m.id);
}
