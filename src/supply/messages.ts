import { defineMessages } from '../fhir/messages.js';

/** Texts of the supply chain (en / es). */
defineMessages('supply', {
  noPlace: { en: '{0} moves stock but names no store (Location) in {1}', es: '{0} mueve stock pero no indica el depósito (Location) en {1}' },
  noItem: { en: '{0} moves stock but names no item (a coding) in {1}', es: '{0} mueve stock pero no indica el artículo (un código) en {1}' },
  badQuantity: { en: '{0}: {1} must be a number above 0 (a count: 0 or more), not {2}', es: '{0}: {1} debe ser un número mayor que 0 (un recuento: 0 o más), no {2}' },
  badReason: { en: '{0}: the reason {1} is not one of py-motivo-movimiento-stock: {2}', es: '{0}: el motivo {1} no es de py-motivo-movimiento-stock: {2}' },
  belowZero: {
    en: '{0} would leave the stock of {1} (lot {2}) at {3} below zero: {4}',
    es: '{0} dejaría bajo cero el stock de {1} (lote {2}) en {3}: {4}',
  },
  missingParam: { en: 'The parameter {0} is required', es: 'Falta el parámetro {0}' },
  tooManyLines: { en: 'More than {0} lines: narrow it (an item, a place)', es: 'Más de {0} líneas: acótelo (un artículo, un lugar)' },
  readingNoDevice: { en: '{0} is a temperature reading (py-cadena-frio temperatura-equipo) without its Device (subject or device)', es: '{0} es una lectura de temperatura (py-cadena-frio temperatura-equipo) sin su Device (subject o device)' },
  readingNoTime: { en: '{0} is a temperature reading without its time (effectiveDateTime or effectiveInstant)', es: '{0} es una lectura de temperatura sin su hora (effectiveDateTime o effectiveInstant)' },
  readingsBundle: {
    en: 'Observation/$ingest-readings takes a Bundle of type transaction, batch or collection whose entries are the Observations to create',
    es: 'Observation/$ingest-readings recibe un Bundle de tipo transaction, batch o collection cuyas entradas son las Observations a crear',
  },
  readingsEntry: { en: 'not an Observation to create (POST Observation)', es: 'no es una Observation a crear (POST Observation)' },
  readingNotCelsius: { en: '{0} is a temperature reading whose valueQuantity is not in degrees Celsius (UCUM Cel)', es: '{0} es una lectura de temperatura cuyo valueQuantity no está en grados Celsius (UCUM Cel)' },
  quarantined: {
    en: '{0} issues {1} (lot {2}) at {3}, which is in quarantine after the excursion {4}: release it first (a mitigation liberar-lotes on that DetectedIssue)',
    es: '{0} entrega {1} (lote {2}) en {3}, que está en cuarentena por la excursión {4}: libérelo antes (una mitigación liberar-lotes en ese DetectedIssue)',
  },
});
