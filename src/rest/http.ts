import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { RequestContext } from '../context.js';
import { negotiateLanguage } from '../fhir/messages.js';
import { errors, FhirError } from '../fhir/outcome.js';
import { dispatch } from './dispatch.js';
import { decodeBody, decodePath, parseJson, parseQuery } from './input.js';
import { RawJson, type FhirRequest, type FhirResponse } from './request.js';
import type { Services } from './services.js';

/**
 * The HTTP adapter: express → RequestContext + FhirRequest → dispatch → FhirResponse → HTTP.
 * Content negotiation, body limits, and turning every error into an OperationOutcome live here; decoding and
 * checking what the client sent is input.ts.
 */
const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json'];

export function createHttpApp(s: Services): express.Express {
  const { db, log } = s;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ready', database: db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', database: db.kind });
    }
  });

  for (const f of s.features) f.routes?.(app, s);

  const finishers = s.features.flatMap((f) => (f.finished ? [f.finished.bind(f)] : []));
  const fhir = express.Router();
  fhir.use(largeBodyGate(s.config.maxLargeBodies));
  fhir.use(express.raw({ type: () => true, limit: s.config.maxBodyBytes }));
  fhir.use(async (req: Request, res: Response) => {
    const ctx = contextFor(req, s, log);
    res.setHeader('X-Request-Id', ctx.requestId);
    const started = process.hrtime.bigint();
    const startedMs = Date.now();
    // Access log (method, path without query string — queries can carry identifiers —, status, duration), then
    // the features' finished hooks (the audit record): one listener per request.
    res.once('finish', () => {
      if (log.isLevelEnabled('info')) {
        ctx.log.info({ method: req.method, path: req.baseUrl + req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
      }
      for (const finished of finishers) finished(req, res, ctx, startedMs);
    });
    try {
      for (const f of s.features) {
        const waiting = f.authenticate?.(req, ctx, s);
        if (waiting) await waiting;
      }
      const fhirReq = toFhirRequest(req);
      checkAccept(req);
      const result = await dispatch(s, ctx, fhirReq);
      send(res, req, result);
    } catch (err) {
      sendError(res, req, ctx, err);
    }
  });
  app.use('/fhir', fhir);
  // Body-parser errors (too large, bad charset) arrive here.
  app.use('/fhir', (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const ctx = contextFor(req, s, log);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') sendError(res, req, ctx, new FhirError(413, 'too-long', 'tooLarge', [s.config.maxBodyBytes]));
    else if (e.status && e.status < 500) sendError(res, req, ctx, new FhirError(e.status === 415 ? 415 : 400, e.status === 415 ? 'not-supported' : 'invalid', 'malformedRequest', [(err as Error).message]));
    else sendError(res, req, ctx, err);
  });
  app.use((req: Request, res: Response) => {
    sendError(res, req, contextFor(req, s, log), new FhirError(404, 'not-found', 'unknownRoute', [req.method, req.path]));
  });
  return app;
}

/** A body over this many bytes (or of unknown length) takes one of the MAX_LARGE_BODIES slots while it is read and handled. */
const LARGE_BODY = 1024 * 1024;

/**
 * Memory is bounded by how many large bodies are read, parsed and handled at once: a request whose body is over
 * 1 MiB (or chunked, of unknown length) waits for one of `slots` before its body is read (the client's bytes
 * wait in the socket meanwhile), and frees it when its response is finished or the connection closes.
 */
function largeBodyGate(slots: number): (req: Request, res: Response, next: NextFunction) => void {
  let busy = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };
  return (req, res, next) => {
    const length = Number(req.header('content-length') ?? (req.header('transfer-encoding') ? Infinity : 0));
    if (!(length > LARGE_BODY)) return next();
    let released = false;
    const done = (): void => {
      if (released) return;
      released = true;
      release();
    };
    const start = (): void => {
      if (res.writableEnded || req.destroyed) return done();
      res.once('close', done); // after the response is finished, or when the connection drops
      next();
    };
    if (busy < slots) {
      busy++;
      start();
    } else {
      waiting.push(start);
      res.once('close', () => {
        const i = waiting.indexOf(start);
        if (i >= 0) waiting.splice(i, 1);
      });
    }
  };
}

/**
 * Request ids: the client's X-Request-Id (up to 64 characters) or, like HAPI's, a short random one: 16
 * URL-safe characters (96 random bits), cut from a pool refilled every 512 requests. It is stored with every
 * audit record, so its length is part of the audit's cost per read.
 */
let idPool = '';
let idAt = 0;
function newRequestId(): string {
  if (idAt >= idPool.length) {
    idPool = randomBytes(512 * 12).toString('base64url');
    idAt = 0;
  }
  idAt += 16;
  return idPool.slice(idAt - 16, idAt);
}

function contextFor(req: Request, s: Services, log: Services['log']): RequestContext {
  const requestId = (req.header('x-request-id') ?? '').slice(0, 64) || newRequestId();
  const baseUrl = s.config.baseUrl ?? `${req.protocol}://${req.header('host') ?? 'localhost'}/fhir`;
  let child: Services['log'] | undefined;
  return {
    requestId,
    lang: negotiateLanguage(req.header('accept-language')),
    baseUrl,
    actor: { kind: 'anonymous' },
    scopes: [],
    // the request's logger is made when something logs (most requests log only the access line)
    get log() {
      return (child ??= log.child({ requestId }));
    },
  };
}

function toFhirRequest(req: Request): FhirRequest {
  const method = req.method.toUpperCase() as FhirRequest['method'];
  if (!['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    throw new FhirError(405, 'not-supported', 'methodNotAllowed', [req.method, req.path]);
  }
  const url = req.originalUrl;
  const qi = url.indexOf('?');
  const query = parseQuery(qi >= 0 ? url.slice(qi + 1) : '');
  const path = decodePath(req.path);
  // Header values need no check of their own: Node's parser refuses control characters in them (answerClientErrors).
  const rawContentType = req.header('content-type');
  const contentType = (rawContentType ?? '').split(';')[0].trim().toLowerCase();
  const bytes = Buffer.isBuffer(req.body) ? req.body : undefined;
  const text = bytes && bytes.length > 0 ? decodeBody(bytes, rawContentType) : '';
  req.body = undefined; // the bytes are text now: not kept for the rest of the request
  let body: FhirRequest['body'];

  const isSearch = method === 'POST' && path.endsWith('_search');
  if (isSearch) {
    if (contentType && contentType !== 'application/x-www-form-urlencoded') throw new FhirError(415, 'not-supported', 'unsupportedMediaType', [contentType]);
    parseQuery(text.trim(), query);
  } else if (text.trim().length > 0 && method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
    if (!JSON_TYPES.includes(contentType)) throw new FhirError(415, 'not-supported', 'unsupportedMediaType', [contentType || '(none)']);
    const parsed = parseJson(text);
    if (method === 'PATCH') {
      body = contentType === 'application/json-patch+json' || Array.isArray(parsed) ? { kind: 'json-patch', ops: parsed } : { kind: 'fhirpath', parameters: parsed };
    } else {
      // Every other JSON body is a resource: an object with a resourceType (checked by the input guard).
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.badRequest('notAResource');
      body = parsed as FhirRequest['body'];
      // the audit names a batch or a transaction by what was posted (the body itself is not kept)
      const bundle = parsed as { resourceType?: unknown; type?: unknown };
      if (bundle.resourceType === 'Bundle' && typeof bundle.type === 'string' && req.res) req.res.locals.bundleType = bundle.type;
    }
  }
  return {
    method,
    path,
    query,
    headers: {
      ifMatch: req.header('if-match'),
      ifNoneMatch: req.header('if-none-match'),
      ifNoneExist: req.header('if-none-exist'),
      ifModifiedSince: req.header('if-modified-since'),
      prefer: req.header('prefer'),
    },
    body,
  };
}

function checkAccept(req: Request): void {
  const format = req.query._format;
  if (typeof format === 'string' && format.length > 0 && !/json/i.test(format)) throw new FhirError(406, 'not-supported', 'notAcceptable', [format]);
  const accept = req.header('accept');
  if (accept && !/json|\*\/\*|application\/\*/i.test(accept)) throw new FhirError(406, 'not-supported', 'notAcceptable', [accept]);
}

function send(res: Response, req: Request, result: FhirResponse): void {
  for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
  if (result.changed) res.locals.changed = result.changed;
  let status = result.status;
  if (!result.body && status === 200 && req.method === 'DELETE') status = 204;
  res.status(status);
  if (!result.body || status === 304 || status === 204) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/fhir+json; charset=utf-8');
  const text = result.body instanceof RawJson ? result.body.json : JSON.stringify(result.body, null, req.query._pretty === 'true' ? 2 : undefined);
  if (req.method === 'HEAD') res.setHeader('Content-Length', Buffer.byteLength(text)).end();
  else res.end(text);
}

function sendError(res: Response, req: Request, ctx: RequestContext, err: unknown): void {
  let fhirError: FhirError;
  const pgCode = (err as { code?: string })?.code;
  if (err instanceof FhirError) {
    fhirError = err;
  } else if (pgCode === '40P01' && typeof (err as { stalledMs?: unknown }).stalledMs === 'number') {
    const { stalledMs, limitMs } = err as { stalledMs: number; limitMs: number };
    fhirError = new FhirError(503, 'transient', 'transactionStalled', [stalledMs, limitMs]);
  } else if (pgCode === '23505' || pgCode === '40001' || pgCode === '40P01') {
    fhirError = new FhirError(409, 'conflict', 'conflict', [req.path]);
  } else if (pgCode === '57014') {
    const { limitMs = '?', ranMs } = err as { limitMs?: number; ranMs?: number };
    fhirError = ranMs === undefined ? new FhirError(422, 'too-costly', 'queryTimeout', [limitMs]) : new FhirError(422, 'too-costly', 'queryTimeoutEmbedded', [ranMs, limitMs]);
  } else if (pgCode === 'ECONNREFUSED' || pgCode === '57P01' || pgCode === '08006') {
    fhirError = new FhirError(503, 'transient', 'unavailable');
  } else {
    ctx.log.error({ err, method: req.method, path: req.path }, 'request failed');
    fhirError = new FhirError(500, 'exception', 'internal', [ctx.requestId]);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(fhirError.status).setHeader('Content-Type', 'application/fhir+json; charset=utf-8');
  res.end(JSON.stringify(fhirError.toOutcome(ctx.lang)));
}

/**
 * Requests Node's HTTP parser refuses before express sees them (a malformed request line or header, bytes not
 * allowed in a URL, headers over 16 KiB, a request that took too long to arrive) are answered with an
 * OperationOutcome too, and the connection is closed.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(new FhirError(status, status === 431 ? 'too-long' : status === 408 ? 'timeout' : 'invalid', 'malformedRequest', [err.code ?? err.message]).toOutcome('en'));
    const head = err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD '; // an answer to HEAD has no body
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/fhir+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  });
}
