import { defineMessages } from '../fhir/messages.js';

/** OperationOutcome texts of the subscriptions feature ('subscriptions.key'). */
defineMessages('subscriptions', {
  badCriteria: { en: 'Invalid subscription criteria "{0}"', es: 'Criterio de suscripción inválido "{0}"' },
  unknownTopic: { en: 'Unknown subscription topic "{0}" (see GET [base]/SubscriptionTopic)', es: 'Tópico de suscripción desconocido "{0}" (ver GET [base]/SubscriptionTopic)' },
  filterType: { en: 'Filter on {0} is not possible for topic {1}', es: 'No se puede filtrar por {0} en el tópico {1}' },
  channelType: { en: 'Unsupported channel type "{0}" (rest-hook or websocket)', es: 'Tipo de canal no soportado "{0}" (rest-hook o websocket)' },
  endpointRequired: { en: 'A rest-hook channel needs channel.endpoint', es: 'Un canal rest-hook necesita channel.endpoint' },
  badEndpoint: { en: 'Invalid endpoint "{0}" (an http or https URL)', es: 'Endpoint inválido "{0}" (una URL http o https)' },
  endpointNotAllowed: { en: 'Endpoint "{0}" is not allowed (internal address; see SUBSCRIPTION_ALLOWED_HOSTS)', es: 'El endpoint "{0}" no está permitido (dirección interna; ver SUBSCRIPTION_ALLOWED_HOSTS)' },
  badHeader: { en: 'Invalid channel header "{0}" (expected "Name: value")', es: 'Encabezado de canal inválido "{0}" (se espera "Nombre: valor")' },
  payloadContent: { en: 'Unsupported payload content "{0}" (empty, id-only or full-resource)', es: 'Contenido de carga no soportado "{0}" (empty, id-only o full-resource)' },
  payloadMime: { en: 'Unsupported payload type "{0}" (JSON only)', es: 'Tipo de carga no soportado "{0}" (solo JSON)' },
  notSubscription: { en: 'Subscription {0} not found', es: 'No se encontró la suscripción {0}' },
  badNumber: { en: 'Parameter {0} must be a non-negative integer', es: 'El parámetro {0} debe ser un entero no negativo' },
  notWebsocket: { en: 'Subscription {0} does not use the websocket channel', es: 'La suscripción {0} no usa el canal websocket' },
});
