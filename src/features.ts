import type { Server } from 'node:http';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import type express from 'express';
import type { RequestContext } from './context.js';
import type { FhirRequest } from './rest/request.js';
import type { Services } from './rest/services.js';
import type { StoreTransaction } from './store/store.js';

/**
 * A feature module (validation, terminology, subscriptions, security, ...) plugs into the server through this
 * one interface, so the core never imports a feature. Each feature lives in its own folder under src/ and
 * exports one Feature; FEATURES lists them in start order.
 */
export interface Feature {
  name: string;
  /** After migration, with the store ready and before HTTP listens: register operations, transaction hooks, workers. */
  start?(s: Services): Promise<void> | void;
  /** Express routes outside the FHIR router (e.g. /ig/, /auth/token, /fhir/.well-known/...), mounted before it. */
  routes?(app: express.Express, s: Services): void;
  /**
   * Every FHIR request, before dispatch: authentication fills ctx (actor, scopes, facility, subsystem); may throw a
   * FhirError. Returns a promise only when it has to wait (a request path taken thousands of times a second).
   */
  authenticate?(req: express.Request, ctx: RequestContext, s: Services): Promise<void> | void;
  /** Every FHIR request, once its response is finished (whatever its status): e.g. the audit record. */
  finished?(req: express.Request, res: express.Response, ctx: RequestContext, startedMs: number): void;
  /**
   * Every interaction before its handler runs: each HTTP request and each bundle entry (t is the bundle's
   * transaction). May throw a FhirError (403, 404) or narrow req (e.g. add criteria to a conditional write).
   * Returns a promise only when it has to wait.
   */
  authorize?(ctx: RequestContext, req: FhirRequest, s: Services, t?: StoreTransaction): Promise<void> | void;
  /** Adds what the feature offers to the CapabilityStatement (called once per generation, result cached). */
  capability?(cs: CapabilityStatement, ctx: RequestContext, s: Services): void;
  /** The HTTP server is listening (websocket upgrades). */
  listening?(server: Server, s: Services): void;
  /** Shutdown, before the database closes. */
  stop?(): Promise<void>;
}

/** The feature modules, in start order. Add one line per feature. */
export async function loadFeatures(): Promise<Feature[]> {
  const features: Feature[] = [];
  features.push((await import('./security/index.js')).security);
  features.push((await import('./ig/index.js')).igFeature);
  features.push((await import('./terminology/index.js')).terminologyFeature);
  features.push((await import('./validation/index.js')).validationFeature);
  features.push((await import('./subscriptions/index.js')).subscriptionsFeature());
  features.push((await import('./scheduling/index.js')).schedulingFeature());
  features.push((await import('./referrals/index.js')).referralsFeature());
  features.push((await import('./supply/index.js')).supplyFeature());
  features.push((await import('./exchange/index.js')).exchangeFeature());
  return features;
}

/** Runs every feature's authorize hook for one interaction (see Feature.authorize). */
export async function authorize(s: Services, ctx: RequestContext, req: FhirRequest, t?: StoreTransaction): Promise<void> {
  for (const f of s.features) {
    const waiting = f.authorize?.(ctx, req, s, t);
    if (waiting) await waiting;
  }
}
