import { request, type Reply } from './helpers/http.js';
import { backend, spawnServer, startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, sleep, type Json } from './rest-util.js';

/**
 * Scheduling over HTTP (IHE ITI Scheduling on the Paraguay profiles): availability → slots, $find, $hold,
 * $book, cancel and reschedule through plain writes, holds that lapse, regeneration with bookings in place,
 * and 200 clients racing for 20 slots (on PostgreSQL, across two server processes).
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const DAY = 86_400_000;
const OFFSET = -3 * 3600_000; // Paraguay, UTC−03:00

/** Local date (YYYY-MM-DD) `days` after today in Paraguay. */
function localDate(days: number): string {
  return new Date(Date.now() + OFFSET + days * DAY).toISOString().slice(0, 10);
}
const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => ({ url: 'dia', valueCode: d }));

function block(inicio: string, fin: string, minutes: number, more: Json[] = []): Json {
  return {
    url: `${SD}py-disponibilidad`,
    extension: [{ url: 'inicio', valueTime: inicio }, { url: 'fin', valueTime: fin }, { url: 'duracionMinutos', valuePositiveInt: minutes }, ...ALL_DAYS, ...more],
  };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SCHEDULING_HOLD_SECONDS: '2', SCHEDULING_HOLD_CHECK_MS: '300', SCHEDULING_REMINDER_CHECK_MS: '300' });
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown): Promise<Reply> => request('POST', `${server.base}/${path}`, body);
const get = (path: string): Promise<Reply> => request('GET', `${server.base}/${path}`);
const params = (appointment: Json): Json => ({ resourceType: 'Parameters', parameter: [{ name: 'appointment', resource: appointment }] });

async function create(body: Json): Promise<Json> {
  const r = await post(body.resourceType, body);
  expect(r.status).toBe(201);
  return r.json;
}
async function practitioner(family: string): Promise<string> {
  return `Practitioner/${(await create({ resourceType: 'Practitioner', name: [{ family }] })).id}`;
}
async function patient(family: string, language?: string): Promise<string> {
  const communication = language ? [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: language }] }, preferred: true }] : undefined;
  return `Patient/${(await create({ resourceType: 'Patient', name: [{ family }], ...(communication ? { communication } : {}) })).id}`;
}
async function slotsOf(schedule: string): Promise<Json[]> {
  const r = await get(`Slot?schedule=${schedule}&_sort=start&_count=1000`);
  expect(r.status).toBe(200);
  return (r.json.entry ?? []).map((e: Json) => e.resource);
}
const taken = (slot: Json): number => slot.extension.find((e: Json) => e.url === `${SD}py-cupo`).extension.find((e: Json) => e.url === 'reservados')?.valueUnsignedInt ?? 0;
async function slot(ref: string): Promise<Json> {
  const r = await get(ref);
  expect(r.status).toBe(200);
  return r.json;
}
function proposal(slotResource: Json, who: string, actor: string): Json {
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    start: slotResource.start,
    end: slotResource.end,
    slot: [{ reference: `Slot/${slotResource.id}` }],
    participant: [
      { actor: { reference: who }, status: 'needs-action' },
      { actor: { reference: actor }, status: 'needs-action' },
    ],
  };
}

test('a Schedule becomes its Slots: blocks, breaks, unavailable days, horizon, capacity and overbooking', async () => {
  const doc = await practitioner('Benítez');
  const closed = localDate(2);
  const sc = await create({
    resourceType: 'Schedule',
    active: true,
    actor: [{ reference: doc }],
    extension: [
      block('07:00:00', '09:00:00', 20, [
        { url: 'capacidad', valuePositiveInt: 2 },
        { url: 'sobreturnos', valueUnsignedInt: 1 },
        { url: 'pausa', extension: [{ url: 'inicio', valueTime: '08:00:00' }, { url: 'fin', valueTime: '08:20:00' }] },
      ]),
      { url: `${SD}py-no-disponible`, extension: [{ url: 'periodo', valuePeriod: { start: closed, end: closed } }, { url: 'tipo', valueCoding: { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-tipo-no-disponible', code: 'feriado' } }] },
      { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 3 },
    ],
  });
  const slots = await slotsOf(`Schedule/${sc.id}`);
  // Days 1 and 3 (day 2 is a holiday; today's morning may be past or present), 5 slots a day: 07:00 07:20 07:40 08:20 08:40.
  for (const d of [1, 3]) {
    const day = slots.filter((x) => x.start.startsWith(localDate(d)));
    expect(day.map((x) => x.start.slice(11, 16))).toEqual(['07:00', '07:20', '07:40', '08:20', '08:40']);
    expect(day.map((x) => x.end.slice(11, 16))).toEqual(['07:20', '07:40', '08:00', '08:40', '09:00']);
  }
  expect(slots.filter((x) => x.start.startsWith(closed))).toEqual([]);
  expect(slots.some((x) => x.start.startsWith(localDate(5)))).toBe(false);
  // every generated slot is found by its own start, schedule, status, and in start order both ways
  for (const x of [slots[0], slots[1], slots[Math.floor(slots.length / 2)], slots[slots.length - 1]]) {
    const found = await get(`Slot?schedule=Schedule/${sc.id}&start=${encodeURIComponent(x.start)}&status=free`);
    expect(found.json.entry.map((e: Json) => e.resource.id)).toEqual([x.id]);
  }
  const later = await get(`Slot?schedule=Schedule/${sc.id}&start=gt${encodeURIComponent(slots[slots.length - 2].start)}`);
  expect(later.json.entry.map((e: Json) => e.resource.id)).toEqual([slots[slots.length - 1].id]);
  const latest = await get(`Slot?schedule=Schedule/${sc.id}&_sort=-start&_count=2`);
  expect(latest.json.entry.map((e: Json) => e.resource.id)).toEqual([slots[slots.length - 1].id, slots[slots.length - 2].id]);
  const first = slots.find((x) => x.start.startsWith(localDate(1)));
  expect(first.status).toBe('free');
  expect(first.start.endsWith('-03:00')).toBe(true);
  expect(first.extension.find((e: Json) => e.url === `${SD}py-cupo`).extension).toEqual([
    { url: 'capacidad', valuePositiveInt: 2 },
    { url: 'sobreturnos', valueUnsignedInt: 1 },
    { url: 'reservados', valueUnsignedInt: 0 },
  ]);
  // capacity 2 + 1 overbooking: three bookings, the third marks it overbooked, a fourth is refused
  const people = await Promise.all(['A', 'B', 'C', 'D'].map((x) => patient(`Cupo${x}`)));
  for (const [i, p] of people.slice(0, 3).entries()) {
    const r = await post('Appointment/$book', params(proposal(first, p, doc)));
    expect(r.status).toBe(201);
    const s = await slot(`Slot/${first.id}`);
    expect(taken(s)).toBe(i + 1);
    expect(s.status).toBe(i === 0 ? 'free' : 'busy');
    expect(s.overbooked ?? false).toBe(i === 2);
  }
  const full = await post('Appointment/$book', params(proposal(first, people[3], doc)));
  expect(expectOutcome(full, 409).diagnostics).toMatch(/is full \(capacity 2, overbooking 1\)/);

  // a Schedule without `active` is active: $find offers its slots
  const quiet = await practitioner('SinActive');
  await create({ resourceType: 'Schedule', actor: [{ reference: quiet }], extension: [block('10:00:00', '11:00:00', 30), { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] });
  const offered = await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(1)}&practitioner=${quiet}`);
  expect(offered.json.entry.map((e: Json) => e.resource.start.slice(11, 16))).toEqual(['10:00', '10:30']);

  const bad = await post('Schedule', { resourceType: 'Schedule', actor: [{ reference: doc }], extension: [block('10:00:00', '09:00:00', 20)] });
  expect(bad.status).toBe(422);
  expect(bad.json.resourceType).toBe('OperationOutcome');
});

describe('find, hold, book, cancel, reschedule', () => {
  let doc: string;
  let schedule: string;
  let guarani: string;
  let slots: Json[];
  beforeAll(async () => {
    doc = await practitioner('Ayala');
    const sc = await create({
      resourceType: 'Schedule',
      active: true,
      actor: [{ reference: doc }],
      extension: [
        block('13:00:00', '18:00:00', 30),
        { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 4 },
        { url: `${SD}py-modalidad-atencion`, valueCoding: { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-modalidad-atencion', code: 'presencial' } },
        { url: `${SD}py-idioma-atencion`, valueCode: 'gn' },
        { url: `${SD}py-tipo-atencion`, valueCoding: { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-tipo-atencion', code: 'intercultural' } },
      ],
    });
    schedule = `Schedule/${sc.id}`;
    guarani = await patient('Ñandutí', 'gn');
    slots = (await slotsOf(schedule)).filter((x) => x.start >= `${localDate(1)}T`);
  });

  test('$find: the matching schedules\' free slots as proposed Appointments, earliest first; bad input is a 400', async () => {
    const r = await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(2)}&language=gn&care-type=intercultural&practitioner=${doc}&patient=${guarani}&_count=5`);
    expect(r.status).toBe(200);
    expect(r.json.resourceType).toBe('Bundle');
    const found = r.json.entry.map((e: Json) => e.resource);
    expect(found).toHaveLength(5);
    expect(found.every((a: Json) => a.status === 'proposed' && a.participant.some((p: Json) => p.actor.reference === guarani))).toBe(true);
    const starts = found.map((a: Json) => Date.parse(a.start));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(found[0].slot[0].reference).toBe(`Slot/${slots[0].id}`);
    // POST with Parameters gives the same
    const posted = await post('Appointment/$find', { resourceType: 'Parameters', parameter: [{ name: 'start', valueDateTime: localDate(1) }, { name: 'end', valueDateTime: localDate(2) }, { name: 'practitioner', valueReference: { reference: doc } }, { name: '_count', valueInteger: 5 }] });
    expect(posted.status).toBe(200);
    expect(posted.json.entry.map((e: Json) => e.resource.slot[0].reference)).toEqual(found.map((a: Json) => a.slot[0].reference));
    // by visit mode: the schedule offers only in-person visits
    expect((await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(2)}&visit-mode=virtual&practitioner=${doc}`)).json.entry ?? []).toEqual([]);
    // nothing for a language the schedule does not speak
    expect((await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(2)}&language=en&practitioner=${doc}`)).json.entry ?? []).toEqual([]);

    expectOutcome(await get(`Appointment/$find?end=${localDate(2)}`), 400, /Missing parameter: start/);
    expectOutcome(await get(`Appointment/$find?start=${localDate(3)}&end=${localDate(1)}`), 400, /before start/);
    expectOutcome(await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(100)}`), 400, /longer than 62 days/);
    expectOutcome(await get(`Appointment/$find?start=yesterday&end=${localDate(1)}`), 400, /Invalid parameter start/);
    expectOutcome(await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(2)}&practitioner=Patient/1`), 400, /Invalid parameter practitioner/);
    const es = await request('GET', `${server.base}/Appointment/$find?end=${localDate(2)}`, undefined, { 'Accept-Language': 'es' });
    expectOutcome(es, 400, /Falta el parámetro: start/);
  });

  test('a schedule without availability: its own slots are found by $find; a schedule with availability takes no client-written slot', async () => {
    const healer = await practitioner('Benítez');
    const manual = await create({ resourceType: 'Schedule', active: true, actor: [{ reference: healer }] });
    const at = (h: string): string => `${localDate(1)}T${h}:00-03:00`;
    const own = await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual.id}` }, status: 'free', start: at('09:00'), end: at('09:30') });
    await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual.id}` }, status: 'busy', start: at('08:00'), end: at('08:30') });
    await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual.id}` }, status: 'free', start: at('10:00'), end: at('10:30') });
    const found = (await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(1)}&practitioner=${healer}&_count=1`)).json.entry.map((e: Json) => e.resource);
    expect(found.map((a: Json) => a.slot[0].reference)).toEqual([`Slot/${own.id}`]);

    // the practitioner is busy too: two patients in overlapping slots of one healer's own schedule
    const healer2 = await practitioner('Acosta');
    const manual2 = await create({ resourceType: 'Schedule', active: true, actor: [{ reference: healer2 }] });
    const early = await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual2.id}` }, status: 'free', start: at('11:00'), end: at('11:30') });
    const late = await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual2.id}` }, status: 'free', start: at('11:15'), end: at('11:45') });
    const first = await post('Appointment/$book', params(proposal(early, await patient('Primera'), healer2)));
    expect(first.status).toBe(201);
    const second = await post('Appointment/$book', params(proposal(late, await patient('Segunda'), healer2)));
    expect(expectOutcome(second, 409).diagnostics).toContain(`${healer2} is already in Appointment/${first.json.id}`);

    // in a batch: a booking, a refused one, then a search (each entry is a savepoint; the first leaves generic plans on)
    const third = await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual2.id}` }, status: 'free', start: at('12:00'), end: at('12:30') });
    const booked = (slotRes: Json, who: string) => ({ request: { method: 'POST', url: 'Appointment' }, resource: { ...proposal(slotRes, who, healer2), status: 'booked' } });
    const batch = await post('', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [booked(third, await patient('Tercera')), booked(late, await patient('Cuarta')), { request: { method: 'GET', url: `Appointment?actor=${healer2}&_sort=date` } }],
    });
    expect(batch.status).toBe(200);
    expect(batch.json.entry.map((e: Json) => e.response.status.slice(0, 3))).toEqual(['201', '409', '200']);
    expect(batch.json.entry[2].resource.entry.map((e: Json) => e.resource.id)).toEqual([first.json.id, batch.json.entry[0].response.location.split('/')[1]]);

    // the generated schedule's slots are the server's: a client's own slot is refused, by POST and in a transaction
    const extra = { resourceType: 'Slot', schedule: { reference: schedule }, status: 'free', start: at('20:00'), end: at('20:30') };
    expectOutcome(await post('Slot', extra), 422, /generated from its availability/);
    const tx = await post('', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Slot' }, resource: extra }] });
    expectOutcome(tx, 422, /generated from its availability/);
    // and a schedule with client slots does not take availability blocks
    const withBlocks = await request('PUT', `${server.base}/Schedule/${manual.id}`, { ...manual, extension: [block('13:00:00', '14:00:00', 30)] });
    expectOutcome(withBlocks, 422, new RegExp(`Slot/${own.id}`));
    expect((await slotsOf(`Schedule/${manual.id}`)).length).toBe(3);
  });

  test('$hold then $book: the slot is counted once; the same patient cannot be in two places; bad input is refused', async () => {
    const s0 = slots[0];
    const held = await post('Appointment/$hold', params(proposal(s0, guarani, doc)));
    expect(held.status).toBe(201);
    expect(held.json.status).toBe('pending');
    expect(held.json.participant.every((p: Json) => p.status === 'tentative')).toBe(true);
    expect(held.json.extension.find((e: Json) => e.url === `${SD}py-retencion-vence`).valueInstant).toBeDefined();
    expect((await slot(`Slot/${s0.id}`)).status).toBe('busy');
    const booked = await post('Appointment/$book', params({ ...proposal(s0, guarani, doc), id: held.json.id }));
    expect(booked.status).toBe(200);
    expect(booked.json.id).toBe(held.json.id);
    expect(booked.json.status).toBe('booked');
    expect(booked.json.extension?.some((e: Json) => e.url === `${SD}py-retencion-vence`) ?? false).toBe(false);
    expect(taken(await slot(`Slot/${s0.id}`))).toBe(1);

    // the slot is full; another slot at the same time for the same patient (another practitioner) is a conflict
    const other = await patient('Otro');
    expectOutcome(await post('Appointment/$book', params(proposal(s0, other, doc))), 409, /is full/);
    const doc2 = await practitioner('Paralelo');
    const sc2 = await create({ resourceType: 'Schedule', active: true, actor: [{ reference: doc2 }], extension: [block('13:00:00', '15:00:00', 30), { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] });
    const twin = (await slotsOf(`Schedule/${sc2.id}`)).find((x) => x.start === s0.start);
    const busy = await post('Appointment/$book', params(proposal(twin, guarani, doc2)));
    expect(expectOutcome(busy, 409).diagnostics).toContain(`${guarani} is already in Appointment/${held.json.id}`);
    expect(taken(await slot(`Slot/${twin.id}`))).toBe(0);

    expectOutcome(await post('Appointment/$book', params({ ...proposal(s0, guarani, doc), slot: [{ reference: 'Slot/nope' }] })), 422, /does not exist/);
    expectOutcome(await post('Appointment/$book', params({ ...proposal(slots[1], guarani, doc), start: slots[2].start, end: slots[2].end })), 422, /does not match its slots/);
    expectOutcome(await post('Appointment/$book', params({ ...proposal(slots[1], guarani, doc), slot: [] })), 400, /names no slot/);
    expectOutcome(await post('Appointment/$book', params({ ...proposal(slots[1], doc, doc) })), 400, /no patient/);
    expectOutcome(await post('Appointment/$book', params({ resourceType: 'Patient' })), 400, /must be an Appointment/);
    expectOutcome(await post('Appointment/$book', { resourceType: 'Parameters', parameter: [] }), 400, /Missing parameter: appointment/);
    expect(taken(await slot(`Slot/${slots[1].id}`))).toBe(0);
  });

  test('a retry with the same identifier answers the same appointment; cancel frees the slot; changing the slot moves the booking', async () => {
    const p = await patient('Reintento');
    const appt = { ...proposal(slots[3], p, doc), identifier: [{ system: 'urn:hms-test:cita', value: `retry-${Date.now()}` }] };
    const first = await post('Appointment/$book', params(appt));
    expect(first.status).toBe(201);
    const again = await post('Appointment/$book', params(appt));
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    expect(taken(await slot(`Slot/${slots[3].id}`))).toBe(1);

    // a hold with an identifier, then $book with the same identifier (no id): the hold is booked
    const q = await patient('Identificada');
    const ident = [{ system: 'urn:hms-test:cita', value: `hold-${Date.now()}` }];
    const hold = await post('Appointment/$hold', params({ ...proposal(slots[8], q, doc), identifier: ident }));
    expect(hold.status).toBe(201);
    const bookHold = await post('Appointment/$book', params({ ...proposal(slots[8], q, doc), identifier: ident }));
    expect(bookHold.status).toBe(200);
    expect(bookHold.json.id).toBe(hold.json.id);
    expect(bookHold.json.status).toBe('booked');
    expect(taken(await slot(`Slot/${slots[8].id}`))).toBe(1);
    // the same identifier for other slots is someone else's booking
    expectOutcome(await post('Appointment/$book', params({ ...proposal(slots[9], q, doc), identifier: ident })), 409, /has the identifier/);

    // a PUT or PATCH naming another slot but keeping the old times is refused: an appointment spans its slots
    const stale = await request('PUT', `${server.base}/Appointment/${first.json.id}`, { ...first.json, slot: [{ reference: `Slot/${slots[4].id}` }] });
    expectOutcome(stale, 422, /does not match its slots/);
    const patched = await request('PATCH', `${server.base}/Appointment/${first.json.id}`, [{ op: 'replace', path: '/slot/0/reference', value: `Slot/${slots[4].id}` }], { 'Content-Type': 'application/json-patch+json' });
    expectOutcome(patched, 422, /does not match its slots/);
    expect(taken(await slot(`Slot/${slots[4].id}`))).toBe(0);
    // reschedule: one PUT moving the appointment to another slot
    const moved = await request('PUT', `${server.base}/Appointment/${first.json.id}`, { ...first.json, slot: [{ reference: `Slot/${slots[4].id}` }], start: slots[4].start, end: slots[4].end });
    expect(moved.status).toBe(200);
    expect(taken(await slot(`Slot/${slots[3].id}`))).toBe(0);
    expect(taken(await slot(`Slot/${slots[4].id}`))).toBe(1);
    // cancel
    const cancelled = await request('PUT', `${server.base}/Appointment/${first.json.id}`, { ...moved.json, status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    const freed = await slot(`Slot/${slots[4].id}`);
    expect(taken(freed)).toBe(0);
    expect(freed.status).toBe('free');
    // a transaction that books and then fails leaves the slot as it was
    const tx = await post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'POST', url: 'Appointment' }, resource: { ...proposal(slots[5], p, doc), status: 'booked', participant: [{ actor: { reference: p }, status: 'accepted' }] } },
        { request: { method: 'PUT', url: 'Patient/does-not-exist-x', ifMatch: 'W/"3"' }, resource: { resourceType: 'Patient', id: 'does-not-exist-x' } },
      ],
    });
    expect(tx.status).toBeGreaterThanOrEqual(400);
    expect(taken(await slot(`Slot/${slots[5].id}`))).toBe(0);
  });

  test('a hold lapses by itself and frees its slot; booking it afterwards is refused', async () => {
    const p = await patient('Lapso');
    const held = await post('Appointment/$hold', params(proposal(slots[6], p, doc)));
    expect(held.status).toBe(201);
    expect(taken(await slot(`Slot/${slots[6].id}`))).toBe(1);
    let status = held.json.status;
    for (let i = 0; i < 40 && status === 'pending'; i++) {
      await sleep(250);
      status = (await get(`Appointment/${held.json.id}`)).json.status;
    }
    expect(status).toBe('cancelled');
    expect(taken(await slot(`Slot/${slots[6].id}`))).toBe(0);
    expectOutcome(await post('Appointment/$book', params({ ...proposal(slots[6], p, doc), id: held.json.id })), 409, /is not a hold|expired/);
  });

  test('a freed slot is offered to the first suitable patient on the waitlist (priority, then urgency, then waiting time)', async () => {
    const booker = await patient('Ocupa');
    const booked = await post('Appointment/$book', params(proposal(slots[10], booker, doc)));
    expect(booked.status).toBe(201);
    const waiting = async (family: string, extra: Json): Promise<{ patient: string; entry: Json }> => {
      const who = await patient(family);
      const entry = await create({ resourceType: 'Appointment', status: 'waitlist', participant: [{ actor: { reference: who }, status: 'needs-action' }, { actor: { reference: doc }, status: 'needs-action' }], ...extra });
      return { patient: who, entry };
    };
    const routine = await waiting('EsperaRutina', { priority: 5 });
    const urgent = await waiting('EsperaUrgente', { priority: 5, extension: [{ url: `${SD}py-urgencia-clinica`, valueCode: 'urgent' }] });
    const other = await waiting('EsperaOtro', { priority: 1, participant: [{ actor: { reference: await patient('OtroMedico') }, status: 'needs-action' }, { actor: { reference: await practitioner('Otro') }, status: 'needs-action' }] });
    // cancelling the booking frees the slot: the urgent entry (same priority as routine) gets the offer; the
    // higher-priority entry waits for another practitioner, so it does not
    const cancel = await request('PUT', `${server.base}/Appointment/${booked.json.id}`, { ...booked.json, status: 'cancelled' });
    expect(cancel.status).toBe(200);
    const offers = (await get(`Appointment?status=proposed&slot=Slot/${slots[10].id}`)).json.entry?.map((e: Json) => e.resource) ?? [];
    expect(offers).toHaveLength(1);
    expect(offers[0].supportingInformation).toEqual([{ reference: `Appointment/${urgent.entry.id}` }]);
    expect(offers[0].participant.map((x: Json) => x.actor.reference)).toEqual([urgent.patient, doc]);
    expect(offers[0].start).toBe(slots[10].start);
    // the offer does not hold the slot; the patient books it with $book
    expect(taken(await slot(`Slot/${slots[10].id}`))).toBe(0);
    const take = await post('Appointment/$book', params({ ...offers[0], id: undefined }));
    expect(take.status).toBe(201);
    expect(taken(await slot(`Slot/${slots[10].id}`))).toBe(1);
    expect(routine.entry.status).toBe('waitlist');
    expect(other.entry.status).toBe('waitlist');
  });

  test('patient flow: arrival, check-in opens the Encounter, $flow shows who waits and the day, fulfilment closes it', async () => {
    // today's slots may be past: this test books a slot of its own, starting now, on a schedule of its own
    const nurse = await practitioner('Flujo');
    const room = `Location/${(await create({ resourceType: 'Location', name: 'Consultorio 3' })).id}`;
    const p = await patient('Llegada');
    const start = new Date(Date.now() - 60_000).toISOString();
    const end = new Date(Date.now() + 19 * 60_000).toISOString();
    const appt = await create({
      resourceType: 'Appointment',
      status: 'booked',
      start,
      end,
      participant: [
        { actor: { reference: p }, status: 'accepted' },
        { actor: { reference: nurse }, status: 'accepted' },
        { actor: { reference: room }, status: 'accepted' },
      ],
    });
    const put = (status: string, body: Json = appt): Promise<Reply> => request('PUT', `${server.base}/Appointment/${appt.id}`, { ...body, status });
    expect((await put('arrived')).status).toBe(200);
    expect((await get(`Encounter?appointment=Appointment/${appt.id}`)).json.entry ?? []).toEqual([]);
    expect((await put('checked-in')).status).toBe(200);
    const opened = (await get(`Encounter?appointment=Appointment/${appt.id}`)).json.entry.map((e: Json) => e.resource);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ status: 'arrived', subject: { reference: p }, location: [{ location: { reference: room } }], class: { code: 'AMB' } });
    expect(opened[0].participant).toEqual([{ individual: { reference: nurse } }]);

    const waitingRoom = await get(`Appointment/$flow?location=${room}`);
    expect(waitingRoom.status).toBe(200);
    const parts = (name: string): Json[] => waitingRoom.json.parameter.filter((x: Json) => x.name === name);
    expect(parts('waiting')).toHaveLength(1);
    const w = Object.fromEntries(parts('waiting')[0].part.map((x: Json) => [x.name, x]));
    expect(w.appointment.valueReference.reference).toBe(`Appointment/${appt.id}`);
    expect(w.patient.valueReference.reference).toBe(p);
    expect(w.minutes.valueInteger).toBeGreaterThanOrEqual(0);
    const counts = Object.fromEntries(parts('count').map((c: Json) => [c.part[0].valueCode, c.part[1].valueInteger]));
    expect(counts['checked-in']).toBe(1);
    expect(parts('throughput')[0].valueInteger).toBe(0);

    expect((await put('fulfilled')).status).toBe(200);
    const closed = (await get(`Encounter/${opened[0].id}`)).json;
    expect(closed.status).toBe('finished');
    expect(closed.period.end).toBeDefined();
    expect(closed.statusHistory.map((h: Json) => h.status)).toEqual(['arrived', 'finished']);
    const later = await get(`Appointment/$flow?location=${room}`);
    expect(later.json.parameter.filter((x: Json) => x.name === 'waiting')).toEqual([]);
    expect(later.json.parameter.find((x: Json) => x.name === 'throughput').valueInteger).toBe(1);

    expectOutcome(await get('Appointment/$flow'), 400, /Missing parameter/);
    expectOutcome(await get(`Appointment/$flow?location=${room}&date=hoy`), 400, /Invalid parameter date/);
  });

  test('changing the availability regenerates the slots and never touches a booked one', async () => {
    const p = await patient('Regenera');
    const booked = await post('Appointment/$book', params(proposal(slots[7], p, doc)));
    expect(booked.status).toBe(201);
    const sc = (await get(schedule)).json;
    // afternoons become mornings: the free afternoon slots go, the booked one stays as it was
    const changed = await request('PUT', `${server.base}/${schedule}`, { ...sc, extension: [block('08:00:00', '09:00:00', 30), ...sc.extension.filter((e: Json) => e.url !== `${SD}py-disponibilidad`)] });
    expect(changed.status).toBe(200);
    const after = await slotsOf(schedule);
    const afternoon = after.filter((x) => x.start.slice(11, 13) >= '13');
    expect(afternoon.map((x) => x.id)).toContain(slots[7].id);
    expect(afternoon.filter((x) => taken(x) === 0)).toEqual([]);
    expect(taken(afternoon.find((x) => x.id === slots[7].id))).toBe(1);
    expect(after.filter((x) => x.start.startsWith(`${localDate(1)}T08`)).map((x) => x.start.slice(11, 16))).toEqual(['08:00', '08:30']);
  });
});

test('slots generated with ids of the earlier form: a free one is replaced by today\'s id, a booked one stays and stands for its time', async () => {
  const doc = await practitioner('Antiguo');
  // A schedule without availability first: the slots of a store written by an earlier version are put in place.
  const sc = await create({ resourceType: 'Schedule', active: true, actor: [{ reference: doc }], extension: [{ url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] });
  const at = (hhmm: string): string => `${localDate(1)}T${hhmm}:00-03:00`;
  const legacy = (id: string, start: string, end: string, reservados: number): Json => ({
    resourceType: 'Slot',
    id,
    extension: [{ url: `${SD}py-cupo`, extension: [{ url: 'capacidad', valuePositiveInt: 1 }, { url: 'reservados', valueUnsignedInt: reservados }] }],
    schedule: { reference: `Schedule/${sc.id}` },
    status: reservados ? 'busy' : 'free',
    start,
    end,
  });
  const freeId = 'sl-' + 'a'.repeat(32);
  const bookedId = 'sl-' + 'b'.repeat(32);
  expect((await request('PUT', `${server.base}/Slot/${freeId}`, legacy(freeId, at('10:00'), at('10:30'), 0))).status).toBe(201);
  expect((await request('PUT', `${server.base}/Slot/${bookedId}`, legacy(bookedId, at('10:30'), at('11:00'), 1))).status).toBe(201);
  // The availability arrives: the same times, generated.
  const changed = await request('PUT', `${server.base}/Schedule/${sc.id}`, { ...sc, extension: [...sc.extension, block('10:00:00', '11:30:00', 30)] });
  expect(changed.status).toBe(200);
  const day = (await slotsOf(`Schedule/${sc.id}`)).filter((x) => x.start.startsWith(localDate(1)));
  expect(day.map((x) => x.start.slice(11, 16))).toEqual(['10:00', '10:30', '11:00']);
  expect(day[0].id).not.toBe(freeId);
  expect(day[0].id).toMatch(/^sl-[0-9a-f]{20}-\d{12}-30$/);
  expect(day[1].id).toBe(bookedId);
  expect(taken(day[1])).toBe(1);
  expect((await get(`Slot/${freeId}`)).status).toBe(410);
  // Generating again changes nothing: one slot per time.
  const again = await request('PUT', `${server.base}/Schedule/${sc.id}`, { ...changed.json, extension: [...changed.json.extension] });
  expect(again.status).toBe(200);
  expect((await slotsOf(`Schedule/${sc.id}`)).filter((x) => x.start.startsWith(localDate(1))).map((x) => x.id)).toEqual(day.map((x) => x.id));
});

test('$find by department, district or position: schedules whose actor is a Location there, or a role at one', async () => {
  const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
  const place = (name: string, dep: string, dist: string, latitude: number, longitude: number): Json => ({
    resourceType: 'Location',
    name,
    address: {
      city: name,
      extension: [
        { url: `${SD}py-departamento`, valueCoding: { system: `${CS}py-departamento`, code: dep } },
        { url: `${SD}py-distrito`, valueCoding: { system: `${CS}py-distrito`, code: dist } },
      ],
    },
    position: { latitude, longitude },
  });
  const sanLorenzo = `Location/${(await create(place('San Lorenzo', '11', '1114', -25.3397, -57.5088))).id}`;
  const cde = `Location/${(await create(place('Ciudad del Este', '10', '1001', -25.5097, -54.6111))).id}`;
  const doc = await practitioner('Zárate');
  const role = `PractitionerRole/${(await create({ resourceType: 'PractitionerRole', practitioner: { reference: doc }, location: [{ reference: sanLorenzo }] })).id}`;
  const schedule = async (actor: string[]): Promise<string> =>
    (await create({ resourceType: 'Schedule', active: true, actor: actor.map((reference) => ({ reference })), extension: [block('06:00:00', '07:00:00', 30), { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] })).id;
  const atPlace = await schedule([sanLorenzo]);
  const byRole = await schedule([role, doc]);
  const far = await schedule([cde]);
  const schedulesFound = async (q: string): Promise<string[]> => {
    const r = await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(1)}&${q}&_count=20`);
    expect(r.status).toBe(200);
    const slots = await Promise.all((r.json.entry ?? []).map((e: Json) => slot(e.resource.slot[0].reference)));
    return [...new Set(slots.map((x: Json) => x.schedule.reference.slice('Schedule/'.length)))].sort() as string[];
  };
  const near = [atPlace, byRole].sort();
  expect(await schedulesFound('department=11')).toEqual(near);
  expect(await schedulesFound(`district=${CS}py-distrito|1114`)).toEqual(near);
  expect(await schedulesFound('near=-25.35|-57.52|20|km')).toEqual(near);
  expect(await schedulesFound('near=-25.51|-54.62|5|km')).toEqual([far]);
  expect(await schedulesFound('department=10&district=1114')).toEqual([]);
  expectOutcome(await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(1)}&near=north`), 400, /Invalid parameter near/);
});

test('$find answers at once for a Schedule created, changed or deleted after the same search (on PGlite the search is kept between calls)', async () => {
  const specialty = (code: string): Json[] => [{ coding: [{ system: 'urn:test:specialty', code }] }];
  const code = `cache-${Date.now()}`;
  const [docG, docM] = [await practitioner('Generada'), await practitioner('Manual')];
  const offeredBy = async (c: string): Promise<string[]> => {
    const r = await get(`Appointment/$find?start=${localDate(1)}&end=${localDate(1)}&specialty=urn:test:specialty|${c}&_count=50`);
    expect(r.status).toBe(200);
    return [...new Set((r.json.entry ?? []).flatMap((e: Json) => e.resource.participant.map((p: Json) => p.actor.reference)))].sort() as string[];
  };
  expect(await offeredBy(code)).toEqual([]);
  // created: a schedule with availability (generated slots), then one without (a client's slot)
  const generated = await create({ resourceType: 'Schedule', active: true, specialty: specialty(code), actor: [{ reference: docG }], extension: [block('06:00:00', '07:00:00', 30), { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] });
  expect(await offeredBy(code)).toEqual([docG]);
  const manual = await create({ resourceType: 'Schedule', active: true, specialty: specialty(code), actor: [{ reference: docM }] });
  await create({ resourceType: 'Slot', schedule: { reference: `Schedule/${manual.id}` }, status: 'free', start: `${localDate(1)}T09:00:00-03:00`, end: `${localDate(1)}T09:30:00-03:00` });
  expect(await offeredBy(code)).toEqual([docG, docM].sort());
  // changed: made inactive (its own slot stays), then its specialty changed
  const inactive = await request('PUT', `${server.base}/Schedule/${manual.id}`, { ...manual, active: false });
  expect(inactive.status).toBe(200);
  expect(await offeredBy(code)).toEqual([docG]);
  const moved = await request('PUT', `${server.base}/Schedule/${generated.id}`, { ...generated, specialty: specialty(`${code}-b`) });
  expect(moved.status).toBe(200);
  expect(await offeredBy(code)).toEqual([]);
  expect(await offeredBy(`${code}-b`)).toEqual([docG]);
  const active = await request('PUT', `${server.base}/Schedule/${manual.id}`, { ...inactive.json, active: true });
  expect(active.status).toBe(200);
  expect(await offeredBy(code)).toEqual([docM]);
  // deleted (its slot stays behind)
  expect((await request('DELETE', `${server.base}/Schedule/${manual.id}`)).status).toBeLessThan(300);
  expect(await offeredBy(code)).toEqual([]);
  expect(await offeredBy(`${code}-b`)).toEqual([docG]);
});

test('a reminder before each booked appointment, once, in the patient\'s language (Guaraní or Spanish)', async () => {
  const doc = await create({ resourceType: 'Practitioner', name: [{ given: ['Rosa'], family: 'Benítez' }] });
  const inTwoHours = Date.now() + 2 * 3600_000;
  const book = async (who: string, later = 0): Promise<Json> =>
    create({
      resourceType: 'Appointment',
      status: 'booked',
      start: new Date(inTwoHours + later).toISOString(),
      end: new Date(inTwoHours + later + 20 * 60_000).toISOString(),
      participant: [{ actor: { reference: who }, status: 'accepted' }, { actor: { reference: `Practitioner/${doc.id}` }, status: 'accepted' }],
    });
  const gn = await book(await patient('Recordatorio', 'gn'));
  const es = await book(await patient('Aviso'), 30 * 60_000);
  const reminders = async (a: Json): Promise<Json[]> => ((await get(`Communication?based-on=Appointment/${a.id}`)).json.entry ?? []).map((e: Json) => e.resource);
  let found: Json[] = [];
  for (let i = 0; i < 40 && found.length < 2; i++) {
    await sleep(250);
    found = [...(await reminders(gn)), ...(await reminders(es))].filter((c) => c.status === 'completed');
  }
  const [forGn, forEs] = [(await reminders(gn))[0], (await reminders(es))[0]];
  const hora = new Date(inTwoHours - 3 * 3600_000).toISOString().slice(11, 16);
  expect(forGn).toMatchObject({ status: 'completed', language: 'gn', category: [{ coding: [{ code: 'reminder' }] }] });
  expect(forGn.payload[0].contentString).toContain("Mba'éichapa");
  expect(forGn.payload[0].contentString).toContain(hora);
  expect(forGn.payload[0].contentString).toContain('Rosa Benítez');
  expect(forEs).toMatchObject({ status: 'completed', language: 'es' });
  expect(forEs.payload[0].contentString).toMatch(/^Hola Aviso: le recordamos su turno/);
  expect(forGn.sent).toBeDefined();
  // later rounds (and, on PostgreSQL, a second process) send nothing more
  const second = backend() === 'postgres' ? await spawnServer(server.env) : undefined;
  try {
    await sleep(1500);
  } finally {
    if (second) {
      await new Promise<void>((resolve) => {
        second.proc.once('exit', () => resolve());
        second.proc.kill('SIGTERM');
      });
    }
  }
  expect(await reminders(gn)).toHaveLength(1);
  expect(await reminders(es)).toHaveLength(1);
});

/** 200 clients, 20 slots of capacity 1, ten clients per slot: exactly 20 bookings and 180 clear 409s. */
async function race(bases: string[]): Promise<void> {
  const base = bases[0];
  const doc = `Practitioner/${(await request('POST', `${base}/Practitioner`, { resourceType: 'Practitioner', name: [{ family: 'Carrera' }] })).json.id}`;
  const sc = await request('POST', `${base}/Schedule`, { resourceType: 'Schedule', active: true, actor: [{ reference: doc }], extension: [block('06:00:00', '16:00:00', 30), { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] });
  expect(sc.status).toBe(201);
  const all = (await request('GET', `${base}/Slot?schedule=Schedule/${sc.json.id}&_sort=start&_count=100`)).json.entry.map((e: Json) => e.resource);
  const twenty = all.filter((x: Json) => x.start.startsWith(localDate(1))).slice(0, 20);
  expect(twenty).toHaveLength(20);
  const bundle = await request('POST', base, {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: Array.from({ length: 200 }, (_, i) => ({ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', name: [{ family: `Corredor${i}` }] } })),
  });
  const patients = bundle.json.entry.map((e: Json) => e.response.location.split('/_history')[0]);
  const replies = await Promise.all(
    patients.map((p: string, i: number) =>
      request('POST', `${bases[i % bases.length]}/Appointment/$book`, params(proposal(twenty[i % 20], p, doc))),
    ),
  );
  const statuses = replies.map((r) => r.status);
  expect(statuses.filter((x) => x === 201)).toHaveLength(20);
  expect(statuses.filter((x) => x === 409)).toHaveLength(180);
  for (const r of replies.filter((x) => x.status === 409)) expect(r.json.issue[0].diagnostics).toMatch(/is full/);
  const counted = (await request('GET', `${base}/Slot?schedule=Schedule/${sc.json.id}&_count=100`)).json.entry.map((e: Json) => e.resource);
  for (const s of twenty) {
    const now = counted.find((x: Json) => x.id === s.id);
    expect(taken(now)).toBe(1);
    expect(now.status).toBe('busy');
  }
  const booked = await request('GET', `${base}/Appointment?actor=${doc}&status=booked&_summary=count`);
  expect(booked.json.total).toBe(20);
}

test('200 clients racing for 20 slots: exactly 20 bookings and 180 409s', async () => {
  await race([server.base]);
});

(backend() === 'postgres' ? test : test.skip)('the same race across two server processes on one PostgreSQL database', async () => {
  const second = await spawnServer(server.env);
  try {
    await race([server.base, second.base]);
  } finally {
    await new Promise<void>((resolve) => {
      second.proc.once('exit', () => resolve());
      second.proc.kill('SIGTERM');
    });
  }
});
