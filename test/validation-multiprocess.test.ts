import type { ChildProcess } from 'node:child_process';
import { request } from './helpers/http.js';
import { backend, createDatabase, spawnServer } from './helpers/server.js';
import { SD } from './validation/cases.js';

/**
 * A StructureDefinition stored through one server process becomes a usable profile in another process on the same
 * PostgreSQL database (within the 5 s poll). PGlite is single-process, so this runs on the postgres project only.
 */
const pgTest = backend() === 'postgres' ? test : test.skip;

const procs: ChildProcess[] = [];
let drop: (() => Promise<void>) | undefined;
afterAll(async () => {
  await Promise.all(procs.map((p) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGTERM'))))));
  await drop?.();
});

pgTest('a profile stored through process A is enforced by process B', async () => {
  const db = await createDatabase();
  drop = db.drop;
  const env = { DATABASE_URL: db.url, DB_POOL_SIZE: '4' };
  const a = await spawnServer(env);
  procs.push(a.proc);
  const b = await spawnServer(env);
  procs.push(b.proc);
  const url = `${SD}multi-device`;
  const device = { resourceType: 'Device', meta: { profile: [url] } };
  // before: B does not know the profile, so the claim is only a warning
  expect((await request('POST', `${b.base}/Device`, device)).status).toBe(201);
  const profile = {
    resourceType: 'StructureDefinition',
    url,
    name: 'MultiDevice',
    status: 'active',
    kind: 'resource',
    abstract: false,
    type: 'Device',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Device',
    derivation: 'constraint',
    snapshot: {
      element: [
        { id: 'Device', path: 'Device', definition: 'A device', min: 0, max: '*', base: { path: 'Device', min: 0, max: '*' } },
        { id: 'Device.lotNumber', path: 'Device.lotNumber', definition: 'Lot', min: 1, max: '1', base: { path: 'Device.lotNumber', min: 0, max: '1' }, type: [{ code: 'string' }] },
      ],
    },
  };
  expect((await request('POST', `${a.base}/StructureDefinition`, profile)).status).toBe(201);
  let status = 0;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    status = (await request('POST', `${b.base}/Device/$validate`, device)).json?.issue?.some((i: { severity: string }) => i.severity === 'error') ? 422 : 200;
    if (status === 422) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(status).toBe(422);
  const rejected = await request('POST', `${b.base}/Device`, device);
  expect(rejected.status).toBe(422);
  expect(JSON.stringify(rejected.json)).toContain('Device.lotNumber');
});
