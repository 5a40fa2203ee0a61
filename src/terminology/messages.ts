import { defineMessages } from '../fhir/messages.js';

/** Texts of the terminology operations (en / es; gn where a translation exists, see docs/i18n.md). */
defineMessages('terminology', {
  systemNotHeld: {
    en: 'The code system {0} is not held on this server, so code "{1}" could not be checked (not known here)',
    es: 'El sistema de códigos {0} no está disponible en este servidor; no se pudo verificar el código "{1}" (desconocido aquí)',
  },
  fragmentNotHeld: {
    en: 'Code "{0}" is not in the fragment of {1} held on this server (not known here)',
    es: 'El código "{0}" no está en el fragmento de {1} disponible en este servidor (desconocido aquí)',
  },
  unknownCode: { en: 'Unknown code "{0}" in the code system {1}', es: 'Código desconocido "{0}" en el sistema de códigos {1}', gn: 'Código "{0}" ndojekuaái {1}-pe' },
  notInValueSet: { en: 'The code {0} is not in the value set {1}', es: 'El código {0} no está en el conjunto de valores {1}' },
  wrongDisplay: {
    en: 'The display "{0}" is not a display of code "{1}" (expected one of {2})',
    es: 'El texto "{0}" no corresponde al código "{1}" (se esperaba uno de {2})',
  },
  inactive: { en: 'The code "{0}" is inactive in {1}', es: 'El código "{0}" está inactivo en {1}' },
  ambiguous: { en: 'The code "{0}" is in more than one code system of {1}; give the system', es: 'El código "{0}" está en más de un sistema de {1}; indique el sistema' },
  codeRequired: { en: 'A code (code + system, coding or codeableConcept) is required', es: 'Se requiere un código (code + system, coding o codeableConcept)' },
  valueSetNotHeld: { en: 'The value set {0} is not held on this server (not known here)', es: 'El conjunto de valores {0} no está disponible en este servidor (desconocido aquí)' },
  valueSetNotFound: { en: 'Value set {0} not found', es: 'No se encontró el conjunto de valores {0}' },
  codeSystemNotFound: { en: 'Code system {0} not found on this server', es: 'No se encontró el sistema de códigos {0} en este servidor' },
  conceptMapNotFound: { en: 'Concept map {0} not found', es: 'No se encontró el mapa de conceptos {0}' },
  codeNotFound: { en: 'Code "{0}" not found in the code system {1}', es: 'No se encontró el código "{0}" en el sistema de códigos {1}' },
  systemNotHeldExpand: {
    en: 'The code system(s) {0} are not held on this server, so {1} cannot be expanded',
    es: 'El/los sistema(s) de códigos {0} no están disponibles en este servidor; no se puede expandir {1}',
  },
  tooCostly: {
    en: 'Expanding {0} would enumerate the whole of {1}; too costly (use $validate-code instead)',
    es: 'Expandir {0} enumeraría todo {1}; demasiado costoso (use $validate-code)',
  },
  tooLarge: {
    en: 'The expansion of {0} has {1} codes, over the limit of {2}; use count/offset or a filter',
    es: 'La expansión de {0} tiene {1} códigos, más que el límite de {2}; use count/offset o un filtro',
  },
  badFilter: { en: 'Unsupported value set filter: {0}', es: 'Filtro de conjunto de valores no soportado: {0}' },
  missingParam: { en: 'Missing parameter: {0}', es: 'Falta el parámetro: {0}' },
  badParam: { en: 'Invalid parameter {0}: {1}', es: 'Parámetro inválido {0}: {1}' },
  conflictingParams: { en: 'Give only one of: {0}', es: 'Indique solo uno de: {0}' },
  noMapping: { en: 'No mapping found for {0}', es: 'No se encontró ninguna correspondencia para {0}' },
  mappings: { en: '{0} mapping(s) found for {1}', es: 'Se encontraron {0} correspondencia(s) para {1}' },
});
