import { request } from './helpers/http.js';
import { startReceiver, statusOf, topicSubscription, TOPIC, waitFor, type Receiver } from './helpers/receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Durability: the outbox row is committed with the change, so killing the server (SIGKILL) between commit and
 * delivery loses nothing; the restarted server delivers the backlog, in order, once.
 */
let server: TestServer;
let r: Receiver;
beforeAll(async () => {
  r = await startReceiver();
  server = await startTestServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1', SUBSCRIPTION_POLL_MS: '200', SUBSCRIPTION_RETRY_BASE_MS: '100', SUBSCRIPTION_RETRY_MAX_MS: '300', SUBSCRIPTION_TIMEOUT_MS: '1000' });
});
afterAll(async () => {
  await server?.stop();
  await r?.close();
});

test('kill -9 after commit and before delivery: the restarted server delivers every notification once, in order', async () => {
  const sub = await request('POST', `${server.base}/Subscription`, topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Patient'], content: 'full-resource' }));
  const id = sub.json.id as string;
  await waitFor(async () => (await request('GET', `${server.base}/Subscription/${id}`)).json.status === 'active', 15_000, 'active');
  // The endpoint stops answering: notifications stay in the outbox.
  r.hang = true;
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: `Crash${i}` }] });
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  await server.kill();
  expect(r.received.filter((x) => statusOf(x.json).type === 'event-notification')).toHaveLength(0);
  r.hang = false;
  await server.restart();
  const events = (): string[] => r.received.filter((x) => statusOf(x.json).type === 'event-notification').flatMap((x) => statusOf(x.json).numbers);
  await waitFor(() => events().length >= 10, 30_000, 'backlog after restart');
  await new Promise((res) => setTimeout(res, 1000));
  expect(events()).toEqual(ids.map((_, i) => String(i + 1)));
  const delivered = r.received.filter((x) => statusOf(x.json).type === 'event-notification').flatMap((x) => x.json.entry.slice(1).map((e: { resource: { id: string } }) => e.resource.id));
  expect(delivered).toEqual(ids);
});
