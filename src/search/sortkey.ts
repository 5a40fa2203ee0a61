/**
 * Sort keys: every string, date, number and quantity parameter of a resource gets one row in sp_sort with the
 * smallest (lo, used for ascending sorts) and largest (hi, descending) of its values, as text that sorts in
 * value order, so `_sort` can walk an index and page with a keyset cursor.
 *
 * Tokens, references and URIs are sorted on rarely, yet they are most of a resource's sortable values (status,
 * codes, subject, profile): their keys are not written but read from their own index tables when a search
 * sorts on them (sortKeyFromIndex), which makes every write lighter by a row and three index entries each.
 */

/** Parameter types whose sort keys are kept in sp_sort. */
export const SORT_ROW_TYPES = new Set(['string', 'date', 'number', 'quantity']);

/**
 * A parameter type whose sort keys are read from its index table: the table, and the SQL of a row's key (the
 * row is `x`), the same text a sort row would hold (a token's code, a reference's `Type/id` or URL, a URI).
 */
export function sortKeyFromIndex(type: string): { table: string; key: string } | undefined {
  switch (type) {
    case 'token':
      return { table: 'sp_token', key: 'x.value' };
    case 'uri':
      return { table: 'sp_uri', key: 'x.value' };
    case 'reference':
      return { table: 'sp_reference', key: "COALESCE(x.target_type || '/' || x.target_id, x.target_url)" };
    default:
      return undefined;
  }
}

/** An order-preserving text encoding of a double: bytes of the IEEE 754 value, sign-adjusted, as hex. */
export function encodeNumber(n: number): string {
  const buf = Buffer.alloc(8);
  buf.writeDoubleBE(n === 0 ? 0 : n); // -0 → 0
  if (buf[0] & 0x80) {
    for (let i = 0; i < 8; i++) buf[i] = ~buf[i] & 0xff;
  } else {
    buf[0] |= 0x80;
  }
  return buf.toString('hex');
}

export class SortKeys {
  private readonly keys = new Map<string, { lo: string; hi: string }>();

  add(code: string, lo: string | null | undefined, hi: string | null | undefined = lo): void {
    if (lo === null || lo === undefined || hi === null || hi === undefined) return;
    const k = this.keys.get(code);
    if (!k) this.keys.set(code, { lo, hi });
    else {
      if (lo < k.lo) k.lo = lo;
      if (hi > k.hi) k.hi = hi;
    }
  }

  entries(): [string, { lo: string; hi: string }][] {
    return [...this.keys.entries()];
  }
}
