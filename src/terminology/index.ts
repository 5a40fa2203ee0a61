import type { Resource } from '@medplum/fhirtypes';
import type { Database } from '../db/database.js';
import type { Feature } from '../features.js';
import './messages.js';
import { registerTerminologyOperations } from './operations.js';
import { addResources, invalidate, setPool, TERM_TYPES } from './sources.js';

/**
 * Terminology: what the server holds (stored CodeSystem/ValueSet/ConceptMap resources, packages handed over,
 * HL7 Terminology, base R4) and the operations over it: CodeSystem/$lookup, $validate-code, $subsumes,
 * ValueSet/$expand, $validate-code and ConceptMap/$translate.
 */
export { validateCode, validateInCodeSystem, validateInValueSet, type CodeVerdict } from './validate.js';
export { computeByUrl, computeExpansion, renderExpansion, checkExpandable, type ExpandOptions } from './expand.js';
export { lookup, subsumes, type LookupResult } from './lookup.js';
export { translate } from './translate.js';

/** CodeSystem, ValueSet, ConceptMap and NamingSystem resources of a loaded package (others are ignored). */
export function addTerminologyResources(resources: Resource[], source: string): void {
  addResources(resources, source);
}

const POLL_MS = 5000;

/** Highest history sequence of any terminology resource: changes in other processes show up here. */
async function lastChange(db: Database): Promise<string> {
  const { rows } = await db.query<{ seq: string | null }>(
    `SELECT GREATEST(${TERM_TYPES.map((_, i) => `(SELECT max(seq) FROM resource_history WHERE res_type = $${i + 1})`).join(', ')})::text AS seq`,
    [...TERM_TYPES],
    'terminology_last_change',
  );
  return rows[0]?.seq ?? '0';
}

let timer: NodeJS.Timeout | undefined;

export const terminologyFeature: Feature = {
  name: 'terminology',
  async start(s) {
    registerTerminologyOperations();
    setPool(s.db);
    s.store.onCommit((changes) => {
      if (changes.some((c) => (TERM_TYPES as readonly string[]).includes(c.type))) invalidate();
    });
    let seen = await lastChange(s.db);
    timer = setInterval(() => {
      lastChange(s.db)
        .then((seq) => {
          if (seq !== seen) invalidate();
          seen = seq;
        })
        .catch((err: unknown) => s.log.warn({ err }, 'terminology change poll failed'));
    }, POLL_MS);
    timer.unref();
  },
  async stop() {
    if (timer) clearInterval(timer);
    timer = undefined;
  },
};
