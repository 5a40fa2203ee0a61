import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { auditEvents, sleep, type Json } from './rest-util.js';

/**
 * The audit trail's two stages (src/security/audit.ts), through HTTP: every read, search, write and operation
 * leaves an AuditEvent that auditors find by search (entity, patient, subtype, action, outcome, address, and
 * the request's X-Request-Id in entity.detail), and records acknowledged to the client are in the durable
 * audit log after AUDIT_FLUSH_MS: a server killed with SIGKILL before they became AuditEvents stores them
 * when it starts again (PGlite) or once they are orphans (PostgreSQL).
 */
let server: TestServer;
afterEach(async () => {
  await server?.stop();
});

/** Waits (up to `ms`) for a search to find at least n events. */
const events = (query: string, n: number, ms = 15_000): Promise<Json[]> => auditEvents(server.base, query, n, ms);

const requestIds = (found: Json[]): string[] =>
  found.flatMap((e: Json) => (e.entity ?? []).flatMap((en: Json) => (en.detail ?? []).flatMap((d: Json) => d.valueString.split(' '))));

/** The request ids recorded for one resource (an aggregated read event names several). */
const requestIdsOf = (found: Json[], ref: string): string[] =>
  requestIds(found.map((e: Json) => ({ entity: (e.entity ?? []).filter((en: Json) => en.what?.reference === ref || en.what?.identifier?.value === ref) })));

async function call(method: string, path: string, rid: string, body?: unknown): Promise<Json> {
  const r = await request(method, `${server.base}/${path}`, body, { 'X-Request-Id': rid });
  expect(r.headers.get('x-request-id')).toBe(rid);
  return r;
}

test('every read, search, write and operation leaves a searchable AuditEvent naming its request', async () => {
  server = await startTestServer({ AUDIT: 'on', AUDIT_FLUSH_MS: '50', AUDIT_EVENT_MS: '400' });
  const tag = `t${Date.now()}`;
  const created = await call('POST', 'Patient', `${tag}-create`, { resourceType: 'Patient', name: [{ family: tag }] });
  expect(created.status).toBe(201);
  const id = created.json.id as string;
  expect((await call('GET', `Patient/${id}`, `${tag}-read`)).status).toBe(200);
  expect((await call('GET', `Patient/${id}/_history/1`, `${tag}-vread`)).status).toBe(200);
  expect((await call('GET', `Patient?family=${tag}`, `${tag}-search`)).status).toBe(200);
  expect((await call('PUT', `Patient/${id}`, `${tag}-update`, { resourceType: 'Patient', id, name: [{ family: tag, given: ['x'] }] })).status).toBe(200);
  expect((await call('POST', 'Patient/$validate', `${tag}-op`, { resourceType: 'Patient' })).status).toBe(200);
  expect((await call('GET', 'Patient/does-not-exist', `${tag}-missing`)).status).toBe(404);
  // a request id with a tab (allowed in a header value) cannot break the log's line format (recorded with `_`: ids are words of the detail)
  expect((await request('GET', `${server.base}/Patient/${id}`, undefined, { 'X-Request-Id': `${tag}\ttab` })).status).toBe(200);
  expect((await call('DELETE', `Patient/${id}`, `${tag}-delete`)).status).toBeLessThan(300);

  const expectEvent = async (query: string, rid: string): Promise<Json> => {
    let found: Json[] = [];
    for (let waited = 0; waited < 15_000 && !requestIds(found).includes(rid); waited += 200) {
      found = await events(query, 1);
      if (!requestIds(found).includes(rid)) await sleep(200);
    }
    expect(requestIds(found)).toContain(rid);
    return found.find((e: Json) => requestIds([e]).includes(rid));
  };
  const c = await expectEvent(`entity=Patient/${id}&subtype=create&action=C&outcome=0`, `${tag}-create`);
  expect(c.agent[0].network.address).toBeTruthy();
  await expectEvent(`entity=Patient/${id}&subtype=read&action=R`, `${tag}-read`);
  await expectEvent(`patient=Patient/${id}&subtype=vread`, `${tag}-vread`);
  await expectEvent(`entity=Patient/${id}&subtype=read`, `${tag}_tab`);
  await expectEvent(`subtype=search-type&address=${encodeURIComponent(c.agent[0].network.address)}&_count=100`, `${tag}-search`);
  await expectEvent(`entity=Patient/${id}&subtype=update&action=U`, `${tag}-update`);
  await expectEvent(`subtype=operation&action=E&_count=100`, `${tag}-op`);
  await expectEvent(`entity:identifier=Patient/does-not-exist&outcome=4`, `${tag}-missing`);
  await expectEvent(`entity:identifier=Patient/${id}&subtype=delete&action=D`, `${tag}-delete`);
});

test('records acknowledged before a SIGKILL become AuditEvents after the restart', async () => {
  // events would only be stored after 10 minutes: what the restart finds came from the durable log
  server = await startTestServer({ AUDIT: 'on', AUDIT_FLUSH_MS: '50', AUDIT_EVENT_MS: '600000' });
  const tag = `k${Date.now()}`;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await call('POST', 'Patient', `${tag}-c${i}`, { resourceType: 'Patient' })).json.id);
  for (let i = 0; i < 5; i++) expect((await call('GET', `Patient/${ids[i]}`, `${tag}-r${i}`)).status).toBe(200);
  expect((await call('GET', `Patient/${ids[0]}`, `${tag}-r0b`)).status).toBe(200);
  await sleep(600); // several AUDIT_FLUSH_MS: the records are in the log
  const before = await request('GET', `${server.base}/AuditEvent?entity=Patient/${ids[0]}`);
  expect(before.json.entry ?? []).toHaveLength(0); // not yet AuditEvents
  await server.kill();
  const journal = server.backend === 'pglite' ? join(server.env.DATA_DIR, 'hms-audit-journal') : '';
  let left: string[] = [];
  if (journal) {
    // PGlite: the log is a journal of files; a write cut short by the crash (a .tmp file) is never read
    left = readdirSync(journal);
    expect(left.filter((f) => f.endsWith('.log')).length).toBeGreaterThan(0);
    writeFileSync(join(journal, '00000000000001-000000000.tmp'), '{"t":1,"h":[[0,"k",');
    left.push('00000000000001-000000000.tmp');
  }
  server.env.AUDIT_EVENT_MS = '200';
  await server.restart();
  // PGlite: recovered at start; PostgreSQL: once older than 5 s, by the next sweep
  const reads = await events(`patient=Patient/${ids[0]}&subtype=read`, 1, 30_000);
  expect(requestIdsOf(reads, `Patient/${ids[0]}`).sort()).toEqual([`${tag}-r0`, `${tag}-r0b`]);
  for (let i = 0; i < 5; i++) {
    const created = await events(`entity=Patient/${ids[i]}&subtype=create`, 1, 30_000);
    expect(requestIdsOf(created, `Patient/${ids[i]}`)).toEqual([`${tag}-c${i}`]);
    const read = await events(`entity=Patient/${ids[i]}&subtype=read`, 1, 30_000);
    expect(requestIdsOf(read, `Patient/${ids[i]}`).sort()).toEqual(i === 0 ? [`${tag}-r0`, `${tag}-r0b`] : [`${tag}-r${i}`]);
  }
  // stored once: the recovered log rows are gone
  await sleep(500);
  expect((await events(`entity=Patient/${ids[1]}`, 2, 1_000)).length).toBe(2);
  // the files found at the restart were stored and deleted (the server's own reads since then add new ones)
  if (journal) expect(readdirSync(journal).filter((f) => left.includes(f))).toEqual([]);
}, 90_000);
