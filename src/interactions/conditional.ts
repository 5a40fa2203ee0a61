import { errors } from '../fhir/outcome.js';
import { parseQuery, searchLimits } from '../rest/input.js';
import { parseSearch } from '../search/parse.js';
import type { AccessOp, StoreTransaction, StoredResource } from '../store/store.js';
import type { InteractionResult } from './result.js';

/**
 * The search of a conditional interaction (If-None-Exist, conditional update/delete/patch, conditional
 * references). Unknown parameters are an error here: ignoring one would widen the match.
 */

/** The normal form of a condition: its parameters sorted, so equal conditions compare (and lock) equal. */
export function conditionKey(type: string, query: string): string {
  const params = parseQuery(query.startsWith('?') ? query.slice(1) : query);
  params.sort();
  return `${type}?${params.toString()}`;
}

/**
 * The single resource a condition matches, or undefined; 412 when it matches several. With `lock`, the
 * condition is first locked (transaction-scoped advisory lock), so conditional writers of the same
 * condition serialise across processes.
 */
export async function findSingleMatch(t: StoreTransaction, type: string, query: string, opts: { lock: boolean; op: AccessOp }): Promise<StoredResource | undefined> {
  if (opts.lock) await t.lock([`cond:${conditionKey(type, query)}`]);
  const params = parseQuery(query.startsWith('?') ? query.slice(1) : query);
  const req = parseSearch([type], params, { count: 2, maxCount: 2, limits: searchLimits() });
  if (req.unknown.length > 0) throw errors.badRequest('unknownParam', req.unknown[0]);
  if (req.filters.length === 0) throw errors.badRequest('invalidCondition', query);
  // Only resources the requester may `op` are considered (as if the others did not exist).
  const { rows } = await t.search({ ...req, count: 2, total: 'none', include: [], revinclude: [], sort: [], cursor: undefined }, opts.op);
  if (rows.length > 1) throw errors.preconditionFailed('multipleMatches', query, rows.length);
  const r = rows[0];
  return r && { type: r.type, id: r.id, version: r.version, lastUpdated: r.lastUpdated, deleted: false, content: r.content };
}

/** The answer to a conditional create that found its resource: 200 with the existing version. */
export function existingResult(m: StoredResource): InteractionResult {
  return { status: 200, type: m.type, id: m.id, version: m.version, lastUpdated: m.lastUpdated, content: m.content };
}
