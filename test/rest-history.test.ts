import { Client } from 'fhir-kit-client';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json, sleep } from './rest-util.js';

/** history at instance, type and system level: order, paging (_count + next), _since, _at, deleted versions. */

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.base });
});
afterAll(async () => {
  await server?.stop();
});

/** "Type/id/version" of every entry of a history Bundle, in order. */
function keys(bundle: Json): string[] {
  return (bundle.entry ?? []).map((e: Json) => {
    const [type, id] = (e.fullUrl as string).split('/').slice(-2);
    const version = /^W\/"(\d+)"$/.exec(e.response.etag)?.[1];
    return `${type}/${id}/${version}`;
  });
}

async function get(url: string): Promise<Json> {
  const r = await request('GET', url);
  expect(r.status).toBe(200);
  expect(r.json.resourceType).toBe('Bundle');
  expect(r.json.type).toBe('history');
  return r.json;
}

/** Follows next links from url, returning every entry key and the number of pages. */
async function pageThrough(url: string, between?: (page: number) => Promise<void>): Promise<{ all: string[]; pages: number }> {
  const all: string[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const bundle = await get(next);
    pages++;
    all.push(...keys(bundle));
    next = bundle.link?.find((l: Json) => l.relation === 'next')?.url;
    if (between) await between(pages);
    expect(pages).toBeLessThan(100);
  }
  return { all, pages };
}

describe('instance history', () => {
  let id: string;
  const lastUpdated: string[] = [];
  beforeAll(async () => {
    const c = await request('POST', `${server.base}/Practitioner`, { resourceType: 'Practitioner', active: true });
    id = c.json.id;
    lastUpdated.push(c.json.meta.lastUpdated);
    await sleep(15);
    const u = await request('PUT', `${server.base}/Practitioner/${id}`, { resourceType: 'Practitioner', id, active: false });
    lastUpdated.push(u.json.meta.lastUpdated);
    await sleep(15);
    const d = await request('DELETE', `${server.base}/Practitioner/${id}`);
    expect([200, 204]).toContain(d.status);
    await sleep(15);
  });

  test('newest first; the delete is a DELETE entry without a resource', async () => {
    const bundle = await get(`${server.base}/Practitioner/${id}/_history`);
    expect(bundle.total).toBe(3);
    expect(keys(bundle)).toEqual([`Practitioner/${id}/3`, `Practitioner/${id}/2`, `Practitioner/${id}/1`]);
    const [del, upd, cre] = bundle.entry;
    expect(del.request).toEqual({ method: 'DELETE', url: `Practitioner/${id}` });
    expect(del.resource).toBeUndefined();
    expect(del.response.status).toMatch(/^20[04]/);
    expect(upd.request.method).toBe('PUT');
    expect(upd.resource.active).toBe(false);
    expect(upd.resource.meta.versionId).toBe('2');
    expect(upd.response.lastModified).toBe(new Date(lastUpdated[1]).toISOString());
    expect(cre.request.method).toBe('POST');
    expect(cre.resource.active).toBe(true);
    expect(cre.response.status).toMatch(/^201/);
  });

  test('fhir-kit-client reads the same history', async () => {
    const bundle = (await client.resourceHistory({ resourceType: 'Practitioner', id })) as Json;
    expect(bundle.type).toBe('history');
    expect(keys(bundle)).toEqual([`Practitioner/${id}/3`, `Practitioner/${id}/2`, `Practitioner/${id}/1`]);
  });

  test('_since keeps versions at or after the instant', async () => {
    const bundle = await get(`${server.base}/Practitioner/${id}/_history?_since=${encodeURIComponent(lastUpdated[1])}`);
    expect(keys(bundle)).toEqual([`Practitioner/${id}/3`, `Practitioner/${id}/2`]);
    expect(bundle.total).toBe(2);
    const future = await get(`${server.base}/Practitioner/${id}/_history?_since=2999-01-01T00:00:00Z`);
    expect(future.entry ?? []).toHaveLength(0);
  });

  test('_at gives the version current at that instant', async () => {
    const atV2 = await get(`${server.base}/Practitioner/${id}/_history?_at=${encodeURIComponent(lastUpdated[1])}`);
    expect(keys(atV2)).toEqual([`Practitioner/${id}/2`]);
    const betweenV1AndV2 = new Date(Date.parse(lastUpdated[0]) + 1).toISOString();
    expect(Date.parse(betweenV1AndV2)).toBeLessThan(Date.parse(lastUpdated[1]));
    const atV1 = await get(`${server.base}/Practitioner/${id}/_history?_at=${encodeURIComponent(betweenV1AndV2)}`);
    expect(keys(atV1)).toEqual([`Practitioner/${id}/1`]);
    const before = await get(`${server.base}/Practitioner/${id}/_history?_at=2000-01-01`);
    expect(before.entry ?? []).toHaveLength(0);
  });

  test('history of an unknown resource is 404; bad parameters are 400', async () => {
    expectOutcome(await request('GET', `${server.base}/Practitioner/no-such-practitioner/_history`), 404);
    expectOutcome(await request('GET', `${server.base}/Practitioner/${id}/_history?_since=yesterday`), 400);
    expectOutcome(await request('GET', `${server.base}/Practitioner/${id}/_history?_at=soon`), 400);
    expectOutcome(await request('GET', `${server.base}/Practitioner/${id}/_history?_count=-1`), 400);
  });
});

describe('type and system history', () => {
  const written: string[] = [];
  let start: string;
  beforeAll(async () => {
    start = new Date().toISOString();
    await sleep(15);
    for (let i = 0; i < 5; i++) {
      const c = await request('POST', `${server.base}/Organization`, { resourceType: 'Organization', name: `Hospital ${i}` });
      written.push(`Organization/${c.json.id}/1`);
      if (i % 2 === 0) {
        const u = await request('PUT', `${server.base}/Organization/${c.json.id}`, { resourceType: 'Organization', id: c.json.id, name: `Hospital ${i}b` });
        written.push(`Organization/${c.json.id}/2`);
        expect(u.json.meta.versionId).toBe('2');
      }
    }
    const gone = written[0].split('/')[1];
    await request('DELETE', `${server.base}/Organization/${gone}`);
    written.push(`Organization/${gone}/3`);
    const loc = await request('POST', `${server.base}/Location`, { resourceType: 'Location', name: 'Sala 1' });
    written.push(`Location/${loc.json.id}/1`);
  });

  test('type history holds every version of that type only, newest first', async () => {
    const bundle = await get(`${server.base}/Organization/_history?_since=${encodeURIComponent(start)}`);
    const orgs = written.filter((k) => k.startsWith('Organization/'));
    expect(bundle.total).toBe(orgs.length);
    expect(keys(bundle)).toEqual([...orgs].reverse());
    const deletes = bundle.entry.filter((e: Json) => e.request.method === 'DELETE');
    expect(deletes).toHaveLength(1);
    expect(deletes[0].resource).toBeUndefined();
  });

  test('system history holds every type', async () => {
    const bundle = await get(`${server.base}/_history?_since=${encodeURIComponent(start)}`);
    expect(keys(bundle)).toEqual([...written].reverse());
    const types = new Set(keys(bundle).map((k) => k.split('/')[0]));
    expect(types).toEqual(new Set(['Organization', 'Location']));
  });

  test('_count pages through everything exactly once', async () => {
    const { all, pages } = await pageThrough(`${server.base}/Organization/_history?_count=2&_since=${encodeURIComponent(start)}`);
    const orgs = written.filter((k) => k.startsWith('Organization/'));
    expect(pages).toBe(Math.ceil(orgs.length / 2));
    expect(all).toEqual([...orgs].reverse());
  });

  test('paging stays exact when a new version is written between pages', async () => {
    const url = `${server.base}/_history?_count=3&_since=${encodeURIComponent(start)}`;
    const snapshot = [...written].reverse();
    let extra: string | undefined;
    const { all } = await pageThrough(url, async (page) => {
      if (page === 1) {
        const c = await request('POST', `${server.base}/Location`, { resourceType: 'Location', name: 'Sala nueva' });
        extra = `Location/${c.json.id}/1`;
      }
    });
    expect(extra).toBeDefined();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(snapshot);
    // The new version is in the next fresh read of the history.
    const fresh = await get(`${server.base}/_history?_count=1&_since=${encodeURIComponent(start)}`);
    expect(keys(fresh)).toEqual([extra]);
    written.push(extra as string);
  });

  test('fhir-kit-client follows next links', async () => {
    let bundle = (await client.request(`Organization/_history?_count=4&_since=${encodeURIComponent(start)}`)) as Json;
    const all = keys(bundle);
    for (let n = 0; n < 20; n++) {
      const next = client.nextPage({ bundle });
      if (!next) break;
      bundle = (await next) as Json;
      all.push(...keys(bundle));
    }
    expect(all).toEqual(written.filter((k) => k.startsWith('Organization/')).reverse());
  });
});
