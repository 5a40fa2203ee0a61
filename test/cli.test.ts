import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CORPORA, request } from './helpers/http.js';
import { backend, createDatabase, startTestServer, type TestServer } from './helpers/server.js';

/** The hms-ops command line: load, migrate, and configuration checking. */
const CLI = resolve(process.cwd(), 'dist/src/cli.js');

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hms-ops load', () => {
  let server: TestServer;
  let dir: string;
  let plain: string;
  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'hms-load-'));
    plain = mkdtempSync(join(tmpdir(), 'hms-load-json-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  test('posts bundles and NDJSON, prints a summary, and the data is there', async () => {
    // NDJSON whose Observation references a Patient in another file: the loader orders and retries.
    writeFileSync(join(dir, 'Observation.ndjson'), JSON.stringify({ resourceType: 'Observation', id: 'obs-1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-1' } }) + '\n');
    writeFileSync(join(dir, 'Patient.ndjson'), JSON.stringify({ resourceType: 'Patient', id: 'pat-1', name: [{ family: 'Cardozo' }] }) + '\n');
    // The fixture is gzipped in the repository and the loader reads plain .json: it gets a decompressed copy
    // (in a folder of its own, since `dir` is loaded as a whole).
    const info = join(plain, 'practitionerInformation1603148702656.json');
    writeFileSync(info, gunzipSync(readFileSync(join(CORPORA, 'synthea-covid-juvenile/practitionerInformation1603148702656.json.gz'))));
    const r = run(['load', '--url', server.base, dir, info]);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Loaded (\d+) of \1 resources from 3 files/);
    expect((await request('GET', `${server.base}/Observation/obs-1`)).json.subject.reference).toBe('Patient/pat-1');
    const practitioners = await request('GET', `${server.base}/Practitioner?_summary=count`);
    expect(practitioners.json.total).toBeGreaterThan(0);
  });

  test('reports failures and exits non-zero', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', birthDate: 'nope' }, request: { method: 'POST', url: 'Patient' } }] }));
    const r = run(['load', '--url', server.base, join(dir, 'bad.json')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILED bad\.json: 422/);
  });
});

describe('hms-ops migrate and configuration', () => {
  test('migrate applies the schema once, then reports it up to date', async () => {
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    if (backend() === 'postgres') {
      const db = await createDatabase();
      env = { DATABASE_URL: db.url };
      cleanup = db.drop;
    } else {
      const d = mkdtempSync(join(tmpdir(), 'hms-migrate-'));
      env = { DATA_DIR: d };
      cleanup = async () => rmSync(d, { recursive: true, force: true });
    }
    try {
      const first = run(['migrate'], env);
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/Applied migrations: 1/);
      const second = run(['migrate'], env);
      expect(second.status).toBe(0);
      expect(second.stdout).toMatch(/up to date/);
    } finally {
      await cleanup();
    }
  });

  test.each([
    [{ PORT: 'abc' }, /PORT="abc"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ MAX_BODY_BYTES: '10' }, /MAX_BODY_BYTES/],
  ])('a bad setting stops the server with a message naming it (%o)', (env, message) => {
    const r = run(['serve'], env as Record<string, string>);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
