import type { TypedValue } from '@medplum/core';

/** quantity parameters: system, unit code (or unit text) and the value as an interval. */
export interface QuantityRow {
  system: string | null;
  unit: string | null;
  lo: number | null;
  hi: number | null;
}

export function extractQuantities(values: TypedValue[]): QuantityRow[] {
  const out: QuantityRow[] = [];
  for (const { type, value } of values) {
    if (!value || typeof value !== 'object') continue;
    if (type === 'Range') {
      const q = value.low ?? value.high;
      out.push({ system: q?.system ?? null, unit: q?.code ?? q?.unit ?? null, lo: value.low?.value ?? null, hi: value.high?.value ?? null });
    } else if (typeof value.value === 'number') {
      out.push({ system: value.system ?? null, unit: value.code ?? value.unit ?? null, lo: value.value, hi: value.value });
    }
  }
  return out;
}
