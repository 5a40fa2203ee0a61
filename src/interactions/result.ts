import type { OperationOutcome, Resource } from '@medplum/fhirtypes';

/** What an interaction produced; the HTTP layer and the bundle processor both render it. */
export interface InteractionResult {
  status: number;
  type?: string;
  id?: string;
  version?: number;
  lastUpdated?: string;
  /** The resource as JSON text, when there is one to return. */
  content?: string | null;
  outcome?: OperationOutcome;
  /** A Bundle or other body built by the interaction (search, history). */
  body?: Resource;
}
