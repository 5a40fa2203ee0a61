import { request, type Reply } from './helpers/http.js';
import { startReceiver, waitFor, type Receiver } from './helpers/receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';

/**
 * The cold chain over HTTP: temperature readings posted in batches give the WHO excursions at their
 * boundaries (freezing at −0.5 °C for 60 min, heat at 45 °C for 60 min, above 8 °C for 10 h in all), once each
 * whatever the order the readings arrive in; an excursion is a DetectedIssue on the fridge, delivered by a
 * subscription, and it puts the store's vaccine lots in quarantine (freezing: the freeze-sensitive ones) until
 * a mitigation releases them.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const MIN = 60_000;
const PENTA = `${CS}py-vacuna|pentavalente`; // freeze-sensitive
const BCG = `${CS}py-vacuna|bcg`; // not freeze-sensitive

let server: TestServer;
let receiver: Receiver | undefined;
beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1', SUBSCRIPTION_POLL_MS: '200' });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const url = (path: string): string => `${server.base}/${path}`;
const post = (path: string, body: unknown): Promise<Reply> => request('POST', url(path), body);
const get = (path: string): Promise<Reply> => request('GET', url(path));
async function ok(r: Promise<Reply>): Promise<Json> {
  const res = await r;
  if (res.status >= 300) throw new Error(`${res.status} ${res.text}`);
  return res.json;
}
const concept = (item: string): Json => ({ coding: [{ system: item.split('|')[0], code: item.split('|')[1] }] });
const reading = (device: string, at: number, celsius: number): Json => ({
  resourceType: 'Observation', status: 'final',
  code: { coding: [{ system: `${CS}py-cadena-frio`, code: 'temperatura-equipo' }] },
  subject: { reference: device }, effectiveDateTime: new Date(at).toISOString(),
  valueQuantity: { value: celsius, unit: '°C', system: 'http://unitsofmeasure.org', code: 'Cel' },
});
/** Readings every 5 minutes from `start` for `minutes` (both ends included) at `celsius`. */
const series = (device: string, start: number, minutes: number, celsius: number): Json[] =>
  Array.from({ length: minutes / 5 + 1 }, (_, i) => reading(device, start + i * 5 * MIN, celsius));
async function postReadings(readings: Json[]): Promise<void> {
  const r = await post('', { resourceType: 'Bundle', type: 'batch', entry: readings.map((resource) => ({ request: { method: 'POST', url: 'Observation' }, resource })) });
  if (r.status !== 200 || r.json.entry.some((e: Json) => !e.response.status.startsWith('201'))) throw new Error(r.text);
}
const excursions = async (device: string, kind?: string): Promise<Json[]> =>
  ((await ok(get(`DetectedIssue?implicated=${device}${kind ? `&code=${CS}py-cadena-frio|${kind}` : ''}&_count=100`))).entry ?? []).map((e: Json) => e.resource);
async function quarantined(store: string): Promise<string[]> {
  const out = await ok(get(`${store}/$stock-on-hand`));
  return (out.parameter ?? []).filter((p: Json) => p.part.some((x: Json) => x.name === 'quarantine')).map((p: Json) => p.part.find((x: Json) => x.name === 'item').valueCoding.code);
}

async function fridgeWithVaccines(name: string): Promise<{ store: string; fridge: string }> {
  const store = `Location/${(await ok(post('Location', { resourceType: 'Location', name: `Vacunatorio ${name}` }))).id}`;
  const fridge = `Device/${(await ok(post('Device', { resourceType: 'Device', deviceName: [{ name: `Heladera ${name}`, type: 'user-friendly-name' }], location: { reference: store } }))).id}`;
  for (const [item, lot] of [[PENTA, 'P1'], [BCG, 'B1']]) {
    await ok(post('SupplyDelivery', {
      resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: new Date().toISOString(), destination: { reference: store },
      suppliedItem: { itemCodeableConcept: concept(item), quantity: { value: 100 }, extension: [{ url: `${SD}py-lote`, extension: [{ url: 'numero', valueString: lot }, { url: 'vencimiento', valueDate: '2028-12-31' }] }] },
    }));
  }
  return { store, fridge };
}

test('freezing at its boundary, once however the readings arrive; quarantine of the freeze-sensitive lots until released; delivered by a subscription', async () => {
  const { store, fridge } = await fridgeWithVaccines('USF San Pedro');
  receiver = await startReceiver();
  const sub = await ok(post('Subscription', {
    resourceType: 'Subscription', status: 'requested', reason: 'excursiones', criteria: `DetectedIssue?code=${CS}py-cadena-frio|congelamiento`,
    channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' },
  }));
  await waitFor(async () => (await ok(get(`Subscription/${sub.id}`))).status === 'active', 15_000, 'subscription active');
  const t0 = Date.parse('2026-11-01T03:00:00Z');
  // 55 minutes at −0.5 °C, then −0.4 °C: no freezing alarm (that run is shorter than 60 minutes), but an hour below 2 °C
  await postReadings([...series(fridge, t0, 55, -0.5), reading(fridge, t0 + 60 * MIN, -0.4)]);
  expect(await excursions(fridge, 'congelamiento')).toEqual([]);
  expect((await excursions(fridge, 'fuera-de-rango')).map((d) => d.identifiedPeriod)).toEqual([{ start: new Date(t0).toISOString(), end: new Date(t0 + 60 * MIN).toISOString() }]);
  // a run of exactly 60 minutes at −0.5 °C, sent newest first in two batches: one alarm
  const t1 = t0 + 3 * 60 * MIN;
  const run = series(fridge, t1, 60, -0.5).reverse();
  await postReadings(run.slice(0, 6));
  expect(await excursions(fridge, 'congelamiento')).toEqual([]);
  await postReadings(run.slice(6));
  let found = await excursions(fridge, 'congelamiento');
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ status: 'final', severity: 'high', identifiedPeriod: { start: new Date(t1).toISOString(), end: new Date(t1 + 60 * MIN).toISOString() } });
  expect(found[0].implicated).toEqual([{ reference: fridge }, { reference: store }]);
  // late and repeated readings of the same excursion do not raise it again
  await postReadings([reading(fridge, t1 - 5 * MIN, -1.2), ...series(fridge, t1, 60, -0.6)]);
  found = await excursions(fridge, 'congelamiento');
  expect(found).toHaveLength(1);
  // the freeze-sensitive lot is in quarantine (since the first hour below 2 °C): not issued, not offered; the other is
  expect(await quarantined(store)).toEqual(['pentavalente']);
  const dispense = (item: string, lot: string): Json => ({
    resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: concept(item), quantity: { value: 1 }, location: { reference: store },
    whenHandedOver: new Date().toISOString(), extension: [{ url: `${SD}py-lote`, extension: [{ url: 'numero', valueString: lot }] }],
  });
  const cold = (await excursions(fridge, 'fuera-de-rango'))[0];
  expect(expectOutcome(await post('MedicationDispense', dispense(PENTA, 'P1')), 422).diagnostics).toContain(`in quarantine after the excursion DetectedIssue/${cold.id}`);
  expect((await post('MedicationDispense', dispense(BCG, 'B1'))).status).toBe(201);
  expect((await ok(get(`${store}/$fefo?item=${encodeURIComponent(PENTA)}&quantity=1`))).parameter.map((p: Json) => p.name)).toEqual(['shortfall']);
  // the subscription delivered the alarm
  await waitFor(() => receiver!.received.some((x) => x.json?.resourceType === 'DetectedIssue' || JSON.stringify(x.json ?? {}).includes(found[0].id)), 15_000, 'alarm delivered');
  // evaluated, released: the lot can be issued again
  await ok(request('PUT', url(`DetectedIssue/${cold.id}`), { ...cold, mitigation: [{ action: { coding: [{ system: `${CS}py-cadena-frio`, code: 'liberar-lotes' }] }, date: new Date().toISOString() }] }));
  expect(await quarantined(store)).toEqual([]);
  expect((await post('MedicationDispense', dispense(PENTA, 'P1'))).status).toBe(201);
});

test('heat: 45 °C for 60 minutes (not 44.9); above 8 °C for 10 hours in all (not 8.0), counted once across runs sent out of order', async () => {
  const { store, fridge } = await fridgeWithVaccines('Hospital de Fuerte Olimpo');
  const t0 = Date.parse('2026-11-02T03:00:00Z');
  await postReadings([...series(fridge, t0, 60, 44.9), reading(fridge, t0 + 65 * MIN, 5)]);
  expect(await excursions(fridge, 'calor-agudo')).toEqual([]);
  await postReadings([...series(fridge, t0 + 120 * MIN, 60, 45), reading(fridge, t0 + 185 * MIN, 5)]);
  expect(await excursions(fridge, 'calor-agudo')).toHaveLength(1);
  // both heat runs count towards the 10 hours in all (2 h at > 8 °C so far); 8.0 °C does not
  const t1 = t0 + 12 * 60 * MIN;
  await postReadings([...series(fridge, t1, 240, 8), reading(fridge, t1 + 245 * MIN, 5)]);
  expect(await excursions(fridge, 'calor-acumulado')).toEqual([]);
  // 4 h 5 min at 9 °C (6 h 5 min in all), then 4 h earlier that arrive late, newest first (a batch: one reading at a
  // time): the alarm comes with the reading that completes 10 h — then 2 h + 3 h 55 min + 4 h 5 min, up to t3 + 245 min
  const t2 = t1 + 6 * 60 * MIN;
  const t3 = t2 + 8 * 60 * MIN;
  await postReadings([reading(fridge, t3 - 5 * MIN, 5), ...series(fridge, t3, 245, 9), reading(fridge, t3 + 250 * MIN, 5)]);
  expect(await excursions(fridge, 'calor-acumulado')).toEqual([]);
  await postReadings([...series(fridge, t2, 240, 9).reverse(), reading(fridge, t2 + 245 * MIN, 5)]);
  let heat = await excursions(fridge, 'calor-acumulado');
  expect(heat.map((d) => d.identifiedPeriod.end)).toEqual([new Date(t3 + 245 * MIN).toISOString()]);
  // the same readings again, and a late one in between: counted once
  await postReadings([...series(fridge, t2, 240, 9), reading(fridge, t2 + 2 * MIN, 9)]);
  heat = await excursions(fridge, 'calor-acumulado');
  expect(heat).toHaveLength(1);
  // every vaccine lot is in quarantine after a heat alarm
  expect((await quarantined(store)).sort()).toEqual(['bcg', 'pentavalente']);
  // out of range for an hour or more: its own alarms (the 45 °C runs, the 9 °C runs)
  expect((await excursions(fridge, 'fuera-de-rango')).length).toBeGreaterThanOrEqual(2);
});

test('a reading that cannot be read is a 422 naming what is missing; nothing is stored', async () => {
  const { fridge } = await fridgeWithVaccines('Puesto Bahía Negra');
  const before = (await ok(get('Observation?_summary=count'))).total;
  const noDevice = await post('Observation', { ...reading(fridge, Date.now(), 4), subject: undefined });
  expect(expectOutcome(noDevice, 422).diagnostics).toContain('without its Device');
  const fahrenheit = await post('Observation', { ...reading(fridge, Date.now(), 40), valueQuantity: { value: 40, system: 'http://unitsofmeasure.org', code: '[degF]', unit: '°F' } });
  expect(expectOutcome(fahrenheit, 422).diagnostics).toContain('not in degrees Celsius');
  expect((await ok(get('Observation?_summary=count'))).total).toBe(before);
});

test('Observation/$ingest-readings: a logger\'s batch in one transaction, the same answer and excursions as POST [base]; a bad reading anywhere is a 422 naming its entry and stores nothing', async () => {
  const { store, fridge } = await fridgeWithVaccines('Puesto Fuerte Olimpo');
  const ingest = (entries: Json[], type = 'transaction'): Promise<Reply> =>
    post('Observation/$ingest-readings', { resourceType: 'Bundle', type, entry: entries.map((resource) => ({ request: { method: 'POST', url: 'Observation' }, resource })) });
  const count = async (): Promise<number> => (await ok(get(`Observation?subject=${fridge}&_summary=count`))).total;
  // 70 minutes at −1 °C (15 readings), with one reading in another form (a note: validated in full) in the middle
  const start = Date.now() - 3 * 3600_000;
  const cold = series(fridge, start, 70, -1);
  cold[7] = { ...cold[7], note: [{ text: 'puerta abierta' }] };
  const r = await ingest(cold);
  expect(r.status).toBe(200);
  expect(r.json.type).toBe('transaction-response');
  expect(r.json.entry).toHaveLength(15);
  for (const e of r.json.entry) expect(e.response.status).toBe('201 Created');
  const stored = await ok(get(r.json.entry[3].response.location));
  expect(stored.valueQuantity.value).toBe(-1);
  expect(stored.effectiveDateTime).toBe(cold[3].effectiveDateTime);
  expect(await count()).toBe(15);
  // found by its search parameters like any Observation, and the excursion is there
  const found = await ok(get(`Observation?subject=${fridge}&date=${encodeURIComponent(cold[3].effectiveDateTime)}&value-quantity=lt0`));
  expect(found.entry.map((e: Json) => e.resource.id)).toEqual([stored.id]);
  expect((await excursions(fridge, 'congelamiento')).length).toBe(1);
  expect(await quarantined(store)).toEqual(['pentavalente']);

  // One bad reading among plain ones — each of the checked parts in turn — refuses the whole batch.
  const later = start + 3600_000 * 24;
  // (what, how, what the OperationOutcome names: the entry, or the reference for a missing Device, as a transaction does)
  const bad: [string, (x: Json) => Json, string][] = [
    ['a time without its zone', (x) => ({ ...x, effectiveDateTime: x.effectiveDateTime.replace('Z', '') }), 'no time zone'],
    ['a day that does not exist', (x) => ({ ...x, effectiveDateTime: '2026-02-30T10:00:00Z' }), 'entry[3]'],
    ['a status outside its value set', (x) => ({ ...x, status: 'finished' }), 'entry[3]'],
    ['a value that is not a number', (x) => ({ ...x, valueQuantity: { ...x.valueQuantity, value: '4' } }), 'entry[3]'],
    ['a Device that does not exist', (x) => ({ ...x, subject: { reference: 'Device/no-such-fridge' } }), 'Device/no-such-fridge'],
  ];
  for (const [what, spoil, named] of bad) {
    const batch = series(fridge, later, 20, 4);
    batch[3] = spoil(batch[3]);
    const res = await ingest(batch);
    expect({ what, status: res.status >= 400 && res.status < 500 }).toEqual({ what, status: true });
    expect(res.json.resourceType).toBe('OperationOutcome');
    expect({ what, named: JSON.stringify(res.json).includes(named) }).toEqual({ what, named: true });
    expect(await count()).toBe(15);
  }
  // anything but Observations to create is a 400
  const notReadings = await post('Observation/$ingest-readings', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'PUT', url: 'Observation/x' }, resource: reading(fridge, later, 4) }] });
  expectOutcome(notReadings, 400);
  expectOutcome(await post('Observation/$ingest-readings', { resourceType: 'Bundle', type: 'searchset' }), 400);
  expect(await count()).toBe(15);
  // a batch body works too, and a collection
  expect((await ingest(series(fridge, later, 5, 4), 'batch')).status).toBe(200);
  expect((await ingest(series(fridge, later + 3600_000, 5, 4), 'collection')).status).toBe(200);
  expect(await count()).toBe(19);
});
