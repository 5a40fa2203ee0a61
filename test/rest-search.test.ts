import { Client } from 'fhir-kit-client';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, ids, type Json, sleep, unique } from './rest-util.js';

/** The search the REST core needs (_id, _lastUpdated, identifier, name, _count paging, a reference) and the CapabilityStatement. */

let server: TestServer;
let client: Client;
const SYSTEM = 'urn:test:ci';
const tag = unique('s');
const p: Record<string, Json> = {};

async function search(query: string): Promise<Json> {
  const r = await request('GET', `${server.base}/${query}`);
  expect(r.status).toBe(200);
  expect(r.json.resourceType).toBe('Bundle');
  expect(r.json.type).toBe('searchset');
  return r.json;
}

beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.base });
  const make = async (key: string, body: Json): Promise<void> => {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', ...body });
    expect(r.status).toBe(201);
    p[key] = r.json;
    await sleep(5);
  };
  await make('maria', { identifier: [{ system: SYSTEM, value: `${tag}-1` }], name: [{ family: 'Ñandutí', given: ['María José'] }] });
  await make('jose', { identifier: [{ system: 'urn:test:other', value: `${tag}-1` }], name: [{ family: 'Gómez', given: ['José'] }] });
  await make('nosys', { identifier: [{ value: `${tag}-2` }], name: [{ family: 'Benítez' }] });
  await make('asuncion', { identifier: [{ system: SYSTEM, value: `${tag}-3` }], name: [{ family: 'ASUNCIÓN', given: ['Ana'] }] });
});
afterAll(async () => {
  await server?.stop();
});

describe('search basics', () => {
  test('_id, one or several', async () => {
    expect(ids(await search(`Patient?_id=${p.jose.id}`))).toEqual([p.jose.id]);
    expect(ids(await search(`Patient?_id=${p.jose.id},${p.nosys.id}`)).sort()).toEqual([p.jose.id, p.nosys.id].sort());
    expect(ids(await search('Patient?_id=not-there'))).toEqual([]);
  });

  test('identifier: system|value, |value (no system), and value alone', async () => {
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`${SYSTEM}|${tag}-1`)}`))).toEqual([p.maria.id]);
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`urn:test:other|${tag}-1`)}`))).toEqual([p.jose.id]);
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`${tag}-1`)}`)).sort()).toEqual([p.maria.id, p.jose.id].sort());
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`|${tag}-2`)}`))).toEqual([p.nosys.id]);
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`|${tag}-1`)}`))).toEqual([]);
    expect(ids(await search(`Patient?identifier=${encodeURIComponent(`${SYSTEM}|`)}`)).sort()).toEqual([p.maria.id, p.asuncion.id].sort());
  });

  test('name: prefix match, case and accent insensitive', async () => {
    expect(ids(await search('Patient?name=nandu'))).toEqual([p.maria.id]);
    expect(ids(await search(`Patient?name=${encodeURIComponent('ÑANDUTÍ')}`))).toEqual([p.maria.id]);
    // Each given name is matched from its start: "María José" starts with maria, not with jose.
    expect(ids(await search('Patient?name=jose'))).toEqual([p.jose.id]);
    expect(ids(await search('Patient?name=maria'))).toEqual([p.maria.id]);
    expect(ids(await search('Patient?name=asuncion'))).toEqual([p.asuncion.id]);
    expect(ids(await search('Patient?name=gom'))).toEqual([p.jose.id]);
    // A prefix, not a substring.
    expect(ids(await search('Patient?name=andu'))).toEqual([]);
  });

  test('_lastUpdated gt / lt', async () => {
    const inTag = (b: Json): string[] => ids(b).filter((id) => Object.values(p).some((x) => x.id === id));
    const gt = await search(`Patient?_lastUpdated=${encodeURIComponent('gt' + p.jose.meta.lastUpdated)}`);
    expect(inTag(gt).sort()).toEqual([p.nosys.id, p.asuncion.id].sort());
    const lt = await search(`Patient?_lastUpdated=${encodeURIComponent('lt' + p.nosys.meta.lastUpdated)}`);
    expect(inTag(lt).sort()).toEqual([p.maria.id, p.jose.id].sort());
    const both = await search(
      `Patient?_lastUpdated=${encodeURIComponent('gt' + p.maria.meta.lastUpdated)}&_lastUpdated=${encodeURIComponent('lt' + p.asuncion.meta.lastUpdated)}`,
    );
    expect(inTag(both).sort()).toEqual([p.jose.id, p.nosys.id].sort());
    expect(ids(await search('Patient?_lastUpdated=lt2000-01-01'))).toEqual([]);
    expectOutcome(await request('GET', `${server.base}/Patient?_lastUpdated=gtnot-a-date`), 400);
  });

  test('_count pages through all matches once via next links', async () => {
    const first = await search('Patient?_count=1&_total=accurate');
    expect(first.total).toBe(4);
    expect(first.entry).toHaveLength(1);
    const seen: string[] = [...ids(first)];
    let bundle = first;
    for (let i = 0; i < 10; i++) {
      const next = bundle.link.find((l: Json) => l.relation === 'next')?.url;
      if (!next) break;
      const r = await request('GET', next);
      expect(r.status).toBe(200);
      bundle = r.json;
      expect(bundle.entry).toHaveLength(1);
      seen.push(...ids(bundle));
    }
    expect(seen.sort()).toEqual(Object.values(p).map((x) => x.id).sort());
    expect(ids(await search('Patient?_count=0'))).toEqual([]);
  });

  test('a reference parameter: Observation?subject=Patient/x', async () => {
    const mk = async (patientId: string, text: string): Promise<string> => {
      const r = await request('POST', `${server.base}/Observation`, {
        resourceType: 'Observation',
        status: 'final',
        code: { text },
        subject: { reference: `Patient/${patientId}` },
      });
      expect(r.status).toBe(201);
      return r.json.id;
    };
    const o1 = await mk(p.maria.id, 'peso');
    const o2 = await mk(p.maria.id, 'talla');
    const o3 = await mk(p.jose.id, 'peso');
    expect(ids(await search(`Observation?subject=Patient/${p.maria.id}`)).sort()).toEqual([o1, o2].sort());
    expect(ids(await search(`Observation?subject=Patient/${p.jose.id}`))).toEqual([o3]);
    expect(ids(await search(`Observation?patient=${p.jose.id}`))).toEqual([o3]);
    expect(ids(await search(`Observation?subject=Patient/${p.nosys.id}`))).toEqual([]);
    const viaClient = (await client.search({ resourceType: 'Observation', searchParams: { subject: `Patient/${p.maria.id}` } })) as Json;
    expect(viaClient.total).toBe(2);
  });

  test('a number-like (quantity) prefix search works', async () => {
    const mk = async (value: number): Promise<string> => {
      const r = await request('POST', `${server.base}/Observation`, {
        resourceType: 'Observation',
        status: 'final',
        code: { text: `qty-${tag}` },
        valueQuantity: { value, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
      });
      expect(r.status).toBe(201);
      return r.json.id;
    };
    const light = await mk(40);
    const heavy = await mk(90);
    expect(ids(await search('Observation?value-quantity=gt50'))).toEqual([heavy]);
    expect(ids(await search('Observation?value-quantity=lt50'))).toEqual([light]);
    expect(ids(await search('Observation?value-quantity=90'))).toEqual([heavy]);
  });

  test('an unknown parameter is reported, and refused with Prefer: handling=strict', async () => {
    const lenient = await search('Patient?favourite-colour=blue');
    const outcome = lenient.entry.find((e: Json) => e.search?.mode === 'outcome');
    expect(outcome.resource.resourceType).toBe('OperationOutcome');
    expectOutcome(await request('GET', `${server.base}/Patient?favourite-colour=blue`, undefined, { Prefer: 'handling=strict' }), 400);
  });
});

describe('CapabilityStatement', () => {
  test('GET /metadata lists Patient with its interactions and search parameters', async () => {
    const r = await request('GET', `${server.base}/metadata`);
    expect(r.status).toBe(200);
    const cs = r.json;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.format).toEqual(expect.arrayContaining(['application/fhir+json']));
    const rest = cs.rest.find((x: Json) => x.mode === 'server');
    const patient = rest.resource.find((x: Json) => x.type === 'Patient');
    const codes = patient.interaction.map((i: Json) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['read', 'vread', 'create', 'update', 'delete', 'patch', 'history-instance', 'history-type', 'search-type']));
    const params = patient.searchParam.map((x: Json) => x.name);
    expect(params).toEqual(expect.arrayContaining(['identifier', 'name', '_id', '_lastUpdated']));
    expect(patient.searchParam.find((x: Json) => x.name === 'identifier').type).toBe('token');
    expect(rest.interaction.map((i: Json) => i.code)).toEqual(expect.arrayContaining(['history-system']));
  });

  test('fhir-kit-client reads the CapabilityStatement', async () => {
    const cs = (await client.capabilityStatement()) as Json;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.rest[0].resource.some((x: Json) => x.type === 'Observation')).toBe(true);
  });
});
