import type { Reply } from './helpers/http.js';

/** Small shared helpers for the test/rest-*.test.ts suites (not a test file itself). */

export const FHIR_JSON = { 'Content-Type': 'application/fhir+json' };
export const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

/** A loose view of a resource as JSON, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Asserts that a reply is an OperationOutcome with this status and an error issue; returns the first issue. */
export function expectOutcome(reply: Reply, status: number, diagnostics?: RegExp): Json {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  expect(reply.json?.resourceType).toBe('OperationOutcome');
  const issue = reply.json.issue[0];
  expect(['error', 'fatal']).toContain(issue.severity);
  expect(typeof issue.code).toBe('string');
  if (diagnostics) expect(issue.diagnostics).toMatch(diagnostics);
  return issue;
}

/** A unique token for identifiers, so tests in one file never see each other's resources. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The ids of the resources (match entries) of a searchset Bundle. */
export function ids(bundle: Json): string[] {
  return (bundle.entry ?? []).filter((e: Json) => e.search?.mode !== 'outcome').map((e: Json) => e.resource.id);
}
