import type { CodeSystem, NamingSystem, ValueSet } from '@medplum/fhirtypes';
import type { Queryable } from '../src/db/database.js';
import { addTerminologyResources, validateCode } from '../src/terminology/index.js';

/**
 * The in-process interface the validation layer uses (addTerminologyResources + validateCode), with nothing
 * stored in the database: package terminology, base R4, HL7 terminology, and honest "not known" answers.
 * (The same code answers ValueSet/$validate-code, tested over HTTP in terminology-operations.test.ts.)
 */
const empty: Queryable = { query: async <T>() => ({ rows: [] as T[], rowCount: 0 }) };

const PKG_CS = 'https://fhir.example.py/CodeSystem/pkg-departamento';
const PKG_VS = 'https://fhir.example.py/ValueSet/pkg-departamento';

beforeAll(() => {
  const cs: CodeSystem = {
    resourceType: 'CodeSystem',
    url: PKG_CS,
    status: 'active',
    content: 'complete',
    language: 'es',
    concept: [
      { code: '0', display: 'Capital (Asunción)', designation: [{ language: 'gn', value: 'Paraguay (Táva Guasu)' }] },
      { code: '11', display: 'Central' },
    ],
  };
  const vs: ValueSet = { resourceType: 'ValueSet', url: PKG_VS, status: 'active', compose: { include: [{ system: PKG_CS }] } };
  const ns: NamingSystem = {
    resourceType: 'NamingSystem',
    name: 'PkgDepartamento',
    status: 'active',
    kind: 'codesystem',
    date: '2026-11-22',
    uniqueId: [
      { type: 'uri', value: PKG_CS, preferred: true },
      { type: 'oid', value: '2.16.600.9.9.1' },
    ],
  };
  addTerminologyResources([cs, vs, ns, { resourceType: 'Patient' }], 'test-package#0.1.0');
});

test('package terminology: valid, invalid, Guaraní designation accepted as display, OID system via NamingSystem', async () => {
  expect(await validateCode(empty, { valueSet: PKG_VS, system: PKG_CS, code: '11' })).toMatchObject({ result: true, known: true });
  const bad = await validateCode(empty, { valueSet: PKG_VS, system: PKG_CS, code: '42' });
  expect(bad).toMatchObject({ result: false, known: true });
  expect(bad.message).toContain('42');
  expect(await validateCode(empty, { valueSet: PKG_VS, system: PKG_CS, code: '0', display: 'Paraguay (Táva Guasu)' })).toEqual({ result: true, known: true, display: 'Capital (Asunción)' });
  const wrong = await validateCode(empty, { valueSet: PKG_VS, system: PKG_CS, code: '0', display: 'Asuncion' });
  expect(wrong.result).toBe(true);
  expect(wrong.message).toContain('Asuncion');
  expect(await validateCode(empty, { valueSet: PKG_VS, system: 'urn:oid:2.16.600.9.9.1', code: '11' })).toMatchObject({ result: true, known: true });
});

test('a code without a system (code elements) against base R4 value sets', async () => {
  expect(await validateCode(empty, { valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1', code: 'female' })).toMatchObject({ result: true, known: true });
  expect(await validateCode(empty, { valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender', code: 'mujer' })).toMatchObject({ result: false, known: true });
  expect(await validateCode(empty, { valueSet: 'http://terminology.hl7.org/ValueSet/v3-FamilyMember', system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'NFTH' })).toMatchObject({ result: true, known: true });
});

test('not held: unknown value set, SNOMED CT, LOINC → known false, never a verdict', async () => {
  expect(await validateCode(empty, { valueSet: 'https://example.org/ValueSet/nope', code: 'x' })).toMatchObject({ result: false, known: false });
  const sct = await validateCode(empty, { valueSet: 'http://hl7.org/fhir/ValueSet/clinical-findings', system: 'http://snomed.info/sct', code: '22298006' });
  expect(sct).toMatchObject({ result: false, known: false });
  expect(sct.message).toContain('http://snomed.info/sct');
  expect(await validateCode(empty, { valueSet: 'http://hl7.org/fhir/ValueSet/observation-codes', system: 'http://loinc.org', code: '8867-4' })).toMatchObject({ result: false, known: false });
});
