import { request, type Reply } from './helpers/http.js';
import { dailySchedule } from './helpers/schedules.js';
import { startReceiver, statusOf, topicSubscription, TOPIC, waitFor, type Receiver } from './helpers/receiver.js';
import { backend, spawnServer, startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, sleep, type Json } from './rest-util.js';

/**
 * Referrals over HTTP: the referral (ServiceRequest) and its Task under FHIR Workflow's state machine by PUT,
 * PATCH and in a transaction; booking under the referral only once accepted and only at its destination; the
 * Task following its appointment; the counter-referral closing the loop; the referral topics.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const DAY = 86_400_000;
const OFFSET = -3 * 3600_000; // Paraguay, UTC−03:00
const tomorrow = new Date(Date.now() + OFFSET + DAY).toISOString().slice(0, 10);

let server: TestServer;
let receiver: Receiver | undefined;
beforeAll(async () => {
  server = await startTestServer({
    SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1',
    SUBSCRIPTION_POLL_MS: '200',
    REFERRAL_ESCALATION_CHECK_MS: '300',
    REFERRAL_COORDINATOR: 'Organization/coordinacion-derivaciones',
    REFERRAL_DEADLINE_HOURS: 'urgent=12',
  });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const url = (path: string): string => `${server.base}/${path}`;
const post = (path: string, body: unknown): Promise<Reply> => request('POST', url(path), body);
const put = (r: Json): Promise<Reply> => request('PUT', url(`${r.resourceType}/${r.id}`), r);
const get = (path: string): Promise<Reply> => request('GET', url(path));
async function create(body: Json): Promise<Json> {
  const r = await post(body.resourceType, body);
  if (r.status !== 201) throw new Error(r.text);
  return r.json;
}
const step = (task: Json): string | undefined => task.businessStatus?.coding?.find((c: Json) => c.system === `${CS}py-estado-derivacion`)?.code;
const code = (c: string): Json => ({ coding: [{ system: `${CS}py-tipo-tarea-derivacion`, code: c }] });
const schedule = (location: string): Json => dailySchedule(location, { to: '09:00:00' });
const book = (slot: Json, patient: string, location: string, referral?: string): Json => ({
  resourceType: 'Parameters',
  parameter: [
    {
      name: 'appointment',
      resource: {
        resourceType: 'Appointment', status: 'proposed', start: slot.start, end: slot.end, slot: [{ reference: `Slot/${slot.id}` }],
        ...(referral ? { basedOn: [{ reference: referral }] } : {}),
        participant: [{ actor: { reference: patient }, status: 'needs-action' }, { actor: { reference: location }, status: 'needs-action' }],
      },
    },
  ],
});

let origin: string;
let destination: string;
let patient: string;
let destSlots: Json[];
let otherSlots: Json[];
beforeAll(async () => {
  origin = `Organization/${(await create({ resourceType: 'Organization', name: 'USF Bahía Negra' })).id}`;
  destination = `Organization/${(await create({ resourceType: 'Organization', name: 'Hospital Regional de Concepción' })).id}`;
  const other = `Organization/${(await create({ resourceType: 'Organization', name: 'Hospital General de San Lorenzo' })).id}`;
  const destLoc = `Location/${(await create({ resourceType: 'Location', name: 'Cardiología HR Concepción', managingOrganization: { reference: destination } })).id}`;
  const otherLoc = `Location/${(await create({ resourceType: 'Location', name: 'Cardiología HG San Lorenzo', managingOrganization: { reference: other } })).id}`;
  patient = `Patient/${(await create({ resourceType: 'Patient', name: [{ family: 'Benítez' }] })).id}`;
  const slotsOf = async (loc: string): Promise<Json[]> => {
    const sc = await create(schedule(loc));
    return (await get(`Slot?schedule=Schedule/${sc.id}&start=ge${tomorrow}&_sort=start&_count=20`)).json.entry.map((e: Json) => ({ ...e.resource, location: loc }));
  };
  destSlots = await slotsOf(destLoc);
  otherSlots = await slotsOf(otherLoc);
});

async function newReferral(task: Json = {}): Promise<{ sr: Json; task: Json }> {
  const sr = await create({
    resourceType: 'ServiceRequest',
    meta: { profile: [`${SD}py-referral`] },
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }],
    priority: 'urgent',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '183519002' }] },
    subject: { reference: patient },
    requester: { reference: origin },
    performer: [{ reference: destination }],
    reasonCode: [{ text: 'Soplo cardíaco' }],
  });
  const created = await create({
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: code('derivacion'),
    focus: { reference: `ServiceRequest/${sr.id}` },
    for: { reference: patient },
    requester: { reference: origin },
    owner: { reference: destination },
    ...task,
  });
  return { sr, task: created };
}

test('an illegal move of a Task is refused by PUT, PATCH and in a transaction, naming the states allowed next; nothing is written', async () => {
  const { task } = await newReferral();
  const allowed = 'received, accepted, rejected, ready, cancelled, entered-in-error';
  const byPut = await put({ ...task, status: 'completed' });
  expect(expectOutcome(byPut, 422).diagnostics).toBe(`Task/${task.id} cannot go from requested to completed; from requested it may go to: ${allowed}`);
  const byPatch = await request('PATCH', url(`Task/${task.id}`), [{ op: 'replace', path: '/status', value: 'in-progress' }], { 'Content-Type': 'application/json-patch+json' });
  expect(expectOutcome(byPatch, 422).diagnostics).toContain('cannot go from requested to in-progress');
  const marker = `Organization?name=never-${task.id}`;
  const tx = await post('', {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { request: { method: 'POST', url: 'Organization' }, resource: { resourceType: 'Organization', name: `never-${task.id}` } },
      { request: { method: 'PUT', url: `Task/${task.id}` }, resource: { ...task, status: 'failed' } },
    ],
  });
  expect(expectOutcome(tx, 422).diagnostics).toContain('cannot go from requested to failed');
  expect((await get(marker)).json.entry ?? []).toEqual([]);
  const now = (await get(`Task/${task.id}`)).json;
  expect(now.status).toBe('requested');
  expect(now.meta.versionId).toBe('1');
  // a legal move, then the terminal state stays terminal
  expect((await put({ ...now, status: 'rejected', statusReason: { text: 'Sin cupo' } })).status).toBe(200);
  const back = await put({ ...now, status: 'accepted' });
  expect(expectOutcome(back, 422).diagnostics).toBe(`Task/${task.id} cannot go from rejected to accepted; from rejected it may go to: entered-in-error`);
  const spanish = await request('PUT', url(`Task/${task.id}`), { ...now, status: 'accepted' }, { 'Accept-Language': 'es' });
  expect(expectOutcome(spanish, 422).diagnostics).toBe(`La Task/${task.id} no puede pasar de rejected a accepted; desde rejected puede pasar a: entered-in-error`);
});

test('the whole loop: booked only once accepted and at the destination; the Task follows its appointment; the counter-referral closes it', async () => {
  const { sr, task } = await newReferral();
  const referral = `ServiceRequest/${sr.id}`;
  // not accepted yet: no booking under it, and the slot stays free
  const early = await post('Appointment/$book', book(destSlots[0], patient, destSlots[0].location, referral));
  expect(expectOutcome(early, 422).diagnostics).toBe(`The referral ${referral} is not accepted by its destination yet (its Task must be accepted, ready or in-progress)`);
  expect((await put({ ...task, status: 'received' })).status).toBe(200);
  const accepted = await put({ ...(await get(`Task/${task.id}`)).json, status: 'accepted' });
  expect(accepted.status).toBe(200);
  // another facility's slot is not the referral's destination
  const elsewhere = await post('Appointment/$book', book(otherSlots[0], patient, otherSlots[0].location, referral));
  expect(expectOutcome(elsewhere, 422).diagnostics).toBe(`The slot Slot/${otherSlots[0].id} is not at the destination of the referral ${referral} (${destination})`);
  // booked at the destination: the Task says so
  const booked = await post('Appointment/$book', book(destSlots[1], patient, destSlots[1].location, referral));
  expect(booked.status).toBe(201);
  let t = (await get(`Task/${task.id}`)).json;
  expect([t.status, step(t)]).toEqual(['accepted', 'cita-agendada']);
  // the patient arrives: the referral is in progress
  expect((await put({ ...booked.json, status: 'arrived' })).status).toBe(200);
  t = (await get(`Task/${task.id}`)).json;
  expect([t.status, step(t)]).toEqual(['in-progress', 'paciente-presente']);
  expect((await put({ ...t, status: 'completed' })).status).toBe(200);
  // the counter-referral goes back to the origin, which closes the loop
  const summary = await create({
    resourceType: 'DocumentReference', status: 'current', subject: { reference: patient },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Ecocardiograma normal. Control en 6 meses.').toString('base64') } }],
  });
  const counter = await create({
    resourceType: 'Task',
    meta: { profile: [`${SD}py-counter-referral-task`] },
    status: 'requested',
    intent: 'order',
    code: code('contrarreferencia'),
    partOf: [{ reference: `Task/${task.id}` }],
    focus: { reference: `DocumentReference/${summary.id}` },
    for: { reference: patient },
    requester: { reference: destination },
    owner: { reference: origin },
  });
  t = (await get(`Task/${task.id}`)).json;
  expect([t.status, step(t)]).toEqual(['completed', 'contrarreferencia-enviada']);
  let c = counter;
  for (const status of ['accepted', 'in-progress', 'completed']) {
    const r = await put({ ...c, status });
    expect(r.status).toBe(200);
    c = r.json;
  }
  t = (await get(`Task/${task.id}`)).json;
  expect([t.status, step(t)]).toEqual(['completed', 'ciclo-cerrado']);
  // history keeps every step of the referral Task
  const history = (await get(`Task/${task.id}/_history`)).json.entry.map((e: Json) => `${e.resource.status}:${step(e.resource) ?? ''}`).reverse();
  expect(history).toEqual(['requested:', 'received:', 'accepted:', 'accepted:cita-agendada', 'in-progress:paciente-presente', 'completed:paciente-presente', 'completed:contrarreferencia-enviada', 'completed:ciclo-cerrado']);
});

test('a no-show and a cancelled appointment are recorded on the referral, which can be booked again', async () => {
  const { sr, task } = await newReferral();
  const referral = `ServiceRequest/${sr.id}`;
  await put({ ...task, status: 'accepted' });
  const first = await post('Appointment/$book', book(destSlots[2], patient, destSlots[2].location, referral));
  expect(first.status).toBe(201);
  expect((await put({ ...first.json, status: 'noshow' })).status).toBe(200);
  expect(step((await get(`Task/${task.id}`)).json)).toBe('no-se-presento');
  const second = await post('Appointment/$book', book(destSlots[3], patient, destSlots[3].location, referral));
  expect(second.status).toBe(201);
  expect(step((await get(`Task/${task.id}`)).json)).toBe('cita-agendada');
  expect((await put({ ...second.json, status: 'cancelled' })).status).toBe(200);
  const t = (await get(`Task/${task.id}`)).json;
  expect([t.status, step(t)]).toEqual(['accepted', 'cita-cancelada']);
});

test('referral-accepted: a subscription filtered by the origin is notified when its referral is accepted, and not for others', async () => {
  const topics = (await get('SubscriptionTopic')).json.entry.map((e: Json) => e.resource.id);
  expect(topics).toEqual(expect.arrayContaining(['referral-received', 'referral-accepted', 'referral-rejected', 'referral-escalated', 'referral-completed']));
  const canonicals = (await get('metadata')).json.rest[0].resource.find((r: Json) => r.type === 'Subscription').extension.map((e: Json) => e.valueCanonical);
  expect(canonicals).toContain(`${TOPIC}/referral-accepted`);

  receiver = await startReceiver();
  const sub = await post('Subscription', topicSubscription(`${TOPIC}/referral-accepted`, receiver.url, { filters: [`Task?requester=${origin}`] }));
  expect(sub.status).toBe(201);
  await waitFor(async () => (await get(`Subscription/${sub.json.id}`)).json.status === 'active', 15_000, 'status active');
  const { task } = await newReferral();
  // another origin's referral, accepted too: not this subscription's
  const elsewhere = await create({ ...task, id: undefined, meta: undefined, requester: { reference: destination }, status: 'requested' });
  await put({ ...elsewhere, status: 'accepted' });
  await put({ ...task, status: 'received' }); // not accepted yet: no notification
  await put({ ...(await get(`Task/${task.id}`)).json, status: 'accepted' });
  const events = await waitFor(() => {
    const e = receiver!.received.filter((x) => x.json && statusOf(x.json).type === 'event-notification');
    return e.length > 0 && e;
  });
  await new Promise((r) => setTimeout(r, 600)); // nothing else arrives
  const all = receiver.received.filter((x) => x.json && statusOf(x.json).type === 'event-notification');
  expect(all).toHaveLength(1);
  const focus = events[0].json.entry[0].resource.parameter.find((p: Json) => p.name === 'notification-event').part.find((p: Json) => p.name === 'focus').valueReference.reference;
  expect(focus).toContain(`Task/${task.id}`);
});

test('a referral not accepted within its deadline goes to the coordinator once (also with two processes), with a Communication; one within it stays', async () => {
  await put({ resourceType: 'Organization', id: 'coordinacion-derivaciones', name: 'Coordinación de derivaciones' });
  const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();
  // urgent: 12 h here (REFERRAL_DEADLINE_HOURS); routine: the default 168 h; or a deadline of its own
  // The second process is up before the referrals exist, so both find them overdue in the same rounds.
  const second = backend() === 'postgres' ? await spawnServer(server.env) : undefined;
  try {
    const late = await newReferral({ meta: { profile: [`${SD}py-referral-task`] }, authoredOn: hoursAgo(13), priority: 'urgent' });
    const recent = await newReferral({ authoredOn: hoursAgo(11), priority: 'urgent' });
    const routine = await newReferral({ authoredOn: hoursAgo(100), priority: 'routine' });
    const own = await newReferral({ authoredOn: hoursAgo(1), priority: 'routine', status: 'received', restriction: { period: { end: hoursAgo(0.5) } } });
    const accepted = await newReferral({ authoredOn: hoursAgo(200), priority: 'stat' });
    await put({ ...accepted.task, status: 'accepted' });
    // 30 more overdue at once: escalating them takes both processes' rounds long enough to overlap
    const many = await post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: Array.from({ length: 30 }, (_, i) => [
        { fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, request: { method: 'POST', url: 'ServiceRequest' }, resource: { ...late.sr, id: undefined, meta: undefined } },
        { request: { method: 'POST', url: 'Task' }, resource: { ...late.task, id: undefined, meta: undefined, focus: { reference: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } } },
      ]).flat(),
    });
    expect(many.status).toBe(200);
    const manyIds: { sr: Json; task: Json }[] = [];
    for (let i = 0; i < many.json.entry.length; i += 2) {
      manyIds.push({ sr: { id: many.json.entry[i].response.location.split('/')[1] }, task: { ...late.task, id: many.json.entry[i + 1].response.location.split('/')[1] } });
    }
    const lateOnes = [late, own, ...manyIds];
    await waitFor(async () => {
      for (const { task } of lateOnes) if (step((await get(`Task/${task.id}`)).json) !== 'escalada') return false;
      return true;
    }, 20_000, 'escalated');
    await sleep(1000); // further rounds of both processes change nothing
    for (const { sr, task } of lateOnes) {
      const t = (await get(`Task/${task.id}`)).json;
      expect([t.status, t.owner.reference, step(t)]).toEqual([task.status, 'Organization/coordinacion-derivaciones', 'escalada']);
      const sent = (await get(`Communication?based-on=ServiceRequest/${sr.id}`)).json.entry ?? [];
      expect(sent).toHaveLength(1);
      expect(sent[0].resource.recipient).toEqual([{ reference: 'Organization/coordinacion-derivaciones' }]);
      expect(sent[0].resource.payload[0].contentString).toContain(`Task/${task.id}, destino ${destination}`);
      expect((await get(`Task/${task.id}/_history`)).json.entry).toHaveLength(2);
    }
    for (const { sr, task } of [recent, routine, accepted]) {
      const t = (await get(`Task/${task.id}`)).json;
      expect([t.owner.reference, step(t)]).toEqual([destination, undefined]);
      expect((await get(`Communication?based-on=ServiceRequest/${sr.id}`)).json.entry ?? []).toEqual([]);
    }
  } finally {
    if (second) {
      await new Promise<void>((resolve) => {
        second.proc.once('exit', () => resolve());
        second.proc.kill('SIGTERM');
      });
    }
  }
});

test('a transport to the referral\'s appointment follows it: cancelling the appointment cancels the transport, and it obeys the Task states', async () => {
  const { sr, task } = await newReferral();
  await put({ ...task, status: 'accepted' });
  const booked = await post('Appointment/$book', book(destSlots[4], patient, destSlots[4].location, `ServiceRequest/${sr.id}`));
  expect(booked.status).toBe(201);
  const transport = await create({
    resourceType: 'Task',
    meta: { profile: [`${SD}py-transport-task`] },
    status: 'requested',
    intent: 'order',
    code: code('traslado'),
    focus: { reference: `Appointment/${booked.json.id}` },
    partOf: [{ reference: `Task/${task.id}` }],
    for: { reference: patient },
    requester: { reference: origin },
  });
  expect(expectOutcome(await put({ ...transport, status: 'completed' }), 422).diagnostics).toContain('cannot go from requested to completed');
  const accepted = await put({ ...transport, status: 'accepted' });
  expect(accepted.status).toBe(200);
  expect((await put({ ...booked.json, status: 'cancelled' })).status).toBe(200);
  const after = (await get(`Task/${transport.id}`)).json;
  expect([after.status, after.statusReason?.text]).toEqual(['cancelled', 'La cita fue cancelada']);
  expect(step((await get(`Task/${task.id}`)).json)).toBe('cita-cancelada');
});
