import type { ChildProcess } from 'node:child_process';
import { request } from './helpers/http.js';
import { connectWs, startReceiver, statusOf, topicSubscription, TOPIC, waitFor, type Receiver } from './helpers/receiver.js';
import { backend, createDatabase, spawnServer } from './helpers/server.js';

/**
 * Subscriptions with several server processes on one PostgreSQL database: every process runs the delivery
 * worker, yet each notification goes out exactly once and in order; a subscription created on one process
 * is honoured by writes on another at once; a websocket bound to one process receives events committed by
 * another. (PGlite is single-process: skipped there.)
 */
const pgTest = backend() === 'postgres' ? test : test.skip;

let bases: string[] = [];
let procs: ChildProcess[] = [];
let drop: (() => Promise<void>) | undefined;
let r: Receiver;

beforeAll(async () => {
  if (backend() !== 'postgres') return;
  r = await startReceiver();
  const db = await createDatabase();
  drop = db.drop;
  const env = { DATABASE_URL: db.url, DB_POOL_SIZE: '6', SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1', SUBSCRIPTION_POLL_MS: '300' };
  const started = await Promise.all([spawnServer(env), spawnServer(env)]);
  procs = started.map((s) => s.proc);
  bases = started.map((s) => s.base);
});
afterAll(async () => {
  await Promise.all(procs.map((p) => new Promise<void>((res) => (p.exitCode !== null ? res() : (p.once('exit', () => res()), p.kill('SIGTERM'))))));
  await drop?.();
  await r?.close();
});

pgTest('two processes: a subscription created on A fires for writes on B at once; each notification exactly once, in order', async () => {
  const [a, b] = bases;
  const sub = await request('POST', `${a}/Subscription`, topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Patient'], content: 'full-resource', maxCount: 5 }));
  expect(sub.status).toBe(201);
  // No wait: the very next write, on the other process, must be recorded.
  const ids: string[] = [];
  const first = await request('POST', `${b}/Patient`, { resourceType: 'Patient', name: [{ family: 'B0' }] });
  ids.push(first.json.id);
  // Concurrent writers on both processes.
  const writes = await Promise.all(
    Array.from({ length: 40 }, (_, i) => request('POST', `${bases[i % 2]}/Patient`, { resourceType: 'Patient', name: [{ family: `W${i}` }] })),
  );
  for (const w of writes) expect(w.status).toBe(201);
  ids.push(...writes.map((w) => w.json.id as string));
  const events = () => r.received.filter((x) => statusOf(x.json).type === 'event-notification');
  await waitFor(() => events().flatMap((x) => statusOf(x.json).numbers).length >= ids.length, 30_000, 'all events');
  await new Promise((res) => setTimeout(res, 1500));
  const numbers = events().flatMap((x) => statusOf(x.json).numbers);
  expect(numbers).toEqual(ids.map((_, i) => String(i + 1)));
  const delivered = events().flatMap((x) => x.json.entry.slice(1).map((e: { resource: { id: string } }) => e.resource.id));
  expect(new Set(delivered).size).toBe(ids.length);
  expect([...delivered].sort()).toEqual([...ids].sort());
  expect(delivered[0]).toBe(first.json.id);
  expect(r.received.filter((x) => statusOf(x.json).type === 'handshake')).toHaveLength(1);
});

pgTest('a websocket bound to process B receives events committed on process A', async () => {
  const [a, b] = bases;
  const sub = await request('POST', `${a}/Subscription`, topicSubscription(`${TOPIC}/resource-change`, '', { channel: 'websocket', filters: ['Practitioner'], content: 'id-only' }));
  const tok = await request('POST', `${a}/Subscription/${sub.json.id}/$get-ws-binding-token`, { resourceType: 'Parameters' });
  const token = tok.json.parameter.find((p: { name: string }) => p.name === 'token').valueString;
  const client = await connectWs(`${b.replace(/^http/, 'ws')}/ws`);
  client.ws.send(`bind-with-token ${token}`);
  await waitFor(() => client.messages.some((m) => m.includes('"handshake"')), 5000, 'handshake');
  const made: string[] = [];
  for (let i = 0; i < 3; i++) made.push((await request('POST', `${a}/Practitioner`, { resourceType: 'Practitioner', name: [{ family: `P${i}` }] })).json.id);
  const bundles = () => client.messages.filter((m) => m.includes('"event-notification"')).map((m) => JSON.parse(m));
  await waitFor(() => bundles().flatMap((x) => statusOf(x).numbers).length >= 3, 10_000, 'ws events across processes');
  expect(bundles().flatMap((x) => statusOf(x).numbers)).toEqual(['1', '2', '3']);
  expect(bundles().flatMap((x) => x.entry.slice(1).map((e: { fullUrl: string }) => e.fullUrl.split('/').pop()))).toEqual(made);
  client.close();
});
