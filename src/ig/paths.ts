import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run ig` writes the implementation guide: <IG_DIR>/package.tgz (the FHIR NPM package), <IG_DIR>/package/
 * (the same package unpacked: package.json, .index.json, conformance resources, example/) and <IG_DIR>/site/.
 * Default: implementation-guide/output at the application root (dist/src/ig → ../../..).
 */
const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface GuideLocation { igDir?: string }

export function guideOutputDir(config: GuideLocation = {}): string {
  return path.resolve(config.igDir ?? process.env.IG_DIR ?? path.join(APP_ROOT, 'implementation-guide', 'output'));
}

/** The FHIR NPM package (.tgz) of the Paraguay guide. */
export function guidePackagePath(config: GuideLocation = {}): string {
  return path.join(guideOutputDir(config), 'package.tgz');
}

/** The unpacked package folder (package.json, .index.json, *.json; examples under example/). */
export function guidePackageDir(config: GuideLocation = {}): string {
  return path.join(guideOutputDir(config), 'package');
}

export function guideSiteDir(config: GuideLocation = {}): string {
  return path.join(guideOutputDir(config), 'site');
}

/** The conformance resources of the guide (StructureDefinition, ValueSet, CodeSystem, ...), read from the unpacked package. */
export function readGuideResources(config: GuideLocation = {}, folder: '' | 'example' = ''): Record<string, unknown>[] {
  const dir = path.join(guidePackageDir(config), folder);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.') && f !== 'package.json').sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>);
}
