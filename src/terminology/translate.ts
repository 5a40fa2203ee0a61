import type { Coding, ConceptMap, ConceptMapGroup } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { getConcept } from './codesystem.js';
import { findCodeSystem } from './expand.js';
import { allConceptMaps, preferredSystem } from './sources.js';

/**
 * ConceptMap/$translate (R4): the matches of a coding in one ConceptMap (when named) or in every held map
 * whose source / target value sets and group systems fit the request; `reverse` maps target → source.
 */
export interface TranslateMatch {
  equivalence: string;
  concept?: Coding;
  source?: string;
}

export interface TranslateArgs {
  coding: Coding;
  conceptMap?: ConceptMap;
  source?: string;
  target?: string;
  targetSystem?: string;
  reverse?: boolean;
  /** Without conceptMap: which of the held ConceptMaps may be searched (the requester's protected labels). */
  allowed?: (cm: ConceptMap) => Promise<boolean>;
  /** Whose CodeSystems may fill in a display the map does not give (the requester's protected labels). */
  systemAllowed?: (system: string) => Promise<boolean>;
}

const NO_MATCH = new Set(['unmatched', 'disjoint']);

function scopeUri(v: { sourceUri?: string; sourceCanonical?: string } | { targetUri?: string; targetCanonical?: string }, side: 'source' | 'target'): string | undefined {
  const o = v as Record<string, string | undefined>;
  return o[`${side}Uri`] ?? o[`${side}Canonical`];
}

function sameCanonical(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.split('|')[0] === b.split('|')[0];
}

export async function candidateMaps(q: Queryable, args: TranslateArgs): Promise<ConceptMap[]> {
  if (args.conceptMap) return [args.conceptMap];
  const [from, to] = args.reverse ? ['target', 'source'] as const : ['source', 'target'] as const;
  const maps = (await allConceptMaps(q)).filter((cm) => {
    if (args.source && !sameCanonical(scopeUri(cm, from), args.source)) return false;
    if (args.target && !sameCanonical(scopeUri(cm, to), args.target)) return false;
    return true;
  });
  const allowed = args.allowed;
  if (!allowed) return maps;
  const ok = await Promise.all(maps.map(allowed));
  return maps.filter((_, i) => ok[i]);
}

async function displayOf(q: Queryable, args: TranslateArgs, system: string | undefined, code: string | undefined, given?: string): Promise<string | undefined> {
  if (given || !system || !code) return given;
  if (args.systemAllowed && !(await args.systemAllowed(system))) return undefined;
  const cs = await findCodeSystem(q, system);
  return cs ? getConcept(cs, code)?.display : undefined;
}

function groupMatches(g: ConceptMapGroup, args: TranslateArgs, system: string | undefined): boolean {
  const from = args.reverse ? g.target : g.source;
  const to = args.reverse ? g.source : g.target;
  if (system && from && preferredSystem(from) !== system) return false;
  if (args.targetSystem && to !== args.targetSystem) return false;
  return true;
}

export async function translate(q: Queryable, args: TranslateArgs): Promise<TranslateMatch[]> {
  const system = args.coding.system ? preferredSystem(args.coding.system) : undefined;
  const code = args.coding.code;
  const out: TranslateMatch[] = [];
  for (const cm of await candidateMaps(q, args)) {
    for (const g of cm.group ?? []) {
      if (!groupMatches(g, args, system)) continue;
      const before = out.length;
      for (const el of g.element ?? []) {
        if (!args.reverse) {
          if (el.code !== code) continue;
          for (const t of el.target ?? []) {
            out.push({
              equivalence: t.equivalence ?? 'equivalent',
              ...(t.code ? { concept: { system: g.target, ...(g.targetVersion ? { version: g.targetVersion } : {}), code: t.code, display: await displayOf(q, args, g.target, t.code, t.display) } } : {}),
              source: cm.url,
            });
          }
        } else {
          for (const t of el.target ?? []) {
            if (t.code !== code) continue;
            out.push({
              equivalence: t.equivalence ?? 'equivalent',
              ...(el.code ? { concept: { system: g.source, ...(g.sourceVersion ? { version: g.sourceVersion } : {}), code: el.code, display: await displayOf(q, args, g.source, el.code, el.display) } } : {}),
              source: cm.url,
            });
          }
        }
      }
      if (out.length === before && !args.reverse && g.unmapped && code) {
        const u = g.unmapped;
        if (u.mode === 'provided') out.push({ equivalence: 'equal', concept: { system: g.target, code, display: await displayOf(q, args, g.target, code) }, source: cm.url });
        if (u.mode === 'fixed' && u.code) out.push({ equivalence: 'equivalent', concept: { system: g.target, code: u.code, display: u.display ?? (await displayOf(q, args, g.target, u.code)) }, source: cm.url });
      }
    }
  }
  for (const m of out) if (m.concept && m.concept.display === undefined) delete m.concept.display;
  return out;
}

export function translated(matches: TranslateMatch[]): boolean {
  return matches.some((m) => !NO_MATCH.has(m.equivalence) && m.concept);
}
