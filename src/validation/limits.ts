import type { ElementDefinition } from '@medplum/fhirtypes';

/**
 * ElementDefinition.minValue[x] / maxValue[x]: numbers (integer, decimal, positiveInt, unsignedInt), dates and
 * times (date, dateTime, instant, time; compared on the precision both values share) and Quantity (value, when
 * both carry the same code or unit). Returns the violated limit as text, or undefined.
 */
export function checkLimits(el: ElementDefinition, value: unknown): { bound: 'min' | 'max'; limit: string } | undefined {
  for (const bound of ['min', 'max'] as const) {
    const limit = limitOf(el, bound);
    if (limit === undefined) continue;
    const c = compare(value, limit);
    if (c === undefined) continue;
    if ((bound === 'min' && c < 0) || (bound === 'max' && c > 0)) return { bound, limit: describe(limit) };
  }
  return undefined;
}

function limitOf(el: ElementDefinition, bound: 'min' | 'max'): unknown {
  const prefix = `${bound}Value`;
  for (const [k, v] of Object.entries(el)) if (k.startsWith(prefix) && k.length > prefix.length) return v;
  return undefined;
}

function compare(value: unknown, limit: unknown): number | undefined {
  if (typeof value === 'number' && typeof limit === 'number') return Math.sign(value - limit);
  if (typeof value === 'string' && typeof limit === 'string') {
    // Same precision on both sides: the ISO forms sort as text (timezones are not normalised).
    const n = Math.min(value.length, limit.length, 19);
    const a = value.slice(0, n);
    const b = limit.slice(0, n);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (value && limit && typeof value === 'object' && typeof limit === 'object') {
    const q = value as { value?: number; code?: string; unit?: string };
    const l = limit as { value?: number; code?: string; unit?: string };
    if (typeof q.value !== 'number' || typeof l.value !== 'number') return undefined;
    if ((q.code ?? q.unit) !== (l.code ?? l.unit)) return undefined;
    return Math.sign(q.value - l.value);
  }
  return undefined;
}

function describe(limit: unknown): string {
  if (limit && typeof limit === 'object') {
    const l = limit as { value?: number; code?: string; unit?: string };
    return `${l.value} ${l.unit ?? l.code ?? ''}`.trim();
  }
  return String(limit);
}
