import { Client } from 'fhir-kit-client';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  // a new data folder, created and migrated by the server itself (the other suites start from a migrated copy)
  server = await startTestServer({}, { fresh: true });
});
afterAll(async () => {
  await server?.stop();
});

test('create and read a Patient with fhir-kit-client', async () => {
  const client = new Client({ baseUrl: server.base });
  const created = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family: 'Benítez' }] } })) as unknown as { id: string };
  const read = (await client.read({ resourceType: 'Patient', id: created.id })) as unknown as { name: { family: string }[]; meta: { versionId: string } };
  expect(read.name[0].family).toBe('Benítez');
  expect(read.meta.versionId).toBe('1');
});

test('health endpoints answer', async () => {
  const root = server.base.replace(/\/fhir$/, '');
  expect((await request('GET', `${root}/healthz`)).status).toBe(200);
  const ready = await request('GET', `${root}/readyz`);
  expect(ready.status).toBe(200);
  expect(ready.json.database).toBe(server.backend);
});
