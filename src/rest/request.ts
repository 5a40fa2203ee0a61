import type { Resource } from '@medplum/fhirtypes';
import type { PatchBody } from '../interactions/patch.js';

/**
 * A FHIR request independent of HTTP: the express adapter builds one per call, and the bundle processor builds
 * one per entry, so both go through the same handlers.
 */
export interface FhirRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Path below the FHIR base, without query: e.g. "Patient/123/_history/2" or "" for the base. */
  path: string;
  query: URLSearchParams;
  headers: {
    ifMatch?: string;
    ifNoneMatch?: string;
    ifNoneExist?: string;
    ifModifiedSince?: string;
    prefer?: string;
  };
  /** Parsed body: a resource, a JSON Patch array, or undefined. */
  body?: Resource | PatchBody;
}

/** JSON text already serialised (a stored resource), sent as is. */
export class RawJson {
  constructor(readonly json: string) {}
}

export interface FhirResponse {
  status: number;
  headers: Record<string, string>;
  /** A resource to serialise, or JSON text already serialised. */
  body?: Resource | RawJson;
  /**
   * What a batch or transaction changed, entry by entry (`Type/id`, and whether it was deleted): the audit
   * names each one in the request's AuditEvent.
   */
  changed?: { ref: string; deleted: boolean }[];
}

/** Prefer: return=minimal | representation | OperationOutcome, and handling=strict | lenient. */
export function parsePrefer(header: string | undefined): { return?: 'minimal' | 'representation' | 'OperationOutcome'; handling: 'strict' | 'lenient' } {
  const out: { return?: 'minimal' | 'representation' | 'OperationOutcome'; handling: 'strict' | 'lenient' } = { handling: 'lenient' };
  for (const part of (header ?? '').split(/[;,]/)) {
    const [k, v] = part.trim().split('=').map((s) => s?.trim().replace(/^"|"$/g, ''));
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'OperationOutcome')) out.return = v;
    if (k === 'handling' && (v === 'strict' || v === 'lenient')) out.handling = v;
  }
  return out;
}
