import type { CapabilityStatement } from '@medplum/fhirtypes';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Search features the oracle battery does not cover: terminology modifiers (:in, :not-in, :above, :below)
 * over stored CodeSystems/ValueSets, :of-type, :identifier, near, _list, _text/_content, runtime
 * SearchParameters (re-indexing existing data), strict/lenient handling, malformed values, and a sweep
 * proving that every search parameter the CapabilityStatement lists is accepted.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const SYS = 'https://fhir.mspbs.gov.py/CodeSystem/test-specialty';

async function post(type: string, body: object): Promise<{ id: string }> {
  const r = await request('POST', `${server.base}/${type}`, { resourceType: type, ...body });
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.json;
}

async function ids(query: string, headers: Record<string, string> = {}): Promise<string[]> {
  const r = await request('GET', `${server.base}/${query}${query.includes('?') ? '&' : '?'}_count=500`, undefined, headers);
  if (r.status !== 200) throw new Error(`${query}: ${r.status} ${r.text}`);
  return (r.json.entry ?? []).filter((e: { search?: { mode: string } }) => e.search?.mode === 'match').map((e: { resource: { id: string } }) => e.resource.id).sort();
}

describe('terminology modifiers over stored CodeSystems and ValueSets', () => {
  let medicine: string;
  let surgery: string;
  let cardio: string;
  let other: string;
  beforeAll(async () => {
    await post('CodeSystem', {
      url: SYS,
      status: 'active',
      content: 'complete',
      concept: [
        { code: 'medicine', display: 'Medicina', concept: [{ code: 'cardio', display: 'Cardiología', concept: [{ code: 'pediatric-cardio', display: 'Cardiología pediátrica' }] }] },
        { code: 'surgery', display: 'Cirugía' },
      ],
    });
    await post('ValueSet', { url: 'https://fhir.mspbs.gov.py/ValueSet/test-medicine', status: 'active', compose: { include: [{ system: SYS, filter: [{ property: 'concept', op: 'is-a', value: 'medicine' }] }] } });
    await post('ValueSet', { url: 'https://fhir.mspbs.gov.py/ValueSet/test-surgery', status: 'active', compose: { include: [{ system: SYS, concept: [{ code: 'surgery' }] }] } });
    const svc = (code: string): Promise<{ id: string }> => post('HealthcareService', { specialty: [{ coding: [{ system: SYS, code }] }] });
    medicine = (await svc('medicine')).id;
    cardio = (await svc('pediatric-cardio')).id;
    surgery = (await svc('surgery')).id;
    other = (await post('HealthcareService', { specialty: [{ coding: [{ system: 'http://snomed.info/sct', code: '394579002' }] }] })).id;
  });

  test(':below includes the code and its descendants', async () => {
    expect(await ids(`HealthcareService?specialty:below=${SYS}|medicine`)).toEqual([medicine, cardio].sort());
    expect(await ids(`HealthcareService?specialty:below=${SYS}|surgery`)).toEqual([surgery]);
  });

  test(':above includes the code and its ancestors', async () => {
    expect(await ids(`HealthcareService?specialty:above=${SYS}|pediatric-cardio`)).toEqual([medicine, cardio].sort());
  });

  test(':in and :not-in use the ValueSet expansion', async () => {
    expect(await ids('HealthcareService?specialty:in=https://fhir.mspbs.gov.py/ValueSet/test-medicine')).toEqual([medicine, cardio].sort());
    expect(await ids('HealthcareService?specialty:in=https://fhir.mspbs.gov.py/ValueSet/test-surgery')).toEqual([surgery]);
    expect(await ids('HealthcareService?specialty:not-in=https://fhir.mspbs.gov.py/ValueSet/test-medicine')).toEqual([surgery, other].sort());
  });

  test(':in with an unknown ValueSet is a 400 naming the parameter', async () => {
    const r = await request('GET', `${server.base}/HealthcareService?specialty:in=https://example.org/nope`);
    expect(r.status).toBe(400);
    expect(r.json.issue[0].diagnostics).toContain('specialty:in');
  });
});

describe('identifier and reference modifiers', () => {
  test(':of-type matches identifier type and value; :identifier matches Reference.identifier', async () => {
    const ci = (await post('Patient', {
      identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NI' }] }, system: 'urn:oid:2.16.600.1', value: '4567890' }],
    })).id;
    await post('Patient', { identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PPN' }] }, system: 'urn:x', value: '4567890' }] });
    expect(await ids('Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|NI|4567890')).toEqual([ci]);
    const obs = (await post('Observation', { status: 'final', code: { text: 't' }, subject: { identifier: { system: 'urn:oid:2.16.600.1', value: '4567890' } } })).id;
    expect(await ids('Observation?subject:identifier=urn:oid:2.16.600.1|4567890')).toEqual([obs]);
    const bad = await request('GET', `${server.base}/Patient?identifier:of-type=onlytwo|parts`);
    expect(bad.status).toBe(400);
  });
});

describe('composite parameters', () => {
  test('combo-code-value-quantity matches the Observation\'s own code and value as well as its components\'', async () => {
    const loinc = 'http://loinc.org';
    const temperature = await post('Observation', { status: 'final', code: { coding: [{ system: loinc, code: '8310-5' }] }, valueQuantity: { value: 38.2, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' } });
    const pressure = await post('Observation', {
      status: 'final',
      code: { coding: [{ system: loinc, code: '85354-9' }] },
      component: [{ code: { coding: [{ system: loinc, code: '8480-6' }] }, valueQuantity: { value: 150, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }],
    });
    expect(await ids(`Observation?combo-code-value-quantity=${loinc}|8310-5$gt38`)).toEqual([temperature.id]);
    expect(await ids(`Observation?combo-code-value-quantity=${loinc}|8310-5$gt39`)).toEqual([]);
    expect(await ids(`Observation?combo-code-value-quantity=${loinc}|8480-6$gt140`)).toEqual([pressure.id]);
    expect(await ids(`Observation?code-value-quantity=${loinc}|8310-5$gt38`)).toEqual([temperature.id]);
    expect(await ids(`Observation?code-value-quantity=${loinc}|8480-6$gt140`)).toEqual([]);
  });
});

describe('special parameters', () => {
  test('near finds Locations within the distance (km by default)', async () => {
    const asuncion = (await post('Location', { name: 'USF Asunción', position: { latitude: -25.2637, longitude: -57.5759 } })).id;
    const luque = (await post('Location', { name: 'USF Luque', position: { latitude: -25.27, longitude: -57.487 } })).id; // ~9 km
    await post('Location', { name: 'Hospital Regional de Concepción', position: { latitude: -23.4064, longitude: -57.4344 } }); // ~200 km
    expect(await ids('Location?near=-25.2637|-57.5759|2|km')).toEqual([asuncion]);
    expect(await ids('Location?near=-25.2637|-57.5759|20|km')).toEqual([asuncion, luque].sort());
    expect(await ids('Location?near=-25.2637|-57.5759|20000|m')).toEqual([asuncion, luque].sort());
    expect((await request('GET', `${server.base}/Location?near=95|0|1`)).status).toBe(400);
  });

  test('_list, _text and _content', async () => {
    const a = (await post('Patient', { text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Paciente de Itauguá</div>' } })).id;
    const b = (await post('Patient', { name: [{ family: 'Itaugueño' }] })).id;
    const list = (await post('List', { status: 'current', mode: 'working', entry: [{ item: { reference: `Patient/${b}` } }] })).id;
    expect(await ids(`Patient?_list=${list}`)).toEqual([b]);
    expect(await ids('Patient?_text=itaugu')).toEqual([a]);
    expect(await ids('Patient?_content=Itaugueño')).toEqual([b]);
  });
});

describe('runtime SearchParameters', () => {
  test('a stored SearchParameter indexes resources written before and after it', async () => {
    const before = (await post('Practitioner', { name: [{ family: 'Ruiz' }], communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'gn' }] }] })).id;
    const r = await request('POST', `${server.base}/SearchParameter`, {
      resourceType: 'SearchParameter',
      url: 'https://fhir.mspbs.gov.py/SearchParameter/practitioner-language-test',
      name: 'language-test',
      status: 'active',
      description: 'Language the practitioner speaks',
      code: 'language-test',
      base: ['Practitioner'],
      type: 'token',
      expression: 'Practitioner.communication',
    });
    expect(r.status).toBe(201);
    const after = (await post('Practitioner', { name: [{ family: 'Benítez' }], communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'gn' }] }] })).id;
    await post('Practitioner', { communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }] });
    // Re-indexing of existing resources runs in the background: wait for it.
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length < 2; i++) {
      found = await ids('Practitioner?language-test=urn:ietf:bcp:47|gn', { Prefer: 'handling=strict' });
      if (found.length < 2) await new Promise((res) => setTimeout(res, 100));
    }
    expect(found).toEqual([before, after].sort());
    const cs = (await request('GET', `${server.base}/metadata`)).json as CapabilityStatement;
    const practitioner = cs.rest?.[0].resource?.find((x) => x.type === 'Practitioner');
    expect(practitioner?.searchParam?.some((p) => p.name === 'language-test')).toBe(true);
  });
});

describe('handling of unknown and malformed parameters', () => {
  test('lenient ignores with a warning, strict is 400', async () => {
    const lenient = await request('GET', `${server.base}/Patient?nonsense=1`);
    expect(lenient.status).toBe(200);
    const outcome = lenient.json.entry.find((e: { search: { mode: string } }) => e.search.mode === 'outcome');
    expect(outcome.resource.issue[0].severity).toBe('warning');
    expect(outcome.resource.issue[0].diagnostics).toContain('nonsense');
    const strict = await request('GET', `${server.base}/Patient?nonsense=1`, undefined, { Prefer: 'handling=strict' });
    expect(strict.status).toBe(400);
  });

  test.each([
    ['Patient?birthdate=xx2020', 'birthdate'],
    ['Patient?birthdate=2020-13-01', 'birthdate'],
    ['RiskAssessment?probability=gtabc', 'probability'],
    ['Patient?_count=-1', '_count'],
    ['Patient?gender:exact=male', 'gender'],
    ['Patient?_sort=nonsense', '_sort'],
    ['Patient?_cursor=garbage', '_cursor'],
    ['Patient?_include=Patient:name', '_include'],
  ])('%s is a 400 naming %s', async (query, name) => {
    const r = await request('GET', `${server.base}/${query}`);
    expect(r.status).toBe(400);
    expect(r.json.resourceType).toBe('OperationOutcome');
    expect(r.json.issue[0].diagnostics).toContain(name);
  });
});

describe('_total', () => {
  test('by default a total only when the first page holds every match; _total=accurate always; none never', async () => {
    for (let i = 0; i < 3; i++) await post('Organization', { name: `Total test ${i}` });
    const one = await request('GET', `${server.base}/Organization?name=total test&_count=10`);
    expect(one.json.total).toBe(3);
    const paged = await request('GET', `${server.base}/Organization?name=total test&_count=2`);
    expect(paged.json.total).toBeUndefined();
    expect(paged.json.link.some((l: { relation: string }) => l.relation === 'next')).toBe(true);
    const accurate = await request('GET', `${server.base}/Organization?name=total test&_count=2&_total=accurate`);
    expect(accurate.json.total).toBe(3);
    const none = await request('GET', `${server.base}/Organization?name=total test&_count=10&_total=none`);
    expect(none.json.total).toBeUndefined();
    const estimate = await request('GET', `${server.base}/Organization?name=total test&_count=2&_total=estimate`);
    expect(typeof estimate.json.total).toBe('number');
    const count = await request('GET', `${server.base}/Organization?name=total test&_summary=count`);
    expect(count.json.total).toBe(3);
  });
});

describe('the CapabilityStatement tells the truth', () => {
  test('every search parameter listed for every type is accepted (strict handling, :missing)', async () => {
    const cs = (await request('GET', `${server.base}/metadata`)).json as CapabilityStatement;
    const resources = cs.rest?.[0].resource ?? [];
    expect(resources.length).toBeGreaterThan(140);
    let checked = 0;
    const failures: string[] = [];
    for (const res of resources) {
      const names = (res.searchParam ?? []).map((p) => p.name);
      // One request per type, every parameter as an AND of :missing=false — each one must parse and run.
      const query = names.map((n) => `${encodeURIComponent(n)}:missing=false`).join('&');
      const r = await request('GET', `${server.base}/${res.type}?${query}&_count=1`, undefined, { Prefer: 'handling=strict' });
      if (r.status !== 200) failures.push(`${res.type}: ${r.status} ${r.text.slice(0, 200)}`);
      checked += names.length;
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(2000);
  });

  test('system search with _type and without', async () => {
    const p = (await post('Patient', { name: [{ family: 'Sistema' }] })).id;
    const pr = (await post('Practitioner', { name: [{ family: 'Sistema' }] })).id;
    expect(await ids('?_type=Patient,Practitioner&name=sistema')).toEqual([p, pr].sort());
    expect(await ids(`?_id=${p}`)).toEqual([p]);
    const r = await request('GET', `${server.base}?_type=Patient,Observation&name=x`, undefined, { Prefer: 'handling=strict' });
    expect(r.status).toBe(400); // name is not a parameter of Observation
  });
});
