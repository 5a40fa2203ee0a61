/**
 * HMS-OPS audit storage benchmark (issue #6): what the audit trail's background stages cost, in process,
 * without HTTP (the request-path cost is bench/security.ts's).
 *
 *   npm run bench:audit
 *   npm run bench:audit -- --backends=pglite --seconds=300 --storage=pglz
 *
 * Simulates `--seconds` seconds of `--reads` reads per second of `--patients` patients by one requester:
 * 1. building the AuditEvents of one second's records: parsing the log text back (what recovery does) and
 *    eventsOf (what every interval does);
 * 2. storing them (src/security/audit.ts's staging: stamp, audit-index rows, one store transaction), CPU of
 *    this process (with PGlite: all of the database's work) and, on PostgreSQL, of the server backend;
 * 3. PostgreSQL only: appending the second's log as ten `audit_log` inserts (AUDIT_FLUSH_MS = 100 ms).
 * Options: --backends (pglite,postgres), --seconds (default 100), --reads (12000), --patients (500),
 * --storage (PGlite: `external`, the server's migration 15, or `pglz` to compare), --pg-url.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '@medplum/fhirtypes';
import pg from 'pg';
import pino from 'pino';
import type { RequestContext } from '../src/context.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrations.js';
import { newId, stamp } from '../src/interactions/resource.js';
import { auditIndexRows } from '../src/security/audit-index.js';
import { eventsOf, parseRecord } from '../src/security/audit.js';
import { ResourceStore } from '../src/store/store.js';
import { arg, cleanups, processTicks, runBench } from './run.js';

const BACKENDS = arg('backends', 'pglite,postgres').split(',');
const SECONDS = Number(arg('seconds', '100'));
const READS = Number(arg('reads', '12000'));
const PATIENTS = Number(arg('patients', '500'));
const STORAGE = arg('storage', 'external');
const PG_URL = arg('pg-url', 'postgres://postgres@127.0.0.1:5432/postgres');
const BASE = 'http://bench/fhir';

const header: AuditEvent = {
  resourceType: 'AuditEvent',
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
  action: 'R',
  recorded: new Date().toISOString(),
  outcome: '0',
  agent: [{ who: { identifier: { system: 'urn:hms-ops:client', value: 'bench' } }, requestor: true, network: { address: '127.0.0.1', type: '2' } }],
  source: { observer: { display: 'HMS-OPS FHIR server' } },
};
const patients = Array.from({ length: PATIENTS }, () => randomUUID());

/** One log record's text as audit.ts serialises it: `n` reads with 16-character request ids. */
function record(n: number, offset: number): string {
  const ids = randomBytes(n * 12).toString('base64url');
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) lines[i] = `0\t${i % 1000}\tPatient/${patients[(offset + i) % PATIENTS]}\t${ids.slice(i * 16, i * 16 + 16)}`;
  return `${JSON.stringify({ t: Date.now(), h: [[0, 'k', header]], e: [] })}\n${lines.join('\n')}`;
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
const f1 = (x: number): string => x.toFixed(1);

async function run(backend: string): Promise<void> {
  let db: Database;
  let dbName = '';
  let dir = '';
  if (backend === 'pglite') {
    dir = mkdtempSync(join(tmpdir(), 'hms-bench-audit-'));
    db = await openDatabase({ dataDir: dir, poolSize: 1 });
  } else {
    dbName = `bench_audit_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${dbName}`;
    db = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 1 });
  }
  cleanups.push(async () => {
    await db.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (dbName) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });
  await migrate(db);
  if (backend === 'pglite' && STORAGE === 'pglz') {
    for (const t of ['resource', 'resource_history']) await db.query(`ALTER TABLE ${t} ALTER COLUMN content SET STORAGE EXTENDED`);
  }
  // one connection: the backend whose CPU is read is the one every statement runs on
  const backendPid = backend === 'postgres' ? Number((await db.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0].p) : undefined;
  const serverMs = (): number => processTicks(backendPid) * 10;
  const store = new ResourceStore(db, BASE);
  const ctx: RequestContext = { requestId: 'bench', lang: 'en', baseUrl: BASE, actor: { kind: 'system', id: 'audit' }, scopes: [], log: pino({ level: 'warn' }) };

  const parse: number[] = [];
  const build: number[] = [];
  const store1: number[] = [];
  const storeServer: number[] = [];
  const append: number[] = [];
  const appendServer: number[] = [];
  for (let s = 0; s < SECONDS; s++) {
    // ten appends of one tenth of the second's reads each (AUDIT_FLUSH_MS = 100)
    const texts = Array.from({ length: 10 }, (_, k) => record(READS / 10, s * READS + (k * READS) / 10));
    if (backend === 'postgres') {
      const [c0, s0] = [process.cpuUsage(), serverMs()];
      const ids: string[] = [];
      for (const t of texts) ids.push((await db.query<{ id: string }>('INSERT INTO audit_log (content) VALUES ($1) RETURNING id', [t])).rows[0].id);
      append.push(cpuMs(process.cpuUsage(c0)));
      appendServer.push(serverMs() - s0);
      await db.query('DELETE FROM audit_log WHERE id = ANY($1::bigint[])', [ids]);
    }
    let c = process.cpuUsage();
    const records = texts.map(parseRecord);
    parse.push(cpuMs(process.cpuUsage(c)));
    c = process.cpuUsage();
    const events = eventsOf(records);
    build.push(cpuMs(process.cpuUsage(c)));
    const [c0, s0] = [process.cpuUsage(), serverMs()];
    await store.transaction(ctx, async (t) => {
      for (const e of events) {
        const id = newId();
        const lastUpdated = new Date().toISOString();
        const stored = stamp(e, id, 1, lastUpdated);
        const index = auditIndexRows(stored, BASE);
        t.stage({ type: 'AuditEvent', id, version: 1, lastUpdated, method: 'POST', resource: stored, content: JSON.stringify(stored), isNew: true, trustedReferences: true, ...(index ? { index } : {}) });
      }
    });
    store1.push(cpuMs(process.cpuUsage(c0)));
    storeServer.push(serverMs() - s0);
  }
  const first = store1.slice(0, Math.min(50, SECONDS));
  const last = store1.slice(-Math.min(50, SECONDS));
  console.log(`\n== ${backend}${backend === 'pglite' ? ` (contents ${STORAGE})` : ''}: ${SECONDS} s of ${READS} reads/s over ${PATIENTS} patients; CPU ms per simulated second ==`);
  console.log(`  parse the log text back: mean ${f1(mean(parse))}; eventsOf: mean ${f1(mean(build))}`);
  console.log(`  store the AuditEvents: this process mean ${f1(mean(store1))}, median ${f1(median(store1))} (first 50 s ${f1(mean(first))}, last 50 s ${f1(mean(last))})${backendPid ? `; server backend mean ${f1(mean(storeServer))}` : ''}`);
  if (backend === 'postgres') console.log(`  append the log (10 inserts): this process mean ${f1(mean(append))}; server backend mean ${f1(mean(appendServer))}`);
  console.log(`  per read: ${f1(((mean(store1) + mean(build) + (backendPid ? mean(storeServer) + mean(append) + mean(appendServer) : 0)) * 1000) / READS)} µs (storing${backendPid ? ' and appending, both processes' : ''}, plus eventsOf)`);
}

await runBench('audit', async () => {
  for (const b of BACKENDS) await run(b);
});
