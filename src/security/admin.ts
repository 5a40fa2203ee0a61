import express, { type NextFunction, type Request, type Response } from 'express';
import { FhirError } from '../fhir/outcome.js';
import { negotiateLanguage } from '../fhir/messages.js';
import type { Services } from '../rest/services.js';
import { checkClient, ClientError, type ClientRegistry } from './clients.js';
import { endpoints } from './endpoints.js';
import { rotateKey, type KeyStore } from './keys.js';
import { AuthError, forbidden } from './messages.js';
import { ADMIN_SCOPE } from './principal.js';
import type { TokenVerifier } from './verify.js';

/**
 * The admin API: /admin/clients (GET list, POST register or replace, GET/DELETE /admin/clients/{id}) and
 * POST /admin/keys/rotate. With AUTH_MODE=on it needs a bearer token with the hms/admin scope.
 */
export function adminRoutes(app: express.Express, s: Services, clients: ClientRegistry, keys: KeyStore, verifier: TokenVerifier): void {
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (s.config.authMode === 'on') {
        const m = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
        const ep = endpoints(req, s.config);
        if (!m) throw new AuthError(undefined);
        const p = await verifier.verify(m[1], ep.fhirBase, ep.issuer);
        if (!p.scopes.includes(ADMIN_SCOPE)) throw forbidden('administration', 'clients');
      }
      next();
    } catch (err) {
      fail(res, req, err);
    }
  });
  router.get('/clients', async (req, res) => {
    try {
      res.json(await clients.list());
    } catch (err) {
      fail(res, req, err);
    }
  });
  router.get('/clients/:id', async (req, res) => {
    const c = (await clients.list()).find((x) => x.clientId === req.params.id);
    if (!c) fail(res, req, new FhirError(404, 'not-found', 'notFound', [`client ${req.params.id}`]));
    else res.json(c);
  });
  router.post('/clients', async (req, res) => {
    try {
      const c = checkClient(req.body);
      await clients.save(c);
      res.status(201).json(c);
    } catch (err) {
      fail(res, req, err instanceof ClientError ? new FhirError(400, 'invalid', 'invalidResource', [err.message]) : err);
    }
  });
  router.delete('/clients/:id', async (req, res) => {
    try {
      if (await clients.remove(req.params.id)) res.status(204).end();
      else fail(res, req, new FhirError(404, 'not-found', 'notFound', [`client ${req.params.id}`]));
    } catch (err) {
      fail(res, req, err);
    }
  });
  router.post('/keys/rotate', async (req, res) => {
    try {
      const kid = await rotateKey(s.db);
      await keys.load();
      res.json({ kid });
    } catch (err) {
      fail(res, req, err);
    }
  });
  app.use('/admin', router);
  function fail(res: Response, req: Request, err: unknown): void {
    const e = err instanceof FhirError ? err : (s.log.error({ err }, 'admin request failed'), new FhirError(500, 'exception', 'internal', ['admin']));
    if (e instanceof AuthError) res.setHeader('WWW-Authenticate', e.challenge());
    res.status(e.status).type('application/fhir+json').send(JSON.stringify(e.toOutcome(negotiateLanguage(req.header('accept-language')))));
  }
}
