import { request } from './helpers/http.js';
import { packageResources, requireBuild } from './helpers/ig.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';
import { errorsOf } from './validation/cases.js';

/**
 * The supply items of the Paraguay guide (profiles/suministros-articulos.fsh): each example validates against
 * its profile through $validate and is created claiming it; broken items (a vaccine lot without its number or
 * expiry, a remedy gathered in month 13, a medicine outside the essential list) are refused by $validate and, when
 * they claim the profile, on create (422). A dispense names its item by a code: one that names it only by a
 * contained Medication moves no stock and is refused.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const PROFILES: Record<string, string> = {
  'Medication/amoxicilina-500-cap': `${SD}py-medicamento`,
  'Medication/pentavalente-lote-pnt-2611-04': `${SD}py-vacuna`,
  'DeviceDefinition/jeringa-05ml-ad': `${SD}py-insumo`,
  'DeviceDefinition/refrigerador-vacunas-solar': `${SD}py-insumo`,
  'Medication/remedio-burrito': `${SD}py-remedio-tradicional`,
  'Medication/remedio-kaa-hee-amambay': `${SD}py-remedio-tradicional`,
};

let server: TestServer;
let examples: Map<string, Json>;
beforeAll(async () => {
  requireBuild();
  examples = new Map(packageResources('example').map((r) => [`${r.resourceType}/${r.id}`, r]));
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** The error lines ("error|expression|text") of $validate against a profile. */
async function validate(resource: Json, profile: string): Promise<string[]> {
  const r = await request('POST', `${server.base}/${resource.resourceType}/$validate?profile=${encodeURIComponent(profile)}`, resource);
  expect(r.status).toBe(200);
  return errorsOf(r.json);
}
/** An example of the guide, changed, without its id (for create). */
function example(key: string, change: (r: Json) => void = () => undefined): Json {
  const { id: _id, ...r } = structuredClone(examples.get(key)) as Json;
  change(r);
  return r;
}
/** $validate with the profile gives an error matching `expected`, and a create claiming the profile answers 422 with it. */
async function refused(key: string, change: (r: Json) => void, expected: RegExp): Promise<void> {
  const bad = example(key, change);
  expect(await validate(bad, PROFILES[key])).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  const created = await request('POST', `${server.base}/${bad.resourceType}`, { ...bad, meta: { profile: [PROFILES[key]] } });
  expect(created.status).toBe(422);
  expect(errorsOf(created.json)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
}

test('every item example of the guide validates against its profile and is created claiming it', async () => {
  for (const [key, profile] of Object.entries(PROFILES)) {
    const r = examples.get(key);
    expect(r?.meta?.profile).toEqual([profile]);
    expect(await validate(r, profile)).toEqual([]);
    const put = await request('PUT', `${server.base}/${key}`, r);
    expect([200, 201]).toContain(put.status);
  }
  // the catalogue code of each item is the one movements name
  const found = await request('GET', `${server.base}/Medication?code=${encodeURIComponent(`${CS}py-vacuna|pentavalente`)}`);
  expect(found.json.entry.map((e: Json) => e.resource.batch.lotNumber)).toEqual(['PNT-2611-04']);
});

test('a vaccine lot needs its lot number, its expiry and its doses per vial', async () => {
  const key = 'Medication/pentavalente-lote-pnt-2611-04';
  await refused(key, (r) => delete r.batch.lotNumber, /^error\|Medication\.batch\.lotNumber\|.*expected 1\.\.1 values, found 0/);
  await refused(key, (r) => delete r.batch.expirationDate, /^error\|Medication\.batch\.expirationDate\|.*expected 1\.\.1 values, found 0/);
  await refused(key, (r) => delete r.batch, /^error\|Medication\.batch\|.*expected 1\.\.1 values, found 0/);
  await refused(key, (r) => (r.amount.numerator.value = 0), /^error\|Medication\|Constraint py-art-2 failed/);
  // a vaccine outside the PAI catalogue
  await refused(key, (r) => (r.code.coding[0].code = 'dengue'), /^error\|Medication\.code\|The code .*py-vacuna#dengue is not in the required value set .*py-vacuna/);
});

test('a remedy is gathered in months 1 to 12, each named once; it names its plant', async () => {
  const key = 'Medication/remedio-kaa-hee-amambay';
  await refused(key, (r) => (r.extension[1].extension[0].valueInteger = 13), /^error\|Medication\.extension\[1\]\.extension\[0\]\|Constraint py-mes-1 failed/);
  await refused(key, (r) => (r.extension[1].extension[1].valueInteger = 12), /^error\|Medication\.extension\[1\]\|Constraint py-art-1 failed/);
  await refused(key, (r) => (r.extension[1].extension[5].valueCoding.code = '99'), /^error\|Medication\.extension\[1\]\.extension\[5\]\.value\.ofType\(Coding\)\|The code .*py-departamento#99 is not in the required value set/);
  await refused(key, (r) => r.extension.splice(0, 1), /^error\|Medication\.extension\|Slice 'nombreCientifico' .*expected 1\.\.1 values, found 0/);
  await refused(key, (r) => (r.code.coding[0].code = 'cedron'), /^error\|Medication\.code\|The code .*py-remedio-tradicional#cedron is not in the required value set/);
});

test('a medicine comes from the essential list (an ATC code alone is not enough) and has its form and strength', async () => {
  const key = 'Medication/amoxicilina-500-cap';
  await refused(key, (r) => (r.code.coding[0].code = 'ibuprofeno-400-comp'), /^error\|Medication\.code\|The code .*py-medicamento-esencial#ibuprofeno-400-comp, .* is not in the required value set .*py-medicamento-esencial/);
  await refused(key, (r) => r.code.coding.splice(0, 1), /^error\|Medication\.code\.coding\|Slice 'esencial' .*expected 1\.\.1 values, found 0/);
  await refused(key, (r) => delete r.form, /^error\|Medication\.form\|.*expected 1\.\.1 values, found 0/);
  await refused(key, (r) => delete r.ingredient[0].strength, /^error\|Medication\.ingredient\[0\]\.strength\|.*expected 1\.\.1 values, found 0/);
});

test('a supply or piece of equipment is a DeviceDefinition typed from py-insumo', async () => {
  const key = 'DeviceDefinition/refrigerador-vacunas-solar';
  await refused(key, (r) => (r.type.coding[0].code = 'heladera'), /^error\|DeviceDefinition\.type\|The code .*py-insumo#heladera is not in the required value set .*py-insumo/);
  await refused(key, (r) => delete r.type, /^error\|DeviceDefinition\.type\|.*expected 1\.\.1 values, found 0/);
});

test('a dispense names its item by code: naming it only by a contained Medication moves no stock and is refused', async () => {
  const store = (await request('POST', `${server.base}/Location`, { resourceType: 'Location', name: 'Farmacia' })).json.id;
  const amox = { coding: [{ system: `${CS}py-medicamento-esencial`, code: 'amoxicilina-500-cap' }] };
  const receipt = { resourceType: 'SupplyDelivery', status: 'completed', occurrenceDateTime: '2026-12-01T10:00:00Z', destination: { reference: `Location/${store}` }, suppliedItem: { itemCodeableConcept: amox, quantity: { value: 10 } } };
  expect((await request('POST', `${server.base}/SupplyDelivery`, receipt)).status).toBe(201);
  const med = { ...example('Medication/amoxicilina-500-cap'), id: 'amox' };
  const dispense = {
    resourceType: 'MedicationDispense', status: 'completed', contained: [med], medicationReference: { reference: '#amox' },
    quantity: { value: 2 }, location: { reference: `Location/${store}` }, whenHandedOver: '2026-12-02T10:00:00Z',
  };
  const r = await request('POST', `${server.base}/MedicationDispense`, dispense);
  expect(expectOutcome(r, 422).diagnostics).toMatch(/names no item \(a coding\) in MedicationDispense\.medicationCodeableConcept/);
  // the same dispense naming the item by its code counts
  const { contained: _c, medicationReference: _m, ...byCode } = dispense;
  expect((await request('POST', `${server.base}/MedicationDispense`, { ...byCode, medicationCodeableConcept: amox })).status).toBe(201);
  const soh = await request('GET', `${server.base}/Location/${store}/$stock-on-hand`);
  expect(soh.json.parameter[0].part.find((p: Json) => p.name === 'quantity').valueDecimal).toBe(8);
});
