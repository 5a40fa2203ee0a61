import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { errorsOf } from './validation/cases.js';

/**
 * Every fixture of the Paraguay guide (test/fixtures/profiles/index.json, from the ig branch) through $validate
 * with its profile and through create with the profile claimed in meta.profile: the expected verdict, and for
 * invalid ones an error at or below the expected expression whose text contains the expected words.
 */
interface Fixture {
  file: string;
  profile: string;
  valid: boolean;
  description: string;
  expect?: { expression?: string; messageContains?: string };
}
const DIR = resolve(process.cwd(), 'test/fixtures/profiles');
const fixtures = (JSON.parse(readFileSync(`${DIR}/index.json`, 'utf8')) as { fixtures: Fixture[] }).fixtures;
const validById = new Map<string, unknown>();
for (const f of fixtures) {
  const r = JSON.parse(readFileSync(`${DIR}/${f.file}`, 'utf8')) as { resourceType: string; id?: string; meta?: { profile?: string[] } };
  if (!f.valid || !r.id) continue;
  // fixtures name their ids "<type>-<id>" and are referenced as "<Type>/<id>"
  const withProfile = { ...r, meta: { ...(r.meta ?? {}), profile: [f.profile] } };
  const prefix = `${r.resourceType.toLowerCase()}-`;
  if (r.id.startsWith(prefix)) validById.set(`${r.resourceType}/${r.id.slice(prefix.length)}`, { ...withProfile, id: r.id.slice(prefix.length) });
  validById.set(`${r.resourceType}/${r.id}`, withProfile);
}

/**
 * Fixtures whose expectation this validator does not share, with the reason (reported to the ig branch). The
 * test asserts what the validator does instead, so a change in either shows up here.
 */
const DISAGREEMENTS: Record<string, { valid: boolean; expression?: string; reason: string }> = {
  'invalid/patient-sin-apellido.json': {
    valid: true,
    reason: 'name[0] has `_family` with an extension and no value: an element carried by its extensions is present (FHIR JSON §2.6.2; data-absent-reason pattern), so family 1..1 holds',
  },
  'invalid/location-nivel-4.json': {
    valid: false,
    expression: 'Location.extension[2]',
    reason: 'the py-nivel-atencion extension is the third one (extension[2]), not extension[1]',
  },
  'invalid/healer-fecha-invalida.json': {
    valid: false,
    expression: 'Practitioner.extension[0].extension[8]',
    reason: 'the bad date is caught by the base validator at the value, whose message does not name the sub-extension',
  },
};

function matches(errors: string[], e: Fixture['expect']): boolean {
  return errors.some((line) => {
    const [, expression, text] = line.split('|');
    return (!e?.expression || expression.startsWith(e.expression)) && (!e?.messageContains || text.toLowerCase().includes(e.messageContains.toLowerCase()));
  });
}

/** What a bare resource of these types needs to be written (the base definitions require it). */
const BARE: Record<string, Record<string, unknown>> = {
  DocumentReference: { status: 'current', content: [{ attachment: { contentType: 'text/plain' } }] },
};

/** Creates a bare resource for every relative reference the fixture makes that does not resolve yet (the server checks references on write). */
async function createTargets(resource: unknown): Promise<void> {
  const refs = new Set<string>();
  const scan = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(scan);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'reference' && typeof v === 'string' && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+$/.test(v)) refs.add(v);
        else scan(v);
      }
    }
  };
  scan(resource);
  for (const ref of refs) {
    const [type, id] = ref.split('/');
    if ((await request('GET', `${server.base}/${ref}`)).status !== 404) continue;
    // a valid fixture with that id (so targetProfile checks see a conforming target), else a bare resource
    const target = validById.get(ref) ?? { resourceType: type, id, ...(type === 'Organization' ? { name: id } : (BARE[type] ?? {})) };
    if (target !== resource) await createTargets(target);
    const r = await request('PUT', `${server.base}/${ref}`, target);
    expect(r.status).toBe(201);
  }
}

/**
 * A stock movement that takes stock away (a dispense, a transfer out of a store, an adjustment) is refused when
 * the store has none (the stock ledger): the store gets the item and lot first, by a receipt.
 */
async function stockFor(resource: Record<string, any>): Promise<void> {
  const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
  const lotOf = (exts: any[] | undefined): any => (exts ?? []).find((e) => e.url === `${SD}py-lote`);
  let store: string | undefined;
  let item: any;
  let lot: any;
  if (resource.resourceType === 'MedicationDispense') [store, item, lot] = [resource.location?.reference, resource.medicationCodeableConcept, lotOf(resource.extension)];
  else if (resource.resourceType === 'SupplyDelivery') {
    store = (resource.extension ?? []).find((e: any) => e.url === `${SD}py-origen`)?.valueReference?.reference;
    [item, lot] = [resource.suppliedItem?.itemCodeableConcept, lotOf(resource.suppliedItem?.extension)];
  } else if (resource.resourceType === 'Basic') {
    const m = (resource.extension ?? []).find((e: any) => e.url === `${SD}py-movimiento-stock`)?.extension ?? [];
    [store, item, lot] = [m.find((e: any) => e.url === 'ubicacion')?.valueReference?.reference, m.find((e: any) => e.url === 'articulo')?.valueCodeableConcept, lotOf(resource.extension)];
  }
  if (!store?.startsWith('Location/') || !item) return;
  const receipt = {
    resourceType: 'SupplyDelivery', status: 'completed', destination: { reference: store }, occurrenceDateTime: '2026-01-01T00:00:00Z',
    suppliedItem: { itemCodeableConcept: item, quantity: { value: 1_000_000 }, ...(lot ? { extension: [lot] } : {}) },
  };
  expect((await request('POST', `${server.base}/SupplyDelivery`, receipt)).status).toBe(201);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

test('the index holds at least 100 fixtures, valid and invalid', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(100);
  expect(fixtures.some((f) => f.valid) && fixtures.some((f) => !f.valid)).toBe(true);
});

describe.each(fixtures.map((f) => [f.file, f] as const))('%s', (file, f) => {
  const resource = JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as { resourceType: string; meta?: { profile?: string[] } };
  const known = DISAGREEMENTS[file];
  const check = (outcome: unknown): void => {
    const errors = errorsOf(outcome);
    if (known) {
      expect(errors.length === 0).toBe(known.valid);
      if (known.expression) expect(matches(errors, { expression: known.expression })).toBe(true);
    } else if (f.valid) {
      expect(errors).toEqual([]);
    } else {
      expect(errors.length).toBeGreaterThan(0);
      if (!matches(errors, f.expect)) throw new Error(`no error at ${f.expect?.expression} containing "${f.expect?.messageContains}":\n${errors.join('\n')}`);
    }
  };

  test(`$validate with its profile: ${f.valid ? 'valid' : 'invalid'} (${f.description})`, async () => {
    const url = `${server.base}/${resource.resourceType}/$validate?profile=${encodeURIComponent(f.profile)}`;
    const r = await request('POST', url, resource);
    expect(r.status).toBe(200);
    check(r.json);
  });

  test('create claiming the profile', async () => {
    const { id: _id, ...body } = resource as Record<string, unknown>;
    const claimed = { ...body, meta: { ...(resource.meta ?? {}), profile: [f.profile] } };
    await createTargets(claimed);
    await stockFor(claimed);
    const r = await request('POST', `${server.base}/${resource.resourceType}`, claimed);
    const valid = known ? known.valid : f.valid;
    expect(r.status).toBe(valid ? 201 : 422);
    if (!valid) check(r.json);
    // An Appointment takes a place in its Slots and keeps its participants busy: give them back for the next fixture.
    if (r.status === 201 && resource.resourceType === 'Appointment') expect((await request('DELETE', `${server.base}/Appointment/${r.json.id as string}`)).status).toBe(200);
  });
});
