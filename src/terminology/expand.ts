import { randomUUID } from 'node:crypto';
import type { CodeSystem, CodeSystemConceptDesignation, ValueSet, ValueSetComposeInclude, ValueSetComposeIncludeConceptDesignation, ValueSetComposeIncludeFilter, ValueSetExpansionContains } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { FhirError } from '../fhir/outcome.js';
import { allDisplays, ancestorsAndSelf, type Concept, type CodeSystemIndex, descendantsAndSelf, displayIn, getConcept, indexCodeSystem, propertyValue } from './codesystem.js';
import { currentGeneration, find, isCacheable, preferredSystem } from './sources.js';

/**
 * ValueSet expansion: compose include/exclude over the CodeSystems the server holds (concept lists, whole
 * systems, nested value sets, filters is-a / descendent-of / is-not-a / generalizes / = / in / not-in / regex /
 * exists). The full expansion of a stored or packaged ValueSet is computed once and cached until terminology
 * changes; text filters, paging and languages are applied per request.
 */
export const MAX_EXPANSION = 10_000;
/** Code systems too large to enumerate (never held here in full). */
const LARGE_SYSTEMS = ['http://snomed.info/sct', 'http://loinc.org', 'http://www.nlm.nih.gov/research/umls/rxnorm', 'http://unitsofmeasure.org', 'http://hl7.org/fhir/sid/icd-10', 'http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/ndc', 'http://www.ama-assn.org/go/cpt'];

export interface Item {
  system: string;
  version?: string;
  code: string;
  display?: string;
  designation: CodeSystemConceptDesignation[];
  inactive?: boolean;
  abstract?: boolean;
  cs?: CodeSystemIndex;
}

export interface Computed {
  items: Item[];
  byKey: Map<string, Item>;
  /** Systems the value set needs but the server does not hold (whole or filtered). */
  unknownSystems: Set<string>;
  /** Of those, the systems included whole (no filter): search matches them by system alone. */
  wholeSystems: Set<string>;
  /** Value sets it imports that the server does not hold. */
  missingValueSets: Set<string>;
  usedSystems: Set<string>;
  /** Value sets it imports that the server holds (canonical URLs as written), at any depth. */
  usedValueSets: Set<string>;
}

const key = (system: string, code: string): string => `${system}|${code}`;

function emptyComputed(): Computed {
  return { items: [], byKey: new Map(), unknownSystems: new Set(), wholeSystems: new Set(), missingValueSets: new Set(), usedSystems: new Set(), usedValueSets: new Set() };
}

function push(out: Computed, item: Item): void {
  const k = key(item.system, item.code);
  if (out.byKey.has(k)) return;
  out.byKey.set(k, item);
  out.items.push(item);
}

function merge(into: Computed, from: Computed): void {
  for (const s of from.unknownSystems) into.unknownSystems.add(s);
  for (const s of from.wholeSystems) into.wholeSystems.add(s);
  for (const s of from.missingValueSets) into.missingValueSets.add(s);
  for (const s of from.usedSystems) into.usedSystems.add(s);
  for (const s of from.usedValueSets) into.usedValueSets.add(s);
}

const cache = new Map<string, { generation: number; value: Promise<Computed> }>();

export async function findCodeSystem(q: Queryable, system: string, version?: string): Promise<CodeSystemIndex | undefined> {
  const cs = await find<CodeSystem>(q, 'CodeSystem', preferredSystem(system), version);
  return cs && cs.content !== 'not-present' ? indexCodeSystem(cs) : undefined;
}

/** The full expansion of a held ValueSet by canonical URL (cached), or undefined when not held. */
export async function computeByUrl(q: Queryable, canonical: string, stack: string[] = []): Promise<{ vs: ValueSet; computed: Computed } | undefined> {
  const vs = await find<ValueSet>(q, 'ValueSet', canonical);
  if (!vs) return undefined;
  return { vs, computed: await computeExpansion(q, vs, stack) };
}

/** The full expansion of a ValueSet (cached when it comes from a source and the read is not inside a transaction). */
export function computeExpansion(q: Queryable, vs: ValueSet, stack: string[] = []): Promise<Computed> {
  // A value set that imports itself (directly or through others) contributes nothing the second time.
  if (vs.url && stack.includes(vs.url)) return Promise.resolve(emptyComputed());
  const id = vs.url ? `${vs.url}|${vs.version ?? ''}|${vs.meta?.versionId ?? ''}` : undefined;
  // Imported value sets are computed in place (not cached): inside an import cycle the result depends on
  // where the cycle was entered, and the importing value set's own expansion is cached anyway.
  if (!id || !isCacheable(q) || stack.length) return compute(q, vs, stack);
  const generation = currentGeneration();
  const hit = cache.get(id);
  if (hit && hit.generation === generation) return hit.value;
  const value = compute(q, vs, stack);
  cache.set(id, { generation, value });
  value.catch(() => cache.delete(id));
  if (cache.size > 2000) for (const [k, v] of cache) if (v.generation !== generation) cache.delete(k);
  return value;
}

async function compute(q: Queryable, vs: ValueSet, stack: string[]): Promise<Computed> {
  const out = emptyComputed();
  const inner = vs.url ? [...stack, vs.url] : stack;
  if (!vs.compose && vs.expansion?.contains) {
    const walk = (list: ValueSetExpansionContains[] | undefined): void => {
      for (const c of list ?? []) {
        if (c.system && c.code) push(out, { system: c.system, version: c.version, code: c.code, display: c.display, designation: c.designation ?? [], inactive: c.inactive, abstract: c.abstract });
        walk(c.contains);
      }
    };
    walk(vs.expansion.contains);
    return out;
  }
  for (const inc of vs.compose?.include ?? []) {
    const part = await includeItems(q, inc, inner);
    merge(out, part);
    for (const item of part.items) if (!(vs.compose?.inactive === false && item.inactive)) push(out, item);
  }
  const excluded = new Set<string>();
  for (const exc of vs.compose?.exclude ?? []) {
    const part = await includeItems(q, exc, inner);
    for (const k of part.byKey.keys()) excluded.add(k);
  }
  if (excluded.size) {
    out.items = out.items.filter((i) => !excluded.has(key(i.system, i.code)));
    for (const k of excluded) out.byKey.delete(k);
  }
  return out;
}

async function includeItems(q: Queryable, inc: ValueSetComposeInclude, stack: string[]): Promise<Computed> {
  let out: Computed | undefined;
  if (inc.system) {
    out = emptyComputed();
    const system = preferredSystem(inc.system);
    const cs = await findCodeSystem(q, system, inc.version);
    if (cs) out.usedSystems.add(cs.version ? `${system}|${cs.version}` : system);
    if (inc.concept?.length) {
      for (const c of inc.concept) {
        if (!c.code) continue;
        const concept = cs ? getConcept(cs, c.code) : undefined;
        if (cs?.complete && !concept) continue;
        push(out, {
          system,
          version: cs?.version,
          code: concept?.code ?? c.code,
          display: c.display ?? concept?.display,
          designation: [...(c.designation ?? []), ...(concept?.designation ?? [])] as CodeSystemConceptDesignation[],
          inactive: concept?.inactive,
          abstract: concept?.abstract,
          cs,
        });
      }
    } else if (!cs) {
      out.unknownSystems.add(system);
      if (!inc.filter?.length) out.wholeSystems.add(system);
    } else {
      // A fragment answers for the codes it lists; anything else in it is not known here.
      if (!cs.complete) out.unknownSystems.add(system);
      const tests = (inc.filter ?? []).map((f) => filterTest(cs, f));
      for (const concept of cs.concepts.values()) {
        if (tests.every((t) => t(concept))) push(out, itemOf(system, cs, concept));
      }
    }
  }
  for (const nested of inc.valueSet ?? []) {
    const found = await computeByUrl(q, nested, stack);
    const part = found?.computed;
    if (!part) {
      out ??= emptyComputed();
      out.missingValueSets.add(nested);
      continue;
    }
    if (!out) {
      out = emptyComputed();
      for (const item of part.items) push(out, item);
      merge(out, part);
      out.usedValueSets.add(nested);
      continue;
    }
    merge(out, part);
    out.usedValueSets.add(nested);
    out.items = out.items.filter((i) => part.byKey.has(key(i.system, i.code)));
    out.byKey = new Map(out.items.map((i) => [key(i.system, i.code), i]));
  }
  return out ?? emptyComputed();
}

function itemOf(system: string, cs: CodeSystemIndex, c: Concept): Item {
  return { system, version: cs.version, code: c.code, display: c.display, designation: c.designation, inactive: c.inactive || undefined, abstract: c.abstract || undefined, cs };
}

function badFilter(f: ValueSetComposeIncludeFilter): FhirError {
  return new FhirError(400, 'not-supported', 'terminology.badFilter', [`${f.property} ${f.op} ${f.value}`]);
}

function regex(f: ValueSetComposeIncludeFilter): RegExp {
  try {
    return new RegExp(`^(?:${f.value ?? ''})$`);
  } catch {
    throw badFilter(f);
  }
}

/** One compose filter as a test on concepts of a held code system. */
function filterTest(cs: CodeSystemIndex, f: ValueSetComposeIncludeFilter): (c: Concept) => boolean {
  const value = f.value ?? '';
  const list = value.split(',').map((v) => v.trim());
  if (f.property === 'concept' || f.property === 'code') {
    switch (f.op) {
      case 'is-a': {
        const set = descendantsAndSelf(cs, getConcept(cs, value)?.code ?? value);
        return (c) => set.has(c.code);
      }
      case 'descendent-of': {
        const set = descendantsAndSelf(cs, getConcept(cs, value)?.code ?? value);
        return (c) => set.has(c.code) && c.code !== value;
      }
      case 'is-not-a': {
        const set = descendantsAndSelf(cs, getConcept(cs, value)?.code ?? value);
        return (c) => !set.has(c.code);
      }
      case 'generalizes': {
        const set = ancestorsAndSelf(cs, getConcept(cs, value)?.code ?? value);
        return (c) => set.has(c.code);
      }
      case '=':
        return (c) => c.code === value;
      case 'in':
        return (c) => list.includes(c.code);
      case 'not-in':
        return (c) => !list.includes(c.code);
      case 'regex': {
        const re = regex(f);
        return (c) => re.test(c.code);
      }
      default:
        throw badFilter(f);
    }
  }
  const values = (c: Concept): string[] => {
    if (f.property === 'display') return c.display ? [c.display] : [];
    if (f.property === 'parent') return c.parents;
    if (f.property === 'child') return c.children;
    if (f.property === 'inactive') return [String(c.inactive)];
    if (f.property === 'notSelectable') return [String(c.abstract)];
    return c.property.filter((p) => p.code === f.property).map(propertyValue).filter((v): v is string => v !== undefined);
  };
  switch (f.op) {
    case '=':
      return (c) => values(c).includes(value);
    case 'in':
      return (c) => values(c).some((v) => list.includes(v));
    case 'not-in':
      return (c) => !values(c).some((v) => list.includes(v));
    case 'regex': {
      const re = regex(f);
      return (c) => values(c).some((v) => re.test(v));
    }
    case 'exists':
      return (c) => (values(c).length > 0) === (value !== 'false');
    default:
      throw badFilter(f);
  }
}

export interface ExpandOptions {
  filter?: string;
  offset?: number;
  count?: number;
  displayLanguage?: string;
  includeDesignations?: boolean;
  activeOnly?: boolean;
  /** Nest contains under their parents where the code system is hierarchical (excludeNested=false). */
  nested?: boolean;
}

/** Raises the honest error when the expansion cannot be produced from what the server holds. */
export function checkExpandable(computed: Computed, url: string): void {
  const missingVs = [...computed.missingValueSets];
  if (missingVs.length) throw new FhirError(422, 'not-found', 'terminology.valueSetNotHeld', [missingVs.join(', ')]);
  const unknown = [...computed.unknownSystems];
  const large = [...computed.wholeSystems].filter((s) => LARGE_SYSTEMS.includes(s));
  if (large.length) throw new FhirError(422, 'too-costly', 'terminology.tooCostly', [url, large.join(', ')]);
  if (unknown.length) throw new FhirError(422, 'not-found', 'terminology.systemNotHeldExpand', [unknown.join(', '), url]);
}

/** Lower case without diacritics: "Cirugía" and "cirugia" match alike. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function matchesText(item: Item, words: string[], lang?: string): boolean {
  const texts = [item.code, displayIn(item.cs, item, lang) ?? '', ...allDisplays(item)].map(fold);
  return words.every((w) => texts.some((t) => t.startsWith(w) || t.split(/[\s\-_/(),.]+/).some((part) => part.startsWith(w))));
}

/** The ValueSet with its expansion for one request: filter, activeOnly, language, designations, nesting, paging. */
export function renderExpansion(vs: ValueSet, computed: Computed, opts: ExpandOptions): ValueSet {
  let items = computed.items;
  if (opts.activeOnly) items = items.filter((i) => !i.inactive);
  const words = fold(opts.filter ?? '').split(/\s+/).filter(Boolean);
  if (words.length) items = items.filter((i) => matchesText(i, words, opts.displayLanguage));
  if (!opts.count && !opts.filter && items.length > MAX_EXPANSION) throw new FhirError(422, 'too-costly', 'terminology.tooLarge', [vs.url ?? '(posted)', items.length, MAX_EXPANSION]);
  const offset = opts.offset ?? 0;
  const toContains = (i: Item): ValueSetExpansionContains => {
    const designation = opts.includeDesignations ? i.designation.map(designationOut) : undefined;
    return {
      system: i.system,
      ...(i.version ? { version: i.version } : {}),
      code: i.code,
      ...(i.abstract ? { abstract: true } : {}),
      ...(i.inactive ? { inactive: true } : {}),
      ...(displayIn(i.cs, i, opts.displayLanguage) ? { display: displayIn(i.cs, i, opts.displayLanguage) } : {}),
      ...(designation?.length ? { designation } : {}),
    };
  };
  let top: ValueSetExpansionContains[];
  if (opts.nested) {
    const roots = nest(items, toContains);
    top = roots.slice(offset, opts.count !== undefined ? offset + opts.count : undefined);
  } else {
    top = items.slice(offset, opts.count !== undefined ? offset + opts.count : undefined).map(toContains);
  }
  const parameter: NonNullable<ValueSet['expansion']>['parameter'] = [];
  for (const s of computed.usedSystems) parameter.push({ name: 'used-codesystem', valueUri: s });
  if (opts.filter) parameter.push({ name: 'filter', valueString: opts.filter });
  if (opts.displayLanguage) parameter.push({ name: 'displayLanguage', valueCode: opts.displayLanguage });
  if (opts.activeOnly) parameter.push({ name: 'activeOnly', valueBoolean: true });
  if (opts.includeDesignations) parameter.push({ name: 'includeDesignations', valueBoolean: true });
  if (opts.nested) parameter.push({ name: 'excludeNested', valueBoolean: false });
  if (opts.offset !== undefined) parameter.push({ name: 'offset', valueInteger: offset });
  if (opts.count !== undefined) parameter.push({ name: 'count', valueInteger: opts.count });
  const { text: _text, expansion: _old, ...rest } = vs;
  return {
    ...rest,
    expansion: {
      identifier: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      total: items.length,
      ...(opts.offset !== undefined || opts.count !== undefined ? { offset } : {}),
      ...(parameter.length ? { parameter } : {}),
      ...(top.length ? { contains: top } : {}),
    },
  };
}

function designationOut(d: CodeSystemConceptDesignation): ValueSetComposeIncludeConceptDesignation {
  return { ...(d.extension ? { extension: d.extension } : {}), ...(d.language ? { language: d.language } : {}), ...(d.use ? { use: d.use } : {}), value: d.value };
}

/** Nests each item under its nearest ancestor present in the expansion (same system). */
function nest(items: Item[], toContains: (i: Item) => ValueSetExpansionContains): ValueSetExpansionContains[] {
  const nodes = new Map<string, ValueSetExpansionContains>();
  for (const i of items) nodes.set(key(i.system, i.code), toContains(i));
  const roots: ValueSetExpansionContains[] = [];
  for (const i of items) {
    const node = nodes.get(key(i.system, i.code)) as ValueSetExpansionContains;
    const parent = i.cs?.hierarchical ? nearestAncestor(i, nodes) : undefined;
    if (parent) (parent.contains ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

function nearestAncestor(i: Item, nodes: Map<string, ValueSetExpansionContains>): ValueSetExpansionContains | undefined {
  const cs = i.cs as CodeSystemIndex;
  const seen = new Set<string>([i.code]);
  let frontier = cs.concepts.get(i.code)?.parents ?? [];
  while (frontier.length) {
    for (const p of frontier) {
      const n = nodes.get(key(i.system, p));
      if (n) return n;
    }
    const next: string[] = [];
    for (const p of frontier) {
      if (seen.has(p)) continue;
      seen.add(p);
      next.push(...(cs.concepts.get(p)?.parents ?? []));
    }
    frontier = next;
  }
  return undefined;
}

