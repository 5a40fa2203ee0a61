import { request } from './helpers/http.js';
import { statusOf, topicSubscription, TOPIC, waitFor, type Receiver } from './helpers/receiver.js';
import { useSubscriptionServer } from './helpers/subscriptions.js';

/**
 * Subscription lifecycle through the HTTP API with real receivers: several pending events travel in one
 * notification; Subscription.end switches a subscription off; delivered events leave the outbox after the
 * retention (undelivered ones stay); classic criteria subscriptions notify deletes only when they ask for it
 * (HAPI's send-delete-messages extension, as a DELETE of [endpoint]/[type]/[id]).
 */
const h = useSubscriptionServer({
  SUBSCRIPTION_POLL_MS: '200',
  SUBSCRIPTION_RETRY_BASE_MS: '100',
  SUBSCRIPTION_RETRY_MAX_MS: '300',
  SUBSCRIPTION_TIMEOUT_MS: '2000',
  SUBSCRIPTION_EVENT_RETENTION_S: '2',
});
const { receiver, subscribe, waitActive: active } = h;

function eventNotes(r: Receiver): Receiver['received'] {
  return r.received.filter((x) => x.json?.resourceType === 'Bundle' && statusOf(x.json).type === 'event-notification');
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

test('a subscription with a backlog gets its pending events together, in order, once', async () => {
  const r = await receiver();
  const id = await subscribe(topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Device'], content: 'id-only' }));
  await active(id);
  r.status = 503; // refuse: the events wait in the outbox
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await request('POST', `${h.base}/Device`, { resourceType: 'Device', distinctIdentifier: `d${i}` })).json.id);
  await sleep(300);
  r.status = 200;
  await waitFor(() => eventNotes(r).flatMap((x) => statusOf(x.json).numbers).length >= 6, 15_000, '6 events');
  await sleep(400);
  const notes = eventNotes(r);
  expect(notes.flatMap((x) => statusOf(x.json).numbers)).toEqual(['1', '2', '3', '4', '5', '6']);
  expect(notes.length).toBeLessThan(6);
  expect(notes[0].json.entry.slice(1).map((e: { fullUrl: string }) => e.fullUrl.split('/').pop())).toEqual(ids.slice(0, statusOf(notes[0].json).numbers.length));
  // the bundle's events-since-subscription-start is the total, each notification-event carries its number
  expect(statusOf(notes[notes.length - 1].json).eventsSince).toBe('6');
});

test('Subscription.end: events until the end, then status off and nothing more', async () => {
  const r = await receiver();
  const end = new Date(Date.now() + 4000).toISOString();
  const id = await subscribe({ ...topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Substance'] }), end });
  await active(id);
  await request('POST', `${h.base}/Substance`, { resourceType: 'Substance', code: { text: 'before end' } });
  await waitFor(() => eventNotes(r).length >= 1, 15_000, 'event before end');
  await waitFor(async () => (await request('GET', `${h.base}/Subscription/${id}`)).json.status === 'off', 15_000, 'status off after end');
  const status = await request('GET', `${h.base}/Subscription/${id}/$status`);
  expect(status.json.entry[0].resource.parameter.find((p: { name: string }) => p.name === 'status').valueCode).toBe('off');
  await request('POST', `${h.base}/Substance`, { resourceType: 'Substance', code: { text: 'after end' } });
  await sleep(1000);
  expect(eventNotes(r).flatMap((x) => statusOf(x.json).numbers)).toEqual(['1']);
  // a subscription whose end has already passed never fires and goes off
  const r2 = await receiver();
  const past = await subscribe({ ...topicSubscription(`${TOPIC}/resource-change`, r2.url, { filters: ['Substance'] }), end: '2020-01-01T00:00:00Z' });
  await waitFor(async () => (await request('GET', `${h.base}/Subscription/${past}`)).json.status === 'off', 15_000, 'expired subscription off');
  await request('POST', `${h.base}/Substance`, { resourceType: 'Substance', code: { text: 'never' } });
  await sleep(800);
  expect(eventNotes(r2)).toHaveLength(0);
});

test('retention: delivered events leave the outbox, undelivered ones stay', async () => {
  const ok = await receiver();
  const down = await receiver();
  const a = await subscribe(topicSubscription(`${TOPIC}/resource-change`, ok.url, { filters: ['BodyStructure'] }));
  const b = await subscribe(topicSubscription(`${TOPIC}/resource-change`, down.url, { filters: ['BodyStructure'] }));
  await active(a);
  await active(b);
  down.status = 500;
  const patient = await request('POST', `${h.base}/Patient`, { resourceType: 'Patient' });
  await request('POST', `${h.base}/BodyStructure`, { resourceType: 'BodyStructure', patient: { reference: `Patient/${patient.json.id}` } });
  await waitFor(() => eventNotes(ok).length >= 1, 15_000, 'delivered');
  const events = async (id: string): Promise<{ numbers: string[]; since: string }> => {
    const res = await request('GET', `${h.base}/Subscription/${id}/$events?eventsSinceNumber=1`);
    expect(res.status).toBe(200);
    return { numbers: statusOf(res.json).numbers, since: statusOf(res.json).eventsSince };
  };
  expect((await events(a)).numbers).toEqual(['1']);
  // retention 2 s, swept at least every second
  await waitFor(async () => (await events(a)).numbers.length === 0, 15_000, 'delivered event removed');
  expect((await events(a)).since).toBe('1'); // the count stays
  expect((await events(b)).numbers).toEqual(['1']); // never delivered: kept
  down.status = 200;
  await waitFor(() => eventNotes(down).length >= 1, 15_000, 'backlog delivered after recovery');
  expect(statusOf(eventNotes(down)[0].json).numbers).toEqual(['1']);
});

test('classic criteria: no notification on delete (R4), unless send-delete-messages asks for a DELETE', async () => {
  const plain = await receiver();
  const deletes = await receiver();
  const criteria = 'Medication?code=http://snomed.info/sct|387517004';
  const p = await subscribe({ resourceType: 'Subscription', status: 'requested', reason: 'test', criteria, channel: { type: 'rest-hook', endpoint: plain.url, payload: 'application/fhir+json' } });
  const d = await subscribe({
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'test',
    criteria,
    channel: {
      type: 'rest-hook',
      endpoint: `${deletes.url}/fhir/`,
      payload: 'application/fhir+json',
      extension: [{ url: 'http://hapifhir.io/fhir/StructureDefinition/subscription-send-delete-messages', valueBoolean: true }],
    },
  });
  await active(p);
  await active(d);
  const med = await request('POST', `${h.base}/Medication`, { resourceType: 'Medication', code: { coding: [{ system: 'http://snomed.info/sct', code: '387517004' }] } });
  const other = await request('POST', `${h.base}/Medication`, { resourceType: 'Medication', code: { coding: [{ system: 'http://snomed.info/sct', code: '1' }] } });
  await waitFor(() => plain.received.length >= 1 && deletes.received.length >= 1, 15_000, 'create notifications');
  expect(plain.received[0].json).toMatchObject({ resourceType: 'Medication', id: med.json.id });
  expect((await request('DELETE', `${h.base}/Medication/${med.json.id}`)).status).toBeLessThan(300);
  expect((await request('DELETE', `${h.base}/Medication/${other.json.id}`)).status).toBeLessThan(300);
  await waitFor(() => deletes.received.length >= 2, 15_000, 'delete notification');
  await sleep(600);
  expect(deletes.received.map((x) => x.method)).toEqual(['POST', 'DELETE']);
  expect(deletes.received[1].path).toBe(`/fhir/Medication/${med.json.id}`);
  expect(deletes.received[1].body).toBe('');
  expect(plain.received.map((x) => x.method)).toEqual(['POST']);
});
