import { request } from './helpers/http.js';
import { statusOf, topicSubscription, TOPIC, waitFor, type Receiver } from './helpers/receiver.js';
import { useSubscriptionServer } from './helpers/subscriptions.js';

/**
 * Subscriptions over rest-hook, through the HTTP API with a real receiving endpoint: the R4 backport
 * (topics, filters, payload kinds, handshake, heartbeat, notification bundles, event numbers) and classic
 * R4 criteria subscriptions, validation and the endpoint allow-list.
 */
const h = useSubscriptionServer({
  SUBSCRIPTION_POLL_MS: '200',
  SUBSCRIPTION_RETRY_BASE_MS: '100',
  SUBSCRIPTION_RETRY_MAX_MS: '400',
  SUBSCRIPTION_ERROR_AFTER: '3',
  SUBSCRIPTION_TIMEOUT_MS: '2000',
});
const { receiver, subscribe } = h;

/** Waits until the subscription is active (handshake done) and returns the handshake notification. */
async function activated(r: Receiver, id: string): Promise<void> {
  await h.waitActive(id);
  const handshake = r.received.find((x) => statusOf(x.json).type === 'handshake');
  expect(handshake).toBeDefined();
}

function events(r: Receiver): Receiver['received'] {
  return r.received.filter((x) => x.json && statusOf(x.json).type === 'event-notification');
}

test('generic topic with a filter: handshake, then create/update/delete as numbered full-resource notifications with custom headers', async () => {
  const r = await receiver();
  const id = await subscribe(
    topicSubscription(`${TOPIC}/resource-change`, `${r.url}/hook`, { filters: ['Patient?gender=female'], content: 'full-resource', headers: ['Authorization: Bearer s3cret', 'X-Tenant: py'] }),
  );
  await activated(r, id);
  const hs = r.received[0];
  expect(hs.json.resourceType).toBe('Bundle');
  expect(hs.json.type).toBe('history');
  expect(statusOf(hs.json)).toMatchObject({ type: 'handshake', eventsSince: '0', topic: `${TOPIC}/resource-change` });

  const female = await request('POST', `${h.base}/Patient`, { resourceType: 'Patient', gender: 'female', name: [{ family: 'Benítez' }] });
  await request('POST', `${h.base}/Patient`, { resourceType: 'Patient', gender: 'male' });
  await request('PUT', `${h.base}/Patient/${female.json.id}`, { ...female.json, birthDate: '1990-01-01' });
  await request('DELETE', `${h.base}/Patient/${female.json.id}`);

  await waitFor(() => events(r).flatMap((x) => statusOf(x.json).numbers).length >= 3, 15_000, '3 events');
  await new Promise((res) => setTimeout(res, 500));
  const notes = events(r);
  const numbers = notes.flatMap((x) => statusOf(x.json).numbers);
  expect(numbers).toEqual(['1', '2', '3']);
  const entries = notes.flatMap((x) => x.json.entry.slice(1));
  expect(entries.map((e: { request: { method: string } }) => e.request.method)).toEqual(['POST', 'PUT', 'DELETE']);
  expect(entries[0].resource).toMatchObject({ resourceType: 'Patient', id: female.json.id, gender: 'female' });
  expect(entries[1].resource.birthDate).toBe('1990-01-01');
  expect(entries[2].resource).toBeUndefined();
  expect(entries[2].fullUrl).toBe(`${h.base}/Patient/${female.json.id}`);
  expect(notes[0].json.entry[0].resource.meta.profile[0]).toMatch(/backport-subscription-status-r4$/);
  expect(notes[0].headers.authorization).toBe('Bearer s3cret');
  expect(notes[0].headers['x-tenant']).toBe('py');
  expect(notes[0].headers['content-type']).toMatch(/application\/fhir\+json/);
  expect(statusOf(notes[notes.length - 1].json).eventsSince).toBe('3');
});

test('id-only and empty payloads; _interaction filter', async () => {
  const idOnly = await receiver();
  const empty = await receiver();
  const a = await subscribe(topicSubscription(`${TOPIC}/resource-change`, idOnly.url, { filters: ['Organization?_interaction=create'], content: 'id-only' }));
  const b = await subscribe(topicSubscription(`${TOPIC}/resource-change`, empty.url, { filters: ['Organization'], content: 'empty' }));
  await activated(idOnly, a);
  await activated(empty, b);
  const org = await request('POST', `${h.base}/Organization`, { resourceType: 'Organization', name: 'USF Loma Pytã' });
  await request('PUT', `${h.base}/Organization/${org.json.id}`, { ...org.json, name: 'USF Loma Pytã II' });
  await waitFor(() => events(empty).flatMap((x) => statusOf(x.json).numbers).length >= 2, 15_000, 'empty events');
  await waitFor(() => events(idOnly).length >= 1, 15_000, 'id-only event');
  await new Promise((res) => setTimeout(res, 500));
  const idEntries = events(idOnly).flatMap((x) => x.json.entry.slice(1));
  expect(idEntries).toHaveLength(1); // only the create
  expect(idEntries[0].resource).toBeUndefined();
  expect(idEntries[0].fullUrl).toBe(`${h.base}/Organization/${org.json.id}`);
  const focus = events(idOnly)[0].json.entry[0].resource.parameter.find((p: { name: string }) => p.name === 'notification-event').part;
  expect(focus.find((p: { name: string }) => p.name === 'focus').valueReference.reference).toBe(`${h.base}/Organization/${org.json.id}`);
  for (const n of events(empty)) {
    expect(n.json.entry).toHaveLength(1);
    expect(n.json.entry[0].resource.parameter.find((p: { name: string }) => p.name === 'notification-event').part.some((p: { name: string }) => p.name === 'focus')).toBe(false);
  }
});

test('appointment topics fire on status transitions only', async () => {
  const booked = await receiver();
  const cancelled = await receiver();
  const mine = await receiver();
  const other = await receiver();
  const patient = await request('POST', `${h.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'Giménez' }] });
  const a = await subscribe(topicSubscription(`${TOPIC}/appointment-booked`, booked.url, { content: 'full-resource' }));
  const b = await subscribe(topicSubscription(`${TOPIC}/appointment-cancelled`, cancelled.url, { content: 'id-only' }));
  // reference filters (indexed by key): only the subscription naming this patient fires
  const c = await subscribe(topicSubscription(`${TOPIC}/appointment-booked`, mine.url, { filters: [`Appointment?patient=Patient/${patient.json.id}`] }));
  const d = await subscribe(topicSubscription(`${TOPIC}/appointment-booked`, other.url, { filters: ['Appointment?patient=Patient/someone-else'] }));
  for (const [rr, id] of [[booked, a], [cancelled, b], [mine, c], [other, d]] as const) await activated(rr, id);
  const participant = [{ actor: { display: 'Dra. Ortiz' }, status: 'accepted' }, { actor: { reference: `Patient/${patient.json.id}` }, status: 'accepted' }];
  const when = { start: '2026-12-01T09:00:00Z', end: '2026-12-01T09:20:00Z' };
  const appt = await request('POST', `${h.base}/Appointment`, { resourceType: 'Appointment', status: 'proposed', participant, ...when });
  expect(appt.status).toBe(201);
  const v2 = await request('PUT', `${h.base}/Appointment/${appt.json.id}`, { ...appt.json, status: 'booked' });
  expect(v2.status).toBe(200);
  const v3 = await request('PUT', `${h.base}/Appointment/${appt.json.id}`, { ...v2.json, comment: 'still booked' });
  expect(v3.status).toBe(200);
  expect((await request('PUT', `${h.base}/Appointment/${appt.json.id}`, { ...v3.json, status: 'cancelled' })).status).toBe(200);
  await waitFor(() => events(cancelled).length >= 1, 15_000, 'cancelled');
  await waitFor(() => events(booked).length >= 1, 15_000, 'booked');
  await new Promise((res) => setTimeout(res, 500));
  const bookedEntries = events(booked).flatMap((x) => x.json.entry.slice(1));
  expect(bookedEntries).toHaveLength(1);
  expect(bookedEntries[0].resource).toMatchObject({ status: 'booked', meta: { versionId: '2' } });
  expect(events(cancelled).flatMap((x) => x.json.entry.slice(1))).toHaveLength(1);
  expect(events(mine).flatMap((x) => statusOf(x.json).numbers)).toEqual(['1']);
  expect(events(other)).toHaveLength(0);
});

test('classic R4 criteria subscription: the resource as body, or an empty POST without payload', async () => {
  const withPayload = await receiver();
  const withoutPayload = await receiver();
  const criteria = 'Observation?code=http://loinc.org|8310-5';
  const mk = (endpoint: string, payload?: string): Record<string, unknown> => ({
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'classic',
    criteria,
    channel: { type: 'rest-hook', endpoint, ...(payload ? { payload } : {}) },
  });
  const a = await subscribe(mk(withPayload.url, 'application/fhir+json'));
  await subscribe(mk(withoutPayload.url));
  await waitFor(async () => (await request('GET', `${h.base}/Subscription/${a}`)).json.status === 'active', 15_000, 'classic active');
  const obs = (code: string): Record<string, unknown> => ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] } });
  await request('POST', `${h.base}/Observation`, obs('29463-7'));
  const hit = await request('POST', `${h.base}/Observation`, obs('8310-5'));
  await waitFor(() => withPayload.received.length >= 1 && withoutPayload.received.length >= 1, 15_000, 'classic');
  await new Promise((res) => setTimeout(res, 500));
  expect(withPayload.received).toHaveLength(1);
  expect(withPayload.received[0].json).toMatchObject({ resourceType: 'Observation', id: hit.json.id });
  expect(withoutPayload.received).toHaveLength(1);
  expect(withoutPayload.received[0].body).toBe('');
});

test('invalid subscriptions are refused with an OperationOutcome and nothing is stored', async () => {
  const r = await receiver();
  const cases: Record<string, unknown>[] = [
    topicSubscription(`${TOPIC}/no-such-topic`, r.url),
    topicSubscription(`${TOPIC}/appointment-booked`, r.url, { filters: ['Patient?gender=female'] }),
    { resourceType: 'Subscription', status: 'requested', reason: 'x', criteria: 'NotAType?x=1', channel: { type: 'rest-hook', endpoint: r.url } },
    { resourceType: 'Subscription', status: 'requested', reason: 'x', criteria: 'Patient?gender=female', channel: { type: 'email', endpoint: 'mailto:a@b.py' } },
    topicSubscription(`${TOPIC}/resource-change`, 'http://10.1.2.3/hook'),
    topicSubscription(`${TOPIC}/resource-change`, 'http://localhost:9/hook'),
    topicSubscription(`${TOPIC}/resource-change`, 'http://[::1]:9/hook'),
    topicSubscription(`${TOPIC}/resource-change`, r.url, { headers: ['no colon here'] }),
  ];
  const before = (await request('GET', `${h.base}/Subscription?_summary=count`)).json.total;
  for (const body of cases) {
    const res = await request('POST', `${h.base}/Subscription`, body, { 'Accept-Language': 'es' });
    expect(res.status).toBe(422);
    expect(res.json.resourceType).toBe('OperationOutcome');
    expect(res.json.issue[0].diagnostics).toBeTruthy();
  }
  const denied = await request('POST', `${h.base}/Subscription`, topicSubscription(`${TOPIC}/resource-change`, 'http://192.168.1.10/hook'), { 'Accept-Language': 'es' });
  expect(denied.json.issue[0].diagnostics).toMatch(/no está permitido/);
  expect((await request('GET', `${h.base}/Subscription?_summary=count`)).json.total).toBe(before);
});

test('$status, $events (ranges, content) and the topic catalogue', async () => {
  const r = await receiver();
  const id = await subscribe(topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Location'], content: 'id-only' }));
  await activated(r, id);
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await request('POST', `${h.base}/Location`, { resourceType: 'Location', name: `Sala ${i}` })).json.id);
  await waitFor(() => events(r).flatMap((x) => statusOf(x.json).numbers).length >= 4, 15_000, '4 events');

  const st = await request('GET', `${h.base}/Subscription/${id}/$status`);
  expect(st.status).toBe(200);
  expect(st.json.type).toBe('searchset');
  expect(statusOf({ entry: [{ resource: st.json.entry[0].resource }] })).toMatchObject({ type: 'query-status', status: 'active', eventsSince: '4' });
  const typeLevel = await request('GET', `${h.base}/Subscription/$status?id=${id}`);
  expect(typeLevel.json.entry).toHaveLength(1);

  const ev = await request('GET', `${h.base}/Subscription/${id}/$events?eventsSinceNumber=2&eventsUntilNumber=3&content=full-resource`);
  expect(ev.status).toBe(200);
  expect(ev.json.type).toBe('history');
  expect(statusOf(ev.json)).toMatchObject({ type: 'query-event', numbers: ['2', '3'] });
  expect(ev.json.entry.slice(1).map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids[1], ids[2]]);
  const bad = await request('GET', `${h.base}/Subscription/${id}/$events?eventsSinceNumber=abc`);
  expect(bad.status).toBe(400);
  expect((await request('GET', `${h.base}/Subscription/nope/$status`)).status).toBe(404);

  const topics = await request('GET', `${h.base}/SubscriptionTopic`);
  expect(topics.json.entry.map((e: { resource: { url: string } }) => e.resource.url)).toEqual(
    expect.arrayContaining([`${TOPIC}/resource-change`, `${TOPIC}/appointment-booked`, `${TOPIC}/appointment-cancelled`, `${TOPIC}/appointment-noshow`]),
  );
  expect((await request('GET', `${h.base}/SubscriptionTopic/appointment-noshow`)).json.resourceTrigger[0].resource).toMatch(/Appointment$/);
  const cs = await request('GET', `${h.base}/metadata`);
  const sub = cs.json.rest[0].resource.find((x: { type: string }) => x.type === 'Subscription');
  expect(sub.extension.map((e: { valueCanonical: string }) => e.valueCanonical)).toContain(`${TOPIC}/appointment-booked`);
  expect(sub.operation.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['status', 'events', 'get-ws-binding-token']));
});

test('heartbeat notifications on an idle subscription', async () => {
  const r = await receiver();
  const id = await subscribe(topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Device'], heartbeat: 1 }));
  await activated(r, id);
  await waitFor(() => r.received.filter((x) => statusOf(x.json).type === 'heartbeat').length >= 2, 15_000, 'heartbeats');
  expect(statusOf(r.received.find((x) => statusOf(x.json).type === 'heartbeat')!.json).eventsSince).toBe('0');
});

test('a failing endpoint: retries with backoff, status error, then recovery with every event delivered in order', async () => {
  const r = await receiver();
  const id = await subscribe(topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: ['Medication'] }));
  await activated(r, id);
  r.status = 500;
  for (let i = 0; i < 3; i++) await request('POST', `${h.base}/Medication`, { resourceType: 'Medication', code: { text: `m${i}` } });
  await waitFor(async () => (await request('GET', `${h.base}/Subscription/${id}`)).json.status === 'error', 20_000, 'status error');
  const sub = await request('GET', `${h.base}/Subscription/${id}`);
  expect(sub.json.error).toMatch(/HTTP 500/);
  const st = await request('GET', `${h.base}/Subscription/${id}/$status`);
  expect(statusOf({ entry: [{ resource: st.json.entry[0].resource }] }).status).toBe('error');
  expect(r.received.filter((x) => statusOf(x.json).type === 'event-notification')).toHaveLength(0);
  r.status = 200;
  await waitFor(async () => (await request('GET', `${h.base}/Subscription/${id}`)).json.status === 'active', 20_000, 'recovered');
  await waitFor(() => events(r).flatMap((x) => statusOf(x.json).numbers).length >= 3, 15_000, 'backlog');
  expect(events(r).flatMap((x) => statusOf(x.json).numbers)).toEqual(['1', '2', '3']);
});

test('a hanging endpoint does not stall other subscriptions', async () => {
  const slow = await receiver();
  const fast = await receiver();
  const a = await subscribe(topicSubscription(`${TOPIC}/resource-change`, slow.url, { filters: ['Substance'] }));
  const b = await subscribe(topicSubscription(`${TOPIC}/resource-change`, fast.url, { filters: ['Substance'] }));
  await activated(slow, a);
  await activated(fast, b);
  slow.hang = true;
  const started = Date.now();
  for (let i = 0; i < 3; i++) await request('POST', `${h.base}/Substance`, { resourceType: 'Substance', code: { text: `s${i}` } });
  await waitFor(() => events(fast).flatMap((x) => statusOf(x.json).numbers).length >= 3, 10_000, 'fast endpoint');
  expect(Date.now() - started).toBeLessThan(2000 + 1500);
  slow.hang = false;
});

test('concurrent writers matching the same subscriptions: each gets every event once, numbered 1..n without gaps; $status counts them at once', async () => {
  const receivers = [await receiver(), await receiver(), await receiver()];
  const tag = `conc${Date.now()}`;
  const ids: string[] = [];
  for (const r of receivers) ids.push(await subscribe(topicSubscription(`${TOPIC}/resource-change`, r.url, { filters: [`Device?manufacturer=${tag}`], content: 'id-only' })));
  for (let i = 0; i < ids.length; i++) await activated(receivers[i], ids[i]);
  // 40 writes, 10 at a time (the events of one subscription are recorded by concurrent transactions)
  const made: string[] = [];
  for (let b = 0; b < 4; b++) {
    const rs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => request('POST', `${h.base}/Device`, { resourceType: 'Device', manufacturer: tag, serialNumber: `${b}-${i}` })),
    );
    for (const x of rs) {
      expect(x.status).toBe(201);
      made.push(x.json.id);
    }
  }
  // $status right after the last 201 already counts all 40 (numbering on demand), whatever was delivered yet
  const st = await request('GET', `${h.base}/Subscription/$status?id=${ids.join(',')}`);
  expect(st.json.entry.map((e: { resource: unknown }) => statusOf({ entry: [{ resource: e.resource }] }).eventsSince)).toEqual(['40', '40', '40']);
  for (const r of receivers) {
    await waitFor(() => events(r).flatMap((x) => statusOf(x.json).numbers).length >= 40, 15_000, '40 events');
    await new Promise((res) => setTimeout(res, 300));
    const numbers = events(r).flatMap((x) => statusOf(x.json).numbers);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => String(i + 1)));
    const got = events(r).flatMap((x) => x.json.entry.slice(1).map((e: { fullUrl: string }) => e.fullUrl.split('/').pop()));
    expect([...got].sort()).toEqual([...made].sort());
  }
});
