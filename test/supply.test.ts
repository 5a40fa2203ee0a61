import { request, type Reply } from './helpers/http.js';
import { backend, spawnServer, startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';

/**
 * The stock ledger over HTTP: receipts, transfers, dispenses, adjustments and counts move stock on hand per
 * place, item and lot; the stock card gives every movement with its running balance; FEFO picks the lots that
 * expire first; a movement that would take stock below zero is refused whole; changing or voiding a movement
 * moves the stock back; concurrent dispenses from two processes never oversell.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const PENTA = `${CS}py-vacuna|pentavalente`;
const AMOX = `${CS}py-medicamento-esencial|amoxicilina-500-cap`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const url = (path: string): string => `${server.base}/${path}`;
const post = (path: string, body: unknown, base = server.base): Promise<Reply> => request('POST', `${base}/${path}`, body);
const get = (path: string): Promise<Reply> => request('GET', url(path));
async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text}`);
  return res.json;
}
const concept = (item: string): Json => ({ coding: [{ system: item.split('|')[0], code: item.split('|')[1] }] });
const lot = (numero: string, vencimiento?: string): Json => ({ url: `${SD}py-lote`, extension: [{ url: 'numero', valueString: numero }, ...(vencimiento ? [{ url: 'vencimiento', valueDate: vencimiento }] : [])] });
const receipt = (store: string, item: string, qty: number, l?: Json, extra: Json = {}): Json => ({
  resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: new Date().toISOString(), destination: { reference: store },
  suppliedItem: { itemCodeableConcept: concept(item), quantity: { value: qty }, ...(l ? { extension: [l] } : {}) }, ...extra,
});
const dispense = (store: string, item: string, qty: number, l?: Json): Json => ({
  resourceType: 'MedicationDispense', status: 'completed', medicationCodeableConcept: concept(item), quantity: { value: qty },
  location: { reference: store }, whenHandedOver: new Date().toISOString(), ...(l ? { extension: [l] } : {}),
});
const movement = (store: string, item: string, qty: number, reason: string, l?: Json): Json => ({
  resourceType: 'Basic',
  code: { coding: [{ system: `${CS}py-tipo-movimiento-stock`, code: reason === 'recuento' ? 'recuento' : 'ajuste' }] },
  extension: [
    {
      url: `${SD}py-movimiento-stock`,
      extension: [
        { url: 'ubicacion', valueReference: { reference: store } },
        { url: 'articulo', valueCodeableConcept: concept(item) },
        { url: 'cantidad', valueDecimal: qty },
        { url: 'motivo', valueCoding: { system: `${CS}py-motivo-movimiento-stock`, code: reason } },
        { url: 'fecha', valueDateTime: new Date().toISOString() },
      ],
    },
    ...(l ? [l] : []),
  ],
});
/** Stock on hand of a store as `item lot expiry quantity` lines. */
async function soh(store: string, query = ''): Promise<string[]> {
  const out = await ok(get(`${store}/$stock-on-hand${query}`));
  return (out.parameter ?? []).map((p: Json) => {
    const v = (n: string): Json => p.part.find((x: Json) => x.name === n);
    return `${v('item').valueCoding.code} ${v('lot')?.valueString ?? '-'} ${v('expiry')?.valueDate ?? '-'} ${v('quantity').valueDecimal}`;
  });
}
const store = async (name: string, org?: string): Promise<string> =>
  `Location/${(await ok(post('Location', { resourceType: 'Location', name, ...(org ? { managingOrganization: { reference: org } } : {}) }))).id}`;

test('receipts, dispenses, counts and transfers move stock on hand per lot; the card runs the balance; FEFO takes the earliest expiry', async () => {
  const org = `Organization/${(await ok(post('Organization', { resourceType: 'Organization', name: 'USF Loma Pytã' }))).id}`;
  const vac = await store('Vacunatorio USF Loma Pytã', org);
  const farm = await store('Farmacia USF Loma Pytã', org);
  const rA = await ok(post('SupplyDelivery', receipt(vac, PENTA, 100, lot('A-100', '2027-06-30'))));
  const rB = await ok(post('SupplyDelivery', receipt(vac, PENTA, 50, lot('B-050', '2027-03-31'))));
  expect(await soh(vac)).toEqual(['pentavalente B-050 2027-03-31 50', 'pentavalente A-100 2027-06-30 100']);
  // FEFO: the lot that expires first, then the next
  const pick = await ok(get(`${vac}/$fefo?item=${encodeURIComponent(PENTA)}&quantity=70`));
  expect(pick.parameter.map((p: Json) => `${p.part.find((x: Json) => x.name === 'lot').valueString}:${p.part.find((x: Json) => x.name === 'take').valueDecimal}`)).toEqual(['B-050:50', 'A-100:20']);
  const short = await ok(get(`${vac}/$fefo?item=${encodeURIComponent(PENTA)}&quantity=200`));
  expect(short.parameter.find((p: Json) => p.name === 'shortfall').valueDecimal).toBe(50);
  // an expired lot is not offered
  const later = await ok(get(`${vac}/$fefo?item=${encodeURIComponent(PENTA)}&quantity=10&date=2027-04-01`));
  expect(later.parameter.map((p: Json) => p.part.find((x: Json) => x.name === 'lot').valueString)).toEqual(['A-100']);

  const d = await ok(post('MedicationDispense', dispense(vac, PENTA, 30, lot('B-050'))));
  expect(await soh(vac, `?item=${encodeURIComponent(PENTA)}`)).toEqual(['pentavalente B-050 2027-03-31 20', 'pentavalente A-100 2027-06-30 100']);
  // more than there is: refused, nothing written
  const over = await post('MedicationDispense', dispense(vac, PENTA, 21, lot('B-050')));
  expect(expectOutcome(over, 422).diagnostics).toMatch(new RegExp(`would leave the stock of ${PENTA.replace(/[.|]/g, '\\$&')} \\(lot B-050\\) at ${vac} below zero: -1$`));
  expect((await ok(get(`MedicationDispense?location=${vac}&_summary=count`))).total).toBe(1);
  // a count sets the balance (here 5 lost), the card shows each movement with its running balance
  await ok(post('Basic', movement(vac, PENTA, 95, 'recuento', lot('A-100'))));
  const card = await ok(get(`${vac}/$stock-card?item=${encodeURIComponent(PENTA)}&lot=A-100`));
  const lines = card.parameter.map((p: Json) => Object.fromEntries(p.part.map((x: Json) => [x.name, x.valueDecimal ?? x.valueString ?? x.valueCoding?.code ?? x.valueReference?.reference ?? x.valueDateTime])));
  expect(lines.map((l: Json) => [l.reason, l.quantity, l.balance, l.counted])).toEqual([['recepcion', 100, 100, undefined], ['recuento', -5, 95, 95]]);
  expect(lines[0].source).toBe(`SupplyDelivery/${rA.id}`);
  const all = await ok(get(`${vac}/$stock-card?item=${encodeURIComponent(PENTA)}`));
  expect(all.parameter.map((p: Json) => p.part.find((x: Json) => x.name === 'balance').valueDecimal)).toEqual([100, 150, 120, 115]);
  // a transfer to the pharmacy: out of one store, into the other
  const tr = await ok(post('SupplyDelivery', receipt(farm, PENTA, 10, lot('A-100', '2027-06-30'), { extension: [{ url: `${SD}py-origen`, valueReference: { reference: vac } }] })));
  expect(await soh(farm)).toEqual(['pentavalente A-100 2027-06-30 10']);
  expect(await soh(vac)).toEqual(['pentavalente B-050 2027-03-31 20', 'pentavalente A-100 2027-06-30 85']);
  // the organization's stores together
  expect((await ok(get(`Location/$stock-on-hand?organization=${org}`))).parameter).toHaveLength(3);
  // voiding the transfer moves it back; a receipt whose stock was issued cannot be voided (the balance would go below zero)
  await ok(request('PUT', url(`SupplyDelivery/${tr.id}`), { ...tr, status: 'entered-in-error' }));
  expect(await soh(farm)).toEqual([]);
  expect(await soh(vac)).toEqual(['pentavalente B-050 2027-03-31 20', 'pentavalente A-100 2027-06-30 95']);
  const voidB = await request('PUT', url(`SupplyDelivery/${rB.id}`), { ...rB, status: 'entered-in-error' });
  expect(expectOutcome(voidB, 422).diagnostics).toContain('below zero: -30');
  expect((await ok(get(`SupplyDelivery/${rB.id}`))).status).toBe('completed');
  // correcting the dispense (30 → 10) gives 20 back; deleting it gives the rest
  await ok(request('PUT', url(`MedicationDispense/${d.id}`), { ...d, quantity: { value: 10 } }));
  expect(await soh(vac, `?item=${encodeURIComponent(PENTA)}`)).toEqual(['pentavalente B-050 2027-03-31 40', 'pentavalente A-100 2027-06-30 95']);
  await ok(request('DELETE', url(`MedicationDispense/${d.id}`)));
  expect(await soh(vac)).toEqual(['pentavalente B-050 2027-03-31 50', 'pentavalente A-100 2027-06-30 95']);
});

test('a delivery counts once completed; an adjustment by reason; the whole transaction is refused when one line oversells', async () => {
  const s = await store('Depósito Regional Concepción');
  const pending = await ok(post('SupplyDelivery', receipt(s, AMOX, 500, undefined, { status: 'in-progress' })));
  expect(await soh(s)).toEqual([]);
  await ok(request('PUT', url(`SupplyDelivery/${pending.id}`), { ...pending, status: 'completed' }));
  expect(await soh(s)).toEqual(['amoxicilina-500-cap - - 500']);
  await ok(post('Basic', movement(s, AMOX, 20, 'vencimiento')));
  await ok(post('Basic', movement(s, AMOX, 5, 'hallazgo')));
  expect(await soh(s)).toEqual(['amoxicilina-500-cap - - 485']);
  const tx = await post('', {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { request: { method: 'POST', url: 'MedicationDispense' }, resource: dispense(s, AMOX, 400) },
      { request: { method: 'POST', url: 'MedicationDispense' }, resource: dispense(s, AMOX, 100) },
    ],
  });
  expect(expectOutcome(tx, 422).diagnostics).toContain('below zero: -15');
  expect(await soh(s)).toEqual(['amoxicilina-500-cap - - 485']);
  expect((await ok(get(`MedicationDispense?location=${s}&_summary=count`))).total).toBe(0);
});

test('bad movements and bad operation input are 4xx OperationOutcomes that name the problem; nothing is stored', async () => {
  const s = await store('Puesto de Salud Fuerte Olimpo');
  const basics = (await ok(get(`Basic?_summary=count`))).total;
  // a dispense from no store of ours moves no stock; a transfer out of a store into none cannot be read
  expect((await post('MedicationDispense', { ...dispense(s, AMOX, 1), location: undefined })).status).toBe(201);
  expect(await soh(s, '?zero=true')).toEqual([]);
  const noPlace = await post('SupplyDelivery', { ...receipt(s, AMOX, 1), destination: undefined, extension: [{ url: `${SD}py-origen`, valueReference: { reference: s } }] });
  expect(expectOutcome(noPlace, 422).diagnostics).toContain('names no store (Location) in SupplyDelivery.destination');
  const noItem = await post('MedicationDispense', { ...dispense(s, AMOX, 1), medicationCodeableConcept: { text: 'amoxicilina' } });
  expect(expectOutcome(noItem, 422).diagnostics).toContain('names no item (a coding) in MedicationDispense.medicationCodeableConcept');
  const zero = await post('Basic', movement(s, AMOX, 0, 'perdida'));
  expect(expectOutcome(zero, 422).diagnostics).toMatch(/py-sum-4 failed: La cantidad es mayor que 0|py-movimiento-stock.cantidad must be a number above 0/);
  const reason = await post('Basic', movement(s, AMOX, 3, 'regalo'));
  expect(expectOutcome(reason, 422).diagnostics).toMatch(/py-motivo-movimiento-stock.regalo is not (in the required value set|one of)/);
  expect((await ok(get(`Basic?_summary=count`))).total).toBe(basics);
  for (const [path, status, text] of [
    [`${s}/$stock-card`, 400, 'item'],
    [`${s}/$stock-card?item=nocode`, 400, 'nocode'],
    [`${s}/$stock-card?item=${encodeURIComponent(AMOX)}&start=ayer`, 400, 'ayer'],
    [`${s}/$fefo?item=${encodeURIComponent(AMOX)}&quantity=-2`, 400, '-2'],
    [`${s}/$fefo?item=${encodeURIComponent(AMOX)}`, 400, 'quantity'],
    [`${s}/$stock-on-hand?zero=maybe`, 400, 'maybe'],
    [`Location/$stock-on-hand?location=Location/no-such-place`, 404, 'Location/no-such-place'],
  ] as [string, number, string][]) {
    expect(expectOutcome(await get(path), status).diagnostics).toContain(text);
  }
});

test('concurrent dispenses (two processes on PostgreSQL) never oversell: stock on hand equals the ledger', async () => {
  const s = await store('Farmacia Hospital Regional');
  await ok(post('SupplyDelivery', receipt(s, AMOX, 60, lot('L1', '2028-01-31'))));
  const second = backend() === 'postgres' ? await spawnServer(server.env) : undefined;
  try {
    const bases = [server.base, second?.base ?? server.base];
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => post('MedicationDispense', dispense(s, AMOX, 5, lot('L1')), bases[i % 2])));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 201)).toHaveLength(12);
    expect(statuses.filter((x) => x === 422)).toHaveLength(8);
    for (const r of replies.filter((x) => x.status === 422)) expect(r.json.issue[0].diagnostics).toContain('below zero');
    expect(await soh(s, '?zero=true')).toEqual(['amoxicilina-500-cap L1 2028-01-31 0']);
    const card = await ok(get(`${s}/$stock-card?item=${encodeURIComponent(AMOX)}`));
    expect(card.parameter).toHaveLength(13);
    expect(card.parameter.at(-1).part.find((x: Json) => x.name === 'balance').valueDecimal).toBe(0);
  } finally {
    if (second) {
      await new Promise<void>((resolve) => {
        second.proc.once('exit', () => resolve());
        second.proc.kill('SIGTERM');
      });
    }
  }
});
