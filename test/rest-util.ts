import { request, type Reply } from './helpers/http.js';

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

/** Every entry of a search or history, following `next` links from `first`; `get` fetches one page (expected 200). */
export async function allPages(get: (url: string) => Promise<Reply>, first: string): Promise<Json[]> {
  const out: Json[] = [];
  let url: string | undefined = first;
  while (url) {
    const r = await get(url);
    expect(r.status).toBe(200);
    out.push(...(r.json.entry ?? []));
    url = r.json.link?.find((l: Json) => l.relation === 'next')?.url;
  }
  return out;
}

/**
 * Waits up to `ms` for an AuditEvent search on `base` to find at least n events (the audit trail stores
 * events every AUDIT_EVENT_MS, later on a busy machine); returns what it found last.
 */
export async function auditEvents(base: string, query: string, n: number, ms = 10_000): Promise<Json[]> {
  let found: Json[] = [];
  for (let waited = 0; waited < ms; waited += 200) {
    const r = await request('GET', `${base}/AuditEvent?${query}`);
    expect(r.status).toBe(200);
    found = (r.json.entry ?? []).map((e: Json) => e.resource);
    if (found.length >= n) return found;
    await sleep(200);
  }
  return found;
}
