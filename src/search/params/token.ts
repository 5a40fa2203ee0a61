import type { TypedValue } from '@medplum/core';

/** token parameters: one row per (system, code) pair a value carries; display holds text for :text. */
export interface TokenRow {
  system: string | null;
  value: string | null;
  display: string | null;
}

export function extractTokens(values: TypedValue[]): TokenRow[] {
  const out: TokenRow[] = [];
  const push = (system: unknown, value: unknown, display: unknown): void => {
    out.push({
      system: typeof system === 'string' ? system : null,
      value: value === undefined || value === null ? null : String(value),
      display: typeof display === 'string' ? display : null,
    });
  };
  for (const { type, value } of values) {
    if (value === undefined || value === null) continue;
    switch (type) {
      case 'Coding':
        push(value.system, value.code, value.display);
        break;
      case 'CodeableConcept':
        for (const c of value.coding ?? []) push(c.system, c.code, c.display);
        if (value.text) push(null, null, value.text);
        break;
      case 'Identifier':
        push(value.system, value.value, value.type?.text);
        break;
      case 'ContactPoint':
        push(value.system, value.value, null);
        break;
      case 'Quantity':
        push(value.system, value.code, value.unit);
        break;
      case 'Reference':
        if (value.identifier) push(value.identifier.system, value.identifier.value, null);
        break;
      case 'boolean':
        push(null, value ? 'true' : 'false', null);
        break;
      default:
        if (typeof value === 'string' || typeof value === 'number') push(null, value, null);
        break;
    }
  }
  return out.filter((r) => r.value !== null || r.display !== null);
}
