import type { Request } from 'express';
import type { Config } from '../config.js';

/** URLs of the authorization server as the client sees them (BASE_URL, or the request's host). */
export function endpoints(req: Request, config: Config): { fhirBase: string; issuer: string; token: string; jwks: string } {
  const fhirBase = config.baseUrl ?? `${req.protocol}://${req.header('host') ?? 'localhost'}/fhir`;
  const origin = fhirBase.replace(/\/fhir$/, '');
  return { fhirBase, issuer: `${origin}/auth`, token: `${origin}/auth/token`, jwks: `${origin}/auth/jwks` };
}
