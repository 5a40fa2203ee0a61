import type { Queryable } from '../db/database.js';
import { FhirError } from '../fhir/outcome.js';
import { decodeCursor } from '../search/cursor.js';
import type { SearchResult } from '../search/engine.js';
import type { SearchRequest } from '../search/parse.js';
import type { SearchRow } from '../search/rows.js';
import type { StoredResource } from './types.js';

/**
 * Read-only resources served beside the stored ones: the conformance resources of the FHIR packages the
 * server loaded (the conformance feature sets them with ResourceStore.setReadOnly). They answer read, vread
 * (version 1), instance history and search like stored resources; writes to them are refused (405).
 *
 * Precedence: a live stored resource with the same type and id is the one read (a deleted one lets the package
 * resource show again). The source leaves out of its search answers the package resources that a stored
 * resource shadows (same canonical `url` and `version`), which is the one terminology and validation use.
 */
export interface ReadOnlyResources {
  /** True when it holds resources of this type. */
  holds(type: string): boolean;
  /** A resource by id, as version 1 (content: its JSON with meta.versionId, lastUpdated, source). */
  read(type: string, id: string): StoredResource | undefined;
  /** The package a resource comes from (for messages). */
  origin(type: string, id: string): string | undefined;
  /**
   * Every match of req's filters among the types it holds, in served order (req.sort, else by type and id),
   * without those a stored resource shadows (looked up in q). `unsupported`: a filter that cannot be tested in
   * memory, when the matches were left out because of it.
   */
  search(q: Queryable, req: SearchRequest): Promise<{ rows: { type: string; id: string }[]; unsupported?: string }>;
}

/** The 405 for a write to a package resource. */
export function readOnlyError(source: ReadOnlyResources, method: string, type: string, id: string): FhirError {
  return new FhirError(405, 'not-supported', 'readOnlyResource', [method, `${type}/${id}`, source.origin(type, id) ?? '']);
}

/** Package-page cursors: `ro.n.<offset>` (a page from the offset on), `ro.b.<end>` (the page that ends there). */
const RO = /^ro\.([nb])\.(\d{1,9})$/;

/**
 * One search over the stored resources (run by `stored`, with access rules, on one connection) and the
 * read-only ones: the read-only matches come first (their own order), then the stored ones (the engine's
 * order and keyset paging). A page may hold the end of one and the start of the other; links carry either a
 * read-only position (ro.*) or the engine's cursor. The total is the sum of both counts (always given unless
 * `_total=none`: the read-only count is free and the stored one is small for these types).
 */
export async function searchWithReadOnly(
  source: ReadOnlyResources,
  q: Queryable,
  req: SearchRequest,
  restricted: SearchRequest,
  stored: (r: SearchRequest) => Promise<SearchResult>,
): Promise<SearchResult & { unsupported?: string }> {
  const pkg = await source.search(q, restricted);
  const np = pkg.rows.length;
  const rowsOf = (from: number, to: number): SearchRow[] =>
    pkg.rows.slice(from, to).map(({ type, id }) => {
      const r = source.read(type, id) as StoredResource;
      return { type, id, pid: '0', version: r.version, lastUpdated: r.lastUpdated, content: r.content as string };
    });
  const storedCount = async (): Promise<number | undefined> =>
    req.total === 'none' ? undefined : ((await stored({ ...req, count: 0, cursor: undefined, include: [], revinclude: [], total: 'accurate' })).total ?? 0);
  const withTotal = async (r: SearchResult, known?: number): Promise<SearchResult & { unsupported?: string }> => {
    const s = known ?? (await storedCount());
    return { ...r, total: s === undefined ? undefined : s + np, ...(pkg.unsupported ? { unsupported: pkg.unsupported } : {}) };
  };
  const count = req.count;
  if (count === 0) return withTotal({ rows: [], included: [] });

  const ro = req.cursor ? RO.exec(req.cursor) : null;
  if (!req.cursor || ro) {
    // A page that starts (n) or ends (b) inside the read-only matches, filled from the first stored ones.
    const [start, end] = !ro ? [0, Math.min(count, np)] : ro[1] === 'n' ? [Math.min(Number(ro[2]), np), Math.min(Number(ro[2]) + count, np)] : [Math.max(0, Math.min(Number(ro[2]), np) - count), Math.min(Number(ro[2]), np)];
    const rows = rowsOf(start, end);
    const fill = count - rows.length;
    const filling = ro?.[1] === 'b' ? 0 : fill;
    const first = await stored({ ...req, cursor: undefined, count: Math.max(filling, 1), total: 'none', ...(filling ? {} : { include: [], revinclude: [] }) });
    const result: SearchResult = { rows, included: [], last: first.last };
    if (filling > 0) {
      result.rows = [...rows, ...first.rows];
      result.included = first.included;
      if (first.includeLimited !== undefined) result.includeLimited = first.includeLimited;
      if (first.next) result.next = first.next;
    } else if (end < np || first.rows.length > 0) {
      result.next = `ro.n.${end}`;
    }
    if (start > 0) result.previous = `ro.b.${start}`;
    return withTotal(result);
  }
  // A stored page: going back past the first stored resource ends in the read-only ones.
  const cursor = decodeCursor(req.cursor);
  const result: SearchResult = await stored({ ...req, total: 'none' });
  if (cursor.d !== 'n' && !result.previous) {
    const k = Math.min(count - result.rows.length, np);
    result.rows = [...rowsOf(np - k, np), ...result.rows];
    if (np - k > 0) result.previous = `ro.b.${np - k}`;
  }
  return withTotal(result);
}
