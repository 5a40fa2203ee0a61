import { isResourceType } from '../fhir/definitions.js';
import type { Report } from './json.js';

/**
 * Rules of Bundle (R4 bundle.html) beyond its invariants, checked on every Bundle (written, validated, or
 * inside another resource):
 * - `fullUrl` is an absolute URI; when it is a RESTful URL (`…/Type/id`), type and id are the resource's;
 * - the paging links (self, first, previous, next, last) occur at most once, and first, previous, next and last
 *   only page through search and history results: in a bundle of another type they have no meaning (Bundle.link:
 *   "searching and paging" is the use this specification defines) and are errors;
 * - in a searchset, an entry of mode `match` is a stored resource (it has an id) and one of mode `outcome` is an
 *   OperationOutcome;
 * - a reference that resolves inside the bundle (to an entry's fullUrl) resolves to one entry: entries may share
 *   a fullUrl with different versions (bdl-7), so a reference to it names the version, and the version exists;
 * - a document carries what its Composition refers to (documents.html, "Document Content": the subject, the
 *   encounter, the authors, the attesters, the custodian, the event details, and each section's authors, focus
 *   and entries, nested sections included): each such reference resolves to an entry, as bundle.html "Resolving
 *   references in Bundles" says (an absolute reference is an entry's fullUrl; a relative `Type/id` is read
 *   against the RESTful base of the Composition's fullUrl, and also matches an entry whose resource is that
 *   Type/id, as an entry's fullUrl may be a urn:uuid). The other entries may refer to resources outside the
 *   document (an Observation to its Encounter on the server), which the document need not carry;
 * - in a transaction or batch, a `urn:uuid:` or `urn:oid:` reference is a placeholder for an entry of the
 *   bundle (http.html#trules): one that is no entry's fullUrl names nothing.
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
  const type = typeof bundle.type === 'string' ? bundle.type : '';
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Entry[]) : [];
  links(bundle.link, type, path, report);
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
    if (type === 'searchset') searchEntry(e, at, report);
  });
  if (type === 'transaction' || type === 'batch') {
    const fullUrls = new Set(entries.map((e) => e?.fullUrl).filter((u): u is string => typeof u === 'string'));
    entries.forEach((e, i) => {
      if (e?.resource) forEachReference(e.resource, `${path}.entry[${i}].resource`, true, (ref, at) => {
        if ((ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) && !fullUrls.has(ref)) report('error', 'not-found', 'bundleUrnUnresolved', [ref, type], `${at}.reference`);
      });
    });
    return;
  }
  if (type === 'history') return;
  entries.forEach((e, i) => {
    if (e?.resource && typeof e.fullUrl === 'string') references(e.resource, e.fullUrl, `${path}.entry[${i}].resource`, byUrl, report);
  });
  const first = entries[0];
  if (type === 'document' && first?.resource?.resourceType === 'Composition') {
    const held = heldResources(entries);
    const base = typeof first.fullUrl === 'string' ? RESTFUL.exec(first.fullUrl)?.[1] : undefined;
    compositionReferences(first.resource, `${path}.entry[0].resource`, (ref, at) => {
      if (!inDocument(ref, base, byUrl, held)) report('error', 'not-found', 'documentReferenceUnresolved', [ref], `${at}.reference`);
    });
  }
}

/** The references a document carries the targets of: the Composition's subject, encounter, authors, … and its sections'. */
function compositionReferences(composition: unknown, path: string, fn: (ref: string, at: string) => void): void {
  const one = (holder: unknown, name: string, at: string): void => {
    const v = (holder as Record<string, unknown> | null)?.[name];
    const each = (x: unknown, p: string): void => {
      const ref = (x as { reference?: unknown } | null)?.reference;
      if (typeof ref === 'string') fn(ref, p);
    };
    if (Array.isArray(v)) v.forEach((x, i) => each(x, `${at}.${name}[${i}]`));
    else each(v, `${at}.${name}`);
  };
  const many = (holder: unknown, name: string, at: string): { value: unknown; at: string }[] => {
    const v = (holder as Record<string, unknown> | null)?.[name];
    return Array.isArray(v) ? v.map((value, i) => ({ value, at: `${at}.${name}[${i}]` })) : [];
  };
  for (const name of ['subject', 'encounter', 'author', 'custodian']) one(composition, name, path);
  for (const a of many(composition, 'attester', path)) one(a.value, 'party', a.at);
  for (const e of many(composition, 'event', path)) one(e.value, 'detail', e.at);
  const sections = (holder: unknown, at: string, depth: number): void => {
    if (depth > 16) return;
    for (const s of many(holder, 'section', at)) {
      for (const name of ['author', 'focus', 'entry']) one(s.value, name, s.at);
      sections(s.value, s.at, depth + 1);
    }
  };
  sections(composition, path, 0);
}

/** `Type/id` of every entry of a document: its resource's type and id, and what a RESTful (or relative) fullUrl names. */
function heldResources(entries: Entry[]): Set<string> {
  const held = new Set<string>();
  for (const e of entries) {
    const r = e?.resource;
    if (r && typeof r.resourceType === 'string' && typeof r.id === 'string') held.add(`${r.resourceType}/${r.id}`);
    const m = typeof e?.fullUrl === 'string' ? RESTFUL.exec(e.fullUrl) : null;
    if (m) held.add(`${m[2]}/${m[3]}`);
  }
  return held;
}

/** Does a reference of a document's Composition resolve inside the document (a version it names is checked by references())? */
function inDocument(ref: string, base: string | undefined, byUrl: Map<string, Entry[]>, held: Set<string>): boolean {
  if (ref.startsWith('#')) return true;
  const plain = ref.replace(/\/_history\/[^/]*$/, '');
  if (byUrl.has(ref) || byUrl.has(plain)) return true;
  const m = RESTFUL.exec(plain);
  if (!m || m[1]) return false;
  return (base !== undefined && byUrl.has(`${base}${m[2]}/${m[3]}`)) || held.has(`${m[2]}/${m[3]}`);
}

/**
 * Calls fn with each Reference.reference of a resource and the path of the Reference; `contained` resources
 * included when asked (a "#id" reference is theirs); a Bundle inside it resolves its own references.
 */
function forEachReference(resource: unknown, path: string, contained: boolean, fn: (ref: string, at: string) => void): void {
  const visit = (x: unknown, at: string, depth: number): void => {
    if (depth > 48 || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      x.forEach((item, i) => visit(item, `${at}[${i}]`, depth + 1));
      return;
    }
    const obj = x as Record<string, unknown>;
    if (depth > 0 && obj.resourceType === 'Bundle') return;
    if (typeof obj.reference === 'string') fn(obj.reference, at);
    for (const [k, v] of Object.entries(obj)) if (v && typeof v === 'object' && (contained || k !== 'contained')) visit(v, `${at}.${k}`, depth + 1);
  };
  visit(resource, path, 0);
}

function links(link: unknown, type: string, path: string, report: Report): void {
  if (!Array.isArray(link)) return;
  const paged = type === 'searchset' || type === 'history' || type === '';
  const seen = new Set<string>();
  link.forEach((l: { relation?: unknown }, i) => {
    const rel = l?.relation;
    if (typeof rel !== 'string' || !PAGING.has(rel)) return;
    if (!paged && rel !== 'self') {
      report('error', 'invalid', 'linkPagingOnly', [rel, type], `${path}.link[${i}].relation`);
      return;
    }
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
  forEachReference(resource, path, false, (ref, at) => {
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
  });
}
