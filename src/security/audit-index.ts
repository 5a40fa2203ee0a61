import type { AuditEvent, AuditEventEntity } from '@medplum/fhirtypes';
import { getIndexedParams } from '../fhir/definitions.js';
import { emptyIndexRows, indexResource, type IndexRows } from '../search/indexer.js';

/**
 * Search-index rows of an aggregated AuditEvent without evaluating FHIRPath once per entity.
 *
 * An aggregated read event carries one entity per resource read (hundreds per event); the generic indexer
 * evaluates every entity parameter's FHIRPath over all of them (~8 µs per entity, most of the audit's CPU).
 * Here the event without its entities goes through the generic indexer, and the entity rows are added
 * directly: `entity` (AuditEvent.entity.what) and `patient` (…entity.what.where(resolve() is Patient)) as
 * reference rows and `entity:identifier` / `patient:identifier` as token rows (references have no sort
 * rows: search/sortkey.ts) — exactly the rows indexResource would give (test/security-audit.test.ts compares both).
 *
 * Used only when that equality is certain: the AuditEvent search parameters that read `entity` are the base
 * R4 ones (a SearchParameter added at run time that reads entity falls back to the generic indexer), every
 * entity has only `what` (a relative reference, an identifier or a display), `query` and `detail`, and no
 * agent is a Patient. Otherwise undefined: the store indexes the event itself.
 */
const ENTITY_PARAMS: Record<string, string> = {
  entity: 'AuditEvent.entity.what',
  'entity-name': 'AuditEvent.entity.name',
  'entity-role': 'AuditEvent.entity.role',
  'entity-type': 'AuditEvent.entity.type',
  patient: 'AuditEvent.agent.who.where((resolve() is Patient)) | AuditEvent.entity.what.where((resolve() is Patient))',
};
const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const ENTITY_KEYS = new Set(['what', 'query', 'detail']);
const WHAT_KEYS = new Set(['reference', 'identifier', 'display']);

function knownParams(): boolean {
  let seen = 0;
  for (const p of getIndexedParams('AuditEvent')) {
    if (!p.expression.includes('entity')) continue;
    if (ENTITY_PARAMS[p.code] !== p.expression) return false;
    seen++;
  }
  return seen === Object.keys(ENTITY_PARAMS).length;
}

function eligible(en: AuditEventEntity): boolean {
  for (const k of Object.keys(en)) if (!ENTITY_KEYS.has(k)) return false;
  const what = en.what;
  if (!what) return true;
  for (const k of Object.keys(what)) if (!WHAT_KEYS.has(k)) return false;
  if (what.reference !== undefined) return what.identifier === undefined && RELATIVE.test(what.reference);
  if (what.identifier) return Object.keys(what.identifier).every((k) => k === 'system' || k === 'value');
  return true;
}

export function auditIndexRows(e: AuditEvent, baseUrl: string): IndexRows | undefined {
  const entities = e.entity ?? [];
  if (entities.length < 8 || !entities.every(eligible) || !knownParams()) return undefined;
  const rows = emptyIndexRows();
  indexResource({ ...e, entity: undefined } as AuditEvent, rows, baseUrl);
  if (rows.reference.some((r) => r[2] === 'patient')) return undefined;
  const rt = 'AuditEvent';
  const id = e.id as string;
  const patients = new Set<string>();
  for (const en of entities) {
    const what = en.what;
    if (!what) continue;
    if (what.reference !== undefined) {
      const m = RELATIVE.exec(what.reference) as RegExpExecArray;
      rows.reference.push([rt, id, 'entity', m[1], m[2], null, null]);
      // patient is a union of two paths: equal values count once
      if (m[1] === 'Patient' && !patients.has(what.reference)) {
        patients.add(what.reference);
        rows.reference.push([rt, id, 'patient', m[1], m[2], null, null]);
      }
    } else if (what.identifier?.value) {
      rows.token.push([rt, id, 'entity:identifier', what.identifier.system ?? null, what.identifier.value, null, null]);
    }
  }
  return rows;
}
