import type { ChildProcess } from 'node:child_process';
import { request } from './helpers/http.js';
import { spawnServer, startTestServer, type TestServer } from './helpers/server.js';
import { type Json, unique } from './rest-util.js';

/**
 * Exact totals of unfiltered searches come from the per-type counts maintained by every write (migration 5,
 * src/search/counts.ts), not from counting rows. Each step compares them with the total of a filtered search
 * that matches every resource of the type (which counts the ordinary way), and with the expected number.
 */

let server: TestServer;
const tag = unique('cnt');

async function get(base: string, query: string): Promise<Json> {
  const r = await request('GET', `${base}/${query}`);
  expect(r.status).toBe(200);
  return r.json;
}

/** The maintained total (no filter) and the counted one (a filter every resource passes). */
async function totals(type: string, base = server.base): Promise<{ fast: number; counted: number; summary: number }> {
  const fast = (await get(base, `${type}?_total=accurate&_count=1`)).total as number;
  const counted = (await get(base, `${type}?_lastUpdated=gt1900-01-01&_total=accurate&_count=1`)).total as number;
  const summary = (await get(base, `${type}?_summary=count`)).total as number;
  return { fast, counted, summary };
}

async function expectTotal(type: string, n: number, base = server.base): Promise<void> {
  expect(await totals(type, base)).toEqual({ fast: n, counted: n, summary: n });
}

const patient = (i: number): Json => ({ resourceType: 'Patient', identifier: [{ system: 'urn:test:cnt', value: `${tag}-${i}` }], name: [{ family: `Count${i}` }] });

async function create(body: Json, base = server.base): Promise<string> {
  const r = await request('POST', `${base}/${body.resourceType}`, body);
  expect(r.status).toBe(201);
  return r.json.id as string;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('exact totals from the maintained per-type counts', () => {
  const made: string[] = [];

  test('an empty type counts 0; creates count one each', async () => {
    await expectTotal('Patient', 0);
    for (let i = 0; i < 5; i++) made.push(await create(patient(i)));
    await expectTotal('Patient', 5);
    // Other types are counted apart.
    await create({ resourceType: 'Organization', name: `Org ${tag}` });
    await expectTotal('Organization', 1);
    await expectTotal('Patient', 5);
  });

  test('delete counts −1, deleting again nothing, an update nothing, re-creating a deleted resource +1', async () => {
    expect((await request('DELETE', `${server.base}/Patient/${made[0]}`)).status).toBe(200);
    await expectTotal('Patient', 4);
    expect((await request('DELETE', `${server.base}/Patient/${made[0]}`)).status).toBe(200);
    await expectTotal('Patient', 4);
    const upd = await request('PUT', `${server.base}/Patient/${made[1]}`, { ...patient(1), id: made[1], gender: 'female' });
    expect(upd.status).toBe(200);
    await expectTotal('Patient', 4);
    const back = await request('PUT', `${server.base}/Patient/${made[0]}`, { ...patient(0), id: made[0] });
    expect(back.status).toBe(201);
    await expectTotal('Patient', 5);
    // Update as create (a new id chosen by the client).
    const fresh = await request('PUT', `${server.base}/Patient/${tag}-put`, { ...patient(9), id: `${tag}-put` });
    expect(fresh.status).toBe(201);
    await expectTotal('Patient', 6);
  });

  test('transactions count what they commit; a failed transaction nothing; a batch only its successful entries', async () => {
    const tx = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'POST', url: 'Patient' }, resource: patient(10) },
        { request: { method: 'POST', url: 'Patient' }, resource: patient(11) },
        { request: { method: 'POST', url: 'Patient' }, resource: patient(12) },
        { request: { method: 'DELETE', url: `Patient/${made[2]}` } },
        { request: { method: 'DELETE', url: `Patient/${made[3]}` } },
      ],
    });
    expect(tx.status).toBe(200);
    await expectTotal('Patient', 7);

    const failed = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'POST', url: 'Patient' }, resource: patient(13) },
        { request: { method: 'DELETE', url: `Patient/${made[4]}` } },
        { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', gender: 'not-a-gender' } },
      ],
    });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    await expectTotal('Patient', 7);

    const batch = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'POST', url: 'Patient' }, resource: patient(14) },
        { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', gender: 'not-a-gender' } },
        { request: { method: 'DELETE', url: `Patient/${made[4]}` } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.json.entry.map((e: Json) => e.response.status.slice(0, 3))).toEqual(['201', '422', '200']);
    await expectTotal('Patient', 7);
  });

  test('system search with _type sums the types; paging keeps the total', async () => {
    const sys = await get(server.base, '?_type=Patient,Organization&_total=accurate&_count=2');
    expect(sys.total).toBe(8);
    const next = sys.link.find((l: Json) => l.relation === 'next').url as string;
    const page2 = await request('GET', next);
    expect(page2.json.total).toBe(8);
  });

  test('concurrent creates and deletes, past the compaction interval (100 commits), stay exact', async () => {
    const before = (await totals('Patient')).fast;
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < 160; i = next++) ids.push(await create(patient(100 + i)));
      }),
    );
    await expectTotal('Patient', before + 160);
    let k = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = k++; i < 60; i = k++) expect((await request('DELETE', `${server.base}/Patient/${ids[i]}`)).status).toBe(200);
      }),
    );
    await expectTotal('Patient', before + 100);
  });

  test('two processes writing at once (PostgreSQL): both see the same exact totals', async () => {
    if (server.backend !== 'postgres') return; // PGlite's data folder belongs to one process
    const before = (await totals('Patient')).fast;
    let second: { proc: ChildProcess; base: string } | undefined;
    try {
      second = await spawnServer(server.env);
      const other = second.base;
      const bases = [server.base, other];
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async (_, c) => {
          for (let i = next++; i < 120; i = next++) await create(patient(1000 + i), bases[c % 2]);
        }),
      );
      await expectTotal('Patient', before + 120);
      await expectTotal('Patient', before + 120, other);
    } finally {
      if (second) {
        const p = second.proc;
        const gone = new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));
        p.kill('SIGTERM');
        await gone;
      }
    }
  });
});
