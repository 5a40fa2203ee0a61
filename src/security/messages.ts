import { defineMessages } from '../fhir/messages.js';
import { FhirError } from '../fhir/outcome.js';

defineMessages('security', {
  noToken: { en: 'Authorization required: send a bearer access token', es: 'Se requiere autorización: envíe un token de acceso bearer' },
  invalidToken: { en: 'Invalid access token: {0}', es: 'Token de acceso inválido: {0}' },
  forbidden: { en: 'The access token does not allow {0} on {1}', es: 'El token de acceso no permite {0} en {1}' },
  outOfScope: { en: '{0} is outside the data the requester may write', es: '{0} está fuera de los datos que el solicitante puede escribir' },
  systemSearch: { en: 'Search each resource type separately: access rules differ between {0}', es: 'Busque cada tipo de recurso por separado: las reglas de acceso difieren entre {0}' },
  rateLimited: { en: 'Too many requests: limit of {0} per minute', es: 'Demasiadas solicitudes: límite de {0} por minuto' },
});

/** 401 with the WWW-Authenticate challenge of RFC 6750 (set by the caller on the response). */
export class AuthError extends FhirError {
  constructor(
    readonly oauthError: 'invalid_token' | 'invalid_request' | undefined,
    detail?: string,
  ) {
    super(401, 'login', oauthError ? 'security.invalidToken' : 'security.noToken', detail ? [detail] : []);
  }

  challenge(): string {
    return this.oauthError ? `Bearer realm="hms-ops", error="${this.oauthError}", error_description="${this.params[0] ?? ''}"`.replace(/[\r\n]/g, ' ') : 'Bearer realm="hms-ops"';
  }
}

export const forbidden = (what: string, on: string): FhirError => new FhirError(403, 'forbidden', 'security.forbidden', [what, on]);
