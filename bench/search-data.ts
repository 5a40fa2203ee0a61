/**
 * Test data for the search benchmark (bench/search.ts): copies of the Synthea patient transaction bundles that
 * are new patients as far as the server can tell.
 *
 * A copy rewrites every UUID that is a fullUrl of the bundle (`urn:uuid:…`) to a fresh one, everywhere in the
 * text: the fullUrls, every reference to them, the resource ids and the identifiers that Synthea derives from
 * them. UUIDs that are not fullUrls of the bundle stay: the conditional references to the shared Practitioner /
 * Organization / Location resources (`Practitioner?identifier=…|…`) keep pointing at the same resources. The
 * Patient also gets distinct names and identifiers: Synthea names end in digits (`Dickinson688`); copy k puts k
 * in front of them (`Dickinson1688`, `Dickinson2688`, …), so each copy's family name is distinct and a
 * `Patient?name=` search for it finds that copy only (string search is a prefix match); other identifier values
 * get the suffix `-c<k>`.
 */
import { randomUUID } from 'node:crypto';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** A name part of copy k: the digits at its end get k in front (a part without trailing digits gets k appended). */
export function copyName(name: string, k: number): string {
  const m = /^(.*?)(\d+)$/.exec(name);
  return m ? `${m[1]}${k}${m[2]}` : `${name}${k}`;
}

interface HumanName {
  family?: string;
  given?: string[];
  text?: string;
}

/** Copy number k (≥ 1) of a Synthea patient transaction bundle, as JSON text. */
export function copyPatientBundle(text: string, k: number): string {
  const bundle = JSON.parse(text) as { entry?: { fullUrl?: string; resource?: { resourceType: string } & Record<string, unknown> }[] };
  const fresh = new Map<string, string>();
  for (const e of bundle.entry ?? []) {
    const m = /^urn:uuid:(.+)$/.exec(e.fullUrl ?? '');
    if (m) fresh.set(m[1], randomUUID());
  }
  let out = text.replace(UUID, (u) => fresh.get(u) ?? u);
  const copy = JSON.parse(out) as typeof bundle;
  for (const e of copy.entry ?? []) {
    const r = e.resource;
    if (r?.resourceType !== 'Patient') continue;
    for (const n of (r.name as HumanName[] | undefined) ?? []) {
      if (n.family) n.family = copyName(n.family, k);
      if (n.given) n.given = n.given.map((g) => copyName(g, k));
      if (n.text) n.text = n.text.split(' ').map((w) => copyName(w, k)).join(' ');
    }
    for (const id of (r.identifier as { value?: string }[] | undefined) ?? []) {
      if (id.value && !/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(id.value)) id.value = `${id.value}-c${k}`;
    }
  }
  out = JSON.stringify(copy);
  return out;
}

/**
 * The copies needed to grow `current` resources to at least `target`: [bundle index, copy number] pairs,
 * cycling over the bundles (copy 1 of every bundle, then copy 2, …).
 */
export function planCopies(entries: number[], current: number, target: number): [number, number][] {
  const plan: [number, number][] = [];
  let total = current;
  for (let k = 1; total < target; k++) {
    for (let i = 0; i < entries.length && total < target; i++) {
      plan.push([i, k]);
      total += entries[i];
    }
  }
  return plan;
}
