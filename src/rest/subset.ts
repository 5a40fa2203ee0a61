import { getDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { errors } from '../fhir/outcome.js';

/** _summary and _elements: the subset of a resource a client asked for, tagged SUBSETTED as the spec requires. */
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

export function parseSummary(value: string | null): SummaryMode | undefined {
  if (value === null) return undefined;
  if (['true', 'text', 'data', 'count', 'false'].includes(value)) return value as SummaryMode;
  throw errors.badRequest('invalidSummary', value);
}

export function subset(resource: Resource, summary: SummaryMode | undefined, elements: string[] | undefined): Resource {
  if ((!summary || summary === 'false') && !elements) return resource;
  const schema = getDataType(resource.resourceType);
  const mandatory = schema?.mandatoryProperties ?? new Set<string>();
  let keep: (key: string) => boolean;
  if (elements) {
    const wanted = new Set(elements.map((e) => e.trim().split('.').pop() as string));
    keep = (k) => wanted.has(k) || mandatory.has(k);
  } else if (summary === 'true') {
    const summaryProps = schema?.summaryProperties ?? new Set<string>();
    keep = (k) => summaryProps.has(k) || mandatory.has(k);
  } else if (summary === 'text') {
    keep = (k) => k === 'text' || mandatory.has(k);
  } else if (summary === 'data') {
    keep = (k) => k !== 'text';
  } else {
    return resource;
  }
  const out: Record<string, unknown> = { resourceType: resource.resourceType };
  if (resource.id) out.id = resource.id;
  for (const [k, v] of Object.entries(resource)) {
    if (k === 'resourceType' || k === 'id' || k === 'meta') continue;
    if (keep(k)) out[k] = v;
  }
  const meta = resource.meta ?? {};
  out.meta = { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] };
  return out as unknown as Resource;
}
