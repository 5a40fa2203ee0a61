import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { CORPORA, corpusFiles, readJson, request } from '../helpers/http.js';

/**
 * Loads the oracle data set into a server: the Synthea COVID juvenile corpus (information bundles first, then
 * each patient bundle as a transaction) and a selection of the R4 spec examples (hl7.fhir.r4.examples, PUT with
 * their own ids). Examples referencing something that does not exist yet are retried after the others; what
 * the server still rejects is recorded, not hidden.
 */
export const EXAMPLES_DIR = join(process.cwd(), 'node_modules/hl7.fhir.r4.examples');

/** Resource types taken from the spec examples, with how many of each at most (files sorted by name). */
const EXAMPLE_TYPES: Record<string, number> = {
  Organization: 20,
  Location: 10,
  Practitioner: 20,
  PractitionerRole: 10,
  Patient: 30,
  RelatedPerson: 10,
  Group: 10,
  Medication: 30,
  Substance: 10,
  Encounter: 20,
  Condition: 20,
  Observation: 80,
  MedicationRequest: 45,
  AllergyIntolerance: 10,
  Procedure: 20,
  Immunization: 10,
  Specimen: 10,
  DiagnosticReport: 10,
  ValueSet: 30,
  CodeSystem: 30,
  RiskAssessment: 10,
  Device: 10,
};

export interface LoadReport {
  synthea: number;
  examplesStored: number;
  referencesStripped: number;
  examplesRejected: { file: string; status: number; reason: string }[];
}

export async function loadCorpus(base: string): Promise<LoadReport> {
  const dir = join(CORPORA, 'synthea-covid-juvenile');
  let synthea = 0;
  const info = corpusFiles(dir).filter((f) => /^(hospital|practitioner)Information.*\.json$/.test(f)).sort((a) => (a.startsWith('hospital') ? -1 : 1));
  for (const f of info) {
    const bundle = readJson<Bundle>(join(dir, f));
    const res = await request('POST', base, bundle);
    if (res.status !== 200) throw new Error(`${f}: ${res.status} ${res.text.slice(0, 500)}`);
    synthea += (res.json as Bundle).entry?.filter((e) => e.response?.status?.startsWith('2')).length ?? 0;
  }
  for (const f of corpusFiles(join(dir, 'patients')).sort()) {
    const bundle = readJson<Bundle>(join(dir, 'patients', f));
    bundle.type = 'transaction';
    const res = await request('POST', base, bundle);
    if (res.status !== 200) throw new Error(`${f}: ${res.status} ${res.text.slice(0, 500)}`);
    synthea += bundle.entry?.length ?? 0;
  }

  const files = readdirSync(EXAMPLES_DIR).sort();
  let pending: { file: string; resource: Resource }[] = [];
  for (const [type, max] of Object.entries(EXAMPLE_TYPES)) {
    const mine = files.filter((f) => f.startsWith(`${type}-`) && f.endsWith('.json')).slice(0, max);
    for (const file of mine) {
      const resource = readJson<Resource>(join(EXAMPLES_DIR, file));
      if (resource.resourceType !== type || !resource.id) continue;
      // No selected example carries meta.tag: tag every third Patient and Observation so _tag is exercised.
      if ((type === 'Patient' || type === 'Observation') && pending.length % 3 === 0) {
        resource.meta = { ...resource.meta, tag: [{ system: 'http://example.org/oracle-tags', code: pending.length % 2 ? 'odd' : 'even' }] };
      }
      pending.push({ file, resource });
    }
  }
  let stored = 0;
  let stripped = 0;
  let last: Map<string, { status: number; reason: string }> = new Map();
  // Rounds: what failed on a missing reference may succeed once its target is stored. After two rounds a
  // reference whose target is not in the selection is turned into a display-only Reference.
  for (let round = 0; round < 12 && pending.length > 0; round++) {
    const failed: typeof pending = [];
    last = new Map();
    let progress = false;
    for (const p of pending) {
      const res = await request('PUT', `${base}/${p.resource.resourceType}/${p.resource.id}`, p.resource);
      if (res.status === 200 || res.status === 201) {
        stored++;
        progress = true;
        continue;
      }
      const reason = (res.json?.issue?.[0]?.diagnostics as string | undefined) ?? res.text.slice(0, 200);
      const missing = /^Reference "([^"]+)" points to a resource that does not exist/.exec(reason)?.[1];
      if (missing && round >= 2 && stripReference(p.resource, missing)) {
        stripped++;
        progress = true;
      }
      failed.push(p);
      last.set(p.file, { status: res.status, reason });
    }
    if (!progress) break;
    pending = failed;
  }
  return { synthea, examplesStored: stored, referencesStripped: stripped, examplesRejected: pending.map((p) => ({ file: p.file, ...(last.get(p.file) as { status: number; reason: string }) })) };
}

/** Every stored resource of the given types, read back page by page (as the server stores them, with meta). */
export async function readAll(base: string, types: string[]): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const type of types) {
    let url: string | undefined = `${base}/${type}?_count=500`;
    while (url) {
      const res = await request('GET', url);
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      const bundle = res.json as Bundle;
      for (const e of bundle.entry ?? []) if (e.search?.mode === 'match' && e.resource) out.push(e.resource);
      url = bundle.link?.find((l) => l.relation === 'next')?.url;
    }
  }
  return out;
}

/** Replaces every Reference to `ref` by a display-only Reference; false when there was none. */
function stripReference(node: unknown, ref: string): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.reference === ref) {
        delete o.reference;
        o.display ??= `${ref} (not loaded)`;
        found = true;
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(node);
  return found;
}
