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
});
