import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Supply KPIs over HTTP: a known set of movements at three stores of two facilities in April 2025 (Paraguay
 * time) gives the stockout rate, months of stock, wastage rate and inventory turnover computed by hand, per store,
 * organization and region and in total, through Location/$supply-kpis and as MeasureReports of the guide's four
 * supply Measures (Measure/$evaluate-measure); a facility-bound client sees only its stores, a patient-context
 * client nothing; bad input is a 400.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const MEASURE = 'https://fhir.mspbs.gov.py/Measure/';
const AMOX = `${CS}py-medicamento-esencial|amoxicilina-500-cap`;
const SRO = `${CS}py-medicamento-esencial|sales-rehidratacion-oral`;
/** April 2025: 30 days, one calendar month. */
const APRIL = 'periodStart=2025-04-01&periodEnd=2025-04-30';

let server: TestServer;
const tokens = new Map<string, string>();
beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  const adminToken = await getToken(server.base, admin);
  tokens.set('admin', adminToken);
  for (const [id, scopes, extra] of [
    ['orgB', 'system/*.rs', { facility: 'kpi-org-b' }],
    ['patientOnly', 'patient/*.rs', {}],
  ] as const) {
    const c = await newClient(`kpi-${id}`);
    await register(server.base, adminToken, c, scopes, extra);
    tokens.set(id, await getToken(server.base, c));
  }
});
afterAll(async () => {
  await server?.stop();
});

const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who)!));
const adm = (method: string, path: string, body?: unknown): Promise<Reply> => as('admin', method, path, body);
async function ok(r: Promise<Reply>): Promise<Json> {
  const res = await r;
  if (res.status !== 200 && res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  return res.json;
}
const region = (code: string): Json => ({ url: `${SD}py-region-sanitaria`, valueCoding: { system: `${CS}py-region-sanitaria`, code } });
const concept = (item: string): Json => ({ coding: [{ system: item.split('|')[0], code: item.split('|')[1] }] });
/** A Paraguay date and hour as a dateTime with its offset. */
const py = (date: string, hour = 12): string => `${date}T${String(hour).padStart(2, '0')}:00:00-03:00`;
const receipt = (store: string, item: string, qty: number, when: string): Json => ({
  resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: when, destination: { reference: `Location/${store}` },
  suppliedItem: { itemCodeableConcept: concept(item), quantity: { value: qty } },
});
const dispense = (store: string, item: string, qty: number, when: string): Json => ({
  resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: concept(item), quantity: { value: qty },
  location: { reference: `Location/${store}` }, whenHandedOver: when,
});
const adjustment = (store: string, item: string, qty: number, reason: string, when: string): Json => ({
  resourceType: 'Basic',
  code: { coding: [{ system: `${CS}py-tipo-movimiento-stock`, code: 'ajuste' }] },
  extension: [{
    url: `${SD}py-movimiento-stock`,
    extension: [
      { url: 'ubicacion', valueReference: { reference: `Location/${store}` } },
      { url: 'articulo', valueCodeableConcept: concept(item) },
      { url: 'cantidad', valueDecimal: qty },
      { url: 'motivo', valueCoding: { system: `${CS}py-motivo-movimiento-stock`, code: reason } },
      { url: 'fecha', valueDateTime: when },
    ],
  }],
});
/** The movements in time order, in one transaction Bundle. */
const movements = async (...resources: Json[]): Promise<void> => {
  await ok(adm('POST', '', { resourceType: 'Bundle', type: 'transaction', entry: resources.map((resource) => ({ request: { method: 'POST', url: resource.resourceType }, resource })) }));
};

/** Parts as a plain object: name → value. */
function parts(list: Json[]): Json {
  const out: Json = {};
  for (const x of list) out[x.name] = x.valueDecimal ?? x.valueInteger ?? x.valueReference?.reference ?? x.valueCoding?.code;
  return out;
}
const total = (out: Json): Json => parts(out.parameter.find((p: Json) => p.name === 'total').part);
const groups = (out: Json): Json[] => out.parameter.filter((p: Json) => p.name === 'group').map((g: Json) => parts(g.part));
const population = (r: Json, code: string): number => r.group[0].population.find((p: Json) => p.code.coding[0].code === code).count;

beforeAll(async () => {
  const put = (r: Json): Promise<Json> => ok(adm('PUT', `${r.resourceType}/${r.id}`, r));
  await put({ resourceType: 'Organization', id: 'kpi-org-a', name: 'USF Fuerte Olimpo', extension: [region('1')] });
  await put({ resourceType: 'Organization', id: 'kpi-org-b', name: 'Hospital Distrital de Bahía Negra' });
  await put({ resourceType: 'Location', id: 'kpi-a1', name: 'Farmacia USF Fuerte Olimpo', managingOrganization: { reference: 'Organization/kpi-org-a' } });
  await put({ resourceType: 'Location', id: 'kpi-a2', name: 'Botiquín USF Fuerte Olimpo', managingOrganization: { reference: 'Organization/kpi-org-a' } });
  // B1's region is its own (its Organization has none)
  await put({ resourceType: 'Location', id: 'kpi-b1', name: 'Farmacia Hospital Bahía Negra', managingOrganization: { reference: 'Organization/kpi-org-b' }, extension: [region('2')] });

  // A1, amoxicilina. Opening 100 (received in March). End-of-day balances over April's days 1–30:
  //   Apr 1–4 100 (4 days), Apr 5–9 40 (5), Apr 10–15 0 (6: on the 12th 10 arrive at 10:00 and leave at 15:00,
  //   so that day still ends at 0), Apr 16–19 90 (4), Apr 20–24 80 (5), Apr 25–30 60 (6).
  //   storeItemDays 30, at zero 6; Σ stock = 4×100 + 5×40 + 4×90 + 5×80 + 6×60 = 400 + 200 + 360 + 400 + 360 = 1720;
  //   consumption 60 + 40 + 10 + 20 = 130; written off 10 (expiry); at the end 60.
  await movements(
    receipt('kpi-a1', AMOX, 100, py('2025-03-20')),
    dispense('kpi-a1', AMOX, 60, py('2025-04-05')),
    dispense('kpi-a1', AMOX, 40, py('2025-04-10')),
    receipt('kpi-a1', AMOX, 10, py('2025-04-12', 10)),
    dispense('kpi-a1', AMOX, 10, py('2025-04-12', 15)),
    receipt('kpi-a1', AMOX, 90, py('2025-04-16')),
    adjustment('kpi-a1', AMOX, 10, 'vencimiento', py('2025-04-20')),
    dispense('kpi-a1', AMOX, 20, py('2025-04-25')),
  );
  // A1, sales de rehidratación: first movement on Apr 21, so it counts 10 days (Apr 21–30): 50 on the 21st and
  //   22nd, 0 from the 23rd (8 days at zero). Σ stock 2 × 50 = 100; consumption 50; at the end 0.
  await movements(receipt('kpi-a1', SRO, 50, py('2025-04-21')), dispense('kpi-a1', SRO, 50, py('2025-04-23')));
  // A2, amoxicilina: at 0 since February; 20 arrive on Apr 28. 30 days, 27 at zero (Apr 1–27); Σ stock 3 × 20 = 60;
  //   no consumption; at the end 20. A dispense in May is after the period.
  await movements(
    receipt('kpi-a2', AMOX, 30, py('2025-01-10')),
    dispense('kpi-a2', AMOX, 30, py('2025-02-10')),
    receipt('kpi-a2', AMOX, 20, py('2025-04-28')),
    dispense('kpi-a2', AMOX, 5, py('2025-05-05')),
  );
  // B1, amoxicilina: 200 from March; on Apr 15, 20 damaged and 30 dispensed → 150; on Apr 30 at 23:00 in Paraguay
  //   (May 1, 02:00 UTC: still April here) 50 dispensed → 100; on May 1 at 01:00 (after the period) 10 more.
  //   30 days, none at zero; Σ stock = 14×200 + 15×150 + 1×100 = 2800 + 2250 + 100 = 5150; consumption 30 + 50 = 80;
  //   written off 20 (damage); at the end 100.
  await movements(
    receipt('kpi-b1', AMOX, 200, py('2025-03-01')),
    adjustment('kpi-b1', AMOX, 20, 'dano', py('2025-04-15', 9)),
    dispense('kpi-b1', AMOX, 30, py('2025-04-15', 11)),
    dispense('kpi-b1', AMOX, 50, py('2025-04-30', 23)),
    dispense('kpi-b1', AMOX, 10, py('2025-05-01', 1)),
  );
});

test('in total and per store: the stockout rate, months of stock, wastage and turnover computed by hand', async () => {
  const out = await ok(adm('GET', `Location/$supply-kpis?${APRIL}`));
  expect(out.parameter.find((p: Json) => p.name === 'period').valuePeriod).toEqual({ start: '2025-04-01T03:00:00.000Z', end: '2025-05-01T02:59:59.999Z' });
  expect(parts(out.parameter.filter((p: Json) => p.name === 'days' || p.name === 'months'))).toEqual({ days: 30, months: 1 });
  // Total: 4 store-item pairs. storeItemDays 30 + 10 + 30 + 30 = 100, at zero 6 + 8 + 27 + 0 = 41 → 0.41.
  // Consumption 130 + 50 + 0 + 80 = 260 over 1 month → AMC 260; at the end 60 + 0 + 20 + 100 = 180 → MOS 180 / 260 = 0.6923.
  // Written off 10 + 20 = 30 → wastage 30 / (30 + 260) = 0.103448. Σ stock 1720 + 100 + 60 + 5150 = 7030 → average
  // 7030 / 30 = 234.333 → turnover 260 / 234.333 = 1.1095.
  expect(total(out)).toEqual({
    stores: 3, storeItems: 4, storeItemDays: 100, stockoutDays: 41, stockoutRate: 0.41, consumption: 260, amc: 260, stockOnHand: 180,
    monthsOfStock: 0.69, writtenOff: 30, wastageRate: 0.1034, averageStock: 234.33, turnover: 1.11,
  });
  expect(groups(out)).toEqual([
    // A1: 40 days, 6 + 8 = 14 at zero → 0.35; consumption 180, at the end 60 → MOS 0.3333; wastage 10 / 190 = 0.0526;
    //     Σ stock 1820 → average 60.667 → turnover 180 / 60.667 = 2.967.
    { location: 'Location/kpi-a1', stores: 1, storeItems: 2, storeItemDays: 40, stockoutDays: 14, stockoutRate: 0.35, consumption: 180, amc: 180, stockOnHand: 60, monthsOfStock: 0.33, writtenOff: 10, wastageRate: 0.0526, averageStock: 60.67, turnover: 2.97 },
    // A2: 27 / 30 = 0.9; no consumption: no months of stock, no wastage rate (0 / 0); average 60 / 30 = 2 → turnover 0.
    { location: 'Location/kpi-a2', stores: 1, storeItems: 1, storeItemDays: 30, stockoutDays: 27, stockoutRate: 0.9, consumption: 0, amc: 0, stockOnHand: 20, writtenOff: 0, averageStock: 2, turnover: 0 },
    // B1: MOS 100 / 80 = 1.25; wastage 20 / 100 = 0.2; average 5150 / 30 = 171.667 → turnover 80 / 171.667 = 0.466.
    { location: 'Location/kpi-b1', stores: 1, storeItems: 1, storeItemDays: 30, stockoutDays: 0, stockoutRate: 0, consumption: 80, amc: 80, stockOnHand: 100, monthsOfStock: 1.25, writtenOff: 20, wastageRate: 0.2, averageStock: 171.67, turnover: 0.47 },
  ]);
});

test('per organization and per region, for some items, for part of a month, and for one store', async () => {
  // A (A1 + A2): 70 days, 41 at zero → 0.5857; MOS 80 / 180 = 0.444; wastage 10 / 190; Σ stock 1880 → 62.667 → 180 / 62.667 = 2.872.
  const byOrg = groups(await ok(adm('GET', `Location/$supply-kpis?${APRIL}&groupBy=organization`)));
  expect(byOrg.map((g) => [g.organization, g.storeItemDays, g.stockoutDays, g.stockoutRate, g.monthsOfStock, g.wastageRate, g.averageStock, g.turnover])).toEqual([
    ['Organization/kpi-org-a', 70, 41, 0.5857, 0.44, 0.0526, 62.67, 2.87],
    ['Organization/kpi-org-b', 30, 0, 0, 1.25, 0.2, 171.67, 0.47],
  ]);
  // Region 1 is A's (from its Organization), region 2 is B1's own.
  const byRegion = groups(await ok(adm('GET', `Location/$supply-kpis?${APRIL}&groupBy=region`)));
  expect(byRegion.map((g) => [g.region, g.stores, g.storeItemDays])).toEqual([['1', 2, 70], ['2', 1, 30]]);
  const region1 = await ok(adm('GET', `Location/$supply-kpis?${APRIL}&region=1&groupBy=none`));
  expect([total(region1).stores, total(region1).stockoutDays, groups(region1)]).toEqual([2, 41, []]);
  // Amoxicilina only: 90 days, 33 at zero → 0.3667; consumption 210, at the end 180 → MOS 0.857; wastage 30 / 240 = 0.125;
  // Σ stock 1720 + 60 + 5150 = 6930 → average 231 → turnover 210 / 231 = 0.909.
  const amox = await ok(adm('POST', 'Location/$supply-kpis', {
    resourceType: 'Parameters',
    parameter: [{ name: 'periodStart', valueDate: '2025-04-01' }, { name: 'periodEnd', valueDate: '2025-04-30' }, { name: 'item', valueString: AMOX }, { name: 'groupBy', valueCode: 'none' }],
  }));
  expect(total(amox)).toMatchObject({ storeItems: 3, storeItemDays: 90, stockoutDays: 33, stockoutRate: 0.3667, consumption: 210, monthsOfStock: 0.86, wastageRate: 0.125, averageStock: 231, turnover: 0.91 });
  // B1 over April 1–15: 15 days, half a month. Σ stock 14 × 200 + 150 = 2950 → average 196.667; consumption 30 → AMC
  // 30 / 0.5 = 60 → MOS 150 / 60 = 2.5; wastage 20 / 50 = 0.4; turnover 30 / 196.667 = 0.1525.
  const half = await ok(adm('GET', 'Location/kpi-b1/$supply-kpis?periodStart=2025-04-01&periodEnd=2025-04-15'));
  expect(parts(half.parameter.filter((p: Json) => p.name === 'days' || p.name === 'months'))).toEqual({ days: 15, months: 0.5 });
  expect(total(half)).toMatchObject({ stores: 1, storeItemDays: 15, stockoutDays: 0, consumption: 30, amc: 60, stockOnHand: 150, monthsOfStock: 2.5, wastageRate: 0.4, averageStock: 196.67, turnover: 0.15 });
  expect(groups(half).map((g) => g.location)).toEqual(['Location/kpi-b1']);
});

test('as MeasureReports of the guide\'s supply Measures, by canonical and by id', async () => {
  const evaluate = (path: string): Promise<Json> => ok(adm('GET', path));
  const stockout = await evaluate(`Measure/$evaluate-measure?measure=${MEASURE}py-suministro-quiebre-stock&${APRIL}`);
  expect(stockout).toMatchObject({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: `${MEASURE}py-suministro-quiebre-stock`, period: { start: '2025-04-01T03:00:00.000Z' } });
  expect([population(stockout, 'initial-population'), population(stockout, 'denominator'), population(stockout, 'numerator'), stockout.group[0].measureScore.value]).toEqual([100, 100, 41, 0.41]);
  const stockoutA = await evaluate(`Measure/py-suministro-quiebre-stock/$evaluate-measure?${APRIL}&reporter=Organization/kpi-org-a`);
  expect([stockoutA.reporter.reference, population(stockoutA, 'denominator'), population(stockoutA, 'numerator'), stockoutA.group[0].measureScore.value]).toEqual(['Organization/kpi-org-a', 70, 41, 0.5857]);
  // Months of stock: 4 pairs, 3 with stock at the end (not A1's rehydration salts), 3 consuming (not A2's); 180 / 260.
  const mos = await evaluate(`Measure/py-suministro-meses-stock/$evaluate-measure?${APRIL}`);
  expect([population(mos, 'initial-population'), population(mos, 'numerator'), population(mos, 'denominator'), mos.group[0].measureScore]).toEqual([4, 3, 3, { value: 0.69, unit: 'mo', system: 'http://unitsofmeasure.org', code: 'mo' }]);
  const mosAmox = await evaluate(`Measure/py-suministro-meses-stock/$evaluate-measure?${APRIL}&item=${encodeURIComponent(AMOX)}`);
  expect([population(mosAmox, 'initial-population'), population(mosAmox, 'denominator'), mosAmox.group[0].measureScore.value]).toEqual([3, 2, 0.86]);
  // Wastage: 30 written off of 290 units.
  const wastage = await evaluate(`Measure/$evaluate-measure?measure=${MEASURE}py-suministro-merma&${APRIL}`);
  expect([population(wastage, 'initial-population'), population(wastage, 'denominator'), population(wastage, 'numerator'), wastage.group[0].measureScore.value]).toEqual([290, 290, 30, 0.1034]);
  // Turnover: 4 pairs, 3 consuming, 4 with stock on some day; 260 / 234.333.
  const turnover = await evaluate(`Measure/py-suministro-rotacion/$evaluate-measure?${APRIL}`);
  expect([population(turnover, 'initial-population'), population(turnover, 'numerator'), population(turnover, 'denominator'), turnover.group[0].measureScore.value]).toEqual([4, 3, 4, 1.11]);
  // One store as the reporter; a region.
  const b1 = await evaluate(`Measure/py-suministro-rotacion/$evaluate-measure?${APRIL}&reporter=Location/kpi-b1`);
  expect([b1.reporter.reference, population(b1, 'initial-population'), b1.group[0].measureScore.value]).toEqual(['Location/kpi-b1', 1, 0.47]);
  const region2 = await evaluate(`Measure/py-suministro-merma/$evaluate-measure?${APRIL}&region=2`);
  expect([region2.reporter.identifier.value, population(region2, 'numerator'), region2.group[0].measureScore.value]).toEqual(['2', 20, 0.2]);
  // the referral Measures still answer through the same operation; the report is a valid MeasureReport to store
  const referrals = await evaluate(`Measure/py-derivacion-completada/$evaluate-measure?${APRIL}`);
  expect(population(referrals, 'initial-population')).toBe(0);
  expect((await adm('POST', 'MeasureReport', stockout)).status).toBe(201);
});

test('a facility-bound client sees only its stores; a patient-context client none', async () => {
  const own = await ok(as('orgB', 'GET', `Location/$supply-kpis?${APRIL}`));
  expect([total(own).stores, total(own).storeItemDays, groups(own).map((g) => g.location)]).toEqual([1, 30, ['Location/kpi-b1']]);
  expectOutcome(await as('orgB', 'GET', `Location/kpi-a1/$supply-kpis?${APRIL}`), 404);
  // another facility's stores are none of its own: nothing to count
  expect(total(await ok(as('orgB', 'GET', `Location/$supply-kpis?${APRIL}&organization=Organization/kpi-org-a`)))).toMatchObject({ stores: 0, storeItemDays: 0 });
  const measure = await ok(as('orgB', 'GET', `Measure/py-suministro-quiebre-stock/$evaluate-measure?${APRIL}`));
  expect([population(measure, 'initial-population'), population(measure, 'numerator')]).toEqual([30, 0]);
  expectOutcome(await as('patientOnly', 'GET', `Location/$supply-kpis?${APRIL}`), 403);
  expectOutcome(await as('patientOnly', 'GET', `Measure/py-suministro-merma/$evaluate-measure?${APRIL}`), 403);
});

test('bad input is a 400 naming the parameter', async () => {
  const cases: [string, number, string][] = [
    ['Location/$supply-kpis?periodEnd=2025-04-30', 400, 'periodStart'],
    ['Location/$supply-kpis?periodStart=2025-04-01', 400, 'periodEnd'],
    ['Location/$supply-kpis?periodStart=2025-04-30&periodEnd=2025-04-01', 400, 'before it starts'],
    ['Location/$supply-kpis?periodStart=2023-01-01&periodEnd=2025-04-30', 400, '731 days'],
    ['Location/$supply-kpis?periodStart=2025-02-30&periodEnd=2025-04-30', 400, '2025-02-30'],
    ['Location/$supply-kpis?periodStart=2025-04-01T00:00:00Z&periodEnd=2025-04-30', 400, 'a date'],
    [`Location/$supply-kpis?${APRIL}&item=amoxicilina`, 400, 'amoxicilina'],
    [`Location/$supply-kpis?${APRIL}&groupBy=item`, 400, 'groupBy'],
    [`Location/$supply-kpis?${APRIL}&region=${'9'.repeat(20)}`, 400, 'region'],
    [`Location/nowhere/$supply-kpis?${APRIL}`, 404, 'Location/nowhere'],
    [`Measure/py-suministro-merma/$evaluate-measure?periodStart=2025-04-01T00:00:00Z&periodEnd=2025-04-30`, 400, 'a date'],
    [`Measure/py-suministro-merma/$evaluate-measure?periodStart=2023-01-01&periodEnd=2025-04-30`, 400, '731 days'],
    [`Measure/py-suministro-merma/$evaluate-measure?${APRIL}&reporter=Patient/x`, 400, 'Patient/x'],
    [`Measure/py-suministro-merma/$evaluate-measure?${APRIL}&item=nada`, 400, 'nada'],
    [`Measure/py-suministro-merma/$evaluate-measure?${APRIL}&reportType=subject`, 400, 'subject'],
  ];
  for (const [path, status, text] of cases) expect([path, expectOutcome(await adm('GET', path), status).diagnostics]).toEqual([path, expect.stringContaining(text)]);
});
