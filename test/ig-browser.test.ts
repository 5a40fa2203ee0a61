import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { request } from './helpers/http.js';
import { requireBuild } from './helpers/ig.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * The guide at /ig/ as a browser shows it: headless Chromium (the Debian package) loads pages from a real server
 * and checks that the server's Content-Security-Policy lets the site's stylesheet apply, on a desktop and on a
 * phone-sized screen.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PROFILE = '/ig/StructureDefinition-py-patient.html';
const PAGES = ['/ig/', PROFILE, '/ig/CodeSystem-py-departamento.html'];

let server: TestServer | undefined;
let browser: Browser | undefined;
let root: string;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (apt-get install -y chromium) to run the guide's browser test`);
  }
  requireBuild();
  [server, browser] = await Promise.all([startTestServer(), chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 15_000 })]);
  root = server.base.replace(/\/fhir$/, '');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Loaded { page: Page; problems: string[] }

/** Opens a page and collects what the browser complains about: console errors and warnings, script errors, CSP violations, failed loads. */
async function open(context: BrowserContext, path: string): Promise<Loaded> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`); });
  // Injected by the browser, not by the page: the policy does not apply to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const res = await page.goto(`${root}${path}`, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  return { page, problems };
}

test('the FHIR API keeps its strict policy; the guide gets one for its own stylesheet and images', async () => {
  const api = await request('GET', `${server!.base}/metadata`);
  expect(api.status).toBe(200);
  expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  const guide = await request('GET', `${root}/ig/`);
  expect(guide.headers.get('content-security-policy')).toBe(
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  // A missing file under /ig/ is the API's 404 OperationOutcome, with the API's policy.
  const missing = await request('GET', `${root}/ig/no-such-page.html`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
});

test('in a browser the guide pages load their stylesheet and show its styles, with nothing blocked', async () => {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    for (const path of PAGES) {
      const { page, problems } = await open(context, path);
      const styled = await page.evaluate(() => {
        const sheet = Array.from(document.styleSheets).find((s) => (s.href ?? '').endsWith('/ig/style.css'));
        const indented = document.querySelector('.in2');
        return {
          rules: sheet ? sheet.cssRules.length : 0,
          header: getComputedStyle(document.querySelector('header')!).backgroundColor,
          font: getComputedStyle(document.body).fontFamily,
          margin: getComputedStyle(document.body).margin,
          // Nested elements and concepts are indented by classes of the stylesheet (no inline styles).
          indent: indented ? getComputedStyle(indented).paddingLeft : undefined,
        };
      });
      expect({ path, problems }).toEqual({ path, problems: [] });
      expect(styled.rules).toBeGreaterThan(20);
      expect(styled.header).toBe('rgb(11, 61, 107)'); // #0b3d6b; a browser's default is transparent
      expect(styled.font).toContain('system-ui');
      expect(styled.margin).toBe('0px'); // a browser's default is 8px
      if (path === PROFILE) expect(parseFloat(styled.indent ?? 'NaN')).toBeGreaterThan(10);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test('on a phone-sized screen the pages are no wider than the screen: wide tables and code scroll inside their box', async () => {
  const context = await browser!.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  try {
    for (const path of PAGES) {
      const { page, problems } = await open(context, path);
      const sizes = await page.evaluate(() => {
        const boxes = Array.from(document.querySelectorAll<HTMLElement>('.tbl, pre'));
        return {
          inner: window.innerWidth,
          page: document.documentElement.scrollWidth,
          // Some box is wider inside than on screen (and scrolls), so the check below is not vacuous.
          scrolling: boxes.some((b) => b.scrollWidth > b.clientWidth),
        };
      });
      expect({ path, problems }).toEqual({ path, problems: [] });
      // A mobile browser widens its layout (zooms out) for a page wider than the screen, and lays out a page
      // without `<meta name="viewport" content="width=device-width">` 980 px wide: either shows in innerWidth.
      expect({ path, inner: sizes.inner, fits: sizes.page <= sizes.inner }).toEqual({ path, inner: 375, fits: true });
      if (path !== '/ig/') expect({ path, scrolling: sizes.scrolling }).toEqual({ path, scrolling: true });
      await page.close();
    }
  } finally {
    await context.close();
  }
});
