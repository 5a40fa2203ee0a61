import { isResourceType } from '../fhir/definitions.js';
import type { Report } from './json.js';

/**
 * Rules of Bundle (R4 bundle.html) beyond its invariants, checked on every Bundle (written, validated, or
 * inside another resource):
 * - `fullUrl` is an absolute URI; when it is a RESTful URL (`…/Type/id`), type and id are the resource's;
 * - the paging links (self, first, previous, next, last) occur at most once;
 * - in a searchset, an entry of mode `match` is a stored resource (it has an id) and one of mode `outcome` is an
 *   OperationOutcome;
 * - a reference that resolves inside the bundle (to an entry's fullUrl) resolves to one entry: entries may share
 *   a fullUrl with different versions (bdl-7), so a reference to it names the version, and the version exists.
 */
interface Entry {
  fullUrl?: unknown;
  resource?: { resourceType?: unknown; id?: unknown; meta?: { versionId?: unknown } };
  search?: { mode?: unknown };
}

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S/;
const RESTFUL = /^(https?:\/\/.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const PAGING = new Set(['self', 'first', 'previous', 'prev', 'next', 'last']);

export function checkBundle(value: unknown, path: string, report: Report): void {
  const bundle = (value ?? {}) as { type?: unknown; link?: unknown; entry?: unknown };
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Entry[]) : [];
  links(bundle.link, path, report);
  const byUrl = new Map<string, Entry[]>();
  entries.forEach((e, i) => {
    if (!e || typeof e !== 'object') return;
    const at = `${path}.entry[${i}]`;
    if (typeof e.fullUrl === 'string') {
      if (!ABSOLUTE_URI.test(e.fullUrl)) report('error', 'value', 'fullUrlNotAbsolute', [e.fullUrl], `${at}.fullUrl`);
      else {
        fullUrlMatchesResource(e, at, report);
        byUrl.set(e.fullUrl, [...(byUrl.get(e.fullUrl) ?? []), e]);
      }
    }
    if (bundle.type === 'searchset') searchEntry(e, at, report);
  });
  if (bundle.type === 'transaction' || bundle.type === 'batch' || bundle.type === 'history') return;
  entries.forEach((e, i) => {
    if (e?.resource && typeof e.fullUrl === 'string') references(e.resource, e.fullUrl, `${path}.entry[${i}].resource`, byUrl, report);
  });
}

function links(link: unknown, path: string, report: Report): void {
  if (!Array.isArray(link)) return;
  const seen = new Set<string>();
  link.forEach((l: { relation?: unknown }, i) => {
    const rel = l?.relation;
    if (typeof rel !== 'string' || !PAGING.has(rel)) return;
    if (seen.has(rel)) report('error', 'structure', 'linkRepeated', [rel], `${path}.link[${i}]`);
    seen.add(rel);
  });
}

function fullUrlMatchesResource(e: Entry, at: string, report: Report): void {
  const m = RESTFUL.exec(e.fullUrl as string);
  const r = e.resource;
  if (!m || !m[1] || !r || typeof r.resourceType !== 'string' || !isResourceType(m[2])) return;
  if (m[2] !== r.resourceType || (typeof r.id === 'string' && m[3] !== r.id)) report('error', 'value', 'fullUrlMismatch', [e.fullUrl as string, `${r.resourceType}/${typeof r.id === 'string' ? r.id : ''}`], `${at}.fullUrl`);
}

function searchEntry(e: Entry, at: string, report: Report): void {
  const mode = e.search?.mode;
  const r = e.resource;
  if (!r || typeof r.resourceType !== 'string') return;
  if (mode === 'match' && typeof r.id !== 'string') report('error', 'required', 'searchResultNoId', [r.resourceType], `${at}.resource`);
  if (mode === 'outcome' && r.resourceType !== 'OperationOutcome') report('error', 'structure', 'searchOutcomeType', [r.resourceType], `${at}.resource`);
}

/** References of one entry's resource that resolve to entries of the bundle (by full URL). */
function references(resource: unknown, fullUrl: string, path: string, byUrl: Map<string, Entry[]>, report: Report): void {
  const base = RESTFUL.exec(fullUrl)?.[1];
  const visit = (x: unknown, at: string, depth: number): void => {
    if (depth > 48 || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      x.forEach((item, i) => visit(item, `${at}[${i}]`, depth + 1));
      return;
    }
    const obj = x as Record<string, unknown>;
    if (typeof obj.reference === 'string') resolve(obj.reference, at);
    for (const [k, v] of Object.entries(obj)) if (v && typeof v === 'object' && k !== 'contained') visit(v, `${at}.${k}`, depth + 1);
  };
  const resolve = (ref: string, at: string): void => {
    if (ref.startsWith('#') || ref.startsWith('urn:')) return;
    const abs = ABSOLUTE_URI.test(ref) ? ref : base ? base + ref : undefined;
    const m = abs ? RESTFUL.exec(abs) : null;
    if (!m || !m[1]) return;
    const url = `${m[1]}${m[2]}/${m[3]}`;
    const found = byUrl.get(url);
    if (!found) return;
    const version = m[4];
    if (version !== undefined) {
      if (!found.some((e) => e.resource?.meta?.versionId === version)) report('error', 'not-found', 'bundleReferenceVersion', [ref, found.length], `${at}.reference`);
    } else if (found.length > 1) report('error', 'multiple-matches', 'bundleReferenceAmbiguous', [ref, found.length], `${at}.reference`);
  };
  visit(resource, path, 0);
}
