import { errors } from '../fhir/outcome.js';

/**
 * A keyset paging position: the sort-key values and pid of the row a page continues from, with the
 * direction (n: rows after it, p: rows before it, l: the last page) and the phase (0: rows with a value for
 * the first sort key, 1: rows without). Encoded as base64url JSON in the _cursor parameter of page links.
 */
export interface Cursor {
  d: 'n' | 'p' | 'l';
  p: 0 | 1;
  k: (string | null)[];
  pid: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (!['n', 'p', 'l'].includes(c.d) || (c.p !== 0 && c.p !== 1) || !Array.isArray(c.k) || !/^\d+$/.test(c.pid)) throw new Error('bad');
    return c;
  } catch {
    throw errors.badRequest('invalidParam', '_cursor', text);
  }
}
