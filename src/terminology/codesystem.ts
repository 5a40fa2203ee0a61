import type { CodeSystem, CodeSystemConcept, CodeSystemConceptDesignation, CodeSystemConceptProperty } from '@medplum/fhirtypes';

/**
 * A CodeSystem indexed for terminology work: concepts by code, the is-a hierarchy (nested concepts and the
 * parent / child / subsumedBy properties), status, and designations per language.
 */
export interface Concept {
  code: string;
  display?: string;
  definition?: string;
  designation: CodeSystemConceptDesignation[];
  property: CodeSystemConceptProperty[];
  parents: string[];
  children: string[];
  inactive: boolean;
  /** notSelectable: a grouper that is not meant to be chosen. */
  abstract: boolean;
}

export interface CodeSystemIndex {
  resource: CodeSystem;
  url: string;
  version?: string;
  concepts: Map<string, Concept>;
  /** Lower-cased code → code, for case-insensitive code systems. */
  folded?: Map<string, string>;
  /** Codes without a parent, in definition order. */
  roots: string[];
  hierarchical: boolean;
  /** content = complete (or supplement-free fragment the server can still answer for the codes it lists). */
  complete: boolean;
}

const PARENT_PROPS = new Set(['parent', 'subsumedBy']);
const CHILD_PROPS = new Set(['child']);

const indexes = new WeakMap<CodeSystem, CodeSystemIndex>();

export function indexCodeSystem(cs: CodeSystem): CodeSystemIndex {
  const known = indexes.get(cs);
  if (known) return known;
  const concepts = new Map<string, Concept>();
  const edges: [string, string][] = [];
  const walk = (list: CodeSystemConcept[] | undefined, parent?: string): void => {
    for (const c of list ?? []) {
      if (!c.code) continue;
      const props = c.property ?? [];
      const status = props.find((p) => p.code === 'status')?.valueCode;
      concepts.set(c.code, {
        code: c.code,
        display: c.display,
        definition: c.definition,
        designation: c.designation ?? [],
        property: props,
        parents: [],
        children: [],
        inactive: props.some((p) => p.code === 'inactive' && p.valueBoolean === true) || status === 'retired' || status === 'inactive',
        abstract: props.some((p) => (p.code === 'notSelectable' || p.code === 'abstract') && p.valueBoolean === true),
      });
      if (parent) edges.push([parent, c.code]);
      for (const p of props) {
        if (PARENT_PROPS.has(p.code ?? '') && p.valueCode) edges.push([p.valueCode, c.code]);
        if (CHILD_PROPS.has(p.code ?? '') && p.valueCode) edges.push([c.code, p.valueCode]);
      }
      walk(c.concept, c.code);
    }
  };
  walk(cs.concept);
  const seen = new Set<string>();
  for (const [parent, child] of edges) {
    const key = `${parent}\u0000${child}`;
    const p = concepts.get(parent);
    const c = concepts.get(child);
    if (!p || !c || seen.has(key) || parent === child) continue;
    seen.add(key);
    p.children.push(child);
    c.parents.push(parent);
  }
  const index: CodeSystemIndex = {
    resource: cs,
    url: cs.url ?? '',
    version: cs.version,
    concepts,
    roots: [...concepts.values()].filter((c) => c.parents.length === 0).map((c) => c.code),
    hierarchical: seen.size > 0 && (cs.hierarchyMeaning ?? 'is-a') === 'is-a',
    complete: cs.content === 'complete' || cs.content === undefined,
  };
  if (cs.caseSensitive === false) index.folded = new Map([...concepts.keys()].map((k) => [k.toLowerCase(), k]));
  indexes.set(cs, index);
  return index;
}

export function getConcept(cs: CodeSystemIndex, code: string): Concept | undefined {
  return cs.concepts.get(code) ?? (cs.folded ? cs.concepts.get(cs.folded.get(code.toLowerCase()) ?? '') : undefined);
}

/** The code and every concept below it (is-a). */
export function descendantsAndSelf(cs: CodeSystemIndex, code: string): Set<string> {
  return closure(cs, code, (c) => c.children);
}

export function ancestorsAndSelf(cs: CodeSystemIndex, code: string): Set<string> {
  return closure(cs, code, (c) => c.parents);
}

function closure(cs: CodeSystemIndex, start: string, next: (c: Concept) => string[]): Set<string> {
  const out = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    const c = cs.concepts.get(stack.pop() as string);
    for (const n of c ? next(c) : []) {
      if (!out.has(n)) {
        out.add(n);
        stack.push(n);
      }
    }
  }
  return out;
}

/** Primary language subtag, lower-cased: "es-PY" → "es". */
function baseLang(tag: string): string {
  return tag.toLowerCase().split('-')[0];
}

/** The designation for a language: exact tag, then same base language; the CodeSystem's own language gives the display. */
export function displayIn(cs: CodeSystemIndex | undefined, concept: { display?: string; designation?: CodeSystemConceptDesignation[] }, lang?: string): string | undefined {
  if (!lang) return concept.display;
  const want = lang.toLowerCase();
  const designations = (concept.designation ?? []).filter((d) => d.language && d.value);
  const exact = designations.find((d) => d.language?.toLowerCase() === want);
  if (exact) return exact.value;
  const csLang = cs?.resource.language;
  if (csLang && csLang.toLowerCase() === want) return concept.display;
  const base = designations.find((d) => baseLang(d.language as string) === baseLang(want));
  if (base) return base.value;
  return concept.display;
}

/** Every text a concept is known by (display and designations), for display checks and text filters. */
export function allDisplays(concept: { display?: string; designation?: CodeSystemConceptDesignation[] }): string[] {
  return [concept.display, ...(concept.designation ?? []).map((d) => d.value)].filter((v): v is string => !!v);
}

/** A property value as a string (for filters). */
export function propertyValue(p: CodeSystemConceptProperty): string | undefined {
  if (p.valueCode !== undefined) return p.valueCode;
  if (p.valueString !== undefined) return p.valueString;
  if (p.valueBoolean !== undefined) return String(p.valueBoolean);
  if (p.valueInteger !== undefined) return String(p.valueInteger);
  if (p.valueDecimal !== undefined) return String(p.valueDecimal);
  if (p.valueDateTime !== undefined) return p.valueDateTime;
  if (p.valueCoding) return p.valueCoding.code;
  return undefined;
}
