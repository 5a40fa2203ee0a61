import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Query shapes the engine picks by data volume, checked through the API: a single-parameter page walks its
 * index in creation order (with paging both ways and exact totals, a resource with two matching codings
 * counted once), and `_has` whose inner test matches many sources (≥ 500, MANY_SOURCES in src/search/filter.ts) walks the candidates
 * instead of collecting the sources — testing each against a hash of the sources (up to SEARCH_HAS_HASH_LIMIT)
 * or probing its sources one by one (above it; a second server with the limit at 0) — both must give exactly
 * what the few-sources shapes give.
 */
let server: TestServer;
const SYS = 'urn:test:volume';
const MANY = 620;
const patients: Record<string, string> = {};
/** Observation ids with code `many`, in creation order. */
const many: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function get(url: string): Promise<Json> {
  const r = await request('GET', url.startsWith('http') ? url : `${server.base}/${url}`);
  if (r.status !== 200) throw new Error(`${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

const matches = (b: Json): string[] => (b.entry ?? []).filter((e: Json) => e.search?.mode === 'match').map((e: Json) => e.resource.id);
const link = (b: Json, relation: string): string | undefined => b.link?.find((l: Json) => l.relation === relation)?.url;

/** Patients a–d and the Observations on a fresh server; returns the Observation ids with code `many`, in creation order. */
async function load(server: TestServer, patients: Record<string, string>): Promise<string[]> {
  for (const key of ['a', 'b', 'c', 'd']) {
    const r = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: `Volumen-${key}` }] });
    expect(r.status).toBe(201);
    patients[key] = r.json.id;
  }
  // MANY Observations with code `many` for patients a and c (none for b and d), one with the code twice
  // (two systems), and one rare code for b. One transaction keeps creation order = entry order.
  const obs = (subject: string, codings: { system: string; code: string }[]): Json => ({
    request: { method: 'POST', url: 'Observation' },
    resource: { resourceType: 'Observation', status: 'final', code: { coding: codings }, subject: { reference: `Patient/${subject}` } },
  });
  const entry: Json[] = [];
  for (let i = 0; i < MANY; i++) entry.push(obs(i % 3 === 0 ? patients.c : patients.a, [{ system: SYS, code: 'many' }]));
  entry.push(obs(patients.a, [{ system: SYS, code: 'many' }, { system: `${SYS}-2`, code: 'many' }]));
  entry.push(obs(patients.b, [{ system: SYS, code: 'rare' }]));
  const r = await request('POST', server.base, { resourceType: 'Bundle', type: 'transaction', entry });
  expect(r.status).toBe(200);
  const ids: string[] = r.json.entry.map((e: Json) => e.response.location.split('/')[1]);
  return ids.slice(0, MANY + 1);
}

beforeAll(async () => {
  // Without declared links: the generic _has shapes are what this file tests (the linked one: last test).
  server = await startTestServer({ SEARCH_LINKS: 'none' });
  many.push(...(await load(server, patients)));
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('one parameter: the page is an index walk in creation order', () => {
  test('next links visit every match once, in creation order; previous links go back; the total is exact', async () => {
    const seen: string[] = [];
    const pages: string[][] = [];
    let b = await get(`Observation?code=many&_count=200&_total=accurate`);
    expect(b.total).toBe(MANY + 1); // the Observation with the code twice counts once
    for (;;) {
      pages.push(matches(b));
      seen.push(...matches(b));
      const next = link(b, 'next');
      if (!next) break;
      b = await get(next);
    }
    expect(seen).toEqual(many);
    expect(pages.map((p) => p.length)).toEqual([200, 200, 200, 21]);
    // From the last page back to the first.
    const back = await get(link(b, 'previous') as string);
    expect(matches(back)).toEqual(pages[2]);
    // The last page holds the last _count matches (keyset paging from the end).
    const last = await get(link(b, 'last') as string);
    expect(matches(last)).toEqual(many.slice(-200));
  });

  test('system|code and a reference walk the same way', async () => {
    expect(matches(await get(`Observation?code=${SYS}|many&_count=1000`))).toEqual(many);
    const ofC = many.filter((_, i) => i < MANY && i % 3 === 0);
    const b = await get(`Observation?patient=Patient/${patients.c}&_count=50&_total=accurate`);
    expect(b.total).toBe(ofC.length);
    expect(matches(b)).toEqual(ofC.slice(0, 50));
    expect(matches(await get(link(b, 'next') as string))).toEqual(ofC.slice(50, 100));
  });
});

/** The `_has` assertions, against a server holding `load`'s data. */
async function hasShapes(base: string, patients: Record<string, string>): Promise<void> {
  const get2 = async (url: string): Promise<Json> => {
    const r = await request('GET', url.startsWith('http') ? url : `${base}/${url}`);
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  const both = [patients.a, patients.c];
  expect(matches(await get2(`Patient?_has:Observation:patient:code=many`))).toEqual(both);
  expect(matches(await get2(`Patient?_has:Observation:patient:code=rare`))).toEqual([patients.b]);
  expect(matches(await get2(`Patient?_has:Observation:patient:code=${SYS}|many&_id=${patients.c},${patients.b}`))).toEqual([patients.c]);
  const first = await get2(`Patient?_has:Observation:patient:code=many&_count=1`);
  expect(matches(first)).toEqual([patients.a]);
  const second = await get2(link(first, 'next') as string);
  expect(matches(second)).toEqual([patients.c]);
  expect(link(second, 'next')).toBeUndefined();
  // AND of a common and a rare inner test: nobody has both
  expect(matches(await get2(`Patient?_has:Observation:patient:code=many&_has:Observation:patient:code=rare`))).toEqual([]);
  const counted = await get2(`Patient?_has:Observation:patient:code=many&_total=accurate&_count=1`);
  expect(counted.total).toBe(2);
  // _has nested in a chain's target and the common test negated by another parameter
  expect(matches(await get2(`Patient?_has:Observation:patient:code=many&name=Volumen-c`))).toEqual([patients.c]);
}

describe('_has with many sources walks candidates in creation order', () => {
  test('tested against a hash of the sources: the same patients as the few-sources shape, with paging', async () => {
    await hasShapes(server.base, patients);
  });

  /** The same data and assertions on a second server with other settings. */
  const onServer = async (env: Record<string, string>): Promise<void> => {
    const other = await startTestServer(env);
    try {
      const ps: Record<string, string> = {};
      await load(other, ps);
      await hasShapes(other.base, ps);
    } finally {
      await other.stop();
    }
  };

  test('above the hash limit (SEARCH_HAS_HASH_LIMIT=0: the sources of each candidate probed): the same results', async () => {
    await onServer({ SEARCH_HAS_HASH_LIMIT: '0', SEARCH_LINKS: 'none' });
  }, 120_000);

  test('through the declared link Patient?_has:Observation:patient:code (the default SEARCH_LINKS): the same results', async () => {
    await onServer({});
  }, 120_000);
});
