import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Demand forecasting over HTTP (Location/$forecast): the monthly consumption of an item from the ledger —
 * dispenses and `consumo` adjustments only, by calendar month in Paraguay (UTC−03:00), to the last complete
 * month — forecast by Croston-SBA for an intermittent series (checked against numbers worked out by hand), by
 * the seasonal method for a series with a winter peak; several stores summed at type level; intervals ordered
 * and never below 0; bad input, a hidden or unknown store and too short a history answered with
 * OperationOutcomes.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const AMOX = `${CS}py-medicamento-esencial|amoxicilina-500-cap`;
const ITEM = encodeURIComponent(AMOX);
const concept = { coding: [{ system: `${CS}py-medicamento-esencial`, code: 'amoxicilina-500-cap' }] };

let server: TestServer;
const tokens = new Map<string, string>();
const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who)!));
const get = (path: string, who = 'admin'): Promise<Reply> => as(who, 'GET', path);

/** Months in Paraguay: L is the last complete month (the one before now's month at UTC−03:00). */
const PY = -3 * 3_600_000;
const nowPy = new Date(Date.now() + PY);
const L = nowPy.getUTCFullYear() * 12 + nowPy.getUTCMonth() - 1;
const ym = (m: number): string => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
/** Day `d` of month `m` at `time` in Paraguay. */
const at = (m: number, d: number, time = '10:00:00'): string => `${ym(m)}-${String(d).padStart(2, '0')}T${time}-03:00`;

const receipt = (store: string, qty: number, when: string, from?: string): Json => ({
  resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: when, destination: { reference: `Location/${store}` },
  suppliedItem: { itemCodeableConcept: concept, quantity: { value: qty } },
  ...(from ? { extension: [{ url: `${SD}py-origen`, valueReference: { reference: `Location/${from}` } }] } : {}),
});
const dispense = (store: string, qty: number, when: string): Json => ({
  resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: concept, quantity: { value: qty }, location: { reference: `Location/${store}` }, whenHandedOver: when,
});
const movement = (store: string, qty: number, reason: string, when: string): Json => ({
  resourceType: 'Basic',
  code: { coding: [{ system: `${CS}py-tipo-movimiento-stock`, code: 'ajuste' }] },
  extension: [{
    url: `${SD}py-movimiento-stock`,
    extension: [
      { url: 'ubicacion', valueReference: { reference: `Location/${store}` } },
      { url: 'articulo', valueCodeableConcept: concept },
      { url: 'cantidad', valueDecimal: qty },
      { url: 'motivo', valueCoding: { system: `${CS}py-motivo-movimiento-stock`, code: reason } },
      { url: 'fecha', valueDateTime: when },
    ],
  }],
});

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  tokens.set('admin', adminToken);
  const c = await newClient('hospital');
  await register(server.base, adminToken, c, 'system/*.cruds', { facility: 'hospital' });
  tokens.set('hospital', await getToken(server.base, c));
  const entries: Json[] = [
    { resourceType: 'Organization', id: 'hospital', name: 'Hospital Distrital de Horqueta' },
    { resourceType: 'Organization', id: 'other', name: 'Otro hospital' },
    ...['a', 'b', 'c'].map((x) => ({ resourceType: 'Location', id: `store-${x}`, name: `Farmacia ${x}`, managingOrganization: { reference: 'Organization/hospital' } })),
    { resourceType: 'Location', id: 'store-hidden', name: 'Depósito ajeno', managingOrganization: { reference: 'Organization/other' } },
  ].map((r) => ({ request: { method: 'PUT', url: `${r.resourceType}/${r.id}` }, resource: r }));
  // Store a, months L−5 … L: 4, 0, 0, 6, 0, 5 — 6 in L−2 is a dispense of 4 plus a `consumo` of 2; 5 in L is 3
  // on the 15th plus 2 handed over on the 1st of the next month at 02:00 UTC (23:00 of L's last day in
  // Paraguay). Not consumption: the receipt, a loss of 30 (L−4), a transfer of 50 to store b (L−3), and a
  // dispense of 7 now (the current month is not complete).
  // Store b: a receipt in L−5 and 2 dispensed in L−4.
  // Store c: 36 months L−35 … L of 40 + (k mod 3), plus 60 in June, July and August (Paraguay's winter).
  const posts: Json[] = [
    receipt('store-a', 1000, at(L - 5, 1)), receipt('store-b', 1000, at(L - 5, 1)), receipt('store-c', 100000, at(L - 35, 1)),
    dispense('store-a', 4, at(L - 5, 15)),
    movement('store-a', 30, 'perdida', at(L - 4, 10)),
    receipt('store-b', 50, at(L - 3, 10), 'store-a'),
    dispense('store-a', 4, at(L - 2, 15)), movement('store-a', 2, 'consumo', at(L - 2, 20)),
    dispense('store-a', 3, at(L, 15)), dispense('store-a', 2, `${ym(L + 1)}-01T02:00:00Z`),
    dispense('store-a', 7, new Date().toISOString()),
    dispense('store-b', 2, at(L - 4, 15)),
    ...Array.from({ length: 36 }, (_, k) => {
      const m = L - 35 + k;
      return dispense('store-c', 40 + (k % 3) + ([5, 6, 7].includes(m % 12) ? 60 : 0), at(m, 12));
    }),
  ];
  entries.push(...posts.map((r) => ({ request: { method: 'POST', url: r.resourceType }, resource: r })));
  const tx = await as('admin', 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry: entries });
  if (tx.status !== 200) throw new Error(tx.text);
});
afterAll(async () => {
  await server?.stop();
});

const value = (out: Json, name: string): Json => {
  const p = out.parameter.find((x: Json) => x.name === name);
  return p?.valueDecimal ?? p?.valueCode ?? p?.valueString ?? p?.valueInteger;
};
const months = (out: Json): Json[] =>
  out.parameter.filter((p: Json) => p.name === 'forecast').map((p: Json) => Object.fromEntries(p.part.map((x: Json) => [x.name, x.valueDecimal ?? x.valueString])));
function ordered(out: Json): void {
  for (const f of months(out)) {
    expect(f.lo95).toBeGreaterThanOrEqual(0);
    expect(f.lo95).toBeLessThanOrEqual(f.lo80);
    expect(f.lo80).toBeLessThanOrEqual(f.value);
    expect(f.value).toBeLessThanOrEqual(f.hi80);
    expect(f.hi80).toBeLessThanOrEqual(f.hi95);
  }
}
async function ok(path: string, who = 'admin'): Promise<Json> {
  const r = await get(path, who);
  if (r.status !== 200) throw new Error(`${r.status} ${r.text}`);
  return r.json;
}

test('an intermittent series: Croston-SBA as worked out by hand, its class, MASE and intervals; consumption only, by month in Paraguay', async () => {
  const out = await ok(`Location/store-a/$forecast?item=${ITEM}&horizon=3`);
  // y = 4, 0, 0, 6, 0, 5 (6 months). ADI = 6 / 3 = 2 ≥ 1.32; sizes 4, 6, 5: mean 5, variance (1 + 1 + 0) / 3,
  // CV² = (2/3) / 25 = 0.026667 < 0.49 → intermittent → Croston-SBA, α = 0.1.
  expect(value(out, 'class')).toBe('intermittent');
  expect(value(out, 'method')).toBe('croston-sba');
  expect(value(out, 'adi')).toBe(2);
  expect(value(out, 'cv2')).toBeCloseTo(0.026667, 4);
  // Sizes z: 4 → 4 + 0.1·(6 − 4) = 4.2 → 4.2 + 0.1·(5 − 4.2) = 4.28. Intervals p (months since the previous
  // demand, the first from the start): 1, 3, 2: 1 → 1 + 0.1·(3 − 1) = 1.2 → 1.2 + 0.1·(2 − 1.2) = 1.28.
  // Forecast (1 − 0.1/2)·4.28/1.28 = 0.95 · 3.34375 = 3.1765625 for every month.
  const f = months(out);
  expect(f.map((x) => x.month)).toEqual([ym(L + 1), ym(L + 2), ym(L + 3)]);
  for (const x of f) expect(x.value).toBeCloseTo(3.1765625, 3);
  // One-step forecasts (from the months before only): 0.95·4/1 = 3.8 for months 2–4, 0.95·4.2/1.2 = 3.325 for
  // months 5–6. Errors y − f: −3.8, −3.8, 2.2, −3.325, 1.675; mean |e| = 14.8 / 5 = 2.96. Naive one-step MAE:
  // (|0 − 4| + |0 − 0| + |6 − 0| + |0 − 6| + |5 − 0|) / 5 = 21 / 5 = 4.2. MASE = 2.96 / 4.2 = 0.704762.
  expect(value(out, 'mase')).toBeCloseTo(0.704762, 3);
  // 80 %: the 10 % and 90 % quantiles of the sorted errors −3.8, −3.8, −3.325, 1.675, 2.2 (linear): −3.8 and
  // 1.675 + 0.6·(2.2 − 1.675) = 1.99 → month 1: [max(0, 3.1766 − 3.8), 3.1766 + 1.99] = [0, 5.1666].
  expect(f[0].lo80).toBe(0);
  expect(f[0].hi80).toBeCloseTo(5.1665625, 3);
  // 95 %: 97.5 % quantile 1.675 + 0.9·0.525 = 2.1475 → 5.3241; wider further out (×√(1 + (h − 1)·0.01)).
  expect(f[0].hi95).toBeCloseTo(5.3240625, 3);
  expect(f[2].hi80).toBeGreaterThan(f[0].hi80);
  ordered(out);
  const history = out.parameter.find((p: Json) => p.name === 'history').part;
  expect(history.map((p: Json) => p.valueString ?? p.valueInteger)).toEqual([ym(L - 5), ym(L), 6, 3]);
  // POST with a Parameters body, and the same through the facility's own client
  const posted = await as('hospital', 'POST', 'Location/store-a/$forecast', { resourceType: 'Parameters', parameter: [{ name: 'item', valueString: AMOX }, { name: 'horizon', valueInteger: 1 }] });
  expect(posted.status).toBe(200);
  expect(months(posted.json)[0].value).toBeCloseTo(3.1765625, 3);
});

test('several stores summed at type level; a method asked for; SES on request', async () => {
  // a + b = 4, 2, 0, 6, 0, 5: ADI 6/4 = 1.5; sizes 4, 2, 6, 5 (mean 4.25, variance 8.75/4 = 2.1875), CV² =
  // 2.1875 / 18.0625 = 0.121107 → intermittent. z: 4 → 3.8 → 3.8 + 0.1·2.2 = 4.02 → 4.02 + 0.1·0.98 = 4.118;
  // p (intervals 1, 1, 2, 2): 1 → 1 → 1.1 → 1.19. Forecast 0.95 · 4.118 / 1.19 = 3.287479.
  const sum = await ok(`Location/$forecast?item=${ITEM}&location=store-a,Location/store-b&horizon=2`);
  expect(value(sum, 'class')).toBe('intermittent');
  expect(value(sum, 'adi')).toBe(1.5);
  expect(value(sum, 'cv2')).toBeCloseTo(0.121107, 4);
  expect(months(sum)[0].value).toBeCloseTo(3.287479, 3);
  ordered(sum);
  const s = await ok(`Location/store-a/$forecast?item=${ITEM}&method=ses&horizon=1`);
  expect(value(s, 'method')).toBe('ses');
  expect(value(s, 'class')).toBe('intermittent');
  ordered(s);
});

test('a series with a winter peak every year picks the seasonal method and forecasts the peak', async () => {
  const out = await ok(`Location/store-c/$forecast?item=${ITEM}&horizon=12`);
  expect(value(out, 'method')).toBe('seasonal');
  // level = mean of the last 12 months; each month adds its mean deviation over the 3 years: June–August ≈ +45,
  // the other months ≈ −15, so ≈ 101–102 in winter and ≈ 41 otherwise.
  for (const f of months(out)) {
    const winter = ['06', '07', '08'].includes(f.month.slice(5));
    if (winter) expect(f.value).toBeGreaterThan(95);
    else expect(f.value).toBeLessThan(50);
  }
  ordered(out);
  // the same series without its first year: still two seasons
  expect(value(await ok(`Location/store-c/$forecast?item=${ITEM}&history=24`), 'method')).toBe('seasonal');
});

test('bad input, a hidden or unknown store and too short a history are OperationOutcomes', async () => {
  for (const [path, status, text, who] of [
    ['Location/store-a/$forecast', 400, 'item'],
    [`Location/store-a/$forecast?item=nocode`, 400, 'nocode'],
    [`Location/store-a/$forecast?item=${ITEM}&horizon=0`, 400, 'horizon'],
    [`Location/store-a/$forecast?item=${ITEM}&horizon=25`, 400, '25'],
    [`Location/store-a/$forecast?item=${ITEM}&method=arima`, 400, 'arima'],
    [`Location/store-a/$forecast?item=${ITEM}&history=121`, 400, '121'],
    [`Location/no-such-store/$forecast?item=${ITEM}`, 404, 'Location/no-such-store'],
    [`Location/$forecast?item=${ITEM}&location=store-a,no-such-store`, 404, 'Location/no-such-store'],
    [`Location/store-hidden/$forecast?item=${ITEM}`, 404, 'Location/store-hidden', 'hospital'],
    [`Location/$forecast?item=${ITEM}&location=store-a,store-hidden`, 404, 'Location/store-hidden', 'hospital'],
    // the last 3 months of store a: 6, 0, 5 — two months with consumption
    [`Location/store-a/$forecast?item=${ITEM}&history=3`, 422, 'Too short a history'],
    [`Location/store-a/$forecast?item=${ITEM}&method=seasonal`, 422, 'at least 24 months'],
    [`Location/store-hidden/$forecast?item=${ITEM}`, 422, '0 month(s) with consumption'],
  ] as [string, number, string, string?][]) {
    expect(expectOutcome(await get(path, who), status).diagnostics).toContain(text);
  }
});
