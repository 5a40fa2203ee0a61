import type { CodeSystem } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { ancestorsAndSelf, descendantsAndSelf, getConcept, indexCodeSystem } from './codesystem.js';
import { computeByUrl } from './expand.js';
import { find, preferredSystem } from './sources.js';

/**
 * The terminology the search modifiers :in, :not-in, :above and :below need, from everything the server holds
 * (see sources.ts): a ValueSet as the set of system|code pairs plus the whole systems it includes that the
 * server does not hold in full (matched by system alone).
 */
export interface CodeSet {
  /** system|code pairs */
  codes: { system: string; code: string }[];
  /** whole systems included (a ValueSet that includes a CodeSystem the server does not hold in full) */
  systems: string[];
}

/** The code and its descendants (below) or ancestors (above) in a CodeSystem the server holds. */
export async function subsumption(q: Queryable, system: string, code: string, direction: 'above' | 'below'): Promise<CodeSet> {
  const url = preferredSystem(system);
  const cs = await find<CodeSystem>(q, 'CodeSystem', url);
  if (!cs) return { codes: [{ system, code }], systems: [] };
  const index = indexCodeSystem(cs);
  const start = getConcept(index, code)?.code ?? code;
  const codes = direction === 'below' ? descendantsAndSelf(index, start) : ancestorsAndSelf(index, start);
  return { codes: [...codes].map((c) => ({ system, code: c })), systems: [] };
}

/** The codes of a ValueSet the server holds, or undefined when it holds none by that URL. */
export async function expandValueSet(q: Queryable, url: string): Promise<CodeSet | undefined> {
  const found = await computeByUrl(q, url);
  if (!found) return undefined;
  return {
    codes: found.computed.items.map((i) => ({ system: i.system, code: i.code })),
    systems: [...found.computed.wholeSystems],
  };
}
