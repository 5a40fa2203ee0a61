import { request as httpRequest } from 'node:http';
import { readdirSync } from 'node:fs';
import * as tar from 'tar';
import { request } from './helpers/http.js';
import { requireBuild, SITE_DIR } from './helpers/ig.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let root: string;
beforeAll(async () => {
  requireBuild();
  server = await startTestServer();
  root = server.base.replace(/\/fhir$/, '');
});
afterAll(async () => {
  await server?.stop();
});

/** GET with the path sent exactly as written (fetch would normalise dot segments). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const url = new URL(root);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('every page is reachable from /ig/ and every internal link resolves', async () => {
  const start = `${root}/ig/`;
  const seen = new Set<string>();
  const queue = [start];
  const broken: string[] = [];
  while (queue.length) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await fetch(url);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) {
      broken.push(`${url} → ${res.status}`);
      continue;
    }
    if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
    for (const m of body.toString('utf8').matchAll(/(?:href|src)="([^"]+)"/g)) {
      const target = new URL(m[1].replace(/&amp;/g, '&'), url);
      target.hash = '';
      if (target.origin === new URL(root).origin && target.pathname.startsWith('/ig/')) queue.push(target.href);
      else expect(target.protocol).toMatch(/^https?:$/); // external links only as absolute http(s) URLs
    }
  }
  expect(broken).toEqual([]);
  // Every HTML page of the built site was reached by the crawl.
  const pages = readdirSync(SITE_DIR).filter((f) => f.endsWith('.html'));
  const reached = new Set([...seen].map((u) => new URL(u).pathname.replace(/^\/ig\//, '') || 'index.html'));
  expect(pages.filter((p) => !reached.has(p))).toEqual([]);
  expect(pages.length).toBeGreaterThan(60);
});

test('pages and files are served with their content types', async () => {
  const home = await request('GET', `${root}/ig/index.html`);
  expect(home.status).toBe(200);
  expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(home.text).toContain('<html lang="es">');
  expect(home.text).toContain('name="viewport"');
  expect((await request('GET', `${root}/ig/index-gn.html`)).text).toContain('<html lang="gn">');
  const css = await request('GET', `${root}/ig/style.css`);
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  expect(css.text).toContain('@media');
  const profile = await request('GET', `${root}/ig/StructureDefinition-py-patient.html`);
  expect(profile.text).toContain('Diferencial');
  expect(profile.text).toContain('py-ci-1');
  const cs = await request('GET', `${root}/ig/CodeSystem-py-departamento.html`);
  expect(cs.text).toContain('PY-19');
  expect(cs.text).toContain('revisar');
  const json = await request('GET', `${root}/ig/StructureDefinition-py-patient.json`);
  expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(json.json.url).toBe('https://fhir.mspbs.gov.py/StructureDefinition/py-patient');
  const redirect = await fetch(`${root}/ig`, { redirect: 'manual' });
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get('location')).toBe('/ig/');
});

test('/ig/package.tgz is a FHIR package tarball', async () => {
  const res = await fetch(`${root}/ig/package.tgz`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/gzip');
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  const entries = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    const parser = new tar.Parser({
      onReadEntry: (entry) => {
        let text = '';
        entry.on('data', (d: Buffer) => (text += d.toString()));
        entry.on('end', () => entries.set(entry.path, text));
      },
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(bytes);
  });
  const pkg = JSON.parse(entries.get('package/package.json')!) as { name: string; version: string };
  expect(pkg).toMatchObject({ name: 'py.mspbs.core', version: '0.1.0' });
  expect(entries.has('package/.index.json')).toBe(true);
  expect(entries.has('package/StructureDefinition-py-patient.json')).toBe(true);
  expect([...entries.keys()].every((p) => p.startsWith('package/'))).toBe(true);
});

test('missing pages are 404 OperationOutcomes and nothing outside the site is served', async () => {
  const missing = await request('GET', `${root}/ig/no-existe.html`);
  expect(missing.status).toBe(404);
  expect(missing.json.resourceType).toBe('OperationOutcome');
  for (const path of ['/ig/../package.json', '/ig/%2e%2e/%2e%2e/package.json', '/ig/..%2f..%2fpackage.json', '/ig/%2e%2e%2fbuild-info.json',
    '/ig/.hidden', '/ig/%00index.html', '/ig/%E0%A4%A']) {
    const res = await rawGet(path);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
    expect(res.body).not.toContain('"inputsHash"');
    expect(res.body).not.toContain('"hms-ops"');
  }
});
