import { request, type Reply } from './helpers/http.js';
import { dailySchedule } from './helpers/schedules.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, sleep, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Referral metrics over HTTP: a known set of referrals (accepted, booked, completed with a counter-referral,
 * rejected, escalated by the server's job, entered in error, outside the period, deleted) gives the numbers
 * computed by hand, per origin and destination facility and per region, through Task/$referral-metrics and as
 * MeasureReports of Measure/$evaluate-measure; a facility-bound client sees only its own referrals; bad input
 * is a 400.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const MEASURE = 'https://fhir.mspbs.gov.py/Measure/';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let server: TestServer;
const tokens = new Map<string, string>();
beforeAll(async () => {
  server = await startTestServer({
    AUTH_MODE: 'on',
    AUDIT: 'off',
    REFERRAL_ESCALATION_CHECK_MS: '300',
    REFERRAL_COORDINATOR: 'Organization/coordinacion',
    REFERRAL_DEADLINE_HOURS: 'urgent=1',
  });
  const admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  tokens.set('admin', adminToken);
  for (const [id, scopes, extra] of [
    ['o2', 'system/*.rs', { facility: 'o2' }],
    ['patientOnly', 'patient/*.rs', {}],
  ] as const) {
    const c = await newClient(id);
    await register(server.base, adminToken, c, scopes, extra);
    tokens.set(id, await getToken(server.base, c));
  }
});
afterAll(async () => {
  await server?.stop();
});

const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who)!));
const adm = (method: string, path: string, body?: unknown): Promise<Reply> => as('admin', method, path, body);
async function ok(r: Promise<Reply>, status = 200): Promise<Json> {
  const res = await r;
  if (res.status !== status && !(status === 200 && res.status === 201)) throw new Error(`${res.status} ${res.text}`);
  return res.json;
}
const put = (r: Json): Promise<Json> => ok(adm('PUT', `${r.resourceType}/${r.id}`, r));
const region = (code: string): Json => ({ url: `${SD}py-region-sanitaria`, valueCoding: { system: `${CS}py-region-sanitaria`, code } });
const taskCode = (c: string): Json => ({ coding: [{ system: `${CS}py-tipo-tarea-derivacion`, code: c }] });
/** A part of a Parameters part list by name. */
const part = (parts: Json[], name: string): Json | undefined => parts.find((p) => p.name === name);
const num = (parts: Json[], name: string): number | undefined => {
  const p = part(parts, name);
  return p?.valueInteger ?? p?.valueDecimal;
};
const groupOf = (out: Json, key: string): Json[] =>
  out.parameter.find((p: Json) => p.name === 'group' && p.part.some((x: Json) => x.valueReference?.reference === key || x.valueCoding?.code === key)).part;
const total = (out: Json): Json[] => out.parameter.find((p: Json) => p.name === 'total').part;

const start = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
const end = new Date(Date.now() + DAY).toISOString().slice(0, 10);
const ago = (h: number): string => new Date(Date.now() - h * HOUR).toISOString();

let patient: string;
let slot: Json;
let location: string;
const tasks: Record<string, Json> = {};

async function referral(name: string, from: string, to: string, authoredOn: string, priority = 'routine'): Promise<Json> {
  const sr = await ok(adm('POST', 'ServiceRequest', {
    resourceType: 'ServiceRequest', meta: { profile: [`${SD}py-referral`] }, status: 'active', intent: 'order', priority,
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }],
    code: { coding: [{ system: 'http://snomed.info/sct', code: '183519002' }] },
    subject: { reference: patient }, requester: { reference: from }, performer: [{ reference: to }], reasonCode: [{ text: name }],
  }), 201);
  tasks[name] = await ok(adm('POST', 'Task', {
    resourceType: 'Task', status: 'requested', intent: 'order', priority, code: taskCode('derivacion'), authoredOn,
    focus: { reference: `ServiceRequest/${sr.id}` }, for: { reference: patient }, requester: { reference: from }, owner: { reference: to },
  }), 201);
  return tasks[name];
}
const move = async (name: string, status: string): Promise<void> => {
  tasks[name] = await put({ ...(await ok(adm('GET', `Task/${tasks[name].id}`))), status });
};

beforeAll(async () => {
  for (const [id, r] of [['o1', '1'], ['o2', '2'], ['d1', '1'], ['coordinacion', '1']]) {
    await put({ resourceType: 'Organization', id, name: id, extension: [region(r)] });
  }
  await put({ resourceType: 'Practitioner', id: 'healer', name: [{ family: 'Ñandutí' }] });
  patient = `Patient/${(await ok(adm('POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Giménez' }] }), 201)).id}`;
  location = `Location/${(await ok(adm('POST', 'Location', { resourceType: 'Location', name: 'Consultorio D1', managingOrganization: { reference: 'Organization/d1' } }), 201)).id}`;
  const schedule = await ok(adm('POST', 'Schedule', dailySchedule(location, { from: '07:00:00', to: '08:00:00', horizon: 3 })), 201);
  const slots = await ok(adm('GET', `Slot?schedule=Schedule/${schedule.id}&start=ge${new Date(Date.now() + DAY).toISOString().slice(0, 10)}&_sort=start&_count=1`));
  slot = slots.entry[0].resource;

  // A: o1 → d1, 10 h ago, accepted, booked, arrived, completed, counter-referred
  await referral('A', 'Organization/o1', 'Organization/d1', ago(10));
  await move('A', 'accepted');
  const booked = await ok(adm('POST', 'Appointment/$book', {
    resourceType: 'Parameters',
    parameter: [{
      name: 'appointment',
      resource: {
        resourceType: 'Appointment', status: 'proposed', start: slot.start, end: slot.end, slot: [{ reference: `Slot/${slot.id}` }],
        basedOn: [tasks.A.focus], participant: [{ actor: { reference: patient }, status: 'needs-action' }, { actor: { reference: location }, status: 'needs-action' }],
      },
    }],
  }), 201);
  await put({ ...booked, status: 'arrived' });
  await move('A', 'completed');
  await ok(adm('POST', 'Task', {
    resourceType: 'Task', status: 'requested', intent: 'order', code: taskCode('contrarreferencia'), partOf: [{ reference: `Task/${tasks.A.id}` }],
    for: { reference: patient }, requester: { reference: 'Organization/d1' }, owner: { reference: 'Organization/o1' },
  }), 201);
  // B: o1 → d1, 20 h ago, accepted; C: o1 → d1, 30 h ago, rejected
  await referral('B', 'Organization/o1', 'Organization/d1', ago(20));
  await move('B', 'accepted');
  await referral('C', 'Organization/o1', 'Organization/d1', ago(30));
  await move('C', 'rejected');
  // D: o2 → d1, urgent, 5 h ago (deadline 1 h): escalated to the coordinator by the server
  await referral('D', 'Organization/o2', 'Organization/d1', ago(5), 'urgent');
  // E: o2 → a healer, entered in error; F: o1 → d1, 60 days ago (outside); G: o1 → d1, deleted
  await referral('E', 'Organization/o2', 'Practitioner/healer', ago(2));
  await move('E', 'entered-in-error');
  await referral('F', 'Organization/o1', 'Organization/d1', ago(60 * 24));
  await referral('G', 'Organization/o1', 'Organization/d1', ago(1));
  await ok(adm('DELETE', `Task/${tasks.G.id}`));
  for (let i = 0; i < 50; i++) {
    const d = await ok(adm('GET', `Task/${tasks.D.id}`));
    if (d.owner?.reference === 'Organization/coordinacion') break;
    await sleep(200);
  }
});

test('per origin facility and in total: the numbers of the known referrals', async () => {
  const out = await ok(adm('GET', `Task/$referral-metrics?start=${start}&end=${end}`));
  const all = total(out);
  expect([num(all, 'referrals'), num(all, 'accepted'), num(all, 'rejected'), num(all, 'completed'), num(all, 'booked'), num(all, 'escalated'), num(all, 'counterReferral')]).toEqual([4, 2, 1, 1, 1, 1, 1]);
  expect([num(all, 'completionRate'), num(all, 'escalatedShare'), num(all, 'counterReferralShare')]).toEqual([0.25, 0.25, 0.25]);
  // accepted 10 h and 20 h after they were made
  expect(num(all, 'acceptanceHoursMedian')).toBeCloseTo(15, 1);
  expect(num(all, 'acceptanceHoursMean')).toBeCloseTo(15, 1);
  const days = (Date.parse(slot.start) - Date.parse(tasks.A.authoredOn)) / DAY;
  expect(num(all, 'appointmentDaysMedian')).toBeCloseTo(days, 1);
  const o1 = groupOf(out, 'Organization/o1');
  expect([num(o1, 'referrals'), num(o1, 'completed'), num(o1, 'completionRate'), num(o1, 'escalated')]).toEqual([3, 1, 0.3333, 0]);
  const o2 = groupOf(out, 'Organization/o2');
  expect([num(o2, 'referrals'), num(o2, 'escalated'), num(o2, 'escalatedShare'), num(o2, 'accepted')]).toEqual([1, 1, 1, 0]);
  expect(part(o2, 'acceptanceHoursMedian')).toBeUndefined();
  expect(out.parameter.filter((p: Json) => p.name === 'group')).toHaveLength(2);
});

test('per destination (an escalated referral still counts for its destination), per region, and filtered', async () => {
  const byDestination = await ok(adm('GET', `Task/$referral-metrics?start=${start}&end=${end}&side=destination`));
  expect(num(groupOf(byDestination, 'Organization/d1'), 'referrals')).toBe(4);
  expect(byDestination.parameter.filter((p: Json) => p.name === 'group')).toHaveLength(1);
  const byRegion = await ok(adm('GET', `Task/$referral-metrics?start=${start}&end=${end}&group-by=region`));
  expect([num(groupOf(byRegion, '1'), 'referrals'), num(groupOf(byRegion, '2'), 'referrals')]).toEqual([3, 1]);
  const o2Only = await ok(adm('POST', 'Task/$referral-metrics', {
    resourceType: 'Parameters',
    parameter: [{ name: 'start', valueDate: start }, { name: 'end', valueDate: end }, { name: 'facility', valueReference: { reference: 'Organization/o2' } }, { name: 'group-by', valueCode: 'none' }],
  }));
  expect(num(total(o2Only), 'referrals')).toBe(1);
  expect(o2Only.parameter.filter((p: Json) => p.name === 'group')).toHaveLength(0);
  const region02 = await ok(adm('GET', `Task/$referral-metrics?start=${start}&end=${end}&region=2&group-by=none`));
  expect(num(total(region02), 'referrals')).toBe(1);
  // the referral made 60 days ago counts once the period covers it
  const longer = await ok(adm('GET', `Task/$referral-metrics?start=${new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10)}&end=${end}&group-by=none`));
  expect(num(total(longer), 'referrals')).toBe(5);
});

test('as MeasureReports of the guide\'s Measures, by canonical and by id', async () => {
  const completed = await ok(adm('GET', `Measure/$evaluate-measure?measure=${MEASURE}py-derivacion-completada&periodStart=${start}&periodEnd=${end}&reporter=Organization/o1`));
  expect(completed).toMatchObject({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: `${MEASURE}py-derivacion-completada`, reporter: { reference: 'Organization/o1' } });
  const pop = (r: Json, code: string): number => r.group[0].population.find((p: Json) => p.code.coding[0].code === code).count;
  expect([pop(completed, 'initial-population'), pop(completed, 'denominator'), pop(completed, 'numerator'), completed.group[0].measureScore.value]).toEqual([3, 3, 1, 0.3333]);
  const acceptance = await ok(adm('GET', `Measure/py-derivacion-tiempo-aceptacion/$evaluate-measure?periodStart=${start}&periodEnd=${end}`));
  expect(pop(acceptance, 'measure-population')).toBe(2);
  expect(acceptance.group[0].measureScore).toMatchObject({ unit: 'h', system: 'http://unitsofmeasure.org', code: 'h' });
  expect(acceptance.group[0].measureScore.value).toBeCloseTo(15, 1);
  const escalated = await ok(adm('GET', `Measure/$evaluate-measure?measure=${MEASURE}py-derivacion-escalada&periodStart=${start}&periodEnd=${end}&region=2`));
  expect([pop(escalated, 'numerator'), escalated.group[0].measureScore.value, escalated.reporter.identifier.value]).toEqual([1, 1, '2']);
  // the report is a valid MeasureReport the client may store
  expect((await adm('POST', 'MeasureReport', completed)).status).toBe(201);
});

test('a facility-bound client sees only the referrals from or to its facility; a patient-context client none', async () => {
  const own = await ok(as('o2', 'GET', `Task/$referral-metrics?start=${start}&end=${end}`));
  expect(num(total(own), 'referrals')).toBe(1);
  expect(own.parameter.filter((p: Json) => p.name === 'group').map((g: Json) => part(g.part, 'facility')?.valueReference.reference)).toEqual(['Organization/o2']);
  expectOutcome(await as('patientOnly', 'GET', `Task/$referral-metrics?start=${start}&end=${end}`), 403);
});

test('bad input is a 400 naming the parameter; an unknown Measure a 422', async () => {
  const cases: [string, number, string][] = [
    [`Task/$referral-metrics?end=${end}`, 400, 'start'],
    [`Task/$referral-metrics?start=${end}&end=${start}`, 400, 'before it starts'],
    [`Task/$referral-metrics?start=2026-02-30&end=${end}`, 400, '2026-02-30'],
    [`Task/$referral-metrics?start=2010-01-01&end=${end}`, 400, '1830 days'],
    [`Task/$referral-metrics?start=${start}&end=${end}&side=sideways`, 400, 'sideways'],
    [`Task/$referral-metrics?start=${start}&end=${end}&facility=Patient/x`, 400, 'Patient/x'],
    [`Task/$referral-metrics?start=${start}&end=${end}&group-by=patient`, 400, 'patient'],
    [`Measure/$evaluate-measure?periodStart=${start}&periodEnd=${end}`, 400, 'measure'],
    [`Measure/$evaluate-measure?measure=http://example.org/Measure/x&periodStart=${start}&periodEnd=${end}`, 422, 'http://example.org/Measure/x'],
    [`Measure/py-derivacion-completada/$evaluate-measure?periodStart=${start}&periodEnd=${end}&reportType=subject`, 400, 'subject'],
    [`Measure/py-derivacion-completada/$evaluate-measure?periodStart=${start}&periodEnd=${end}&subject=${patient}`, 400, 'subject'],
  ];
  for (const [path, status, text] of cases) expect(expectOutcome(await adm('GET', path), status).diagnostics).toContain(text);
});
