/**
 * Sort keys: every sortable parameter of a resource gets one row in sp_sort with the smallest (lo, used for
 * ascending sorts) and largest (hi, descending) of its values, as text that sorts in value order, so
 * `_sort` can walk an index and page with a keyset cursor.
 */

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
