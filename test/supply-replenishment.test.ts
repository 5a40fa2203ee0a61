import { request, type Reply } from './helpers/http.js';
import { startReceiver, waitFor, type Receiver } from './helpers/receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';
import { monthsBefore, usageByMonth } from '../src/supply/replenishment/consumption.js';
import { adjustedConsumption, averageMonthlyConsumption, maximumStock, monthsOfStock, orderQuantity } from '../src/supply/replenishment/formulas.js';
import { closureRuns, upcomingClosure } from '../src/supply/replenishment/policy.js';

/**
 * Replenishment and early warning over HTTP: $replenish proposes orders by OpenLMIS's formulas on the ledger
 * (consumption and stock-out days per month in Paraguay time), with an approval Task that makes them final;
 * what is on order is subtracted next time and leaves the count once received; a rural post keeps 6 months
 * and orders ahead of its seasonal closure; $stock-alerts finds low months of stock and lots expiring soon and
 * raises each as one Flag, which a subscription delivers.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const AMOX = `${CS}py-medicamento-esencial|amoxicilina-500-cap`;
const SRO = `${CS}py-medicamento-esencial|sales-rehidratacion-oral`;
const PY = 3 * 3_600_000;

let server: TestServer;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1', SUBSCRIPTION_POLL_MS: '200' });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const url = (path: string): string => `${server.base}/${path}`;
const post = (path: string, body?: unknown): Promise<Reply> => request('POST', url(path), body);
const get = (path: string): Promise<Reply> => request('GET', url(path));
const put = (path: string, body: unknown): Promise<Reply> => request('PUT', url(path), body);
async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text}`);
  return res.json;
}

/** The current month in Paraguay (UTC−03:00). */
function pyMonth(): [number, number] {
  const d = new Date(Date.now() - PY);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1];
}
/** `back` months before the current one (Paraguay), on `day` at `hour`:00 Paraguay time. */
function at(back: number, day: number, hour = 12): string {
  const [y, m] = pyMonth();
  return `${new Date(Date.UTC(y, m - 1 - back, day)).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00-03:00`;
}
const monthKey = (back: number): string => at(back, 1).slice(0, 7);
/** Today in Paraguay plus `days`. */
const pyDate = (days: number): string => new Date(Date.now() - PY + days * 86_400_000).toISOString().slice(0, 10);

const concept = (item: string): Json => ({ coding: [{ system: item.split('|')[0], code: item.split('|')[1] }] });
const lot = (numero: string, vencimiento?: string): Json => ({ url: `${SD}py-lote`, extension: [{ url: 'numero', valueString: numero }, ...(vencimiento ? [{ url: 'vencimiento', valueDate: vencimiento }] : [])] });
const receipt = (store: string, item: string, qty: number, when: string, l?: Json, extra: Json = {}): Json => ({
  resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: when, destination: { reference: store },
  suppliedItem: { itemCodeableConcept: concept(item), quantity: { value: qty }, ...(l ? { extension: [l] } : {}) }, ...extra,
});
const dispense = (store: string, item: string, qty: number, when: string, l?: Json): Json => ({
  resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: concept(item), quantity: { value: qty },
  location: { reference: store }, whenHandedOver: when, ...(l ? { extension: [l] } : {}),
});
/** The movements in one transaction Bundle (receipts first where a dispense takes from them). */
const movements = async (...resources: Json[]): Promise<void> => {
  await ok(post('', { resourceType: 'Bundle', type: 'transaction', entry: resources.map((resource) => ({ request: { method: 'POST', url: resource.resourceType }, resource })) }));
};
const create = async (resource: Json): Promise<string> => `${resource.resourceType}/${(await ok(post(resource.resourceType, resource))).id}`;

/** Parts of a Parameters parameter as a plain object (a name repeated: an array). */
function parts(p: Json): Json {
  const out: Json = {};
  for (const x of p.part ?? []) {
    const v = x.part ? parts(x) : (x.valueDecimal ?? x.valueInteger ?? x.valueBoolean ?? x.valueString ?? x.valueDate ?? x.valueCoding?.code ?? x.valueReference?.reference);
    if (!(x.name in out)) out[x.name] = v;
    else out[x.name] = Array.isArray(out[x.name]) ? [...out[x.name], v] : [out[x.name], v];
  }
  return out;
}
const named = (out: Json, name: string): Json[] => (out.parameter ?? []).filter((p: Json) => p.name === name);
const replenish = async (store: string, query = ''): Promise<Json> => ok(post(`${store}/$replenish${query}`));

let usf: string;
let region: string;
let storeA: string;
const L2_EXPIRY = pyDate(45);

test('$replenish: AMC adjusted for stock-out days, maximum and order quantity as computed by hand; approval makes the order final; on order is subtracted, then received', async () => {
  region = await create({ resourceType: 'Organization', name: 'XVII Región Sanitaria – Alto Paraguay' });
  usf = await create({ resourceType: 'Organization', name: 'USF Puerto Casado', partOf: { reference: region } });
  storeA = await create({ resourceType: 'Location', name: 'Farmacia USF Puerto Casado', managingOrganization: { reference: usf } });
  // Month −4: 300 capsules arrive (lot L1): the item is at the store before the three periods begin.
  // Month −3: 50 + 50 dispensed             → C = 100, X = 0,  N = 100.            Balance 200.
  // Month −2: 60 + 60 dispensed             → C = 120, X = 0,  N = 120.            Balance 80.
  // Month −1: 80 dispensed on day 4 at noon → the balance is 0 until 150 more (lot L2) arrive on day 16 at noon:
  //           12 days out of stock; 50 dispensed on day 25 → C = 130, X = 12, N = ⌈130 × 30 / (30 − 12)⌉ = ⌈216.67⌉ = 217.
  //           Balance 100 (all of lot L2).
  await movements(
    receipt(storeA, AMOX, 300, at(4, 20), lot('L1', '2030-12-31')),
    dispense(storeA, AMOX, 50, at(3, 5), lot('L1')),
    dispense(storeA, AMOX, 50, at(3, 18), lot('L1')),
    dispense(storeA, AMOX, 60, at(2, 8), lot('L1')),
    dispense(storeA, AMOX, 60, at(2, 22), lot('L1')),
    dispense(storeA, AMOX, 80, at(1, 4), lot('L1')),
    receipt(storeA, AMOX, 150, at(1, 16), lot('L2', L2_EXPIRY)),
    dispense(storeA, AMOX, 50, at(1, 25), lot('L2')),
  );
  // P (AMC) = ⌈(100 + 120 + 217) / 3⌉ = ⌈145.67⌉ = 146; E = 100; MOS = 100 / 146 = 0.68.
  // Not a rural post: 3 months of stock → H = 146 × 3 = 438; nothing on order → I = 438 − 100 − 0 = 338.
  const dry = await replenish(storeA, '?dry-run=true');
  expect(parts(named(dry, 'policy')[0])).toMatchObject({ facility: usf, supplier: region, rural: false, maxPeriodsOfStock: 3, reviewCycle: 1, broughtForward: false, coverMonths: 3 });
  const [line] = named(dry, 'item').map(parts);
  expect(line).toMatchObject({ item: 'amoxicilina-500-cap', amc: 146, mos: 0.68, max: 438, onHand: 100, onOrder: 0, stockoutDays: 12, quantity: 338 });
  expect(line.period).toEqual([
    { month: monthKey(3), consumption: 100, stockoutDays: 0, adjusted: 100 },
    { month: monthKey(2), consumption: 120, stockoutDays: 0, adjusted: 120 },
    { month: monthKey(1), consumption: 130, stockoutDays: 12, adjusted: 217 },
  ]);
  expect(line.supplyRequest).toBeUndefined();
  expect(named(dry, 'task')).toEqual([]);
  expect((await ok(get(`SupplyRequest?subject=${storeA}&_summary=count`))).total).toBe(0);

  // The proposal: a draft SupplyRequest and its approval Task, in one transaction.
  const out = await replenish(storeA);
  const [proposed] = named(out, 'item').map(parts);
  expect(proposed).toMatchObject({ amc: 146, max: 438, quantity: 338 });
  const task = named(out, 'task')[0].valueReference.reference;
  const sr = await ok(get(proposed.supplyRequest));
  expect(sr).toMatchObject({
    status: 'draft', quantity: { value: 338 }, deliverTo: { reference: storeA }, requester: { reference: usf }, supplier: [{ reference: region }],
    itemCodeableConcept: concept(AMOX), identifier: [{ system: 'https://fhir.mspbs.gov.py/sid/pedido-reposicion', value: task.slice(5) }],
  });
  const variables = Object.fromEntries(sr.parameter.map((p: Json) => [p.code.coding[0].code, p.valueQuantity.value]));
  expect(variables).toEqual({ cmp: 146, 'meses-stock': 0.68, 'stock-maximo': 438, 'stock-disponible': 100, 'en-pedido': 0, 'dias-sin-stock': 12, 'meses-cobertura': 3 });
  expect(sr.reasonCode[0].text).toContain('CMP 146 por mes (3 meses, 12 días sin stock) × 3 meses = máximo 438; stock 100 (0,68 meses), en pedido 0 → pedido 338');
  const t = await ok(get(task));
  expect(t).toMatchObject({
    status: 'requested', intent: 'order', code: { coding: [{ system: `${CS}py-reposicion`, code: 'aprobar-pedido' }] },
    focus: { reference: proposed.supplyRequest }, for: { reference: usf }, requester: { reference: usf }, owner: { reference: region },
  });
  expect(t.input.map((i: Json) => i.valueReference.reference)).toEqual([proposed.supplyRequest]);

  // While it awaits approval, no second proposal.
  const again = await post(`${storeA}/$replenish`);
  expect(expectOutcome(again, 409).diagnostics).toContain(`awaits its approval (${task}, requested)`);

  // Approval: the Task goes through FHIR Workflow's states to completed; its order becomes active.
  let current = t;
  for (const status of ['accepted', 'in-progress', 'completed']) current = await ok(put(task, { ...current, status }));
  expect((await ok(get(proposed.supplyRequest))).status).toBe('active');

  // On order now: O = 338 → I = max(0, 438 − 100 − 338) = 0: nothing proposed, no Task.
  const next = await replenish(storeA);
  expect(named(next, 'item').map(parts)[0]).toMatchObject({ amc: 146, onHand: 100, onOrder: 338, quantity: 0 });
  expect(named(next, 'task')).toEqual([]);
  expect((await ok(get(`SupplyRequest?subject=${storeA}&_summary=count`))).total).toBe(1);
});

test('$stock-alerts: low months of stock and a lot expiring soon; raise writes one Flag each (no duplicates), delivered by a subscription; received stock resolves the low-stock Flag', async () => {
  const sub = await ok(post('Subscription', { resourceType: 'Subscription', status: 'requested', reason: 'alertas de stock', criteria: `Flag?subject=${storeA}`, channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' } }));
  await waitFor(async () => (await ok(get(`Subscription/${sub.id}`))).status === 'active', 15_000, 'subscription active');

  // MOS 0.68 < 1 (the default threshold); lot L2 (100 capsules) expires in 45 days ≤ 90; lot L1 is at 0.
  const alerts = (out: Json): Json[] => named(out, 'alert').map(parts);
  const found = alerts(await ok(get(`${storeA}/$stock-alerts`)));
  expect(found).toEqual([
    { kind: 'stock-bajo', item: 'amoxicilina-500-cap', quantity: 100, amc: 146, mos: 0.68 },
    { kind: 'vencimiento-proximo', item: 'amoxicilina-500-cap', lot: 'L2', expiry: L2_EXPIRY, daysToExpiry: 45, quantity: 100 },
  ]);
  expect(alerts(await ok(get(`${storeA}/$stock-alerts?days=30&mos=0.5`)))).toEqual([]);
  expect(expectOutcome(await get(`${storeA}/$stock-alerts?raise=true`), 405).diagnostics).toContain('POST');

  const raised = alerts(await ok(post(`${storeA}/$stock-alerts?raise=true`)));
  expect(raised.map((a) => a.flag)).toEqual([expect.stringMatching(/^Flag\//), expect.stringMatching(/^Flag\//)]);
  const low = await ok(get(raised[0].flag));
  expect(low).toMatchObject({ status: 'active', subject: { reference: storeA }, author: { reference: usf }, category: [{ coding: [{ system: `${CS}py-alerta-stock`, code: 'stock-bajo' }] }], code: { coding: [concept(AMOX).coding[0]] } });
  expect(Date.parse(low.period.start)).toBeGreaterThan(Date.now() - 60_000);
  expect((await ok(get(raised[1].flag))).category[0].coding[0].code).toBe('vencimiento-proximo');
  // Raised again: the same active Flags, none added.
  const twice = alerts(await ok(post(`${storeA}/$stock-alerts`, { resourceType: 'Parameters', parameter: [{ name: 'raise', valueBoolean: true }] })));
  expect(twice.map((a) => a.flag)).toEqual(raised.map((a) => a.flag));
  expect((await ok(get(`Flag?subject=${storeA}&_summary=count`))).total).toBe(2);
  // The subscription delivered both Flags.
  await waitFor(() => receiver.received.filter((x) => x.json?.resourceType === 'Flag').length >= 2, 15_000, 'two Flags delivered');
  expect(receiver.received.filter((x) => x.json?.resourceType === 'Flag').map((x) => `Flag/${x.json.id}`).sort()).toEqual(raised.map((a) => a.flag).sort());

  // The order arrives (a delivery based on the SupplyRequest): received, no longer on order; E = 100 + 338 = 438.
  const [sr] = (await ok(get(`SupplyRequest?subject=${storeA}`))).entry.map((e: Json) => e.resource);
  await ok(post('SupplyDelivery', receipt(storeA, AMOX, 338, new Date().toISOString(), lot('L3', '2031-06-30'), { basedOn: [{ reference: `SupplyRequest/${sr.id}` }] })));
  expect((await ok(get(`SupplyRequest/${sr.id}`))).status).toBe('completed');
  // MOS = 438 / 146 = 3; H − E − O = 438 − 438 − 0 = 0.
  const after = named(await replenish(storeA, '?dry-run=true'), 'item').map(parts)[0];
  expect(after).toMatchObject({ onHand: 438, onOrder: 0, mos: 3, quantity: 0 });
  // Raised again: the low stock no longer holds, its Flag ends; the expiry Flag stays.
  const resolved = await ok(post(`${storeA}/$stock-alerts?raise=true`));
  expect(alerts(resolved).map((a) => [a.kind, a.flag])).toEqual([['vencimiento-proximo', raised[1].flag]]);
  expect(named(resolved, 'resolved').map((p) => p.valueReference.reference)).toEqual([raised[0].flag]);
  const ended = await ok(get(raised[0].flag));
  expect(ended.status).toBe('inactive');
  expect(ended.period.end).toBeDefined();

  // Inside a transaction Bundle the operation sees what the bundle wrote: 300 more dispensed (lot L3) → E = 138,
  // MOS = 138 / 146 = 0.95 < 1.
  const bundle = await ok(post('', {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { request: { method: 'GET', url: `${storeA}/$stock-alerts?days=30` } },
      { request: { method: 'POST', url: 'MedicationDispense' }, resource: dispense(storeA, AMOX, 300, new Date().toISOString(), lot('L3')) },
    ],
  }));
  expect(alerts(bundle.entry[0].resource)).toEqual([{ kind: 'stock-bajo', item: 'amoxicilina-500-cap', quantity: 138, amc: 146, mos: 0.95 }]);
});

test('a rural post (Puesto de Salud) keeps 6 months; rejecting the approval cancels the order; a seasonal closure brings the next one forward and covers it', async () => {
  const org = await create({ resourceType: 'Organization', name: 'Puesto de Salud Toro Pampa' });
  const facility: Json = {
    resourceType: 'Location', name: 'Puesto de Salud Toro Pampa', managingOrganization: { reference: org },
    extension: [{ url: `${SD}py-tipo-establecimiento`, valueCoding: { system: `${CS}py-tipo-establecimiento`, code: 'PS', display: 'Puesto de Salud' } }],
  };
  const facilityRef = await create(facility);
  // The store names no facility type nor organization: they come from the Location it is part of.
  const store = await create({ resourceType: 'Location', name: 'Botiquín PS Toro Pampa', partOf: { reference: facilityRef } });
  // 120 sachets in month −4; 30 dispensed in each of months −3, −2, −1 (never out of stock):
  // N = 30, 30, 30 → P = 30; E = 30; rural: H = 30 × 6 = 180 → I = 180 − 30 = 150.
  await movements(
    receipt(store, SRO, 120, at(4, 25)),
    dispense(store, SRO, 30, at(3, 10)),
    dispense(store, SRO, 30, at(2, 10)),
    dispense(store, SRO, 30, at(1, 10)),
  );
  const out = await replenish(store);
  expect(parts(named(out, 'policy')[0])).toMatchObject({ facility: org, facilityType: 'PS', rural: true, maxPeriodsOfStock: 6, reviewCycle: 3, broughtForward: false, coverMonths: 6 });
  const [line] = named(out, 'item').map(parts);
  expect(line).toMatchObject({ amc: 30, mos: 1, max: 180, onHand: 30, quantity: 150 });
  const task = named(out, 'task')[0].valueReference.reference;
  const t = await ok(get(task));
  expect(t.owner).toEqual({ reference: org }); // no supplier: the post approves its own
  await ok(put(task, { ...t, status: 'rejected' }));
  expect((await ok(get(line.supplyRequest))).status).toBe('cancelled');

  // The post is cut off two months from now, for two months (within its 3-month cycle): order now, for
  // 6 + 2 months: H = 30 × 8 = 240 → I = 240 − 30 = 150 + 60 = 210, urgent, to arrive before the closure.
  const [y, m] = pyMonth();
  const closed = [m + 2, m + 3].map((x) => ((x - 1) % 12) + 1);
  const from = new Date(Date.UTC(y, m - 1 + 2, 1)).toISOString().slice(0, 10);
  await ok(put(facilityRef, {
    ...facility, id: facilityRef.slice(9),
    extension: [...facility.extension, {
      url: `${SD}py-accesibilidad-estacional`,
      extension: [{ url: 'tipo', valueCoding: { system: `${CS}py-accesibilidad`, code: 'estacional-lluvias' } }, ...closed.map((valueInteger) => ({ url: 'mesInaccesible', valueInteger }))],
    }],
  }));
  const ahead = await replenish(store);
  expect(parts(named(ahead, 'policy')[0])).toMatchObject({ maxPeriodsOfStock: 6, broughtForward: true, coverMonths: 8, closure: { start: from, month: closed } });
  const [forward] = named(ahead, 'item').map(parts);
  expect(forward).toMatchObject({ amc: 30, max: 240, onHand: 30, onOrder: 0, quantity: 210 });
  const sr = await ok(get(forward.supplyRequest));
  expect(sr).toMatchObject({ status: 'draft', priority: 'urgent', quantity: { value: 210 }, occurrencePeriod: { end: from } });
  expect((await ok(get(named(ahead, 'task')[0].valueReference.reference))).priority).toBe('urgent');
});

test('bad input: 4xx OperationOutcomes that name the problem; nothing is stored', async () => {
  const store = await create({ resourceType: 'Location', name: 'Depósito vacío' });
  const before = (await ok(get('SupplyRequest?_summary=count'))).total;
  for (const [method, path, status, text] of [
    ['POST', `${store}/$replenish?periods=0`, 400, 'periods'],
    ['POST', `${store}/$replenish?item=nocode`, 400, 'nocode'],
    ['POST', `${store}/$replenish?dry-run=maybe`, 400, 'maybe'],
    ['GET', `${store}/$replenish`, 405, 'GET'],
    ['POST', 'Location/no-such-store/$replenish', 404, 'Location/no-such-store'],
    ['GET', `${store}/$stock-alerts?mos=-1`, 400, '-1'],
    ['GET', `${store}/$stock-alerts?days=soon`, 400, 'soon'],
    ['GET', `${store}/$stock-alerts?raise=yes`, 400, 'yes'],
    ['GET', 'Location/no-such-store/$stock-alerts', 404, 'Location/no-such-store'],
  ] as [string, string, number, string][]) {
    expect(expectOutcome(await request(method, url(path)), status).diagnostics).toContain(text);
  }
  // A store with nothing moved: nothing to order, no Task.
  const empty = await replenish(store);
  expect(named(empty, 'item')).toEqual([]);
  expect(named(empty, 'task')).toEqual([]);
  expect((await ok(get('SupplyRequest?_summary=count'))).total).toBe(before);
});

test('the formulas, the months and the closures, as pure functions', () => {
  // OpenLMIS's own cases (LineItemFieldsCalculatorTest): 20 consumed with 5 of 90 days out → ⌈20 × 90 / 85⌉ = 22;
  // out the whole period → C itself.
  expect(adjustedConsumption(20, 5, 3)).toBe(22);
  expect(adjustedConsumption(20, 90, 3)).toBe(20);
  expect(adjustedConsumption(100, 10)).toBe(150); // 100 × 30 / 20 exactly: no rounding up of float noise
  expect(averageMonthlyConsumption([100, 120, 217])).toBe(146);
  expect(averageMonthlyConsumption([])).toBe(0);
  expect(maximumStock(146, 3)).toBe(438);
  expect(orderQuantity(438, 100, 338)).toBe(0);
  expect(orderQuantity(438, 100.5)).toBe(338);
  expect(orderQuantity(100, 300)).toBe(0);
  expect(monthsOfStock(100, 0)).toBeUndefined();
  // A stock-out across the end of a month counts in each month its part (Paraguay time): out from 25 January
  // 12:00 to 5 February 12:00 → 6.5 days in January, 4.5 in February (a half day rounds up: 7 and 5). Only
  // dispensacion and consumo are consumption (not the expiry write-off).
  const now = Date.parse('2026-03-10T12:00:00-03:00');
  const months = monthsBefore(now, 2);
  expect(months.map((m) => m.key)).toEqual(['2026-01', '2026-02']);
  expect(new Date(months[0].start).toISOString()).toBe('2026-01-01T03:00:00.000Z');
  const usage = usageByMonth({
    item: 'x', first: Date.parse('2025-12-01T00:00:00-03:00'), opening: 10,
    movements: [
      { at: Date.parse('2026-01-25T12:00:00-03:00'), delta: -10, reason: 'dispensacion' },
      { at: Date.parse('2026-02-05T12:00:00-03:00'), delta: 40, reason: 'recepcion' },
      { at: Date.parse('2026-02-06T12:00:00-03:00'), delta: -5, reason: 'vencimiento' },
      { at: Date.parse('2026-02-07T12:00:00-03:00'), delta: -15, reason: 'consumo' },
    ],
  }, months);
  expect(usage).toEqual([{ month: '2026-01', consumption: 10, stockoutDays: 7 }, { month: '2026-02', consumption: 15, stockoutDays: 5 }]);
  // An item first moved in February: January is no period of its average.
  expect(usageByMonth({ item: 'x', first: Date.parse('2026-02-03T00:00:00-03:00'), opening: 0, movements: [] }, months)).toEqual([]);
  // Closures: consecutive months, across December–January too; the next one within the cycle, with its first day.
  expect(closureRuns([2, 1, 12, 6])).toEqual([[6], [12, 1, 2]]);
  const november = Date.parse('2026-11-15T12:00:00-03:00');
  expect(upcomingClosure([12, 1, 2], november, 1)).toEqual({ months: [12, 1, 2], from: '2026-12-01', offset: 1 });
  expect(upcomingClosure([1, 2], november, 3)).toEqual({ months: [1, 2], from: '2027-01-01', offset: 2 });
  expect(upcomingClosure([1, 2], november, 1)).toBeUndefined();
  expect(upcomingClosure([11], november, 1)).toEqual({ months: [11], from: '2026-11-01', offset: 0 });
});
