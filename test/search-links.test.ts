import { request } from './helpers/http.js';
import { backend, spawnServer, startTestServer, type TestServer } from './helpers/server.js';

/**
 * Declared search links (SEARCH_LINKS, src/search/links.ts): a two-step chain or a `_has` kept as index rows.
 * The rows are derived data, so every test changes a resource somewhere on the path — the source, the
 * intermediate, the final target — and checks through the API that the linked search answers what the path
 * means now: the same as the generic chain of a server without links, including writes in one transaction,
 * deletes, links declared after the data was stored, and (PostgreSQL) concurrent writers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let server: TestServer;

async function call(method: string, url: string, body?: unknown, base = server.base): Promise<Json> {
  const r = await request(method, url.startsWith('http') ? url : `${base}/${url}`, body);
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}
const create = async (resource: Json, base = server.base): Promise<string> => (await call('POST', resource.resourceType, resource, base)).id;
const ids = (b: Json): string[] => (b.entry ?? []).filter((e: Json) => e.search?.mode === 'match').map((e: Json) => e.resource.id).sort();
const find = async (query: string, base = server.base): Promise<string[]> => ids(await call('GET', `${query}${query.includes('?') ? '&' : '?'}_count=1000`, undefined, base));

const practitioner = (family: string): Json => ({ resourceType: 'Practitioner', name: [{ family }] });
const encounter = (patient: string, participants: string[], org?: string): Json => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  subject: { reference: `Patient/${patient}` },
  ...(participants.length ? { participant: participants.map((p) => ({ individual: { reference: `Practitioner/${p}` } })) } : {}),
  ...(org ? { serviceProvider: { reference: `Organization/${org}` } } : {}),
});
const observation = (patient: string, enc: string | undefined, code: string): Json => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'urn:test:links', code }] },
  subject: { reference: `Patient/${patient}` },
  ...(enc ? { encounter: { reference: `Encounter/${enc}` } } : {}),
});

beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe('forward link Observation?encounter.participant', () => {
  test('follows changes of the source, the intermediate and the final target', async () => {
    const tag = `L${Date.now().toString(36)}`;
    const pat = await create({ resourceType: 'Patient', name: [{ family: `${tag}-p` }] });
    const p1 = await create(practitioner(`${tag}-uno`));
    const p2 = await create(practitioner(`${tag}-dos`));
    const org = await create({ resourceType: 'Organization', name: `${tag} Hospital` });
    const e1 = await create(encounter(pat, [p1], org));
    const e2 = await create(encounter(pat, [p1, p2]));
    const o1 = await create(observation(pat, e1, 'a'));
    const o2 = await create(observation(pat, e2, 'a'));
    const o3 = await create(observation(pat, undefined, 'a'));

    const byName = (n: string): Promise<string[]> => find(`Observation?encounter.participant:Practitioner.name=${tag}-${n}`);
    expect(await byName('uno')).toEqual([o1, o2].sort());
    expect(await byName('dos')).toEqual([o2]);
    expect(await find(`Observation?encounter.participant=Practitioner/${p2}`)).toEqual([o2]);
    expect(await find(`Observation?encounter.participant:Practitioner=${p1}`)).toEqual([o1, o2].sort());
    expect(await find(`Observation?encounter.service-provider.name=${encodeURIComponent(`${tag} Hospital`)}`)).toEqual([o1]);
    // combined with another parameter, and counted
    const counted = await call('GET', `Observation?encounter.participant:Practitioner.name=${tag}-uno&_total=accurate&_count=1`);
    expect(counted.total).toBe(2);

    // the intermediate changes: e2 loses p1, e1 gets p2
    await call('PUT', `Encounter/${e2}`, { ...encounter(pat, [p2]), id: e2 });
    await call('PUT', `Encounter/${e1}`, { ...encounter(pat, [p1, p2], org), id: e1 });
    expect(await byName('uno')).toEqual([o1]);
    expect(await byName('dos')).toEqual([o1, o2].sort());

    // the source changes: o3 gets an encounter, o1 moves to e2
    await call('PUT', `Observation/${o3}`, { ...observation(pat, e1, 'a'), id: o3 });
    await call('PUT', `Observation/${o1}`, { ...observation(pat, e2, 'a'), id: o1 });
    expect(await byName('uno')).toEqual([o3]);
    expect(await byName('dos')).toEqual([o1, o2, o3].sort());

    // the final target changes its name: the chain reads the target's own index
    await call('PUT', `Practitioner/${p1}`, { ...practitioner(`${tag}-tres`), id: p1 });
    expect(await byName('uno')).toEqual([]);
    expect(await byName('tres')).toEqual([o3]);

    // the source is deleted
    await call('DELETE', `Observation/${o3}`);
    expect(await byName('dos')).toEqual([o1, o2].sort());
    expect(await find(`Observation?encounter.participant=Practitioner/${p1}`)).toEqual([]);
  });

  test('written in one transaction, in either order, with references between the entries', async () => {
    const tag = `T${Date.now().toString(36)}`;
    const pat = await create({ resourceType: 'Patient', name: [{ family: `${tag}-p` }] });
    const entries = [
      { fullUrl: 'urn:uuid:4f1c8a52-0000-4000-8000-000000000001', resource: observation(pat, undefined, 'b'), request: { method: 'POST', url: 'Observation' } },
      { fullUrl: 'urn:uuid:4f1c8a52-0000-4000-8000-000000000002', resource: practitioner(`${tag}-x`), request: { method: 'POST', url: 'Practitioner' } },
      {
        fullUrl: 'urn:uuid:4f1c8a52-0000-4000-8000-000000000003',
        resource: { ...encounter(pat, []), participant: [{ individual: { reference: 'urn:uuid:4f1c8a52-0000-4000-8000-000000000002' } }] },
        request: { method: 'POST', url: 'Encounter' },
      },
    ];
    entries[0].resource.encounter = { reference: 'urn:uuid:4f1c8a52-0000-4000-8000-000000000003' };
    const b = await call('POST', '', { resourceType: 'Bundle', type: 'transaction', entry: entries });
    const obsId = b.entry[0].response.location.split('/')[1];
    expect(await find(`Observation?encounter.participant:Practitioner.name=${tag}-x`)).toEqual([obsId]);
  });

  test('the generic chain of a server without links answers the same', async () => {
    const plain = await startTestServer({ SEARCH_LINKS: 'none' });
    try {
      const tag = `G${Date.now().toString(36)}`;
      const results: string[][][] = [];
      for (const base of [server.base, plain.base]) {
        const pat = await create({ resourceType: 'Patient', name: [{ family: `${tag}-p` }] }, base);
        const ps = [await create(practitioner(`${tag}-a`), base), await create(practitioner(`${tag}-b`), base)];
        const encs = [await create(encounter(pat, [ps[0]]), base), await create(encounter(pat, [ps[0], ps[1]]), base), await create(encounter(pat, []), base)];
        const obs: string[] = [];
        for (let i = 0; i < 12; i++) obs.push(await create(observation(pat, encs[i % 3], i % 2 ? 'c' : 'd'), base));
        const local = (list: string[]): number[] => list.map((id) => obs.indexOf(id)).sort((x, y) => x - y) as unknown as number[];
        const q = [
          `Observation?encounter.participant:Practitioner.name=${tag}-a`,
          `Observation?encounter.participant:Practitioner.name=${tag}-b`,
          `Observation?encounter.participant:Practitioner.name=${tag}-a,${tag}-b&code=c`,
          `Observation?encounter.participant=Practitioner/${ps[1]}`,
          `Observation?encounter.participant:missing=false&subject=Patient/${pat}`,
        ];
        const r: string[][] = [];
        for (const query of q) r.push(local(await find(query, base)).map(String));
        results.push(r);
      }
      expect(results[0]).toEqual(results[1]);
      expect(results[0][0].length).toBe(8);
    } finally {
      await plain.stop();
    }
  }, 120_000);
});

describe('reverse link Patient?_has:Observation:patient:code', () => {
  test('follows the sources and their targets', async () => {
    const tag = `H${Date.now().toString(36)}`;
    const code = (c: string): string => `urn:test:links|${tag}-${c}`;
    const pa = await create({ resourceType: 'Patient', name: [{ family: `${tag}-a` }] });
    const pb = await create({ resourceType: 'Patient', name: [{ family: `${tag}-b` }] });
    const oa = await create(observation(pa, undefined, `${tag}-x`));
    const ob = await create(observation(pb, undefined, `${tag}-y`));
    await create(observation(pb, undefined, `${tag}-x`));
    const has = (c: string): Promise<string[]> => find(`Patient?_has:Observation:patient:code=${code(c)}`);
    expect(await has('x')).toEqual([pa, pb].sort());
    expect(await has('y')).toEqual([pb]);
    // a code only, a paged walk with an exact total
    expect(await find(`Patient?_has:Observation:patient:code=${tag}-y`)).toEqual([pb]);
    const first = await call('GET', `Patient?_has:Observation:patient:code=${code('x')}&_count=1&_total=accurate`);
    expect(first.total).toBe(2);
    expect(first.entry).toHaveLength(1);
    const next = first.link.find((l: Json) => l.relation === 'next').url;
    const second = await call('GET', next);
    expect([first.entry[0].resource.id, second.entry[0].resource.id].sort()).toEqual([pa, pb].sort());

    // the source changes its code, then moves to another patient, then is deleted
    await call('PUT', `Observation/${ob}`, { ...observation(pb, undefined, `${tag}-z`), id: ob });
    expect(await has('y')).toEqual([]);
    expect(await has('z')).toEqual([pb]);
    await call('PUT', `Observation/${oa}`, { ...observation(pb, undefined, `${tag}-w`), id: oa });
    expect(await has('w')).toEqual([pb]);
    expect(await has('x')).toEqual([pb]);
    await call('DELETE', `Observation/${ob}`);
    expect(await has('z')).toEqual([]);

    // the target is updated (its rows stay), deleted (gone), and created again under the same id (rebuilt)
    await call('PUT', `Patient/${pb}`, { resourceType: 'Patient', id: pb, name: [{ family: `${tag}-b2` }] });
    expect(await has('w')).toEqual([pb]);
    const del = await request('DELETE', `${server.base}/Patient/${pb}`);
    if (del.status < 300) {
      expect(await has('w')).toEqual([]);
      await call('PUT', `Patient/${pb}`, { resourceType: 'Patient', id: pb, name: [{ family: `${tag}-b3` }] });
      expect(await has('w')).toEqual([pb]);
    }
  });

  test('a patient and its observations in one transaction', async () => {
    const tag = `U${Date.now().toString(36)}`;
    const patUrl = 'urn:uuid:7d2e2b10-0000-4000-8000-000000000001';
    const b = await call('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...observation('x', undefined, `${tag}-q`), subject: { reference: patUrl } }, request: { method: 'POST', url: 'Observation' } },
        { fullUrl: patUrl, resource: { resourceType: 'Patient', name: [{ family: tag }] }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    const patId = b.entry[1].response.location.split('/')[1];
    expect(await find(`Patient?_has:Observation:patient:code=urn:test:links|${tag}-q`)).toEqual([patId]);
    expect(await find(`Patient?_has:Observation:patient:code=urn:test:links|${tag}-q&name=${tag}`)).toEqual([patId]);
  });
});

describe('declaring links', () => {
  test('a link declared after the data was stored is built from it; one no longer declared is dropped', async () => {
    const own = await startTestServer({ SEARCH_LINKS: 'none' });
    try {
      const tag = `D${Date.now().toString(36)}`;
      const pat = await create({ resourceType: 'Patient', name: [{ family: tag }] }, own.base);
      const p = await create(practitioner(`${tag}-p`), own.base);
      const e = await create(encounter(pat, [p]), own.base);
      const o = await create(observation(pat, e, `${tag}-c`), own.base);
      const chain = `Observation?encounter.participant:Practitioner.name=${tag}-p`;
      const hasQ = `Patient?_has:Observation:patient:code=urn:test:links|${tag}-c`;
      expect(await find(chain, own.base)).toEqual([o]);
      expect(await find(hasQ, own.base)).toEqual([pat]);

      // restarted with the default links: built from the stored data at start
      await own.kill();
      delete own.env.SEARCH_LINKS;
      await own.restart();
      expect(await find(chain, own.base)).toEqual([o]);
      expect(await find(hasQ, own.base)).toEqual([pat]);
      // and kept up to date from then on
      const o2 = await create(observation(pat, e, `${tag}-c`), own.base);
      expect(await find(chain, own.base)).toEqual([o, o2].sort());

      // without links again: their rows are dropped, the generic chain answers; declared again: rebuilt
      await own.kill();
      own.env.SEARCH_LINKS = 'none';
      await own.restart();
      const o3 = await create(observation(pat, e, `${tag}-c`), own.base);
      expect(await find(chain, own.base)).toEqual([o, o2, o3].sort());
      await own.kill();
      delete own.env.SEARCH_LINKS;
      await own.restart();
      expect(await find(chain, own.base)).toEqual([o, o2, o3].sort());
      expect(await find(hasQ, own.base)).toEqual([pat]);
    } finally {
      await own.stop();
    }
  }, 180_000);

  test('an invalid SEARCH_LINKS value stops the server at start with a clear message', async () => {
    await expect(spawnServer({ SEARCH_LINKS: 'Observation?code.participant', DATA_DIR: `/tmp/hms-links-${process.pid}` })).rejects.toThrow(
      /SEARCH_LINKS: Observation\?code.participant: Observation.code is not a reference search parameter/,
    );
  }, 60_000);
});

if (backend() === 'postgres') {
  describe('concurrent writers (PostgreSQL)', () => {
    test('observations written while their encounter changes participants all follow the final participant', async () => {
      const tag = `C${Date.now().toString(36)}`;
      const pat = await create({ resourceType: 'Patient', name: [{ family: tag }] });
      const ps: string[] = [];
      for (let i = 0; i < 4; i++) ps.push(await create(practitioner(`${tag}-${i}`)));
      const e = await create(encounter(pat, [ps[0]]));
      // Each round switches the encounter's participant while observations of it are being created; after
      // each round every observation must follow the participant the encounter has now.
      const obs: string[] = [];
      for (let round = 1; round <= 12; round++) {
        const target = ps[round % 4];
        const writes = await Promise.all([
          call('PUT', `Encounter/${e}`, { ...encounter(pat, [target]), id: e }).then(() => ''),
          ...Array.from({ length: 12 }, () => create(observation(pat, e, 'k'))),
        ]);
        obs.push(...writes.filter(Boolean));
        expect(await find(`Observation?encounter.participant=Practitioner/${target}`)).toEqual([...obs].sort());
      }
      for (const p of ps.filter((x) => x !== ps[12 % 4])) expect(await find(`Observation?encounter.participant=Practitioner/${p}`)).toEqual([]);
    }, 60_000);
  });
}
