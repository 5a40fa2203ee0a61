import type { TypedValue } from '@medplum/core';

/** special `near` (Location.position): latitude/longitude, searched by great-circle distance. */
export interface GeoRow {
  lat: number;
  lon: number;
}

export function extractGeo(values: TypedValue[]): GeoRow[] {
  const out: GeoRow[] = [];
  for (const { value } of values) {
    if (value && typeof value.latitude === 'number' && typeof value.longitude === 'number') out.push({ lat: value.latitude, lon: value.longitude });
  }
  return out;
}
