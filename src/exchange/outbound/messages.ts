import { defineMessages } from '../../fhir/messages.js';

/** Texts of ServiceRequest/$send (en / es). */
defineMessages('exchange', {
  sendBody: {
    en: 'ServiceRequest/[id]/$send takes a Parameters (partner, event, task), not a {0}',
    es: 'ServiceRequest/[id]/$send recibe un Parameters (partner, event, task), no un {0}',
  },
  sendUnknownParam: { en: 'ServiceRequest/$send has no parameter {0} (it takes partner, event and task)', es: 'ServiceRequest/$send no tiene el parámetro {0} (admite partner, event y task)' },
  sendNeedPartner: { en: 'ServiceRequest/$send needs partner: the partner Organization (Organization/[id])', es: 'ServiceRequest/$send necesita partner: la Organization del socio (Organization/[id])' },
  sendCounterNeedsTask: {
    en: 'A counter-referral (event contrarreferencia) names the referral Task it answers: give task (Task/[id])',
    es: 'Una contrarreferencia (event contrarreferencia) nombra la Task de la derivación que responde: indique task (Task/[id])',
  },
  sendTaskOnlyCounter: { en: 'task is given only with event contrarreferencia', es: 'task se indica solo con event contrarreferencia' },
  sendNoPartner: { en: 'The partner {0} does not exist', es: 'El socio {0} no existe' },
  sendNoEndpoint: {
    en: 'The partner {0} has no active Endpoint for FHIR messages (connectionType hl7-fhir-msg, an http(s) address)',
    es: 'El socio {0} no tiene un Endpoint activo para mensajes FHIR (connectionType hl7-fhir-msg, una dirección http(s))',
  },
  sendNoSubject: { en: 'The ServiceRequest {0} has no Patient subject on this server', es: 'El ServiceRequest {0} no tiene como sujeto un Patient de este servidor' },
  sendNoOrigin: {
    en: "The origin facility is unknown: the ServiceRequest's requester is not an Organization (or a PractitionerRole of one) and EXCHANGE_ORGANIZATION is not set",
    es: 'No se conoce el establecimiento de origen: el requester del ServiceRequest no es una Organization (ni un PractitionerRole de una) y EXCHANGE_ORGANIZATION no está configurado',
  },
  sendNoOriginOrg: { en: 'The origin facility {0} does not exist', es: 'El establecimiento de origen {0} no existe' },
  sendNoTask: { en: 'The referral Task {0} does not exist', es: 'La Task de derivación {0} no existe' },
});
