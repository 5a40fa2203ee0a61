import { defineMessages } from '../../fhir/messages.js';

/** Texts of $process-message (en / es). */
defineMessages('inbound', {
  notMessage: { en: '$process-message takes a Bundle of type message as its body', es: '$process-message recibe en el cuerpo un Bundle de tipo message' },
  badParam: { en: '$process-message takes no parameter {0} (only async=false)', es: '$process-message no admite el parámetro {0} (solo async=false)' },
  missing: { en: 'The message lacks {0}', es: 'Al mensaje le falta {0}' },
  badElement: { en: 'The message has an invalid {0}: {1}', es: 'El mensaje tiene un {0} inválido: {1}' },
  tooLarge: { en: 'The message is too large: {0} has {1} entries (at most {2})', es: 'El mensaje es demasiado grande: {0} tiene {1} entradas (como máximo {2})' },
  unsigned: { en: '{0} is not signed (Bundle.signature with a JWS is required)', es: '{0} no está firmado (se exige Bundle.signature con un JWS)' },
  badSignature: { en: 'The signature of {0} does not verify: the content changed after it was signed, or another key signed it', es: 'La firma de {0} no verifica: el contenido cambió después de firmado, o lo firmó otra clave' },
  malformedSignature: { en: 'The signature of {0} is unreadable ({1})', es: 'La firma de {0} es ilegible ({1})' },
  untrustedKey: { en: 'The key that signed {0} (kid {1}) is not on the Endpoints of the partner {2}: untrusted key', es: 'La clave que firmó {0} (kid {1}) no está en los Endpoints del socio {2}: clave no confiable' },
  unknownPartner: { en: 'Unknown partner: no active Endpoint has the address {0}', es: 'Socio desconocido: ningún Endpoint activo tiene la dirección {0}' },
  ambiguousPartner: { en: 'Unknown partner: active Endpoints of more than one Organization have the address {0}', es: 'Socio desconocido: Endpoints activos de más de una Organization tienen la dirección {0}' },
  inactivePartner: { en: 'The partner of the address {0} is not active', es: 'El socio de la dirección {0} no está activo' },
  identifierReused: { en: 'The message identifier {0} was already used by another partner', es: 'El identificador de mensaje {0} ya lo usó otro socio' },
  invalidContent: { en: 'Invalid content in {0}: {1}', es: 'Contenido inválido en {0}: {1}' },
  unknownFacility: { en: 'The receiving facility {0} (Task.owner) is not registered on this server', es: 'El establecimiento de destino {0} (Task.owner) no está registrado en este servidor' },
  wrongDestination: { en: 'The message is addressed to {0}, not to this server ({1})', es: 'El mensaje está dirigido a {0}, no a este servidor ({1})' },
});
