import { errors } from '../fhir/outcome.js';
import { parseSearch } from '../search/parse.js';
import type { StoreTransaction, StoredResource } from '../store/store.js';

/**
 * Resolves the search in a conditional interaction (If-None-Exist, conditional update/delete/patch,
 * conditional references). Unknown parameters are an error here: ignoring one would widen the match.
 */
export async function findMatches(t: StoreTransaction, type: string, query: string, limit = 2): Promise<StoredResource[]> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const req = parseSearch([type], params, { count: limit, maxCount: limit });
  if (req.unknown.length > 0) throw errors.badRequest('unknownParam', req.unknown[0]);
  if (req.filters.length === 0) throw errors.badRequest('invalidCondition', query);
  const { rows } = await t.search({ ...req, count: limit, total: 'none', include: [], revinclude: [], sort: [], cursor: undefined });
  return rows.map((r) => ({ type: r.type, id: r.id, version: r.version, lastUpdated: r.lastUpdated, deleted: false, content: r.content }));
}

/** Serialises conditional writers of the same condition across processes. */
export async function lockCondition(t: StoreTransaction, type: string, query: string): Promise<void> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  params.sort();
  await t.lock([`cond:${type}?${params.toString()}`]);
}
