/**
 * Search-index extraction cost of the parameters that end in `where(resolve() is Type)`, which the indexer
 * evaluates without FHIRPath's resolve() (src/fhir/definitions.ts evalParam): the same parameters evaluated
 * both ways on an AuditEvent with 50 entities and on an Observation, with the values compared.
 *
 *   npm run bench:indexer -- --iterations=2000
 */
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { evalParam, getIndexedParams, loadDefinitions } from '../src/fhir/definitions.js';

const iterations = Number(process.argv.find((a) => a.startsWith('--iterations='))?.split('=')[1] ?? 2000);
loadDefinitions();

const auditEvent = {
  resourceType: 'AuditEvent',
  id: 'a',
  recorded: '2026-01-01T00:00:00Z',
  type: { code: 'rest' },
  agent: [{ who: { reference: 'Device/d' }, requestor: true }],
  source: { observer: { display: 'x' } },
  entity: Array.from({ length: 50 }, (_, i) => ({ what: { reference: `Patient/p${i % 10}` } })),
} as Resource;
const observation = { resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/1' } } as Resource;

for (const resource of [auditEvent, observation]) {
  const typed = toTypedValue(resource);
  const vars = { '%resource': typed, '%rootResource': typed };
  const params = getIndexedParams(resource.resourceType).filter((p) => p.parts);
  const distinct = (values: { value: unknown }[]): string[] => [...new Set(values.map((v) => JSON.stringify(v.value)))].sort();
  for (const p of params) {
    const same = JSON.stringify(distinct(evalFhirPathTyped(p.atom, [typed], vars))) === JSON.stringify(distinct(evalParam(p, typed, vars)));
    if (!same) throw new Error(`${resource.resourceType}.${p.code}: evalParam disagrees with FHIRPath`);
  }
  const time = (f: () => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) f();
    return (performance.now() - t0) / iterations;
  };
  const fhirpath = time(() => params.forEach((p) => evalFhirPathTyped(p.atom, [typed], vars)));
  const fast = time(() => params.forEach((p) => evalParam(p, typed, vars)));
  console.log(`${resource.resourceType} (${params.map((p) => p.code).join(', ')}): FHIRPath resolve() ${fhirpath.toFixed(4)} ms, evalParam ${fast.toFixed(4)} ms per resource (${(fhirpath / fast).toFixed(1)}×), same distinct values`);
}
