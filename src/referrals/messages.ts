import { defineMessages } from '../fhir/messages.js';

/** Texts of referrals (en / es). */
defineMessages('referrals', {
  illegalMove: {
    en: 'Task/{0} cannot go from {1} to {2}; from {1} it may go to: {3}',
    es: 'La Task/{0} no puede pasar de {1} a {2}; desde {1} puede pasar a: {3}',
  },
  ownerOnly: {
    en: 'Only the performer of Task/{0} ({1}) may set its status to {2}',
    es: 'Solo quien ejecuta la Task/{0} ({1}) puede ponerla en estado {2}',
  },
  notAccepted: {
    en: 'The referral {0} is not accepted by its destination yet (its Task must be accepted, ready or in-progress)',
    es: 'El destino todavía no aceptó la derivación {0} (su Task debe estar accepted, ready o in-progress)',
  },
  wrongDestination: {
    en: 'The slot {1} is not at the destination of the referral {0} ({2})',
    es: 'El turno {1} no es del destino de la derivación {0} ({2})',
  },
  unknownReferral: { en: 'The referral {0} does not exist', es: 'La derivación {0} no existe' },
  protectedUnlabelled: {
    en: '{0} says its knowledge is protected (py-medicina-tradicional conocimientoProtegido = true): it must carry the security label {1} in meta.security',
    es: '{0} indica que sus conocimientos son protegidos (py-medicina-tradicional conocimientoProtegido = true): debe llevar la etiqueta de seguridad {1} en meta.security',
  },
  protectedRoleUnlabelled: {
    en: '{0} is a role of {1}, whose knowledge is protected: it must carry the security label {2} in meta.security',
    es: '{0} es un rol de {1}, cuyos conocimientos son protegidos: debe llevar la etiqueta de seguridad {2} en meta.security',
  },
  tooManyRoles: { en: 'More than {0} healer roles match: narrow it (department, specialty)', es: 'Más de {0} roles de agentes coinciden: acótelo (departamento, especialidad)' },
  missingParam: { en: 'The parameter {0} is required', es: 'Falta el parámetro {0}' },
  endBeforeStart: { en: 'The period ends ({1}) before it starts ({0})', es: 'El período termina ({1}) antes de empezar ({0})' },
  periodTooLong: { en: 'The period is longer than {0} days: split it', es: 'El período dura más de {0} días: divídalo' },
  tooManyFacilities: { en: 'More than {0} facilities named: use a region or several calls', es: 'Más de {0} establecimientos: use una región o varias llamadas' },
  tooManyGroups: { en: 'More than {0} groups: narrow it (a region, some facilities) or group by region', es: 'Más de {0} grupos: acótelo (una región, algunos establecimientos) o agrupe por región' },
  metricsForbidden: { en: 'Referral metrics cover many patients: a patient-context client may not ask for them', es: 'Los indicadores de derivación abarcan a muchos pacientes: un cliente en contexto de paciente no puede pedirlos' },
  unknownMeasure: { en: 'This server evaluates only the referral Measures of the guide ({1}), not {0}', es: 'Este servidor evalúa solo las medidas de derivación de la guía ({1}), no {0}' },
  reportType: { en: 'reportType {0} is not supported: only population (a summary MeasureReport)', es: 'reportType {0} no está soportado: solo population (un MeasureReport resumen)' },
  measureParam: { en: 'The parameter {0} is not supported: the referral Measures report on facilities and regions, not on patients', es: 'El parámetro {0} no está soportado: las medidas de derivación informan sobre establecimientos y regiones, no sobre pacientes' },
});
