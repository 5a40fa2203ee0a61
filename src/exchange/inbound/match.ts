import type { HumanName, Patient } from '@medplum/fhirtypes';
import { searchIn } from '../../store/search-in.js';
import type { StoreTransaction } from '../../store/store.js';
import { identifierToken } from './identifiers.js';

/**
 * Step 7 of $process-message: is the incoming patient one the server holds? Never merged silently:
 * 1. Deterministic: a Patient with any of its identifiers (systems already mapped by identifiers.ts) is that
 *    patient; identifiers naming two or more different Patients are ambiguous (review).
 * 2. Else scored, over the Patients with the same birth date (at most MAX_CANDIDATES): family name 0.35,
 *    given names 0.25 (each as the share of the longer list's words found in the other, after lowercasing and
 *    removing accents; the best of the candidate's names), birth date 0.25, sex 0.15.
 *    - one candidate at MATCH (0.9) or more, and no other at REVIEW (0.7) or more: that patient;
 *    - one or more candidates at REVIEW or more otherwise: `review` — the incoming patient is created as new
 *      and a Task revisar-identidad lists the candidates;
 *    - none: a new patient.
 * With exact family, given names and birth date, a different or missing sex scores 0.85: review, not a match.
 * A candidate holding an identifier of one of the incoming patient's systems with another value (another DNI)
 * is never matched by score: it can be a review candidate only.
 */
export const MATCH = 0.9;
export const REVIEW = 0.7;
export const MAX_CANDIDATES = 200;
const MAX_IDENTIFIERS = 10;
const W = { family: 0.35, given: 0.25, birthDate: 0.25, gender: 0.15 };

export interface Candidate {
  patient: Patient;
  score: number;
}
export type MatchResult = { kind: 'matched'; patient: Patient; by: 'identifier' | 'score'; score: number } | { kind: 'review'; candidates: Candidate[] } | { kind: 'new' };

export async function matchPatient(t: StoreTransaction, incoming: Patient): Promise<MatchResult> {
  const byId = new Map<string, Patient>();
  for (const id of (incoming.identifier ?? []).slice(0, MAX_IDENTIFIERS)) {
    const token = identifierToken(id);
    if (!token) continue;
    for (const p of await searchIn<Patient>(t, 'Patient', { identifier: token }, 5)) byId.set(p.id!, p);
  }
  if (byId.size === 1) return { kind: 'matched', patient: [...byId.values()][0], by: 'identifier', score: 1 };
  if (byId.size > 1) return { kind: 'review', candidates: [...byId.values()].map((patient) => ({ patient, score: 1 })) };
  if (!incoming.birthDate) return { kind: 'new' };
  const found = await searchIn<Patient>(t, 'Patient', { birthdate: incoming.birthDate }, MAX_CANDIDATES);
  const scored = found
    .map((patient) => ({ patient, score: conflicting(incoming, patient) ? Math.min(score(incoming, patient), MATCH - 0.001) : score(incoming, patient) }))
    .filter((c) => c.score >= REVIEW)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0) return { kind: 'new' };
  if (scored.length === 1 && scored[0].score >= MATCH) return { kind: 'matched', patient: scored[0].patient, by: 'score', score: scored[0].score };
  return { kind: 'review', candidates: scored };
}

/** b holds an identifier of a system a has too, with another value: the same person is doubtful (review at most). */
function conflicting(a: Patient, b: Patient): boolean {
  const held = new Map<string, Set<string>>();
  for (const i of b.identifier ?? []) if (i.system && i.value) held.set(i.system, (held.get(i.system) ?? new Set()).add(i.value));
  return (a.identifier ?? []).some((i) => i.system && i.value && held.has(i.system) && !held.get(i.system)!.has(i.value));
}

export function score(a: Patient, b: Patient): number {
  let family = 0;
  let given = 0;
  for (const na of a.name ?? []) {
    for (const nb of b.name ?? []) {
      family = Math.max(family, overlap(words(na.family), words(nb.family)));
      given = Math.max(given, overlap(givenWords(na), givenWords(nb)));
    }
  }
  const s = W.family * family + W.given * given + (a.birthDate && a.birthDate === b.birthDate ? W.birthDate : 0) + (a.gender && a.gender === b.gender ? W.gender : 0);
  return Math.round(s * 1000) / 1000;
}

const givenWords = (n: HumanName): string[] => (n.given ?? []).flatMap(words);

/** Lowercase words without accents or punctuation. */
export function words(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function overlap(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sb = new Set(b);
  const common = new Set(a.filter((w) => sb.has(w))).size;
  return common / Math.max(new Set(a).size, sb.size);
}
