import type { CodeSystem, ConceptMap, ValueSet } from '@medplum/fhirtypes';

/**
 * Terminology the terminology tests POST: a hierarchical service CodeSystem in Spanish with Guaraní and English
 * designations, value sets exercising every compose feature, and a DGEEC → ISO 3166-2 ConceptMap. The
 * expected answers in the tests are worked out by hand from these definitions.
 *
 *   clin  Clínica (gn Tasyo, en Clinical)
 *     med  Medicina interna (gn Pohanohára, en Internal medicine)  nivel=2
 *       cardio  Cardiología (en Cardiology)  nivel=3
 *       neumo   Neumología (en Pulmonology)  nivel=3
 *     ped  Pediatría (en Pediatrics)  nivel=2
 *       neo  Neonatología (en Neonatology)  nivel=3  status=retired (inactive)
 *   quir  Quirúrgica (en Surgical)  notSelectable
 *     cirgen  Cirugía general (en General surgery)  nivel=2
 *     trauma  Traumatología (en Traumatology)  nivel=2, also parent=urg
 *   urg  Urgencias (en Emergency)
 */
export const SVC = 'https://fhir.example.py/CodeSystem/test-servicios';
export const VS = (name: string): string => `https://fhir.example.py/ValueSet/test-${name}`;
export const DEP = 'https://fhir.example.py/CodeSystem/test-dgeec-departamentos';
export const ISO = 'urn:iso:std:iso:3166:-2';
export const CM = 'https://fhir.example.py/ConceptMap/test-dgeec-iso';

const en = (value: string) => ({ language: 'en', value });
const gn = (value: string) => ({ language: 'gn', value });
const nivel = (n: string) => ({ code: 'nivel', valueCode: n });

export const servicios: CodeSystem = {
  resourceType: 'CodeSystem',
  url: SVC,
  version: '1.0.0',
  name: 'TestServicios',
  status: 'active',
  language: 'es',
  content: 'complete',
  caseSensitive: true,
  hierarchyMeaning: 'is-a',
  property: [
    { code: 'nivel', type: 'code' },
    { code: 'status', type: 'code' },
    { code: 'notSelectable', type: 'boolean' },
    { code: 'parent', type: 'code' },
  ],
  concept: [
    {
      code: 'clin',
      display: 'Clínica',
      designation: [gn('Tasyo'), en('Clinical')],
      concept: [
        {
          code: 'med',
          display: 'Medicina interna',
          designation: [gn('Pohanohára'), en('Internal medicine')],
          property: [nivel('2')],
          concept: [
            { code: 'cardio', display: 'Cardiología', designation: [en('Cardiology')], property: [nivel('3')] },
            { code: 'neumo', display: 'Neumología', designation: [en('Pulmonology')], property: [nivel('3')] },
          ],
        },
        {
          code: 'ped',
          display: 'Pediatría',
          designation: [en('Pediatrics')],
          property: [nivel('2')],
          concept: [{ code: 'neo', display: 'Neonatología', designation: [en('Neonatology')], property: [nivel('3'), { code: 'status', valueCode: 'retired' }] }],
        },
      ],
    },
    {
      code: 'quir',
      display: 'Quirúrgica',
      designation: [en('Surgical')],
      property: [{ code: 'notSelectable', valueBoolean: true }],
      concept: [
        { code: 'cirgen', display: 'Cirugía general', designation: [en('General surgery')], property: [nivel('2')] },
        { code: 'trauma', display: 'Traumatología', designation: [en('Traumatology')], property: [nivel('2'), { code: 'parent', valueCode: 'urg' }] },
      ],
    },
    { code: 'urg', display: 'Urgencias', designation: [en('Emergency')] },
  ],
};

const vs = (name: string, compose: ValueSet['compose']): ValueSet => ({ resourceType: 'ValueSet', url: VS(name), name: `Test_${name}`, status: 'active', compose });
const filter = (property: string, op: string, value: string) => ({ system: SVC, filter: [{ property, op, value }] }) as NonNullable<ValueSet['compose']>['include'][number];

export const valueSets: ValueSet[] = [
  vs('clin', { include: [filter('concept', 'is-a', 'clin')] }),
  vs('desc', { include: [filter('concept', 'descendent-of', 'clin')] }),
  vs('not-clin', { include: [filter('concept', 'is-not-a', 'clin')] }),
  vs('nivel3', { include: [filter('nivel', '=', '3')] }),
  vs('regex', { include: [filter('concept', 'regex', 'c.*')] }),
  vs('in', { include: [filter('concept', 'in', 'urg,ped,xxx')] }),
  vs('has-nivel', { include: [filter('nivel', 'exists', 'true')] }),
  vs('no-nivel', { include: [filter('nivel', 'exists', 'false')] }),
  vs('clin-but-ped', { include: [filter('concept', 'is-a', 'clin')], exclude: [{ system: SVC, concept: [{ code: 'ped' }] }] }),
  vs('nested', { include: [{ valueSet: [VS('clin')] }, { system: SVC, concept: [{ code: 'urg' }] }] }),
  vs('intersection', { include: [{ valueSet: [VS('clin'), VS('nivel3')] }] }),
  vs('all', { include: [{ system: SVC }] }),
  vs('listed', { include: [{ system: SVC, concept: [{ code: 'urg', display: 'Guardia' }, { code: 'cardio' }, { code: 'no-such-code' }] }] }),
  vs('loinc-listed', { include: [{ system: 'http://loinc.org', concept: [{ code: '8867-4', display: 'Heart rate' }] }] }),
  vs('snomed-all', { include: [{ system: 'http://snomed.info/sct' }] }),
  vs('unknown-import', { include: [{ valueSet: ['https://fhir.example.py/ValueSet/does-not-exist'] }] }),
  vs('cycle-a', { include: [{ valueSet: [VS('cycle-b')] }, { system: SVC, concept: [{ code: 'urg' }] }] }),
  vs('cycle-b', { include: [{ valueSet: [VS('cycle-a')] }, { system: SVC, concept: [{ code: 'cardio' }] }] }),
  vs('big', { include: [{ system: 'https://fhir.example.py/CodeSystem/test-big' }] }),
];

/** A flat code system of 500 codes (c001 … c500), for paging and the benchmark. */
export function bigCodeSystem(n = 500): CodeSystem {
  return {
    resourceType: 'CodeSystem',
    url: 'https://fhir.example.py/CodeSystem/test-big',
    name: 'TestBig',
    status: 'active',
    content: 'complete',
    concept: Array.from({ length: n }, (_, i) => {
      const code = `c${String(i + 1).padStart(3, '0')}`;
      return { code, display: `Concepto ${code}`, designation: [en(`Concept ${code}`)] };
    }),
  };
}

export const departamentos: CodeSystem = {
  resourceType: 'CodeSystem',
  url: DEP,
  name: 'TestDepartamentos',
  status: 'active',
  content: 'complete',
  concept: [
    { code: '00', display: 'Asunción' },
    { code: '01', display: 'Concepción' },
    { code: '11', display: 'Central' },
    { code: '99', display: 'Exterior' },
  ],
};

export const dgeecToIso: ConceptMap = {
  resourceType: 'ConceptMap',
  url: CM,
  name: 'TestDgeecIso',
  status: 'active',
  sourceUri: 'https://fhir.example.py/ValueSet/test-departamentos',
  targetUri: 'https://fhir.example.py/ValueSet/test-iso-py',
  group: [
    {
      source: DEP,
      target: ISO,
      element: [
        { code: '00', target: [{ code: 'PY-ASU', display: 'Asunción', equivalence: 'equivalent' }] },
        { code: '01', target: [{ code: 'PY-1', display: 'Concepción', equivalence: 'equivalent' }] },
        { code: '11', target: [{ code: 'PY-11', display: 'Central', equivalence: 'equivalent' }] },
        { code: '99', target: [{ equivalence: 'unmatched', comment: 'Fuera del país' }] },
      ],
    },
  ],
};
