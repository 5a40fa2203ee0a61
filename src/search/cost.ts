import type { Filter, SearchRequest } from './parse.js';

/** Most value tests in all (OR-values of every parameter) that a search may have and still count as light. */
export const LIGHT_VALUE_TESTS = 8;
const COSTLY_MODIFIERS = new Set(['contains', 'text', 'missing', 'not', 'above', 'below']);

/**
 * Whether a search may hold the database for long, so that its statements take the costly lane
 * (Database.costly: on embedded PGlite, one costly statement at a time, and every other statement passes the
 * ones waiting): more than LIGHT_VALUE_TESTS value tests in all, a chain or `_has`, a text or negated test
 * (`:contains`, `:text`, `:missing`, `:not`, `:above`, `:below`, `_text`, `_content`), or `_total=accurate`.
 * `_id` with several values counts as one test. A light search — a few plain tests on indexed values, a read
 * by `_id` — waits behind at most one costly one.
 */
export function isCostlySearch(req: SearchRequest): boolean {
  if (req.total === 'accurate') return true;
  let tests = 0;
  const visit = (f: Filter): boolean => {
    switch (f.kind) {
      case 'leaf':
        // `_id` values are one primary-key lookup together (res_id = ANY): light however many (up to the
        // SEARCH_MAX_VALUES limit), as a read of that many resources by id.
        tests += f.code === '_id' && !f.modifier ? 1 : f.values.length;
        return (f.modifier !== undefined && COSTLY_MODIFIERS.has(f.modifier)) || f.code === '_text' || f.code === '_content';
      case 'chain':
      case 'has':
        return true;
      default:
        return f.filters.some(visit);
    }
  };
  return req.filters.some(visit) || tests > LIGHT_VALUE_TESTS;
}
