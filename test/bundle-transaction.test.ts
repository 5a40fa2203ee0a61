import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** Transaction bundles (http.html#transaction) driven over HTTP against a real server process. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const SYS = 'urn:hms-test:tx';

function tx(entry: BundleEntry[], headers: Record<string, string> = {}): Promise<Reply> {
  return request('POST', server.base, { resourceType: 'Bundle', type: 'transaction', entry }, headers);
}

async function count(query: string): Promise<number> {
  const r = await request('GET', `${server.base}/${query}${query.includes('?') ? '&' : '?'}_summary=count`);
  expect(r.status).toBe(200);
  return r.json.total as number;
}

function unique(): string {
  return randomUUID();
}

function tag(code: string) {
  return { meta: { tag: [{ system: SYS, code }] } };
}

async function createPatient(identifier: string, extra: Partial<Patient> = {}): Promise<Patient> {
  const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', identifier: [{ system: SYS, value: identifier }], ...extra });
  expect(r.status).toBe(201);
  return r.json as Patient;
}

function idFromLocation(location: string): string {
  return location.split('/')[1];
}

describe('all-or-nothing', () => {
  test('an invalid resource fails the whole transaction, names the entry, stores nothing', async () => {
    const t = unique();
    const r = await tx([
      { fullUrl: 'urn:uuid:' + unique(), resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', ...tag(t), status: 'final', code: { text: 'ok' } }, request: { method: 'POST', url: 'Observation' } },
      { resource: { resourceType: 'Patient', ...tag(t), birthDate: 'not-a-date' } as Patient, request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    const oo = r.json as OperationOutcome;
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(oo.issue[0].severity).toBe('error');
    expect(oo.issue[0].diagnostics).toMatch(/^Entry 2\b/);
    expect(oo.issue[0].expression).toContain('Bundle.entry[2]');
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
    expect(await count(`Observation?_tag=${SYS}|${t}`)).toBe(0);
  });

  test('a reference to a nonexistent resource fails the whole transaction and names the entry', async () => {
    const t = unique();
    const p = 'urn:uuid:' + unique();
    const r = await tx([
      { fullUrl: p, resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', ...tag(t), status: 'final', code: { text: 'a' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
      { resource: { resourceType: 'Observation', ...tag(t), status: 'final', code: { text: 'b' }, subject: { reference: 'Patient/does-not-exist' } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(r.status).toBe(400);
    expect(r.json.resourceType).toBe('OperationOutcome');
    expect(r.json.issue[0].diagnostics).toContain('Patient/does-not-exist');
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[2]']);
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
    expect(await count(`Observation?_tag=${SYS}|${t}`)).toBe(0);
  });

  test('an unresolved urn:uuid reference is an error', async () => {
    const t = unique();
    const r = await tx([
      { resource: { resourceType: 'Observation', ...tag(t), status: 'final', code: { text: 'a' }, subject: { reference: 'urn:uuid:' + unique() } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(r.status).toBe(400);
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[0]']);
    expect(await count(`Observation?_tag=${SYS}|${t}`)).toBe(0);
  });

  test('a failing update rolls back earlier deletes and creates', async () => {
    const keep = await createPatient(unique());
    const target = await createPatient(unique());
    const t = unique();
    const r = await tx([
      { request: { method: 'DELETE', url: `Patient/${keep.id}` } },
      { resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Patient', id: target.id, active: true }, request: { method: 'PUT', url: `Patient/${target.id}`, ifMatch: 'W/"7"' } },
    ]);
    expect(r.status).toBe(412);
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[2]']);
    expect((await request('GET', `${server.base}/Patient/${keep.id}`)).status).toBe(200);
    const after = await request('GET', `${server.base}/Patient/${target.id}`);
    expect(after.json.meta.versionId).toBe('1');
    expect(after.json.active).toBeUndefined();
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
  });
});

describe('processing order and references', () => {
  test('a GET in the bundle sees the resource POSTed by a later entry', async () => {
    const ident = unique();
    const r = await tx([
      { request: { method: 'GET', url: `Patient?identifier=${SYS}|${ident}` } },
      { fullUrl: 'urn:uuid:' + unique(), resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(r.status).toBe(200);
    const bundle = r.json as Bundle;
    expect(bundle.type).toBe('transaction-response');
    const search = bundle.entry?.[0].resource as Bundle;
    expect(search.resourceType).toBe('Bundle');
    expect(search.total).toBe(1);
    const createdId = idFromLocation(bundle.entry?.[1].response?.location as string);
    expect(search.entry?.[0].resource?.id).toBe(createdId);
  });

  test('DELETE runs before POST: deleting and re-creating the same conditional identity', async () => {
    const ident = unique();
    const old = await createPatient(ident, { name: [{ family: 'Old' }] });
    const r = await tx([
      {
        resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }], name: [{ family: 'New' }] },
        request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` },
      },
      { request: { method: 'DELETE', url: `Patient?identifier=${SYS}|${ident}` } },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^201/);
    expect(r.json.entry[1].response.status).toMatch(/^(200|204)/);
    const newId = idFromLocation(r.json.entry[0].response.location);
    expect(newId).not.toBe(old.id);
    expect((await request('GET', `${server.base}/Patient/${old.id}`)).status).toBe(410);
    const found = await request('GET', `${server.base}/Patient?identifier=${SYS}|${ident}`);
    expect(found.json.total).toBe(1);
    expect(found.json.entry[0].resource.id).toBe(newId);
    expect(found.json.entry[0].resource.name[0].family).toBe('New');
  });

  test('urn:uuid fullUrls are rewritten to the new ids, in every referencing resource', async () => {
    const p = 'urn:uuid:' + unique();
    const enc = 'urn:uuid:' + unique();
    const r = await tx([
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'hr' }, subject: { reference: p }, encounter: { reference: enc } }, request: { method: 'POST', url: 'Observation' } },
      { fullUrl: enc, resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: p } }, request: { method: 'POST', url: 'Encounter' } },
      { fullUrl: p, resource: { resourceType: 'Patient', name: [{ family: 'Urn' }] }, request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(r.status).toBe(200);
    const [obsId, encId, patId] = (r.json.entry as BundleEntry[]).map((e) => idFromLocation(e.response?.location as string));
    expect(new Set([obsId, encId, patId]).size).toBe(3);
    const obs = (await request('GET', `${server.base}/Observation/${obsId}`)).json as Observation;
    expect(obs.subject?.reference).toBe(`Patient/${patId}`);
    expect(obs.encounter?.reference).toBe(`Encounter/${encId}`);
    const e = (await request('GET', `${server.base}/Encounter/${encId}`)).json;
    expect(e.subject.reference).toBe(`Patient/${patId}`);
    // and the reference is indexed: a search by subject finds it
    expect(await count(`Observation?subject=Patient/${patId}`)).toBe(1);
  });

  test('conditional references are resolved to the matching resource', async () => {
    const ident = unique();
    const patient = await createPatient(ident);
    const r = await tx([
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'c' }, subject: { reference: `Patient?identifier=${SYS}|${ident}` } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(r.status).toBe(200);
    const obs = (await request('GET', `${server.base}/${r.json.entry[0].response.location}`)).json as Observation;
    expect(obs.subject?.reference).toBe(`Patient/${patient.id}`);
  });

  test('a conditional reference with no match fails the transaction', async () => {
    const t = unique();
    const r = await tx([
      { resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'c' }, subject: { reference: `Patient?identifier=${SYS}|${unique()}` } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.status).not.toBe(412);
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[1]']);
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
  });

  test('a conditional reference with two matches answers 412', async () => {
    const ident = unique();
    await createPatient(ident);
    await createPatient(ident);
    const t = unique();
    const r = await tx([
      { resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'c' }, subject: { reference: `Patient?identifier=${SYS}|${ident}` } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(r.status).toBe(412);
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[1]']);
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
  });
});

describe('conditional interactions inside a transaction', () => {
  test('ifNoneExist with an existing match answers 200 and creates no duplicate; references point to it', async () => {
    const ident = unique();
    const existing = await createPatient(ident);
    const p = 'urn:uuid:' + unique();
    const r = await tx([
      { fullUrl: p, resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^200/);
    expect(idFromLocation(r.json.entry[0].response.location)).toBe(existing.id);
    expect(r.json.entry[1].response.status).toMatch(/^201/);
    expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(1);
    const obs = (await request('GET', `${server.base}/${r.json.entry[1].response.location}`)).json as Observation;
    expect(obs.subject?.reference).toBe(`Patient/${existing.id}`);
  });

  test('ifNoneExist without a match creates', async () => {
    const ident = unique();
    const r = await tx([
      { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` } },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^201/);
    expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(1);
  });

  test('two POSTs with the same ifNoneExist in one transaction create one resource', async () => {
    const ident = unique();
    const entry = (fullUrl: string): BundleEntry => ({
      fullUrl,
      resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] },
      request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` },
    });
    const obs: BundleEntry = {
      resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:b' } } as Observation,
      request: { method: 'POST', url: 'Observation' },
    };
    const r = await tx([entry('urn:uuid:a'), entry('urn:uuid:b'), obs]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^201/);
    expect(r.json.entry[1].response.status).toMatch(/^200/);
    expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(1);
    const patientId = idFromLocation(r.json.entry[0].response.location);
    expect(await count(`Observation?subject=Patient/${patientId}`)).toBe(1);
  });

  test('conditional PUT updates the single match, or creates when there is none', async () => {
    const ident = unique();
    const existing = await createPatient(ident);
    const fresh = unique();
    const r = await tx([
      { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }], active: true }, request: { method: 'PUT', url: `Patient?identifier=${SYS}|${ident}` } },
      { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: fresh }], active: false }, request: { method: 'PUT', url: `Patient?identifier=${SYS}|${fresh}` } },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^200/);
    expect(r.json.entry[0].response.location).toBe(`Patient/${existing.id}/_history/2`);
    expect(r.json.entry[0].response.etag).toBe('W/"2"');
    expect(r.json.entry[1].response.status).toMatch(/^201/);
    const updated = (await request('GET', `${server.base}/Patient/${existing.id}`)).json as Patient;
    expect(updated.active).toBe(true);
    expect(updated.meta?.versionId).toBe('2');
    expect(await count(`Patient?identifier=${SYS}|${ident}`)).toBe(1);
    expect(await count(`Patient?identifier=${SYS}|${fresh}`)).toBe(1);
  });

  test('conditional PUT with two matches answers 412 and rolls back', async () => {
    const ident = unique();
    await createPatient(ident);
    await createPatient(ident);
    const t = unique();
    const r = await tx([
      { resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'PUT', url: `Patient?identifier=${SYS}|${ident}` } },
    ]);
    expect(r.status).toBe(412);
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[1]']);
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
  });
});

describe('PATCH entries', () => {
  test('Binary with a base64 JSON Patch', async () => {
    const p = await createPatient(unique(), { active: false });
    const ops = [
      { op: 'replace', path: '/active', value: true },
      { op: 'add', path: '/gender', value: 'female' },
    ];
    const r = await tx([
      {
        resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(ops)).toString('base64') },
        request: { method: 'PATCH', url: `Patient/${p.id}` },
      },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^200/);
    expect(r.json.entry[0].response.etag).toBe('W/"2"');
    const after = (await request('GET', `${server.base}/Patient/${p.id}`)).json as Patient;
    expect(after.active).toBe(true);
    expect(after.gender).toBe('female');
    expect(after.meta?.versionId).toBe('2');
  });

  test('Parameters with a FHIRPath Patch', async () => {
    const p = await createPatient(unique(), { active: false });
    const r = await tx([
      {
        resource: {
          resourceType: 'Parameters',
          parameter: [
            {
              name: 'operation',
              part: [
                { name: 'type', valueCode: 'replace' },
                { name: 'path', valueString: 'Patient.active' },
                { name: 'value', valueBoolean: true },
              ],
            },
            {
              name: 'operation',
              part: [
                { name: 'type', valueCode: 'add' },
                { name: 'path', valueString: 'Patient' },
                { name: 'name', valueString: 'birthDate' },
                { name: 'value', valueDate: '2001-02-03' },
              ],
            },
          ],
        },
        request: { method: 'PATCH', url: `Patient/${p.id}` },
      },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.entry[0].response.status).toMatch(/^200/);
    const after = (await request('GET', `${server.base}/Patient/${p.id}`)).json as Patient;
    expect(after.active).toBe(true);
    expect(after.birthDate).toBe('2001-02-03');
  });

  test('an invalid JSON Patch fails the transaction', async () => {
    const p = await createPatient(unique(), { active: false });
    const t = unique();
    const ops = [{ op: 'test', path: '/active', value: true }];
    const r = await tx([
      { resource: { resourceType: 'Patient', ...tag(t) }, request: { method: 'POST', url: 'Patient' } },
      {
        resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(ops)).toString('base64') },
        request: { method: 'PATCH', url: `Patient/${p.id}` },
      },
    ]);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.json.issue[0].expression).toEqual(['Bundle.entry[1]']);
    expect(await count(`Patient?_tag=${SYS}|${t}`)).toBe(0);
    expect((await request('GET', `${server.base}/Patient/${p.id}`)).json.meta.versionId).toBe('1');
  });
});

describe('response bundle', () => {
  test('transaction-response entries are in the original order with status, location and etag', async () => {
    const toDelete = await createPatient(unique());
    const toUpdate = await createPatient(unique());
    const ident = unique();
    const r = await tx([
      { request: { method: 'GET', url: `Patient/${toUpdate.id}` } },
      { resource: { resourceType: 'Patient', id: toUpdate.id, active: true, identifier: toUpdate.identifier }, request: { method: 'PUT', url: `Patient/${toUpdate.id}` } },
      { resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'DELETE', url: `Patient/${toDelete.id}` } },
    ]);
    expect(r.status).toBe(200);
    const b = r.json as Bundle;
    expect(b.resourceType).toBe('Bundle');
    expect(b.type).toBe('transaction-response');
    expect(b.entry).toHaveLength(4);
    const [get, put, post, del] = b.entry as BundleEntry[];
    // The GET ran last, so it sees the PUT's version 2.
    expect(get.response?.status).toMatch(/^200/);
    expect(get.resource?.id).toBe(toUpdate.id);
    expect(get.resource?.meta?.versionId).toBe('2');
    expect(put.response?.status).toMatch(/^200/);
    expect(put.response?.location).toBe(`Patient/${toUpdate.id}/_history/2`);
    expect(put.response?.etag).toBe('W/"2"');
    expect(post.response?.status).toMatch(/^201/);
    expect(post.response?.location).toMatch(/^Patient\/[A-Za-z0-9\-.]+\/_history\/1$/);
    expect(post.response?.etag).toBe('W/"1"');
    expect(Number.isNaN(Date.parse(post.response?.lastModified as string))).toBe(false);
    expect(del.response?.status).toMatch(/^(200|204)/);
    // return=minimal (default): no resource bodies for writes
    expect(put.resource).toBeUndefined();
    expect(post.resource).toBeUndefined();
  });

  test('Prefer: return=representation includes the stored resources', async () => {
    const ident = unique();
    const r = await tx(
      [
        { fullUrl: 'urn:uuid:' + unique(), resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } },
      ],
      { Prefer: 'return=representation' },
    );
    expect(r.status).toBe(200);
    const entry = r.json.entry[0] as BundleEntry;
    const id = idFromLocation(entry.response?.location as string);
    expect(entry.resource?.resourceType).toBe('Patient');
    expect(entry.resource?.id).toBe(id);
    expect(entry.resource?.meta?.versionId).toBe('1');
    expect((entry.resource as Patient).identifier?.[0].value).toBe(ident);
  });

  test('fhir-kit-client transaction', async () => {
    const client = new Client({ baseUrl: server.base });
    const ident = unique();
    const p = 'urn:uuid:' + unique();
    const body = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: p, resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'fkc' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
      ],
    };
    const res = (await client.transaction({ body })) as unknown as Bundle;
    expect(res.type).toBe('transaction-response');
    expect(res.entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['201', '201']);
    const patientId = idFromLocation(res.entry?.[0].response?.location as string);
    const search = (await client.search({ resourceType: 'Observation', searchParams: { subject: `Patient/${patientId}` } })) as unknown as Bundle;
    expect(search.total).toBe(1);
  });

  test('fhir-kit-client transaction failure rejects with the OperationOutcome', async () => {
    const client = new Client({ baseUrl: server.base });
    const body = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/missing-1' } }, request: { method: 'POST', url: 'Observation' } }],
    };
    let caught: { response?: { status?: number; data?: OperationOutcome } } | undefined;
    try {
      await client.transaction({ body });
    } catch (err) {
      caught = err as typeof caught;
    }
    expect(caught?.response?.status).toBe(400);
    expect(caught?.response?.data?.resourceType).toBe('OperationOutcome');
  });
});
