import { defineMessages } from '../fhir/messages.js';

/** Texts of the validation layer ('validation.<key>'), English and Spanish. */
defineMessages('validation', {
  cardinality: { en: '{0}: expected {1}..{2} values, found {3}', es: '{0}: se esperaban {1}..{2} valores, hay {3}' },
  sliceCardinality: { en: "Slice '{0}' of {1}: expected {2}..{3} values, found {4}", es: "Slice '{0}' de {1}: se esperaban {2}..{3} valores, hay {4}" },
  closedSlicing: { en: '{0} does not match any of the slices allowed by the profile (slicing is closed)', es: '{0} no coincide con ninguno de los slices que permite el perfil (slicing cerrado)' },
  typeNotAllowed: { en: 'Type {0} is not allowed here; allowed: {1}', es: 'El tipo {0} no está permitido aquí; permitidos: {1}' },
  fixedValue: { en: 'Value must be exactly {0}, found {1}', es: 'El valor debe ser exactamente {0}, se encontró {1}' },
  patternValue: { en: 'Value must match the pattern {0}, found {1}', es: 'El valor debe coincidir con el patrón {0}, se encontró {1}' },
  notInValueSet: { en: 'The code {0} is not in the {1} value set {2}', es: 'El código {0} no está en el conjunto de valores {1} {2}' },
  noCode: { en: 'No code provided, and a code from the required value set {0} is required', es: 'No se indicó un código y se requiere uno del conjunto de valores requerido {0}' },
  bindingUnchecked: { en: 'The code {0} could not be checked against the value set {1}: {2}', es: 'No se pudo comprobar el código {0} contra el conjunto de valores {1}: {2}' },
  maxLength: { en: 'The value is longer than the {0} characters allowed ({1})', es: 'El valor supera los {0} caracteres permitidos ({1})' },
  constraint: { en: 'Constraint {0} failed: {1}', es: 'No se cumple la restricción {0}: {1}' },
  constraintError: { en: 'Constraint {0} could not be evaluated: {1}', es: 'No se pudo evaluar la restricción {0}: {1}' },
  unknownProfile: { en: 'Profile {0} is not known to this server; it was not checked', es: 'El perfil {0} no es conocido por este servidor; no se comprobó' },
  profileNotFound: { en: 'Profile {0} is not known to this server', es: 'El perfil {0} no es conocido por este servidor' },
  profileNoSnapshot: { en: 'Profile {0} has no snapshot and cannot be used for validation', es: 'El perfil {0} no tiene snapshot y no se puede usar para validar' },
  profileWrongType: { en: 'Profile {0} is for {1}, not {2}', es: 'El perfil {0} es para {1}, no para {2}' },
  referenceType: { en: 'Reference {0} must point to {1}', es: 'La referencia {0} debe apuntar a {1}' },
  referenceProfile: { en: 'Reference {0} points to a resource that does not conform to {1}', es: 'La referencia {0} apunta a un recurso que no cumple {1}' },
  requiredProfile: { en: 'Every {0} must conform to the profile {1}', es: 'Todo {0} debe cumplir el perfil {1}' },
  allOk: { en: 'Validation successful: no issues found', es: 'Validación correcta: no se encontraron problemas' },
  resourceRequired: { en: 'The resource parameter is required unless mode is delete', es: 'El parámetro resource es obligatorio salvo con mode=delete' },
  invalidMode: { en: 'Invalid mode "{0}": use create, update or delete', es: 'Modo "{0}" inválido: use create, update o delete' },
  modeNeedsId: { en: 'Mode {0} can only be used at instance level ([type]/[id]/$validate)', es: 'El modo {0} solo se puede usar a nivel de instancia ([tipo]/[id]/$validate)' },
  base: { en: '{0}', es: '{0}' },
});
