import type { Task } from '@medplum/fhirtypes';

/** The referral profiles of the Paraguay guide (profiles/derivaciones.fsh) as the server reads and writes them. */
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
/** Task.code: what a Task of the loop asks for. */
export const TASK_TYPE = `${CS}py-tipo-tarea-derivacion`;
/** Task.businessStatus: the finer steps of a referral. */
export const STEP_SYSTEM = `${CS}py-estado-derivacion`;
export type Step = 'escalada' | 'cita-agendada' | 'paciente-presente' | 'no-se-presento' | 'cita-cancelada' | 'contrarreferencia-enviada' | 'ciclo-cerrado';
export const STEP_DISPLAY: Record<Step, string> = {
  escalada: 'Escalada',
  'cita-agendada': 'Cita agendada',
  'paciente-presente': 'Paciente presente',
  'no-se-presento': 'No se presentó',
  'cita-cancelada': 'Cita cancelada',
  'contrarreferencia-enviada': 'Contrarreferencia enviada',
  'ciclo-cerrado': 'Ciclo cerrado',
};

const KINDS = { derivacion: 'referral', contrarreferencia: 'counter', traslado: 'transport' } as const;
/** A referral Task (its code `derivacion`), a counter-referral (`contrarreferencia`), a transport (`traslado`), or neither. */
export function taskKind(t: Task | undefined): (typeof KINDS)[keyof typeof KINDS] | undefined {
  const c = t?.code?.coding?.find((x) => x.system === TASK_TYPE)?.code;
  return c && c in KINDS ? KINDS[c as keyof typeof KINDS] : undefined;
}
