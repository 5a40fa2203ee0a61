import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { Lang } from '../fhir/messages.js';
import { NATIVE_INVARIANTS } from './invariants.js';

/**
 * Spanish for the messages of @medplum/core's base validation (which only speaks English), by pattern.
 * Messages without a pattern here stay in English.
 */
const ES: [RegExp, string][] = [
  [/^Missing required property$/, 'Falta una propiedad obligatoria'],
  [/^Invalid additional property "(.*)"$/, 'Propiedad adicional inválida "$1"'],
  [/^Invalid number of values: expected (\S+), but found (\d+)$/, 'Número de valores inválido: se esperaban $1, hay $2'],
  [/^Incorrect number of values provided for slice '(.*)': expected (\S+), but found (\d+)$/, "Número de valores incorrecto para el slice '$1': se esperaban $2, hay $3"],
  [/^Constraint (\S+) not met: (.*)$/s, 'No se cumple la restricción $1: $2'],
  [/^Invalid JSON type: expected (\S+), but got (\S+)$/, 'Tipo JSON inválido: se esperaba $1, se recibió $2'],
  [/^Value did not match expected pattern$/, 'El valor no tiene el formato esperado'],
  [/^Expected array of values for property$/, 'Se esperaba una lista de valores para la propiedad'],
  [/^Expected single value for property$/, 'Se esperaba un único valor para la propiedad'],
  [/^Invalid empty value$/, 'Valor vacío inválido'],
  [/^Invalid empty non-primitive value$/, 'Valor compuesto vacío inválido'],
  [/^Invalid null value$/, 'Valor nulo inválido'],
  [/^String must contain non-whitespace content$/, 'La cadena debe contener algo más que espacios'],
];

/**
 * Issues of @medplum/core worded in lang; drops its false warnings on urn:uuid/urn:oid references (resolved
 * inside bundles) and its verdicts on the invariants this layer evaluates natively (invariants.ts).
 */
export function localizeBaseIssues(issues: OperationOutcomeIssue[], lang: Lang): OperationOutcomeIssue[] {
  return issues
    .filter((i) => !(i.severity === 'warning' && /^Invalid reference: got "urn:(uuid|oid):/.test(i.details?.text ?? i.diagnostics ?? '')))
    .filter((i) => !NATIVE_INVARIANTS.has(/^Constraint (\S+) not met/.exec(i.details?.text ?? '')?.[1] ?? ''))
    .map((i) => {
      let text = i.details?.text ?? i.diagnostics ?? '';
      if (lang !== 'en') for (const [re, es] of ES) if (re.test(text)) text = text.replace(re, es);
      // name the element: "Invalid date format" says nothing on its own
      const where = i.expression?.[0];
      if (where && !text.includes(where) && !/^Constraint|^No se cumple/.test(text)) text = `${where}: ${text}`;
      return { ...i, details: { text }, diagnostics: text };
    });
}
