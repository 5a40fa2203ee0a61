import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { sleep, unique } from './rest-util.js';

/**
 * SIGTERM/SIGINT: the server stops accepting, closes idle keep-alive connections, lets requests in flight
 * finish for SHUTDOWN_GRACE_MS, then closes the database — on PGlite by stopping its thread, on PostgreSQL by
 * closing the pool's connections, so a statement still running cannot hold the process — and exits at the
 * latest 2 s after the grace. Whatever was committed is there after a restart; a transaction cut off is
 * rolled back as a whole.
 *
 * The long statement: 200 repetitions of one `name:contains` test (seconds of planning and execution on any
 * data; see limits-query-time.test.ts), without a time limit so that only the shutdown stops it. Exits are allowed the grace plus 4 s: the hard limit is the grace plus
 * 2 s from when the signal is handled, and on a busy machine the server's thread may be late to handle it.
 */
const GRACE = 1000;
const SYS = 'urn:hms-test:shutdown';
const LONG = `Patient?${Array(200).fill('name:contains=sdfam').join('&')}&_count=1`;

/** A transaction bundle of n Patients tagged `tag`. */
function bundle(tag: string, n: number): unknown {
  const entry = Array.from({ length: n }, (_, k) => ({
    request: { method: 'POST', url: 'Patient' },
    resource: { resourceType: 'Patient', meta: { tag: [{ system: SYS, code: tag }] }, name: [{ family: `SdFam${k}` }] },
  }));
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

async function tagged(base: string, tag: string): Promise<number> {
  const r = await request('GET', `${base}/Patient?_tag=${SYS}|${tag}&_summary=count`);
  expect(r.status).toBe(200);
  return r.json.total as number;
}

/** Sends `signal` and waits for the process to exit; ms from the signal to the exit. */
async function signalAndWait(server: TestServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ ms: number; code: number | null }> {
  const proc = server.process;
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const t0 = performance.now();
  proc.kill(signal);
  const code = await exited;
  return { ms: performance.now() - t0, code };
}

/** A request that may be cut off by the shutdown: its reply, or 'cut' when the connection was closed. */
const maybe = (p: Promise<Reply>): Promise<Reply | 'cut'> => p.catch(() => 'cut' as const);

describe(`SHUTDOWN_GRACE_MS=${GRACE}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SHUTDOWN_GRACE_MS: String(GRACE), QUERY_TIMEOUT_MS: '0', SEARCH_MAX_PARAMS: '250' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('SIGTERM while a long statement runs: exit soon after the grace; committed data kept, a transaction in flight all or nothing', async () => {
    const committed = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'CommittedBeforeStop' }] });
    expect(committed.status).toBe(201);
    const long = maybe(request('GET', `${server.base}/${LONG}`));
    await sleep(300);
    const tag = unique('inflight');
    const tx = maybe(request('POST', server.base, bundle(tag, 50)));
    await sleep(100);
    const { ms, code } = await signalAndWait(server);
    console.log(`${server.backend}: exit ${code} ${ms.toFixed(0)} ms after SIGTERM with a long statement running`);
    expect(code).toBe(0); // the shutdown finished (the hard limit exits with 1)
    expect(ms).toBeLessThan(GRACE + 4000);
    const longReply = await long;
    expect(longReply === 'cut' || longReply.status >= 500).toBe(true); // not finished: it was cut off
    const txReply = await tx;

    await server.restart();
    expect((await request('GET', `${server.base}/Patient/${committed.json.id as string}`)).status).toBe(200);
    const stored = await tagged(server.base, tag);
    expect([0, 50]).toContain(stored);
    if (txReply !== 'cut' && txReply.status === 200) expect(stored).toBe(50);
  });

  const LARGE = 800;
  test('SIGTERM during a large transaction bundle: it is either all there or not at all', async () => {
    const tag = unique('large');
    const tx = maybe(request('POST', server.base, bundle(tag, LARGE)));
    await sleep(300);
    const { ms, code } = await signalAndWait(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(GRACE + 4000);
    const txReply = await tx;
    await server.restart();
    const stored = await tagged(server.base, tag);
    console.log(`${server.backend}: transaction of ${LARGE} at SIGTERM: ${txReply === 'cut' ? 'cut' : txReply.status}, ${stored} stored`);
    expect([0, LARGE]).toContain(stored);
    if (txReply !== 'cut' && txReply.status === 200) expect(stored).toBe(LARGE);
    // the server writes and reads after the restart
    const created = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'AfterRestart' }] });
    expect(created.status).toBe(201);
  });
});

describe('a long grace', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SHUTDOWN_GRACE_MS: '30000', QUERY_TIMEOUT_MS: '0', SEARCH_MAX_PARAMS: '250' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('idle keep-alive connections do not hold the shutdown', async () => {
    // fetch keeps its connections alive: after these, several idle connections stay open to the server
    await Promise.all(Array.from({ length: 4 }, () => request('GET', `${server.base}/metadata`)));
    const { ms, code } = await signalAndWait(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    await server.restart();
  });

  test('a second signal exits at once', async () => {
    const long = maybe(request('GET', `${server.base}/${LONG}`));
    await sleep(300);
    server.process.kill('SIGTERM');
    await sleep(300);
    expect(server.process.exitCode).toBeNull(); // still waiting for the request in flight
    const { ms } = await signalAndWait(server, 'SIGINT');
    // at once: not after the 30 s grace (1.1–2.4 s seen on a machine busy with the rest of the suite)
    expect(ms).toBeLessThan(3000);
    expect(await long).toBe('cut');
  });
});
