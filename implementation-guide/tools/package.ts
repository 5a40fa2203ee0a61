/** Writes the FHIR NPM package (package/package.json, package/*.json, package/.index.json, package/example/*) and its .tgz. */
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { indexEntry } from './core-package.ts';

export interface Resource { resourceType: string; id: string; url?: string; [k: string]: unknown }

const CONFORMANCE = new Set([
  'StructureDefinition', 'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'SearchParameter',
  'OperationDefinition', 'CapabilityStatement', 'ImplementationGuide', 'CompartmentDefinition', 'StructureMap', 'Measure',
]);

export function isExample(r: Resource): boolean {
  return !CONFORMANCE.has(r.resourceType);
}

export interface PackageManifest {
  name: string; version: string; canonical: string; title: string; description: string;
  fhirVersions: string[]; dependencies: Record<string, string>; [k: string]: unknown;
}

export async function writePackage(outDir: string, manifest: PackageManifest, resources: Resource[]): Promise<string> {
  const pkg = path.join(outDir, 'package');
  fs.rmSync(pkg, { recursive: true, force: true });
  fs.mkdirSync(path.join(pkg, 'example'), { recursive: true });
  const index: Record<string, unknown>[] = [];
  const examples: Record<string, unknown>[] = [];
  for (const r of resources) {
    const file = `${r.resourceType}-${r.id}.json`;
    const ex = isExample(r);
    fs.writeFileSync(path.join(pkg, ex ? 'example' : '', file), JSON.stringify(r, null, 2) + '\n');
    (ex ? examples : index).push(indexEntry(file, r));
  }
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(pkg, '.index.json'), JSON.stringify({ 'index-version': 2, files: index }, null, 2) + '\n');
  fs.writeFileSync(path.join(pkg, 'example', '.index.json'), JSON.stringify({ 'index-version': 2, files: examples }, null, 2) + '\n');
  const tgz = path.join(outDir, 'package.tgz');
  const tmp = `${tgz}.tmp`;
  await tar.c({ gzip: true, cwd: outDir, file: tmp, portable: true, mtime: new Date('2026-01-01T00:00:00Z') }, ['package']);
  fs.renameSync(tmp, tgz);
  return tgz;
}
