/** Conformance resources: FHIR packages read at start, and the StructureDefinition registry the validator uses. */
export { readPackage, type FhirPackage } from './package.js';
export { installPackage, loadPackages, TERMINOLOGY_TYPES, type PackageReport, type TerminologySink } from './loader.js';
export {
  addStructureDefinition,
  definitionSource,
  getBaseDefinition,
  getStructureDefinition,
  listLoadedDefinitions,
  preloadBaseDefinitions,
  registryGeneration,
  removeStructureDefinition,
} from './registry.js';
export { StoredDefinitions } from './stored.js';
export { packageResources, SERVED_TYPES } from './served.js';
