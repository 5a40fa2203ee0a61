import type { Resource, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { registerSearchParameter } from '../fhir/definitions.js';
import { readPackage, type FhirPackage } from './package.js';
import { addStructureDefinition, getStructureDefinition } from './registry.js';
import { packageResources } from './served.js';

/** Receives a package's CodeSystems, ValueSets, ConceptMaps and NamingSystems (the terminology module). */
export type TerminologySink = (resources: Resource[], source: string) => void;

export const TERMINOLOGY_TYPES = new Set(['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem']);

export interface PackageReport {
  name: string;
  version: string;
  path: string;
  profiles: number;
  terminology: number;
  searchParameters: number;
  /** Canonicals the package's definitions use that no loaded package defines (dependencies not available). */
  unresolved: string[];
  error?: string;
}

/**
 * Loads one package: StructureDefinitions into the registry, terminology to the sink, SearchParameters to search,
 * and every conformance resource to the package resources the server serves read-only (served.ts).
 */
export function installPackage(pkg: FhirPackage, terminology: TerminologySink): PackageReport {
  const source = `${pkg.name}#${pkg.version}`;
  packageResources.addPackage(pkg.resources, source);
  const report: PackageReport = { name: pkg.name, version: pkg.version, path: pkg.path, profiles: 0, terminology: 0, searchParameters: 0, unresolved: [] };
  const terms: Resource[] = [];
  for (const r of pkg.resources) {
    if (r.resourceType === 'StructureDefinition') {
      addStructureDefinition(r as StructureDefinition, source);
      report.profiles++;
    } else if (TERMINOLOGY_TYPES.has(r.resourceType)) {
      terms.push(r);
    } else if (r.resourceType === 'SearchParameter') {
      const sp = r as SearchParameter;
      if (!sp.code || !sp.expression || !sp.base?.length || !sp.type) continue;
      try {
        registerSearchParameter(sp);
        report.searchParameters++;
      } catch {
        report.unresolved.push(`SearchParameter ${sp.url ?? sp.code}`);
      }
    }
  }
  terminology(terms, source);
  report.terminology = terms.length;
  return report;
}

/** Canonicals referenced by the package's StructureDefinitions (base, type profiles) that are not held. */
export function unresolvedReferences(pkg: FhirPackage): string[] {
  const missing = new Set<string>();
  const need = (url: string | undefined): void => {
    if (url && !getStructureDefinition(url)) missing.add(url);
  };
  for (const r of pkg.resources) {
    if (r.resourceType !== 'StructureDefinition') continue;
    const sd = r as StructureDefinition;
    need(sd.baseDefinition);
    if (!sd.snapshot) missing.add(`${sd.url} (no snapshot)`);
    for (const el of sd.snapshot?.element ?? []) for (const t of el.type ?? []) for (const p of t.profile ?? []) need(p);
  }
  return [...missing].sort();
}

/** Reads and installs packages in order (dependencies first); a package that cannot be read is reported, not fatal. */
export async function loadPackages(paths: string[], terminology: TerminologySink): Promise<PackageReport[]> {
  const loaded: { pkg: FhirPackage; report: PackageReport }[] = [];
  const reports: PackageReport[] = [];
  for (const path of paths) {
    try {
      const pkg = await readPackage(path);
      const report = installPackage(pkg, terminology);
      loaded.push({ pkg, report });
      reports.push(report);
    } catch (err) {
      reports.push({ name: path, version: '', path, profiles: 0, terminology: 0, searchParameters: 0, unresolved: [], error: (err as Error).message });
    }
  }
  for (const { pkg, report } of loaded) report.unresolved.push(...unresolvedReferences(pkg));
  return reports;
}
