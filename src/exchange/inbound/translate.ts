import type { Coding, ConceptMap, Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../db/database.js';
import { allConceptMaps, preferredSystem } from '../../terminology/sources.js';
import { translate, translated } from '../../terminology/translate.js';

/**
 * Step 6 of $process-message: codes of a partner's local systems translated. For every Coding of the imported
 * resources (the Patient, the ServiceRequest, the Task) whose system is the source of a group of a ConceptMap
 * the server holds (stored, or of a loaded package such as the guide) with a Paraguay target system
 * (https://fhir.mspbs.gov.py/...), each match (not unmatched nor disjoint) is added as a Coding beside the
 * original, which is kept. The IPS document is stored as received (it is a signed document). At most
 * MAX_CODINGS codings are looked at per message.
 */
export const PY_SYSTEMS = 'https://fhir.mspbs.gov.py/';
export const MAX_CODINGS = 500;

export async function translateCodes<T extends Resource>(q: Queryable, resources: T[]): Promise<T[]> {
  const maps = (await allConceptMaps(q)).filter((cm) => (cm.group ?? []).some((g) => g.source && g.target?.startsWith(PY_SYSTEMS)));
  if (maps.length === 0) return resources;
  const bySystem = new Map<string, ConceptMap[]>();
  for (const cm of maps) {
    for (const g of cm.group ?? []) {
      if (!g.source || !g.target?.startsWith(PY_SYSTEMS)) continue;
      const sys = preferredSystem(g.source);
      const list = bySystem.get(sys) ?? [];
      if (!list.includes(cm)) list.push(cm);
      bySystem.set(sys, list);
    }
  }
  let budget = MAX_CODINGS;
  const out: T[] = [];
  for (const r of resources) {
    const copy = structuredClone(r);
    const lists: Coding[][] = [];
    collect(copy, lists);
    for (const codings of lists) {
      for (const c of [...codings]) {
        if (budget-- <= 0 || !c.system || !c.code) continue;
        for (const cm of bySystem.get(preferredSystem(c.system)) ?? []) {
          const matches = (await translate(q, { coding: c, conceptMap: cm })).filter((x) => translated([x]) && x.concept?.system?.startsWith(PY_SYSTEMS));
          for (const x of matches) {
            const t = x.concept!;
            if (codings.some((k) => k.system === t.system && k.code === t.code)) continue;
            codings.push({ system: t.system, ...(t.version ? { version: t.version } : {}), code: t.code, ...(t.display ? { display: t.display } : {}) });
          }
        }
      }
    }
    out.push(copy);
  }
  return out;
}

/** Every `coding` array (of a CodeableConcept) in v, at any depth. */
function collect(v: unknown, out: Coding[][]): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'coding' && Array.isArray(x)) out.push(x as Coding[]);
    else collect(x, out);
  }
}
