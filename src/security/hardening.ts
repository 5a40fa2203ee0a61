import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';
import { FhirError } from '../fhir/outcome.js';

/**
 * Security headers on every response, CORS for the configured origins, and a per-client rate limit
 * (fixed one-minute windows, per process).
 */
const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, Accept-Language, If-Match, If-None-Match, If-None-Exist, If-Modified-Since, Prefer, X-Request-Id';
const EXPOSE_HEADERS = 'Location, Content-Location, ETag, Last-Modified, X-Request-Id, WWW-Authenticate, Retry-After';

export function securityHeaders(app: express.Express, config: Config): void {
  const origins = (config.corsOrigins ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.secure || req.header('x-forwarded-proto') === 'https') res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const origin = req.header('origin');
    if (origin && (origins.includes('*') || origins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origins.includes('*') ? '*' : origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      if (req.method === 'OPTIONS' && req.header('access-control-request-method')) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
        res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  });
}

export class RateLimiter {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(private readonly perMinute: number) {}

  /** Counts one request of `key`; throws 429 (with Retry-After set on res) past the limit. */
  hit(key: string, res: Response): void {
    if (this.perMinute <= 0) return;
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n > this.perMinute) {
      res.setHeader('Retry-After', String(Math.ceil(((window + 1) * 60_000 - now) / 1000)));
      throw new FhirError(429, 'throttled', 'security.rateLimited', [this.perMinute]);
    }
  }
}
