import { resolve } from 'node:path';

/** Shared material of the validation tests: the test package (hand-written profiles, extensions, ValueSets) and resources. */
export const TEST_PACKAGE = resolve(process.cwd(), 'test/fixtures/validation-package');
export const SD = 'http://example.org/fhir/StructureDefinition/';
export const COLORS = 'http://example.org/fhir/CodeSystem/test-colors';
export const PY_PATIENT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-patient';
export const CEDULA = 'https://fhir.mspbs.gov.py/sid/cedula-identidad';

/** A Patient that satisfies test-patient. */
export function goodTestPatient(): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    meta: { profile: [`${SD}test-patient`] },
    telecom: [{ system: 'phone', value: '0981 000000' }],
    extension: [
      { url: `${SD}nickname`, valueString: 'Pepe' },
      { url: `${SD}origin`, extension: [{ url: 'country', valueCoding: { system: COLORS, code: 'red' } }, { url: 'since', valueDate: '2001-01-01' }] },
    ],
    identifier: [
      { use: 'official', system: 'http://example.org/dni', value: '1234567' },
      { system: 'http://example.org/mrn', value: 'A-1' },
    ],
    name: [{ family: 'Benítez', given: ['Ana'] }],
    gender: 'female',
    maritalStatus: { coding: [{ system: COLORS, code: 'green' }] },
    communication: [{ language: { coding: [{ system: COLORS, code: 'red' }] } }],
  };
}

export function pyPatient(cedula = '4567890'): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    meta: { profile: [PY_PATIENT] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Rosa Giménez</div>' },
    identifier: [{ system: CEDULA, value: cedula }],
    name: [{ family: 'Giménez', given: ['Rosa'] }],
    gender: 'female',
    birthDate: '1990-05-14',
  };
}

/** Issues of an OperationOutcome as "severity|expression|text" lines, for readable assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function issueLines(outcome: any): string[] {
  return ((outcome?.issue ?? []) as { severity: string; expression?: string[]; diagnostics?: string }[]).map(
    (i) => `${i.severity}|${(i.expression ?? []).join(',')}|${i.diagnostics ?? ''}`,
  );
}

/** The write path (outcomeFromIssues) prefixes the first issue with "Invalid resource: "; this strips it. */
export function errorsOf(outcome: unknown): string[] {
  return issueLines(outcome)
    .filter((l) => l.startsWith('error|') || l.startsWith('fatal|'))
    .map((l) => l.replace(/^(error\|[^|]*\|)(Invalid resource|Recurso inválido): /, '$1'));
}
