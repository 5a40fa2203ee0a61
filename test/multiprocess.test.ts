import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS } from '../src/db/migrations.js';
import { request, type Reply } from './helpers/http.js';
import { backend, createDatabase, spawnServer } from './helpers/server.js';

/**
 * Several server processes on one PostgreSQL database (horizontal scaling). PGlite is an embedded,
 * single-process database (one process owns its DATA_DIR), so these tests are skipped on the pglite project.
 */
const pgTest = backend() === 'postgres' ? test : test.skip;

const SYS = 'urn:hms-test:multi';

interface Cluster {
  bases: string[];
  url: string;
  stop(): Promise<void>;
}

const clusters: Cluster[] = [];

async function cluster(processes: number): Promise<Cluster> {
  const db = await createDatabase();
  const env = { DATABASE_URL: db.url, DB_POOL_SIZE: '8' };
  // All processes start at the same time on the empty database (they race to apply the migrations).
  const started = await Promise.allSettled(Array.from({ length: processes }, () => spawnServer(env)));
  const procs: ChildProcess[] = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.proc] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
          }),
      ),
    );
    await db.drop();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  const c = { bases: started.map((s) => (s as PromiseFulfilledResult<{ base: string }>).value.base), url: db.url, stop };
  clusters.push(c);
  return c;
}

afterAll(async () => {
  for (const c of clusters) await c.stop();
});

let shared: Cluster | undefined;
async function two(): Promise<Cluster> {
  shared ??= await cluster(2);
  return shared;
}

pgTest('processes started at once on an empty database apply each migration exactly once', async () => {
  const c = await cluster(3);
  const client = new pg.Client({ connectionString: c.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number; n: string }>('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
    expect(rows.map((r) => [Number(r.version), Number(r.n)])).toEqual(MIGRATIONS.map((m) => [m.version, 1]));
  } finally {
    await client.end();
  }
  // and each process serves the same data
  const created = await request('POST', `${c.bases[0]}/Patient`, { resourceType: 'Patient', identifier: [{ system: SYS, value: randomUUID() }] });
  expect(created.status).toBe(201);
  for (const base of c.bases) expect((await request('GET', `${base}/Patient/${created.json.id}`)).status).toBe(200);
});

pgTest('concurrent If-Match updates of one resource through two processes: each succeeds or gets 412; versions add up', async () => {
  const { bases } = await two();
  const created = await request('POST', `${bases[0]}/Patient`, { resourceType: 'Patient', identifier: [{ system: SYS, value: randomUUID() }] });
  expect(created.status).toBe(201);
  const id = created.json.id as string;
  const statuses: number[] = [];
  const CLIENTS = 12;
  const ATTEMPTS = 6;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const base = bases[(client + attempt) % bases.length];
        const current = await request('GET', `${base}/Patient/${id}`);
        expect(current.status).toBe(200);
        const version = current.json.meta.versionId as string;
        const body = { ...current.json, name: [{ family: 'Writer', given: [`c${client}-a${attempt}`] }] };
        const r: Reply = await request('PUT', `${base}/Patient/${id}`, body, { 'If-Match': `W/"${version}"` });
        statuses.push(r.status);
        if (r.status === 200) expect(r.headers.get('etag')).toBe(`W/"${Number(version) + 1}"`);
      }
    }),
  );
  expect(statuses).toHaveLength(CLIENTS * ATTEMPTS);
  expect(statuses.filter((s) => s !== 200 && s !== 412)).toEqual([]);
  const successes = statuses.filter((s) => s === 200).length;
  expect(successes).toBeGreaterThan(0);
  // With 12 concurrent writers some must have lost the race.
  expect(statuses.filter((s) => s === 412).length).toBeGreaterThan(0);
  for (const base of bases) {
    const final = await request('GET', `${base}/Patient/${id}`);
    expect(Number(final.json.meta.versionId)).toBe(successes + 1);
  }
  const history = await request('GET', `${bases[1]}/Patient/${id}/_history?_count=1000`);
  expect(history.json.total).toBe(successes + 1);
  const versions = (history.json.entry as { resource: { meta: { versionId: string } } }[]).map((e) => Number(e.resource.meta.versionId)).sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: successes + 1 }, (_, i) => i + 1));
});

pgTest('concurrent conditional creates (If-None-Exist) of one identifier across two processes create exactly one resource', async () => {
  const { bases } = await two();
  for (let round = 0; round < 3; round++) {
    const ident = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        request('POST', `${bases[i % 2]}/Patient`, { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, { 'If-None-Exist': `identifier=${SYS}|${ident}` }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);
    const search = await request('GET', `${bases[1]}/Patient?identifier=${SYS}|${ident}`);
    expect(search.json.total).toBe(1);
    const id = search.json.entry[0].resource.id as string;
    for (const r of replies) expect(r.headers.get('location') ?? `/Patient/${id}/`).toContain(`/Patient/${id}/`);
  }
});

pgTest('concurrent transaction bundles with ifNoneExist on one identifier across two processes create exactly one resource', async () => {
  const { bases } = await two();
  const ident = randomUUID();
  const replies = await Promise.all(
    Array.from({ length: 12 }, (_, i) => {
      const p = 'urn:uuid:' + randomUUID();
      return request('POST', bases[i % 2], {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: p, resource: { resourceType: 'Patient', identifier: [{ system: SYS, value: ident }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${ident}` } },
          { resource: { resourceType: 'Observation', status: 'final', code: { text: `t${i}` }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
        ],
      });
    }),
  );
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  const first = replies.map((r) => (r.json.entry[0].response.status as string).slice(0, 3));
  expect(first.filter((s) => s === '201')).toHaveLength(1);
  expect(first.filter((s) => s === '200')).toHaveLength(replies.length - 1);
  const search = await request('GET', `${bases[0]}/Patient?identifier=${SYS}|${ident}`);
  expect(search.json.total).toBe(1);
  const obs = await request('GET', `${bases[1]}/Observation?subject=Patient/${search.json.entry[0].resource.id}&_summary=count`);
  expect(obs.json.total).toBe(replies.length);
});

pgTest('a SearchParameter stored through one process becomes searchable through the other', async () => {
  const [a, b] = (await two()).bases;
  const code = `mp-${randomUUID().slice(0, 8)}`;
  const p = await request('POST', `${a}/Patient`, { resourceType: 'Patient', name: [{ family: 'Giménez' }], birthDate: '1990-05-05' });
  expect(p.status).toBe(201);
  const sp = await request('POST', `${a}/SearchParameter`, {
    resourceType: 'SearchParameter',
    url: `https://fhir.mspbs.gov.py/SearchParameter/${code}`,
    name: code,
    status: 'active',
    description: 'test',
    code,
    base: ['Patient'],
    type: 'date',
    expression: 'Patient.birthDate',
  });
  expect(sp.status).toBe(201);
  // The other process registers it on its next poll (every 5 s); before that, strict handling refuses it.
  let found: Reply | undefined;
  for (let i = 0; i < 40; i++) {
    found = await request('GET', `${b}/Patient?${code}=1990-05-05`, undefined, { Prefer: 'handling=strict' });
    if (found.status === 200 && found.json.total === 1) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(found?.status).toBe(200);
  expect(found?.json.entry[0].resource.id).toBe(p.json.id);
});
