import type { Resource } from '@medplum/fhirtypes';

/**
 * The IPS 2.0.0 sections the server fills (Composition-uv-ips section slices): which resources of the patient
 * each takes, searched through the store as the requester, and at most MAX_SECTION_ENTRIES of them. Problems,
 * allergies and medications are required (emptyReason `unavailable` when the server holds none); the others
 * appear only when they have entries.
 */
export const MAX_SECTION_ENTRIES = 500;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Lang2 = 'en' | 'es';

export interface SectionQuery {
  type: string;
  /** The search parameter that names the patient. */
  patient: string;
  /** Further criteria, as query pairs. */
  criteria: [string, string][];
}

export interface SectionDef {
  slice: string;
  loinc: string;
  display: string;
  title: Record<Lang2, string>;
  required: boolean;
  /** Narrative of a required section the server holds nothing for. */
  none: Record<Lang2, string>;
  queries: SectionQuery[];
  /** Drops what the search cannot (verification status entered-in-error or refuted). */
  keep?: (r: Json) => boolean;
  /** Only the newest of each code (the searches return newest first). */
  latestPerCode?: boolean;
  /** Column headers of the narrative table; `row` gives the cells of one resource. */
  columns: Record<Lang2, string[]>;
  row: (r: Json, medication: (ref: string) => Json | undefined) => string[];
}

const notRefuted = (r: Json): boolean => !codes(r.verificationStatus).some((c) => c === 'entered-in-error' || c === 'refuted');
const newestFirst: [string, string] = ['_sort', '-date'];

export const SECTIONS: SectionDef[] = [
  {
    slice: 'sectionProblems',
    loinc: '11450-4',
    display: 'Problem list - Reported',
    title: { en: 'Problem list', es: 'Lista de problemas' },
    required: true,
    none: { en: 'The server holds no information about the patient\'s current problems.', es: 'El servidor no tiene información sobre los problemas actuales del paciente.' },
    queries: [{ type: 'Condition', patient: 'patient', criteria: [['clinical-status', 'active,recurrence,relapse']] }],
    keep: notRefuted,
    columns: { en: ['Problem', 'Onset', 'Status'], es: ['Problema', 'Inicio', 'Estado'] },
    row: (r) => [concept(r.code), date(r.onsetDateTime ?? r.onsetPeriod?.start ?? r.recordedDate), codes(r.clinicalStatus)[0] ?? ''],
  },
  {
    slice: 'sectionAllergies',
    loinc: '48765-2',
    display: 'Allergies and adverse reactions Document',
    title: { en: 'Allergies and intolerances', es: 'Alergias e intolerancias' },
    required: true,
    none: { en: 'The server holds no information about the patient\'s allergies.', es: 'El servidor no tiene información sobre las alergias del paciente.' },
    queries: [{ type: 'AllergyIntolerance', patient: 'patient', criteria: [['clinical-status', 'active']] }],
    keep: notRefuted,
    columns: { en: ['Allergy or intolerance', 'Criticality', 'Recorded'], es: ['Alergia o intolerancia', 'Criticidad', 'Registrada'] },
    row: (r) => [concept(r.code), r.criticality ?? '', date(r.recordedDate ?? r.onsetDateTime)],
  },
  {
    slice: 'sectionMedications',
    loinc: '10160-0',
    display: 'History of Medication use Narrative',
    title: { en: 'Medication summary', es: 'Resumen de medicación' },
    required: true,
    none: { en: 'The server holds no information about the patient\'s current medication.', es: 'El servidor no tiene información sobre la medicación actual del paciente.' },
    queries: [
      { type: 'MedicationStatement', patient: 'patient', criteria: [['status', 'active,intended,on-hold']] },
      { type: 'MedicationRequest', patient: 'patient', criteria: [['status', 'active,on-hold']] },
    ],
    columns: { en: ['Medication', 'Since', 'Status'], es: ['Medicamento', 'Desde', 'Estado'] },
    row: (r, medication) => [
      r.medicationCodeableConcept ? concept(r.medicationCodeableConcept) : (r.medicationReference?.display ?? concept(medication(r.medicationReference?.reference ?? '')?.code)),
      date(r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.authoredOn ?? r.dateAsserted),
      r.status ?? '',
    ],
  },
  {
    slice: 'sectionImmunizations',
    loinc: '11369-6',
    display: 'History of Immunization note',
    title: { en: 'Immunizations', es: 'Inmunizaciones' },
    required: false,
    none: { en: '', es: '' },
    queries: [{ type: 'Immunization', patient: 'patient', criteria: [['status', 'completed'], newestFirst] }],
    columns: { en: ['Vaccine', 'Date'], es: ['Vacuna', 'Fecha'] },
    row: (r) => [concept(r.vaccineCode), date(r.occurrenceDateTime ?? r.occurrenceString)],
  },
  {
    slice: 'sectionProceduresHx',
    loinc: '47519-4',
    display: 'History of Procedures Document',
    title: { en: 'History of procedures', es: 'Procedimientos realizados' },
    required: false,
    none: { en: '', es: '' },
    queries: [{ type: 'Procedure', patient: 'patient', criteria: [['status', 'completed'], newestFirst] }],
    columns: { en: ['Procedure', 'Date'], es: ['Procedimiento', 'Fecha'] },
    row: (r) => [concept(r.code), date(r.performedDateTime ?? r.performedPeriod?.start ?? r.performedString)],
  },
  {
    slice: 'sectionResults',
    loinc: '30954-2',
    display: 'Relevant diagnostic tests/laboratory data Narrative',
    title: { en: 'Results', es: 'Resultados' },
    required: false,
    none: { en: '', es: '' },
    queries: [{ type: 'Observation', patient: 'patient', criteria: [['category', 'laboratory'], ['status', 'final,amended,corrected,preliminary'], newestFirst] }],
    columns: { en: ['Test', 'Result', 'Date'], es: ['Estudio', 'Resultado', 'Fecha'] },
    row: (r) => [concept(r.code), value(r), date(r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued)],
  },
  {
    slice: 'sectionVitalSigns',
    loinc: '8716-3',
    display: 'Vital signs note',
    title: { en: 'Vital signs (latest of each)', es: 'Signos vitales (el último de cada uno)' },
    required: false,
    none: { en: '', es: '' },
    queries: [{ type: 'Observation', patient: 'patient', criteria: [['category', 'vital-signs'], ['status', 'final,amended,corrected'], newestFirst] }],
    latestPerCode: true,
    columns: { en: ['Vital sign', 'Value', 'Date'], es: ['Signo vital', 'Valor', 'Fecha'] },
    row: (r) => [concept(r.code), value(r), date(r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued)],
  },
];

/** The codes of a CodeableConcept. */
export function codes(cc: Json | undefined): string[] {
  return ((cc?.coding ?? []) as Json[]).map((c) => c.code).filter((c): c is string => typeof c === 'string');
}

/** What a CodeableConcept says to a reader: its text, else the first display, else system|code. */
export function concept(cc: Json | undefined): string {
  if (!cc) return '';
  if (typeof cc.text === 'string') return cc.text;
  const c = ((cc.coding ?? []) as Json[])[0];
  return c ? String(c.display ?? `${c.system ?? ''}|${c.code ?? ''}`) : '';
}

/** The key of a resource's code for latestPerCode: its first coding. */
export function codeKey(r: Resource): string {
  const c = (((r as Json).code?.coding ?? []) as Json[])[0];
  return c ? `${c.system}|${c.code}` : JSON.stringify((r as Json).code ?? null);
}

function date(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 10) : '';
}

function quantity(q: Json | undefined): string {
  if (!q || q.value === undefined) return '';
  return `${q.value}${q.unit ?? q.code ? ` ${q.unit ?? q.code}` : ''}`;
}

function value(r: Json): string {
  if (r.valueQuantity) return quantity(r.valueQuantity);
  if (r.valueCodeableConcept) return concept(r.valueCodeableConcept);
  if (typeof r.valueString === 'string') return r.valueString;
  if (r.valueBoolean !== undefined) return String(r.valueBoolean);
  if (typeof r.valueInteger === 'number') return String(r.valueInteger);
  if (Array.isArray(r.component)) return (r.component as Json[]).map((c) => `${concept(c.code)}: ${quantity(c.valueQuantity) || concept(c.valueCodeableConcept)}`).join('; ');
  return '';
}
