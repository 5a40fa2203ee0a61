import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { decodeJwt, jwtVerify } from 'jose';
import type { Services } from '../rest/services.js';
import type { ClientRegistry } from './clients.js';
import { endpoints } from './endpoints.js';
import { signJwt, type KeyStore } from './keys.js';
import type { JtiLedger } from './jti.js';
import { covers } from './scopes.js';

/**
 * POST /auth/token: SMART Backend Services (client_credentials with a private_key_jwt client assertion).
 * The assertion is verified against the client's registered keys: iss = sub = client_id, aud = this token
 * endpoint, exp at most 5 minutes ahead, and a jti never seen before (kept in auth_jti, shared by processes).
 * The access token is a JWT signed with the server's current key.
 */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_SECONDS = 300;
const SKEW_SECONDS = 30;

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export function tokenRoute(app: express.Express, s: Services, keys: KeyStore, clients: ClientRegistry, jtis: JtiLedger): void {
  app.post('/auth/token', express.urlencoded({ extended: false, limit: '64kb' }), async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    try {
      res.json(await issue(req, s, keys, clients, jtis));
    } catch (err) {
      if (err instanceof OAuthError) {
        if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="hms-ops"');
        res.status(err.status).json({ error: err.error, error_description: err.description });
      } else {
        s.log.error({ err }, 'token endpoint failed');
        res.status(500).json({ error: 'server_error', error_description: 'internal error' });
      }
    }
  });
}

async function issue(req: Request, s: Services, keys: KeyStore, clients: ClientRegistry, jtis: JtiLedger): Promise<Record<string, unknown>> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const field = (k: string): string | undefined => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  if (field('grant_type') !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  if (field('client_assertion_type') !== ASSERTION_TYPE) throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
  const assertion = field('client_assertion');
  if (!assertion) throw new OAuthError(400, 'invalid_request', 'client_assertion is required');
  let clientId: string | undefined;
  try {
    clientId = decodeJwt(assertion).iss;
  } catch {
    throw new OAuthError(400, 'invalid_request', 'client_assertion is not a JWT');
  }
  const found = clientId ? await clients.get(clientId) : undefined;
  if (!found || !clientId) throw new OAuthError(401, 'invalid_client', 'unknown client');
  const ep = endpoints(req, s.config);
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, found.keys, {
      issuer: clientId,
      subject: clientId,
      audience: ep.token,
      algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'PS384'],
      clockTolerance: SKEW_SECONDS,
    }));
  } catch (err) {
    throw new OAuthError(401, 'invalid_client', `client assertion rejected: ${(err as Error).message}`);
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== 'number' || payload.exp > now + MAX_ASSERTION_SECONDS + SKEW_SECONDS) {
    throw new OAuthError(401, 'invalid_client', `client assertion exp must be at most ${MAX_ASSERTION_SECONDS} s ahead`);
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw new OAuthError(401, 'invalid_client', 'client assertion jti is required');
  if (!(await jtis.claim(`${clientId}|${payload.jti}`, payload.exp + SKEW_SECONDS))) throw new OAuthError(401, 'invalid_client', 'client assertion jti was already used');

  const client = found.client;
  const requested = (field('scope') ?? '').split(/\s+/).filter(Boolean);
  const granted = requested.length === 0 ? client.scopes : requested.filter((r) => client.scopes.some((a) => covers(a, r)));
  if (granted.length === 0) throw new OAuthError(400, 'invalid_scope', 'none of the requested scopes is allowed for this client');
  const key = keys.current();
  const expiresIn = s.config.accessTokenSeconds;
  const token = signJwt(key, {
    scope: granted.join(' '),
    client_id: clientId,
    ...(client.facility ? { facility: client.facility } : {}),
    ...(client.subsystem ? { subsystem: client.subsystem } : {}),
    ...(client.region ? { region: client.region } : {}),
    iss: ep.issuer,
    sub: clientId,
    aud: ep.fhirBase,
    iat: now,
    exp: now + expiresIn,
    jti: randomUUID(),
  });
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: granted.join(' ') };
}
