import type { TypedValue } from '@medplum/core';
import { normalizeString } from './string.js';

/** token parameters: one row per (system, code) pair a value carries; display holds normalised text for :text. */
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
      display: typeof display === 'string' ? textWords(display) : null,
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

/** For :of-type: one row per identifier type coding, system = "typeSystem|typeCode", value = identifier value. */
export function extractIdentifierTypes(values: TypedValue[]): TokenRow[] {
  const out: TokenRow[] = [];
  for (const { type, value } of values) {
    if (type !== 'Identifier' || !value?.value) continue;
    for (const c of value.type?.coding ?? []) {
      if (c.code) out.push({ system: `${c.system ?? ''}|${c.code}`, value: value.value, display: null });
    }
  }
  return out;
}

/** For :identifier on reference parameters: Reference.identifier as a token. */
export function extractReferenceIdentifiers(values: TypedValue[]): TokenRow[] {
  const out: TokenRow[] = [];
  for (const { value } of values) {
    const ident = value?.identifier;
    if (ident?.value) out.push({ system: ident.system ?? null, value: ident.value, display: null });
  }
  return out;
}

/** Display text as normalised words separated by single spaces, for word-prefix matching (:text). */
export function textWords(s: string): string {
  return normalizeString(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
