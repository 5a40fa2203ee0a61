import type { CodeSystemConceptDesignation, CodeSystemConceptProperty, Coding } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { FhirError } from '../fhir/outcome.js';
import { ancestorsAndSelf, type CodeSystemIndex, displayIn, getConcept } from './codesystem.js';
import { findCodeSystem } from './expand.js';

/**
 * CodeSystem/$lookup and $subsumes over the code systems the server holds. A code system it does not hold is a
 * 404 naming it (the server cannot say anything about its codes).
 */
export interface LookupResult {
  name: string;
  version?: string;
  display?: string;
  definition?: string;
  abstract: boolean;
  inactive: boolean;
  designation: CodeSystemConceptDesignation[];
  property: CodeSystemConceptProperty[];
}

export async function requireCodeSystem(q: Queryable, system: string, version?: string): Promise<CodeSystemIndex> {
  const cs = await findCodeSystem(q, system, version);
  if (!cs) throw new FhirError(404, 'not-found', 'terminology.codeSystemNotFound', [version ? `${system}|${version}` : system]);
  return cs;
}

export async function lookup(
  q: Queryable,
  args: { system: string; code: string; version?: string; displayLanguage?: string; properties?: string[]; codeSystem?: CodeSystemIndex },
): Promise<LookupResult> {
  const cs = args.codeSystem ?? (await requireCodeSystem(q, args.system, args.version));
  const concept = getConcept(cs, args.code);
  if (!concept) throw new FhirError(404, 'not-found', 'terminology.codeNotFound', [args.code, cs.url]);
  const wanted = (p: string): boolean => !args.properties?.length || args.properties.includes(p);
  const property: CodeSystemConceptProperty[] = [];
  for (const p of concept.property) if (p.code && wanted(p.code) && p.code !== 'parent' && p.code !== 'child') property.push(p);
  if (wanted('parent')) for (const parent of concept.parents) property.push({ code: 'parent', valueCode: parent });
  if (wanted('child')) for (const child of concept.children) property.push({ code: 'child', valueCode: child });
  if (wanted('inactive') && !concept.property.some((p) => p.code === 'inactive')) property.push({ code: 'inactive', valueBoolean: concept.inactive });
  return {
    name: cs.resource.name ?? cs.resource.title ?? cs.url,
    version: cs.version,
    display: displayIn(cs, concept, args.displayLanguage),
    definition: wanted('definition') ? concept.definition : undefined,
    abstract: concept.abstract,
    inactive: concept.inactive,
    designation: wanted('designation') ? concept.designation : [],
    property,
  };
}

export type SubsumptionOutcome = 'equivalent' | 'subsumes' | 'subsumed-by' | 'not-subsumed';

/** How codeA relates to codeB in the is-a hierarchy of one code system. */
export async function subsumes(q: Queryable, args: { system: string; version?: string; codeA: string; codeB: string; codeSystem?: CodeSystemIndex }): Promise<SubsumptionOutcome> {
  const cs = args.codeSystem ?? (await requireCodeSystem(q, args.system, args.version));
  const a = getConcept(cs, args.codeA);
  if (!a) throw new FhirError(404, 'not-found', 'terminology.codeNotFound', [args.codeA, cs.url]);
  const b = getConcept(cs, args.codeB);
  if (!b) throw new FhirError(404, 'not-found', 'terminology.codeNotFound', [args.codeB, cs.url]);
  if (a.code === b.code) return 'equivalent';
  if (ancestorsAndSelf(cs, b.code).has(a.code)) return 'subsumes';
  if (ancestorsAndSelf(cs, a.code).has(b.code)) return 'subsumed-by';
  return 'not-subsumed';
}

export type { Coding };
