import { request } from './helpers/http.js';
import { backend, startTestServer, type TestServer } from './helpers/server.js';

/**
 * The embedded database in both places it can run (PGLITE_THREAD): its own thread (the default, which every
 * other PGlite suite uses) and the server's thread. The same interactions must behave the same, including a
 * transaction that fails half-way (nothing of it stays) and a restart on the same data folder. PostgreSQL runs
 * have no PGlite: the suite is skipped there.
 */
const pglite = backend() === 'pglite';
const maybe = pglite ? describe : describe.skip;

maybe.each(['worker', 'main'])('PGLITE_THREAD=%s', (thread) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PGLITE_THREAD: thread });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('create, a failed and a committed transaction, search and history', async () => {
    const created = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: `Ayala-${thread}` }] });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    // a transaction whose second entry fails: nothing of the first entry stays
    const failed = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:6d1b2c9a-0d1e-4c57-9a53-2f0e3c8d7b11', request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', name: [{ family: `Rollback-${thread}` }] } },
        { request: { method: 'PUT', url: `Patient/${id}`, ifMatch: 'W/"7"' }, resource: { resourceType: 'Patient', id, name: [{ family: `Ayala-${thread}` }] } },
      ],
    });
    expect(failed.status).toBe(412);
    expect(failed.json.resourceType).toBe('OperationOutcome');
    expect((await request('GET', `${server.base}/Patient?family=Rollback-${thread}&_total=accurate`)).json.total).toBe(0);
    const ok = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ request: { method: 'PUT', url: `Patient/${id}`, ifMatch: 'W/"1"' }, resource: { resourceType: 'Patient', id, name: [{ family: `Ayala-${thread}` }], gender: 'female' } }],
    });
    expect(ok.status).toBe(200);
    expect((await request('GET', `${server.base}/Patient?family=Ayala-${thread}&gender=female&_total=accurate`)).json.total).toBe(1);
    expect((await request('GET', `${server.base}/Patient/${id}/_history`)).json.entry).toHaveLength(2);
  });

  test('concurrent writes queue on the one connection and all commit', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request('POST', `${server.base}/Observation`, { resourceType: 'Observation', status: 'final', code: { text: `c${thread}` }, valueInteger: i })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect((await request('GET', `${server.base}/Observation?code:text=c${thread}&_total=accurate`)).json.total).toBe(20);
  });

  test('the data survives a restart on the same folder', async () => {
    const created = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: `Persist-${thread}` }] });
    await server.kill();
    await server.restart();
    const read = await request('GET', `${server.base}/Patient/${created.json.id as string}`);
    expect(read.status).toBe(200);
    expect(read.json.name[0].family).toBe(`Persist-${thread}`);
  });
});

(pglite ? test : test.skip)('PGLITE_THREAD rejects other values', async () => {
  await expect(startTestServer({ PGLITE_THREAD: 'both' })).rejects.toThrow(/PGLITE_THREAD/);
});

/**
 * PGLITE_RECYCLE_MB: PGlite's WASM memory keeps every page it touched, so after a load the process stays
 * large. Once the database is quiet again the thread is closed and opened on the same folder: the process
 * shrinks, and nothing written is lost.
 */
(pglite ? test : test.skip)('after a load, a quiet embedded database gives its memory back and keeps its data', async () => {
  // 1 MB: any growth counts, so the test does not depend on how much this machine's load grows the process
  // (the figures of a real load are in docs/performance.md).
  // No time limit: the search is the load (with the statistics of 1,000 patients it takes 5–7 s here).
  const server = await startTestServer({ PGLITE_RECYCLE_MB: '1', PGLITE_RECYCLE_IDLE_MS: '500', QUERY_TIMEOUT_MS: '0' });
  try {
    const reopened: { beforeMb: number; afterMb: number; idleMb: number }[] = [];
    let partial = '';
    server.process.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.includes('database thread reopened')) reopened.push(JSON.parse(line));
    });
    // The load: 1,000 patients of 20 kB in two transactions, then a search of 40 `:contains` tests over them
    // (PGlite touches a few hundred MB for it).
    const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(20_000)}</div>`;
    for (const half of [0, 500]) {
      const entry = Array.from({ length: 500 }, (_, i) => ({
        request: { method: 'POST', url: 'Patient' },
        resource: { resourceType: 'Patient', name: [{ family: `Recycle${half + i}` }], text: { status: 'generated', div } },
      }));
      expect((await request('POST', server.base, { resourceType: 'Bundle', type: 'transaction', entry })).status).toBe(200);
    }
    const search = await request('GET', `${server.base}/Patient?${Array(40).fill('name:contains=ecycle').join('&')}&_count=500`);
    expect(search.status).toBe(200);
    expect(search.json.entry).toHaveLength(500);
    const deadline = Date.now() + 20_000;
    while (reopened.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(reopened.length).toBeGreaterThanOrEqual(1);
    const r = reopened[0];
    expect(r.beforeMb - r.idleMb).toBeGreaterThan(1);
    expect(r.afterMb).toBeLessThan(r.beforeMb);
    // everything is there, served by the new thread
    const count = await request('GET', `${server.base}/Patient?family=Recycle&_summary=count`);
    expect(count.status).toBe(200);
    expect(count.json.total).toBe(1000);
  } finally {
    await server.stop();
  }
});
