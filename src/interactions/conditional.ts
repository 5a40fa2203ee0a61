import { errors } from '../fhir/outcome.js';
import { parseQuery } from '../search/query.js';
import type { StoreTransaction, StoredResource } from '../store/store.js';

/**
 * Resolves the search in a conditional interaction (If-None-Exist, conditional update/delete/patch,
 * conditional references). Unknown parameters are an error here: ignoring one would widen the match.
 */
export async function findMatches(t: StoreTransaction, type: string, query: string, limit = 2): Promise<StoredResource[]> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const { clauses, unknown } = parseQuery(type, params);
  if (unknown.length > 0) throw errors.badRequest('unknownParam', unknown[0]);
  if (clauses.length === 0) throw errors.badRequest('invalidCondition', query);
  const { rows } = await t.search(type, clauses, { count: limit, offset: 0, total: false });
  return rows;
}

/** Serialises conditional writers of the same condition across processes. */
export async function lockCondition(t: StoreTransaction, type: string, query: string): Promise<void> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  params.sort();
  await t.lock([`cond:${type}?${params.toString()}`]);
}
