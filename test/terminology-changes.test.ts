import type { ChildProcess } from 'node:child_process';
import { request } from './helpers/http.js';
import { backend, createDatabase, spawnServer, startTestServer, type TestServer } from './helpers/server.js';

/**
 * Cached expansions follow changes: a write in this process is seen by the next request; a write in another
 * process (PostgreSQL only: PGlite is single-process) within the poll interval. The search modifiers use the
 * same terminology, base R4 value sets included.
 */
const SYS = 'https://fhir.example.py/CodeSystem/test-cambios';
const VSURL = 'https://fhir.example.py/ValueSet/test-cambios';
const u = encodeURIComponent;

const codeSystem = (codes: string[]) => ({ resourceType: 'CodeSystem', url: SYS, status: 'active', content: 'complete', concept: codes.map((code) => ({ code, display: code.toUpperCase() })) });
const valueSet = (include: object) => ({ resourceType: 'ValueSet', url: VSURL, status: 'active', compose: { include: [include] } });

async function expandCodes(base: string, url = VSURL): Promise<string[] | number> {
  const r = await request('GET', `${base}/ValueSet/$expand?url=${u(url)}`);
  if (r.status !== 200) return r.status;
  return (r.json.expansion.contains ?? []).map((c: { code: string }) => c.code);
}

describe('changes to stored terminology', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('create, update and delete of a ValueSet and its CodeSystem show in the next $expand and $validate-code', async () => {
    expect(await expandCodes(server.base)).toBe(404);
    const cs = await request('POST', `${server.base}/CodeSystem`, codeSystem(['a', 'b']));
    expect(cs.status).toBe(201);
    const vs = await request('POST', `${server.base}/ValueSet`, valueSet({ system: SYS }));
    expect(vs.status).toBe(201);
    expect(await expandCodes(server.base)).toEqual(['a', 'b']);
    // The code system grows: the cached expansion of the whole system is dropped.
    expect((await request('PUT', `${server.base}/CodeSystem/${cs.json.id}`, { ...codeSystem(['a', 'b', 'c']), id: cs.json.id })).status).toBe(200);
    expect(await expandCodes(server.base)).toEqual(['a', 'b', 'c']);
    const check = async (code: string): Promise<boolean> => {
      const r = await request('GET', `${server.base}/ValueSet/$validate-code?url=${u(VSURL)}&system=${u(SYS)}&code=${code}`);
      return r.json.parameter.find((p: { name: string }) => p.name === 'result').valueBoolean;
    };
    expect(await check('c')).toBe(true);
    // The value set narrows.
    expect((await request('PUT', `${server.base}/ValueSet/${vs.json.id}`, { ...valueSet({ system: SYS, concept: [{ code: 'b' }] }), id: vs.json.id })).status).toBe(200);
    expect(await expandCodes(server.base)).toEqual(['b']);
    expect(await check('c')).toBe(false);
    expect((await request('DELETE', `${server.base}/ValueSet/${vs.json.id}`)).status).toBeLessThan(300);
    expect(await expandCodes(server.base)).toBe(404);
  });

  test('operations inside batch and transaction bundles, seeing what the transaction wrote before them', async () => {
    const url = 'https://fhir.example.py/ValueSet/test-en-transaccion';
    const r = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:6b0c3f5e-0d55-4d8e-9d5a-2f7d1d5e0a01', resource: { resourceType: 'ValueSet', url, status: 'active', compose: { include: [{ system: 'http://hl7.org/fhir/administrative-gender', concept: [{ code: 'male' }, { code: 'other' }] }] } }, request: { method: 'POST', url: 'ValueSet' } },
        { request: { method: 'GET', url: `ValueSet/$expand?url=${u(url)}` } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.entry[1].resource.expansion.contains.map((c: { code: string }) => c.code)).toEqual(['male', 'other']);
    const batch = await request('POST', server.base, {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: `CodeSystem/$lookup?system=${u('http://hl7.org/fhir/administrative-gender')}&code=female` } },
        { request: { method: 'GET', url: `CodeSystem/$lookup?system=${u('http://hl7.org/fhir/administrative-gender')}&code=nope` } },
        { request: { method: 'GET', url: `ValueSet/$validate-code?url=${u(url)}&system=${u('http://hl7.org/fhir/administrative-gender')}&code=female` } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.json.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))).toEqual(['200', '404', '200']);
    expect(batch.json.entry[2].resource.parameter[0]).toEqual({ name: 'result', valueBoolean: false });
  });

  test('search :in / :not-in accept HL7 terminology value sets; :below follows their hierarchies', async () => {
    const patient = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', gender: 'female' });
    const ROLE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
    const related = async (code: string): Promise<string> => {
      const r = await request('POST', `${server.base}/RelatedPerson`, { resourceType: 'RelatedPerson', patient: { reference: `Patient/${patient.json.id}` }, relationship: [{ coding: [{ system: ROLE, code }] }] });
      expect(r.status).toBe(201);
      return r.json.id;
    };
    const father = await related('NFTH');
    const friend = await related('FRND');
    const ids = async (q: string): Promise<string[]> => ((await request('GET', `${server.base}/${q}`)).json.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id).sort();
    const family = u('http://terminology.hl7.org/ValueSet/v3-FamilyMember');
    expect(await ids(`RelatedPerson?relationship:in=${family}`)).toEqual([father]);
    expect(await ids(`RelatedPerson?relationship:not-in=${family}`)).toEqual([friend]);
    expect(await ids(`RelatedPerson?relationship:below=${u(ROLE)}|FTH`)).toEqual([father]);
    expect(await ids(`RelatedPerson?relationship:below=${u(ROLE)}|MTH`)).toEqual([]);
    expect(await ids(`RelatedPerson?relationship:above=${u(ROLE)}|NFTH`)).toEqual([father]);
  });
});

const pgTest = backend() === 'postgres' ? test : test.skip;

describe('two server processes on one database', () => {
  const procs: ChildProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await Promise.all(procs.map((p) => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : (p.once('exit', () => resolve()), p.kill('SIGTERM'))))));
    await drop?.();
  });

  pgTest('a ValueSet written through one process is expanded by the other within the poll interval', async () => {
    const db = await createDatabase();
    drop = db.drop;
    const env = { DATABASE_URL: db.url };
    const a = await spawnServer(env);
    procs.push(a.proc);
    const b = await spawnServer(env);
    procs.push(b.proc);
    // B caches "not held" first.
    expect(await expandCodes(b.base)).toBe(404);
    expect((await request('POST', `${a.base}/CodeSystem`, codeSystem(['x', 'y']))).status).toBe(201);
    expect((await request('POST', `${a.base}/ValueSet`, valueSet({ system: SYS }))).status).toBe(201);
    expect(await expandCodes(a.base)).toEqual(['x', 'y']);
    const deadline = Date.now() + 15_000;
    let seen: string[] | number = 404;
    while (Date.now() < deadline) {
      seen = await expandCodes(b.base);
      if (Array.isArray(seen)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toEqual(['x', 'y']);
  });
});
