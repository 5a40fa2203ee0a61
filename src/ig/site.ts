import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import type { Services } from '../rest/services.js';
import { guidePackagePath, guideSiteDir } from './paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.tgz': 'application/gzip',
};

/**
 * The Content-Security-Policy of the guide's files: the site's own stylesheet and images (no scripts; the site
 * generator writes no inline styles), replacing the FHIR API's `default-src 'none'` set by the security headers.
 */
const GUIDE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Maps a URL path under /ig/ to a file inside the site folder, or undefined (outside the folder, hidden, missing). */
export function resolveSitePath(siteDir: string, urlPath: string): string | undefined {
  let rel: string;
  try { rel = decodeURIComponent(urlPath); } catch { return undefined; }
  if (rel.includes('\0') || rel.split('/').some((seg) => seg.startsWith('.'))) return undefined;
  const root = path.resolve(siteDir);
  let file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Serves the static guide at /ig/ and the FHIR package at /ig/package.tgz; unknown paths fall through to the 404 OperationOutcome. */
export function guideRoutes(app: express.Express, s: Services): void {
  const siteDir = guideSiteDir(s.config);
  const tgz = guidePackagePath(s.config);
  const sendFile = (res: express.Response, file: string, download?: string): void => {
    res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', GUIDE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    if (download) res.setHeader('Content-Disposition', `attachment; filename="${download}"`);
    res.sendFile(file, { dotfiles: 'allow', headers: {} });
  };
  // A middleware (not a route with a path parameter): express would answer a malformed %-escape itself, as HTML.
  app.use('/ig', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { next(); return; }
    const [pathname, query] = req.originalUrl.split(/\?(.*)/s);
    if (pathname === '/ig') { res.redirect(301, `/ig/${query ? `?${query}` : ''}`); return; }
    if (req.path === '/package.tgz' && fs.existsSync(tgz)) { sendFile(res, tgz, 'package.tgz'); return; }
    const file = resolveSitePath(siteDir, req.path);
    if (!file) { next(); return; }
    sendFile(res, file);
  });
}
