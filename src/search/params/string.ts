import type { TypedValue } from '@medplum/core';

/** string parameters: each part of a name or address is its own row, normalised for case and accents. */
export interface StringRow {
  norm: string;
  value: string;
}

/** Lower case without diacritics: "Asunción" and "ASUNCION" search the same. */
export function normalizeString(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const NAME_PARTS = ['text', 'family', 'given', 'prefix', 'suffix'];
const ADDRESS_PARTS = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'];

export function extractStrings(values: TypedValue[]): StringRow[] {
  const out: StringRow[] = [];
  const push = (v: unknown): void => {
    if (typeof v === 'string' && v.length > 0) out.push({ norm: normalizeString(v), value: v });
  };
  for (const { type, value } of values) {
    if (value === undefined || value === null) continue;
    if (type === 'HumanName' || type === 'Address') {
      for (const part of type === 'HumanName' ? NAME_PARTS : ADDRESS_PARTS) {
        const v = value[part];
        if (Array.isArray(v)) v.forEach(push);
        else push(v);
      }
    } else if (typeof value === 'string') {
      push(value);
    } else if (type === 'Annotation') {
      push(value.text);
    }
  }
  return out;
}
