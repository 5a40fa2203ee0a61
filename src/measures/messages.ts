import { defineMessages } from '../fhir/messages.js';

/** Texts of Measure/$evaluate-measure and of the periods of population measures (en / es). */
defineMessages('measures', {
  missingParam: { en: 'The parameter {0} is required', es: 'Falta el parámetro {0}' },
  notADate: { en: 'Invalid parameter {0}: {1} (a date, YYYY-MM-DD: these measures count whole days in Paraguay)', es: 'Parámetro inválido {0}: {1} (una fecha, AAAA-MM-DD: estas medidas cuentan días enteros en Paraguay)' },
  endBeforeStart: { en: 'The period ends ({1}) before it starts ({0})', es: 'El período termina ({1}) antes de empezar ({0})' },
  periodTooLong: { en: 'The period is longer than {0} days: split it', es: 'El período dura más de {0} días: divídalo' },
  forbidden: { en: 'Measures cover many patients: a patient-context client may not ask for them', es: 'Las medidas abarcan a muchos pacientes: un cliente en contexto de paciente no puede pedirlas' },
  unknownMeasure: { en: 'This server evaluates only the guide\'s Measures ({1}), not {0}', es: 'Este servidor evalúa solo las medidas de la guía ({1}), no {0}' },
  reportType: { en: 'reportType {0} is not supported: only population (a summary MeasureReport)', es: 'reportType {0} no está soportado: solo population (un MeasureReport resumen)' },
  param: { en: 'The parameter {0} is not supported: these Measures report on facilities, stores and regions, not on patients', es: 'El parámetro {0} no está soportado: estas medidas informan sobre establecimientos, depósitos y regiones, no sobre pacientes' },
  reporter: { en: 'Invalid parameter reporter: {0} (one reference to {1})', es: 'Parámetro inválido reporter: {0} (una referencia a {1})' },
});
