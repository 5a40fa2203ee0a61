import type { TypedValue } from '@medplum/core';

/** uri parameters: the exact string. */
export function extractUris(values: TypedValue[]): string[] {
  return values.map((v) => v.value).filter((v): v is string => typeof v === 'string' && v.length > 0);
}
