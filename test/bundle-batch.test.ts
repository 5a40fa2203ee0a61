import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** Batch bundles: every entry is processed on its own; a failure does not stop the others. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const SYS = 'urn:hms-test:batch';

function batch(entry: BundleEntry[], headers: Record<string, string> = {}): Promise<Reply> {
  return request('POST', server.base, { resourceType: 'Bundle', type: 'batch', entry }, headers);
}

async function count(query: string): Promise<number> {
  const r = await request('GET', `${server.base}/${query}${query.includes('?') ? '&' : '?'}_summary=count`);
  expect(r.status).toBe(200);
  return r.json.total as number;
}

async function createPatient(identifier: string): Promise<Patient> {
  const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', identifier: [{ system: SYS, value: identifier }] });
  expect(r.status).toBe(201);
  return r.json as Patient;
}

function expectFailure(e: BundleEntry, status: number): void {
  expect(e.response?.status).toMatch(new RegExp(`^${status}\\b`));
  const oo = e.response?.outcome as OperationOutcome | undefined;
  expect(oo?.resourceType).toBe('OperationOutcome');
  expect(oo?.issue[0].severity).toBe('error');
}

test('entries are independent: failures are reported per entry and the others are stored', async () => {
  const ident = unique();
  const existing = await createPatient(unique());
  const r = await batch([
    { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }], name: [{ family: 'One' }] }, request: { method: 'POST', url: 'Patient' } },
    { resource: { resourceType: 'Patient', birthDate: 'not-a-date' } as Patient, request: { method: 'POST', url: 'Patient' } },
    { request: { method: 'GET', url: 'Patient/does-not-exist' } },
    { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/nope-nope' } }, request: { method: 'POST', url: 'Observation' } },
    { resource: { resourceType: 'Patient', id: existing.id, active: true }, request: { method: 'PUT', url: `Patient/${existing.id}`, ifMatch: 'W/"9"' } },
    { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }], name: [{ family: 'Two' }] }, request: { method: 'POST', url: 'Patient' } },
    { request: { method: 'GET', url: `Patient/${existing.id}` } },
  ]);
  expect(r.status).toBe(200);
  const b = r.json as Bundle;
  expect(b.resourceType).toBe('Bundle');
  expect(b.type).toBe('batch-response');
  const e = b.entry as BundleEntry[];
  expect(e).toHaveLength(7);
  expect(e[0].response?.status).toMatch(/^201/);
  expectFailure(e[1], 422);
  expectFailure(e[2], 404);
  expectFailure(e[3], 400);
  expect(e[3].response?.outcome && JSON.stringify(e[3].response.outcome)).toContain('Patient/nope-nope');
  expectFailure(e[4], 412);
  expect(e[5].response?.status).toMatch(/^201/);
  expect(e[6].response?.status).toMatch(/^200/);
  expect(e[6].resource?.id).toBe(existing.id);
  // both good POSTs are stored, the bad ones are not
  expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(2);
  expect((await request('GET', `${server.base}/Patient/${existing.id}`)).json.meta.versionId).toBe('1');
});

test('successful entries have location and etag; Prefer: return=representation adds the resource', async () => {
  const ident = unique();
  const r = await batch([{ resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } }], {
    Prefer: 'return=representation',
  });
  expect(r.status).toBe(200);
  const entry = r.json.entry[0] as BundleEntry;
  expect(entry.response?.location).toMatch(/^Patient\/[A-Za-z0-9\-.]+\/_history\/1$/);
  expect(entry.response?.etag).toBe('W/"1"');
  expect(entry.resource?.resourceType).toBe('Patient');
  expect(entry.response?.location?.split('/')[1]).toBe(entry.resource?.id);
});

test('ifNoneExist in a batch: existing match answers 200 and is not duplicated', async () => {
  const ident = unique();
  const existing = await createPatient(ident);
  const entry = { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` } } as BundleEntry;
  const r = await batch([entry, entry]);
  expect(r.status).toBe(200);
  for (const e of r.json.entry as BundleEntry[]) {
    expect(e.response?.status).toMatch(/^200/);
    expect(e.response?.location?.split('/')[1]).toBe(existing.id);
  }
  expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(1);
});

test('entries see the effects of earlier entries (each runs in order, on its own)', async () => {
  const ident = unique();
  const r = await batch([
    { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` } },
    { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` } },
    { resource: { resourceType: 'Observation', status: 'final', code: { text: 'b' }, subject: { reference: `Patient?identifier=${SYS}|${ident}` } }, request: { method: 'POST', url: 'Observation' } },
  ]);
  const e = r.json.entry as BundleEntry[];
  expect(e[0].response?.status).toMatch(/^201/);
  expect(e[1].response?.status).toMatch(/^200/);
  expect(e[1].response?.location).toBe(e[0].response?.location);
  expect(e[2].response?.status).toMatch(/^201/);
  const obs = (await request('GET', `${server.base}/${e[2].response?.location}`)).json;
  expect(obs.subject.reference).toBe(`Patient/${e[0].response?.location?.split('/')[1]}`);
});

test('a conditional reference with two matches fails only its own entry (412)', async () => {
  const ident = unique();
  await createPatient(ident);
  await createPatient(ident);
  const other = unique();
  const r = await batch([
    { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient?identifier=${SYS}|${ident}` } }, request: { method: 'POST', url: 'Observation' } },
    { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: other }] }, request: { method: 'POST', url: 'Patient' } },
  ]);
  expectFailure(r.json.entry[0], 412);
  expect(r.json.entry[1].response.status).toMatch(/^201/);
  expect(await count(`Patient?identifier=${SYS}|${other}`)).toBe(1);
});

test('DELETE and PATCH entries in a batch', async () => {
  const a = await createPatient(unique());
  const b = await createPatient(unique());
  const ops = [{ op: 'add', path: '/active', value: true }];
  const r = await batch([
    { request: { method: 'DELETE', url: `Patient/${a.id}` } },
    { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(ops)).toString('base64') }, request: { method: 'PATCH', url: `Patient/${b.id}` } },
    { request: { method: 'PATCH', url: `Patient/${b.id}` }, resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from('not json').toString('base64') } },
  ]);
  expect(r.json.entry[0].response.status).toMatch(/^(200|204)/);
  expect(r.json.entry[1].response.status).toMatch(/^200/);
  expectFailure(r.json.entry[2], 400);
  expect((await request('GET', `${server.base}/Patient/${a.id}`)).status).toBe(410);
  const after = (await request('GET', `${server.base}/Patient/${b.id}`)).json as Patient;
  expect(after.active).toBe(true);
  expect(after.meta?.versionId).toBe('2');
});

test('an entry without request is reported, the rest still run', async () => {
  const ident = unique();
  const r = await batch([
    { resource: { resourceType: 'Patient' } } as BundleEntry,
    { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } },
  ]);
  expect(r.status).toBe(200);
  expectFailure(r.json.entry[0], 400);
  expect(r.json.entry[1].response.status).toMatch(/^201/);
  expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(1);
});

test('fhir-kit-client batch', async () => {
  const client = new Client({ baseUrl: server.base });
  const ident = unique();
  const body = {
    resourceType: 'Bundle',
    type: 'batch',
    entry: [
      { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'GET', url: 'Patient/not-there' } },
      { request: { method: 'GET', url: `Patient?identifier=${SYS}|${ident}` } },
    ],
  };
  const res = (await client.batch({ body })) as unknown as Bundle;
  expect(res.type).toBe('batch-response');
  expect(res.entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['201', '404', '200']);
  expect((res.entry?.[2].resource as Bundle).total).toBe(1);
});

function unique(): string {
  return randomUUID();
}
