import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { ALG, type KeyStore } from './keys.js';
import { AuthError } from './messages.js';
import type { Principal } from './principal.js';
import { parseScopes } from './scopes.js';

/**
 * Bearer token verification: tokens of the built-in authorization server (signed with a key of KeyStore)
 * and tokens of the external OpenID Connect issuer (OIDC_ISSUER, verified against its remote JWKS, claims
 * mapped by the OIDC_CLAIM_* settings). A verified token is remembered until it expires, so a client
 * reusing its token pays the signature check once.
 */
const CACHE_MAX = 10_000;

export class TokenVerifier {
  /**
   * Verified tokens until they expire, with the FHIR base (audience) they were verified for. Keyed by the
   * token's last 32 characters (signature bytes: hashing the whole ~600-character token on every request
   * showed in profiles); a hit still requires the whole token to be equal.
   */
  private readonly cache = new Map<string, { token: string; principal: Principal; fhirBase: string }>();
  private oidcKeys?: Promise<JWTVerifyGetKey>;

  constructor(
    private readonly config: Config,
    private readonly keys: KeyStore,
  ) {}

  /**
   * The principal of a token this verifier accepted before for the same FHIR base (audience) and that has not
   * expired; undefined otherwise (then verify() it). A hit means the very same signed bytes.
   */
  cached(token: string, fhirBase: string): Principal | undefined {
    const key = token.slice(-32);
    const hit = this.cache.get(key);
    if (!hit || hit.token !== token) return undefined;
    if (hit.principal.exp <= Date.now() / 1000) {
      this.cache.delete(key);
      return undefined;
    }
    return hit.fhirBase === fhirBase ? hit.principal : undefined;
  }

  async verify(token: string, fhirBase: string, issuer: string): Promise<Principal> {
    const cached = this.cached(token, fhirBase);
    if (cached) return cached;
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
      decodeProtectedHeader(token);
    } catch {
      throw new AuthError('invalid_token', 'not a JWT');
    }
    const external = this.config.oidcIssuer !== undefined && claims.iss === this.config.oidcIssuer;
    const principal = external ? await this.verifyExternal(token, fhirBase) : await this.verifyLocal(token, fhirBase, issuer);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(token.slice(-32), { token, principal, fhirBase });
    return principal;
  }

  private async verifyLocal(token: string, fhirBase: string, issuer: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, async (header) => {
        const key = await this.keys.verificationKey(header.kid);
        if (!key) throw new Error('unknown signing key');
        return key;
      }, { issuer, audience: fhirBase, algorithms: [ALG], requiredClaims: ['exp', 'sub'] }));
    } catch (err) {
      throw new AuthError('invalid_token', (err as Error).message);
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    return {
      kind: 'client',
      id: payload.sub as string,
      clientId: (payload.client_id as string | undefined) ?? (payload.sub as string),
      roles: [],
      scopes,
      grants: parseScopes(scopes),
      ...(typeof payload.facility === 'string' ? { facility: payload.facility } : {}),
      ...(typeof payload.subsystem === 'string' ? { subsystem: payload.subsystem } : {}),
      ...(typeof payload.region === 'string' ? { region: payload.region } : {}),
      ...(typeof payload.patient === 'string' ? { patient: payload.patient } : {}),
      exp: payload.exp as number,
    };
  }

  private async verifyExternal(token: string, fhirBase: string): Promise<Principal> {
    const c = this.config;
    let payload: JWTPayload;
    try {
      this.oidcKeys ??= this.discoverJwks();
      ({ payload } = await jwtVerify(token, await this.oidcKeys, {
        issuer: c.oidcIssuer,
        audience: c.oidcAudience ?? fhirBase,
        requiredClaims: ['exp'],
        algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'PS384'],
      }));
    } catch (err) {
      this.oidcKeys = undefined; // retry discovery next time (the provider may have been down)
      throw new AuthError('invalid_token', (err as Error).message);
    }
    const claim = (name: string): unknown => name.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), payload);
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(' ').filter(Boolean) : []);
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
    const scopes = list(claim(c.oidcClaimScopes));
    const user = str(claim(c.oidcClaimUser));
    if (!user) throw new AuthError('invalid_token', `claim ${c.oidcClaimUser} missing`);
    const facility = str(claim(c.oidcClaimFacility));
    const subsystem = str(claim(c.oidcClaimSubsystem));
    const region = str(claim(c.oidcClaimRegion));
    const fhirUser = fhirUserOf(str(claim(c.oidcClaimFhirUser)));
    // a patient's own token (fhirUser Patient/X) without a launch patient: the patient is its own context
    const patient = str(payload.patient) ?? (fhirUser?.startsWith('Patient/') ? fhirUser.slice('Patient/'.length) : undefined);
    return {
      kind: 'user',
      id: user,
      ...(typeof payload.azp === 'string' ? { clientId: payload.azp } : {}),
      roles: list(claim(c.oidcClaimRoles)),
      scopes,
      grants: parseScopes(scopes),
      ...(facility ? { facility } : {}),
      ...(subsystem ? { subsystem } : {}),
      ...(region ? { region } : {}),
      ...(patient ? { patient } : {}),
      ...(fhirUser ? { fhirUser } : {}),
      exp: payload.exp as number,
    };
  }

  private async discoverJwks(): Promise<JWTVerifyGetKey> {
    let url = this.config.oidcJwksUrl;
    if (!url) {
      const res = await fetch(`${(this.config.oidcIssuer as string).replace(/\/$/, '')}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`OIDC discovery failed: HTTP ${res.status}`);
      url = ((await res.json()) as { jwks_uri?: string }).jwks_uri;
      if (!url) throw new Error('OIDC discovery document has no jwks_uri');
    }
    return createRemoteJWKSet(new URL(url));
  }
}

/**
 * The `fhirUser` claim (a relative or absolute URL of a Practitioner, PractitionerRole, Patient, RelatedPerson
 * or Person) as `Type/id`; undefined when absent or not such a reference (then ignored, not refused).
 */
export function fhirUserOf(value: string | undefined): string | undefined {
  const m = value ? /(?:^|\/)((?:Practitioner|PractitionerRole|Patient|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(value) : null;
  return m ? m[1] : undefined;
}
