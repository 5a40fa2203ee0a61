import type { TypedValue } from '@medplum/core';

/** number parameters: the value (or Range) as an interval [lo, hi]; null means unbounded. */
export interface NumberRow {
  lo: number | null;
  hi: number | null;
}

export function extractNumbers(values: TypedValue[]): NumberRow[] {
  const out: NumberRow[] = [];
  for (const { type, value } of values) {
    if (typeof value === 'number') out.push({ lo: value, hi: value });
    else if (type === 'Range' && value) out.push({ lo: value.low?.value ?? null, hi: value.high?.value ?? null });
    else if (type === 'Quantity' && typeof value?.value === 'number') out.push({ lo: value.value, hi: value.value });
  }
  return out;
}
