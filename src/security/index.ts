import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { Request } from 'express';
import type { RequestContext } from '../context.js';
import type { Feature } from '../features.js';
import type { Services } from '../rest/services.js';
import { AccessControl } from './access.js';
import { adminRoutes } from './admin.js';
import { AuditTrail } from './audit.js';
import { ClientRegistry } from './clients.js';
import { endpoints } from './endpoints.js';
import { RateLimiter, securityHeaders } from './hardening.js';
import { KeyStore } from './keys.js';
import { AuthError } from './messages.js';
import { setPrincipal } from './principal.js';
import { openJtiLedger, type JtiLedger } from './jti.js';
import { tokenRoute } from './token.js';
import { TokenVerifier } from './verify.js';

/**
 * Security: authentication (bearer tokens of the built-in SMART Backend Services server or an external
 * OpenID Connect issuer), authorization (SMART scopes, facility/region/subsystem policies and protected labels,
 * see access.ts), audit (AuditEvent per request) and hardening (headers, CORS, rate limit).
 */
const SMART_OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';

interface State {
  keys: KeyStore;
  clients: ClientRegistry;
  verifier: TokenVerifier;
  access: AccessControl;
  audit?: AuditTrail;
  limiter: RateLimiter;
  jtis: JtiLedger;
  timers: NodeJS.Timeout[];
}
let state: State | undefined;

function st(): State {
  if (!state) throw new Error('security feature not started');
  return state;
}

export const security: Feature = {
  name: 'security',

  async start(s: Services) {
    const keys = new KeyStore(s.db);
    await keys.start();
    const access = new AccessControl(s);
    const jtis = openJtiLedger(s);
    await jtis.start();
    const auditOn = s.config.audit === 'on' || (s.config.audit === 'auto' && s.config.authMode === 'on');
    state = {
      keys,
      clients: new ClientRegistry(s.db),
      verifier: new TokenVerifier(s.config, keys),
      access,
      audit: auditOn ? new AuditTrail(s) : undefined,
      limiter: new RateLimiter(s.config.rateLimitPerMinute),
      jtis,
      timers: [],
    };
    await state.audit?.start();
    s.store.setAccessGuard(access);
    const every = (ms: number, fn: () => Promise<void>): void => {
      const t = setInterval(() => void fn().catch((err: unknown) => s.log.warn({ err }, 'security housekeeping failed')), ms);
      t.unref();
      state?.timers.push(t);
    };
    every(10_000, () => keys.refresh());
    every(60_000, () => jtis.purge());
    if (s.config.authMode === 'off') {
      s.log.warn(
        '**************** AUTHORIZATION IS OFF (AUTH_MODE=off): every request is anonymous and may read and write everything. ' +
          'For embedded development only; set AUTH_MODE=on for any shared or production server. ****************',
      );
    } else {
      s.log.info({ oidcIssuer: s.config.oidcIssuer ?? null, audit: auditOn }, 'authorization is on');
    }
  },

  routes(app, s) {
    const { keys, clients, verifier, jtis } = st();
    securityHeaders(app, s.config);
    app.get('/fhir/.well-known/smart-configuration', (req, res) => {
      const ep = endpoints(req, s.config);
      res.json({
        issuer: ep.issuer,
        jwks_uri: ep.jwks,
        token_endpoint: ep.token,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'ES256', 'ES384'],
        scopes_supported: ['system/*.cruds', 'system/*.rs', 'user/*.cruds', 'patient/*.rs', 'system/*.read', 'system/*.write', 'hms/admin', 'hms/label.R', 'hms/label.V', 'hms/label.conocimiento-protegido'],
        capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
      });
    });
    const jwks = (_req: Request, res: import('express').Response): void => {
      res.setHeader('Cache-Control', 'max-age=60');
      res.json(keys.jwks());
    };
    app.get('/auth/jwks', jwks);
    app.get('/.well-known/jwks.json', jwks);
    tokenRoute(app, s, keys, clients, jtis);
    adminRoutes(app, s, clients, keys, verifier);
  },

  authenticate(req, ctx: RequestContext, s) {
    const { verifier, limiter } = st();
    const res = req.res;
    if (s.config.authMode === 'off' || req.path === '/metadata') {
      if (res && s.config.rateLimitPerMinute > 0) limiter.hit(`ip:${req.ip}`, res);
      return;
    }
    const counted = (): void => {
      if (res) limiter.hit(`client:${ctx.actor.kind}:${ctx.actor.id}`, res);
    };
    const header = req.headers.authorization;
    // Fast path: "Bearer <token>" with a token verified before (for this audience, not expired): no promise.
    // The cached token once matched the pattern checked on the slow path, so the header does too.
    const known = header?.startsWith('Bearer ') ? verifier.cached(header.slice(7), ctx.baseUrl) : undefined;
    if (known) {
      setPrincipal(ctx, known);
      return counted();
    }
    return (async () => {
      try {
        if (!header) throw new AuthError(undefined);
        const m = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header);
        if (!m) throw new AuthError('invalid_request', 'expected "Authorization: Bearer <token>"');
        const ep = endpoints(req, s.config);
        setPrincipal(ctx, await verifier.verify(m[1], ctx.baseUrl, ep.issuer));
      } catch (err) {
        if (err instanceof AuthError) res?.setHeader('WWW-Authenticate', err.challenge());
        throw err;
      }
      counted();
    })();
  },

  finished(req, res, ctx, startedMs) {
    state?.audit?.finished(req, res, ctx, startedMs);
  },

  authorize(ctx, req, _s, t) {
    return st().access.authorize(ctx, req, t);
  },

  capability(cs: CapabilityStatement, ctx, s) {
    const rest = cs.rest?.[0];
    if (!rest) return;
    const origin = ctx.baseUrl.replace(/\/fhir$/, '');
    const off = s.config.authMode === 'off';
    rest.security = {
      cors: Boolean(s.config.corsOrigins),
      service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'SMART Backend Services (OAuth2 client_credentials, private_key_jwt)' }],
      extension: [{ url: SMART_OAUTH_URIS, extension: [{ url: 'token', valueUri: `${origin}/auth/token` }] }],
      description: off
        ? 'WARNING: AUTHORIZATION IS OFF (AUTH_MODE=off). Every request is anonymous and allowed. Development only.'
        : `Bearer tokens required (SMART v1/v2 scopes). Tokens from ${origin}/auth/token${s.config.oidcIssuer ? ` or ${s.config.oidcIssuer}` : ''}. Facility, subsystem and security-label policies apply.`,
    };
  },

  async stop() {
    if (!state) return;
    for (const t of state.timers) clearInterval(t);
    await state.audit?.stop();
    state.jtis.stop();
  },
};
