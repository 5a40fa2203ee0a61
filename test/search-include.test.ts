import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { type Json, unique } from './rest-util.js';

/**
 * _include and _revinclude combined in one request (one statement per round, src/search/include.ts):
 * forward and reverse specs together, `*`, :iterate, each resource once, deleted resources never included.
 */

let server: TestServer;
const tag = unique('inc');
const ids: Record<string, string> = {};

async function create(key: string, body: Json): Promise<void> {
  const r = await request('POST', `${server.base}/${body.resourceType}`, body);
  expect(r.status).toBe(201);
  ids[key] = r.json.id as string;
}

async function bundle(query: string): Promise<{ match: string[]; include: string[] }> {
  const r = await request('GET', `${server.base}/${query}`);
  expect(r.status).toBe(200);
  const keys = (mode: string): string[] =>
    (r.json.entry ?? []).filter((e: Json) => e.search?.mode === mode).map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`);
  return { match: keys('match'), include: keys('include') };
}

const sorted = (a: string[]): string[] => [...a].sort();

beforeAll(async () => {
  server = await startTestServer();
  await create('org', { resourceType: 'Organization', name: `Org ${tag}` });
  await create('p', { resourceType: 'Patient', name: [{ family: `Inc${tag}` }], managingOrganization: { reference: `Organization/${ids.org}` } });
  await create('e', { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${ids.p}` } });
  const obs = (key: string): Promise<void> =>
    create(key, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: tag },
      subject: { reference: `Patient/${ids.p}` },
      encounter: { reference: `Encounter/${ids.e}` },
    });
  await obs('o1');
  await obs('o2');
  await obs('gone');
  expect((await request('DELETE', `${server.base}/Observation/${ids.gone}`)).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
});

test('forward and reverse specs in one request: each included resource once, deleted ones never', async () => {
  const b = await bundle(`Encounter?_id=${ids.e}&_include=Encounter:patient&_revinclude=Observation:encounter&_revinclude=Observation:patient`);
  expect(b.match).toEqual([`Encounter/${ids.e}`]);
  expect(sorted(b.include)).toEqual(sorted([`Patient/${ids.p}`, `Observation/${ids.o1}`, `Observation/${ids.o2}`]));
});

test('a resource both matched and referenced is not repeated as an include', async () => {
  const b = await bundle(`Observation?_id=${ids.o1},${ids.o2}&_include=Observation:encounter&_revinclude=Observation:encounter`);
  expect(sorted(b.match)).toEqual(sorted([`Observation/${ids.o1}`, `Observation/${ids.o2}`]));
  expect(b.include).toEqual([`Encounter/${ids.e}`]);
});

test('* and :iterate', async () => {
  const all = await bundle(`Observation?_id=${ids.o1}&_include=*`);
  expect(sorted(all.include)).toEqual(sorted([`Patient/${ids.p}`, `Encounter/${ids.e}`]));
  const rev = await bundle(`Patient?_id=${ids.p}&_revinclude=*`);
  expect(sorted(rev.include)).toEqual(sorted([`Encounter/${ids.e}`, `Observation/${ids.o1}`, `Observation/${ids.o2}`]));
  const it = await bundle(`Observation?_id=${ids.o1}&_include=Observation:encounter&_include:iterate=Encounter:patient&_include:iterate=Patient:organization`);
  expect(sorted(it.include)).toEqual(sorted([`Encounter/${ids.e}`, `Patient/${ids.p}`, `Organization/${ids.org}`]));
  // Without :iterate the later specs apply to the matches only (an Observation has no organization).
  const flat = await bundle(`Observation?_id=${ids.o1}&_include=Observation:encounter&_include=Patient:organization`);
  expect(flat.include).toEqual([`Encounter/${ids.e}`]);
});
