import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Lang } from './fhir/messages.js';

/**
 * Who is asking, and how to answer: created once per HTTP request and passed down through the handlers into
 * the store on every call, so access control (scopes, facility, subsystem) plugs in without a rewrite.
 */
export interface RequestContext {
  requestId: string;
  lang: Lang;
  /** Base URL of the FHIR endpoint as the client sees it, e.g. http://127.0.0.1:8080/fhir */
  baseUrl: string;
  /** The authenticated requester; anonymous until the security issue adds authentication. */
  actor: { kind: 'anonymous' | 'client' | 'user' | 'system'; id?: string };
  scopes: string[];
  facility?: string;
  /** Health region (py-region-sanitaria code) the requester is bound to. */
  region?: string;
  subsystem?: string;
  log: Logger;
}

/** The context of the server's own work (a feature's background jobs): no scopes, its subsystem as the actor. */
export function systemContext(subsystem: string, baseUrl: string, log: Logger, lang: Lang = 'en'): RequestContext {
  return { requestId: randomUUID(), lang, baseUrl, actor: { kind: 'system', id: subsystem }, scopes: [], subsystem, log };
}
