import { request } from './helpers/http.js';
import { connectWs, statusOf, topicSubscription, TOPIC, waitFor } from './helpers/receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** The websocket channel: $get-ws-binding-token, bind-with-token, handshake, events; classic R4 bind/ping. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTION_POLL_MS: '200' });
});
afterAll(async () => {
  await server?.stop();
});

function bundles(messages: string[]): { type: string; numbers: string[]; json: { entry: { resource?: { id: string } }[] } }[] {
  return messages.filter((m) => m.startsWith('{') && JSON.parse(m).resourceType === 'Bundle').map((m) => ({ ...statusOf(JSON.parse(m)), json: JSON.parse(m) }));
}

test('bind with a token, receive the handshake and full-resource event notifications in order', async () => {
  const base = server.base;
  const sub = await request('POST', `${base}/Subscription`, topicSubscription(`${TOPIC}/resource-change`, '', { channel: 'websocket', filters: ['Patient?family=Villalba'], content: 'full-resource' }));
  expect(sub.status).toBe(201);
  const id = sub.json.id as string;
  await waitFor(async () => (await request('GET', `${base}/Subscription/${id}`)).json.status === 'active', 15_000, 'active');

  const tok = await request('GET', `${base}/Subscription/${id}/$get-ws-binding-token`);
  expect(tok.status).toBe(200);
  const p = (n: string) => tok.json.parameter.find((x: { name: string }) => x.name === n);
  expect(p('token').valueString).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  expect(new Date(p('expiration').valueDateTime).getTime()).toBeGreaterThan(Date.now());
  expect(p('websocket-url').valueUrl).toBe(`${base.replace(/^http/, 'ws')}/ws`);

  const client = await connectWs(p('websocket-url').valueUrl);
  client.ws.send('bind-with-token not-a-token');
  await waitFor(() => client.messages.some((m) => m.includes('OperationOutcome')), 5000, 'refusal');
  client.ws.send(`bind-with-token ${p('token').valueString}`);
  await waitFor(() => bundles(client.messages).some((b) => b.type === 'handshake'), 5000, 'handshake');

  const made: string[] = [];
  for (let i = 0; i < 3; i++) made.push((await request('POST', `${base}/Patient`, { resourceType: 'Patient', name: [{ family: 'Villalba', given: [`n${i}`] }] })).json.id);
  await request('POST', `${base}/Patient`, { resourceType: 'Patient', name: [{ family: 'Other' }] });
  await waitFor(() => bundles(client.messages).flatMap((b) => b.numbers).length >= 3, 10_000, '3 events');
  await new Promise((r) => setTimeout(r, 400));
  const events = bundles(client.messages).filter((b) => b.type === 'event-notification');
  expect(events.flatMap((b) => b.numbers)).toEqual(['1', '2', '3']);
  expect(events.flatMap((b) => b.json.entry.slice(1).map((e) => e.resource?.id))).toEqual(made);
  client.close();

  // type-level token for a rest-hook subscription is refused
  const wrong = await request('GET', `${base}/Subscription/$get-ws-binding-token?id=nope`);
  expect(wrong.status).toBe(404);
});

test('classic R4 websocket: bind <id>, bound, ping <id> per notification', async () => {
  const base = server.base;
  const sub = await request('POST', `${base}/Subscription`, { resourceType: 'Subscription', status: 'requested', reason: 'classic ws', criteria: 'Encounter?status=finished', channel: { type: 'websocket' } });
  expect(sub.status).toBe(201);
  const client = await connectWs(`${base.replace(/^http/, 'ws')}/ws`);
  client.ws.send(`bind ${sub.json.id}`);
  await waitFor(() => client.messages.includes(`bound ${sub.json.id}`), 5000, 'bound');
  await request('POST', `${base}/Encounter`, { resourceType: 'Encounter', status: 'in-progress', class: { code: 'AMB' } });
  await request('POST', `${base}/Encounter`, { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } });
  await waitFor(() => client.messages.includes(`ping ${sub.json.id}`), 10_000, 'ping');
  await new Promise((r) => setTimeout(r, 400));
  expect(client.messages.filter((m) => m.startsWith('ping'))).toHaveLength(1);
  client.close();
});
