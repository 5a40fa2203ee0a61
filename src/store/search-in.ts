import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Services } from '../rest/services.js';
import { parseSearch } from '../search/parse.js';
import type { StoreTransaction } from './store.js';

/** Runs a search inside t (for features that read what a write touches) and returns its resources (at most `max`; the caller bounds its own work). */
export async function searchIn<T extends Resource>(t: StoreTransaction, type: string, query: Record<string, string | string[]>, max: number): Promise<T[]> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  q.set('_count', String(max));
  const result = await t.search(parseSearch([type], q, { count: max, maxCount: max }));
  return result.rows.map((r) => JSON.parse(r.content) as T);
}

/** The same outside a transaction: a search of the store as the requester (access rules apply). */
export async function searchStore<T extends Resource>(s: Services, ctx: RequestContext, type: string, query: [string, string][], max: number): Promise<T[]> {
  const q = new URLSearchParams(query);
  q.set('_count', String(max));
  const r = await s.store.search(ctx, parseSearch([type], q, { count: max, maxCount: max }));
  return r.rows.map((row) => JSON.parse(row.content) as T);
}
