/**
 * HMS-OPS subscriptions benchmark (issue #5).
 *
 *   npm run bench:subscriptions                       # both parts, PostgreSQL
 *   npm run bench:subscriptions -- --backend=pglite --seconds=10
 *
 * Part 1, latency: a server with --subs (50) rest-hook subscriptions (backport topic resource-change, filter
 * Observation, id-only) to a receiver in this process; Observations are written open-loop at --rate (100)
 * per second for --seconds (20) by --clients concurrent connections. Every write matches every subscription.
 * Latency = arrival at the receiver − the event's timestamp (its transaction's start, so it includes the
 * write's own waits: locks, commit); afterResponse* = arrival − when the writer got its 201 (after the commit;
 * negative when the notification beat the response), i.e. commit → delivery as the client sees it. Reports p50/p95/p99/max, notifications expected, received, duplicated and missing.
 *
 * Part 2, cost of idle subscriptions: sequential Patient creates (--writes, 400) timed with no subscription,
 * then again with --idle (10,000) subscriptions that do not match them (half on other types, half on
 * Patient with identifier filters naming other patients). Also the in-process matcher alone (µs per change).
 *
 * Options (argv --name=value): backend (postgres|pglite), rate, seconds, subs, clients, idle, writes,
 * pg-url (admin URL, default postgres://postgres@127.0.0.1:5432/postgres), out (JSON file), parts (default
 * matcher,latency,idle). CPU: cores used by the server, PostgreSQL, this bench (client + receiver) and other work.
 * The server is stopped and the database (or temp folder) removed on success, failure and SIGINT.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { arg, cleanups, CpuMeter, percentile, runBench, sleep, startServer, withPostgres, type CpuUsage, type Options as RunOptions, type Server } from './run.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { SubscriptionRegistry } from '../src/subscriptions/registry.js';
import type { Queryable } from '../src/db/database.js';
import type { PendingWrite } from '../src/store/store.js';

const BP = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const TOPIC = 'https://fhir.mspbs.gov.py/SubscriptionTopic/resource-change';

const o = {
  backend: arg('backend', 'postgres') as 'postgres' | 'pglite',
  rate: Number(arg('rate', '100')),
  seconds: Number(arg('seconds', '20')),
  subs: Number(arg('subs', '50')),
  clients: Number(arg('clients', '8')),
  idle: Number(arg('idle', '10000')),
  writes: Number(arg('writes', '400')),
  pgUrl: arg('pg-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
  out: arg('out', ''),
  parts: arg('parts', 'matcher,latency,idle').split(','),
};
const runOptions = { pgUrl: o.pgUrl, pgSettings: [], pool: 10 } as unknown as RunOptions;

function subscription(endpoint: string, filter: string): string {
  return JSON.stringify({
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'bench',
    criteria: TOPIC,
    _criteria: { extension: [{ url: `${BP}/backport-filter-criteria`, valueString: filter }] },
    channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', _payload: { extension: [{ url: `${BP}/backport-payload-content`, valueCode: 'id-only' }] } },
  });
}

async function post(url: string, body: string): Promise<{ status: number; ms: number; json: { id?: string } }> {
  const t0 = performance.now();
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body });
  const json = (await r.json()) as { id?: string };
  return { status: r.status, ms: performance.now() - t0, json };
}

/** Receives notifications; records latency per (subscription, event number). */
async function receiver(): Promise<{ url: string; seen: Map<string, number>; latencies: number[]; duplicates: number; handshakes: number; posts: number; arrivals: [string, number][]; close(): void }> {
  const state = { seen: new Map<string, number>(), latencies: [] as number[], duplicates: 0, handshakes: 0, posts: 0, arrivals: [] as [string, number][] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const now = Date.now();
      state.posts++;
      res.end();
      try {
        const b = JSON.parse(body);
        const params = b.entry[0].resource.parameter as { name: string; valueCode?: string; valueReference?: { reference: string }; part?: { name: string; valueString?: string; valueInstant?: string }[] }[];
        const sub = params.find((p) => p.name === 'subscription')?.valueReference?.reference ?? '';
        if (params.find((p) => p.name === 'type')?.valueCode === 'handshake') state.handshakes++;
        for (const ev of params.filter((p) => p.name === 'notification-event')) {
          const focus = (ev.part as { name: string; valueReference?: { reference: string } }[] | undefined)?.find((p) => p.name === 'focus')?.valueReference?.reference;
          if (focus) state.arrivals.push([focus.slice(focus.lastIndexOf('/') + 1), now]);
          const n = ev.part?.find((p) => p.name === 'event-number')?.valueString;
          const ts = ev.part?.find((p) => p.name === 'timestamp')?.valueInstant;
          const key = `${sub}#${n}`;
          if (state.seen.has(key)) state.duplicates++;
          state.seen.set(key, now);
          if (ts) state.latencies.push(now - new Date(ts).getTime());
        }
      } catch {
        // not a notification
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, get seen() { return state.seen; }, get latencies() { return state.latencies; }, get duplicates() { return state.duplicates; }, get handshakes() { return state.handshakes; }, get posts() { return state.posts; }, get arrivals() { return state.arrivals; }, close: () => server.close() };
}

async function withServer<T>(env: Record<string, string>, fn: (s: Server) => Promise<T>): Promise<T> {
  const run = async (dbEnv: Record<string, string>): Promise<T> => {
    const s = await startServer(o.backend, { ...dbEnv, ...env }, runOptions);
    try {
      return await fn(s);
    } finally {
      await s.stop();
    }
  };
  if (o.backend === 'postgres') return withPostgres(runOptions, run, 'bench_subs');
  const dir = mkdtempSync(join(tmpdir(), 'hms-bench-subs-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  cleanups.push(remove);
  try {
    return await run({ DATA_DIR: dir });
  } finally {
    remove();
  }
}

async function waitActive(url: string, n: number, timeoutS: number): Promise<void> {
  const end = Date.now() + timeoutS * 1000;
  for (;;) {
    const r = (await (await fetch(`${url}/fhir/Subscription?status=active&_summary=count`)).json()) as { total: number };
    if (r.total >= n) return;
    if (Date.now() > end) throw new Error(`only ${r.total} of ${n} subscriptions active after ${timeoutS} s`);
    await sleep(500);
  }
}

async function latencyPart(): Promise<Record<string, number>> {
  const rx = await receiver();
  try {
    return await withServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1' }, async (s) => {
      for (let i = 0; i < o.subs; i++) {
        const r = await post(`${s.url}/fhir/Subscription`, subscription(rx.url, 'Observation'));
        if (r.status !== 201) throw new Error(`subscription create failed: ${r.status}`);
      }
      await waitActive(s.url, o.subs, 60);
      const total = Math.round(o.rate * o.seconds);
      const body = JSON.stringify({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] } });
      console.log(`  ${o.subs} subscriptions active; writing ${total} Observations at ${o.rate}/s`);
      const writeMs: number[] = [];
      const committed = new Map<string, number>(); // id → when its 201 arrived (the commit is known to the client)
      let errors = 0;
      const meter = new CpuMeter(s.child.pid, s.db);
      const started = performance.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        for (;;) {
          const k = next++;
          if (k >= total) return;
          const due = started + (k * 1000) / o.rate;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const r = await post(`${s.url}/fhir/Observation`, body);
          if (r.status !== 201) errors++;
          else committed.set(r.json.id as string, Date.now());
          writeMs.push(r.ms);
        }
      };
      await Promise.all(Array.from({ length: o.clients }, worker));
      const achieved = total / ((performance.now() - started) / 1000);
      const expected = total * o.subs;
      const end = Date.now() + 60_000;
      while (rx.seen.size < expected && Date.now() < end) await sleep(200);
      const cpu = meter.stop();
      const seconds = (performance.now() - started) / 1000;
      await sleep(1000);
      const lat = [...rx.latencies].sort((a, b) => a - b);
      // From the client's 201 (after the commit) to arrival; negative when the notification beat the response.
      const fromCommit = rx.arrivals.filter(([id]) => committed.has(id)).map(([id, at]) => at - (committed.get(id) as number)).sort((a, b) => a - b);
      const w = writeMs.sort((a, b) => a - b);
      return {
        writes: total,
        writeErrors: errors,
        achievedRate: achieved,
        writeP50: percentile(w, 50),
        writeP95: percentile(w, 95),
        expected,
        received: rx.seen.size,
        duplicates: rx.duplicates,
        missing: expected - rx.seen.size,
        p50: percentile(lat, 50),
        p95: percentile(lat, 95),
        p99: percentile(lat, 99),
        max: lat[lat.length - 1] ?? NaN,
        afterResponseP50: percentile(fromCommit, 50),
        afterResponseP95: percentile(fromCommit, 95),
        afterResponseP99: percentile(fromCommit, 99),
        afterResponseMax: fromCommit[fromCommit.length - 1] ?? NaN,
        posts: rx.posts,
        ...cpuFigures(cpu),
        serverCpuMsPerNotification: (cpu.serverCpu * seconds * 1000) / Math.max(1, rx.seen.size),
      };
    });
  } finally {
    rx.close();
  }
}

function cpuFigures(c: CpuUsage): Record<string, number> {
  const r = (n: number): number => Math.round(n * 100) / 100;
  return { serverCores: r(c.serverCpu), postgresCores: r(c.dbCpu), benchCores: r(c.benchCpu), otherCores: r(c.otherCpu) };
}

async function timedWrites(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await post(`${url}/fhir/Patient`, JSON.stringify({ resourceType: 'Patient', identifier: [{ system: 'urn:bench', value: `w${i}` }], name: [{ family: `W${i}` }] }));
    if (r.status !== 201) throw new Error(`write failed: ${r.status}`);
    out.push(r.ms);
  }
  return out.sort((a, b) => a - b);
}

async function idlePart(): Promise<Record<string, number>> {
  const rx = await receiver();
  try {
    return await withServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1' }, async (s) => {
      await timedWrites(s.url, 100); // warm-up
      const m0 = new CpuMeter(s.child.pid, s.db);
      const before = await timedWrites(s.url, o.writes);
      const cpuBefore = m0.stop();
      console.log(`  creating ${o.idle} non-matching subscriptions`);
      const types = ['Observation', 'Encounter', 'Condition', 'Procedure', 'MedicationRequest'];
      const entries = Array.from({ length: o.idle }, (_, i) => ({
        request: { method: 'POST', url: 'Subscription' },
        resource: JSON.parse(subscription(rx.url, i % 2 ? `${types[i % types.length]}?status=final` : `Patient?identifier=urn:other|p${i}`)),
      }));
      const setup0 = performance.now();
      for (let i = 0; i < entries.length; i += 500) {
        const r = await post(`${s.url}/fhir`, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + 500) }));
        if (r.status !== 200) throw new Error(`subscription bundle failed: ${r.status}`);
      }
      const created = performance.now();
      await waitActive(s.url, o.idle, 600);
      const active = performance.now();
      console.log(`  created in ${((created - setup0) / 1000).toFixed(1)} s, all active after ${((active - setup0) / 1000).toFixed(1)} s`);
      await timedWrites(s.url, 100); // warm-up (registry load)
      const m1 = new CpuMeter(s.child.pid, s.db);
      const after = await timedWrites(s.url, o.writes);
      const cpuAfter = m1.stop();
      return {
        writesEach: o.writes,
        p50Before: percentile(before, 50),
        p50After: percentile(after, 50),
        p95Before: percentile(before, 95),
        p95After: percentile(after, 95),
        meanBefore: before.reduce((a, b) => a + b, 0) / before.length,
        meanAfter: after.reduce((a, b) => a + b, 0) / after.length,
        notificationsSent: rx.seen.size,
        createSeconds: (created - setup0) / 1000,
        activeSeconds: (active - setup0) / 1000,
        otherCoresBefore: cpuFigures(cpuBefore).otherCores,
        otherCoresAfter: cpuFigures(cpuAfter).otherCores,
      };
    });
  } finally {
    rx.close();
  }
}

/** The matcher alone: µs per change with `idle` subscriptions loaded that do not match it. */
async function matcherPart(): Promise<Record<string, number>> {
  loadDefinitions();
  const types = ['Observation', 'Encounter', 'Condition', 'Procedure', 'MedicationRequest'];
  const rows = Array.from({ length: o.idle }, (_, i) => {
    const sub = JSON.parse(subscription('https://example.org/hook', i % 2 ? `${types[i % types.length]}?status=final` : `Patient?identifier=urn:other|p${i}`));
    return { content: JSON.stringify({ ...sub, id: `s${i}` }) };
  });
  const fake: Queryable = { query: async <T>() => ({ rows: rows as T[], rowCount: rows.length }) };
  const registry = new SubscriptionRegistry(false, pino({ level: 'silent' }));
  await registry.load(fake);
  const resource = { resourceType: 'Patient' as const, id: 'x', identifier: [{ system: 'urn:bench', value: 'w1' }], name: [{ family: 'W' }] };
  const write: PendingWrite = { type: 'Patient', id: 'x', version: 1, lastUpdated: '', method: 'POST', resource, content: '', isNew: true };
  const n = 20_000;
  let matched = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) matched += (await registry.match({ write, interaction: 'create', previous: async () => undefined })).length;
  const us = ((performance.now() - t0) * 1000) / n;
  return { subscriptions: registry.size, microsPerChange: us, matched };
}

async function main(): Promise<void> {
  console.log(`HMS-OPS subscriptions bench on ${o.backend}: ${o.subs} subscriptions × ${o.rate} writes/s × ${o.seconds} s; ${o.idle} idle subscriptions`);
  const matcher = o.parts.includes('matcher') ? await matcherPart() : undefined;
  if (matcher) console.log('matcher:', matcher);
  const latency = o.parts.includes('latency') ? await latencyPart() : undefined;
  if (latency) console.log('latency:', latency);
  const idle = o.parts.includes('idle') ? await idlePart() : undefined;
  if (idle) console.log('idle subscriptions:', idle);
  if (o.out) writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), options: o, matcher, latency, idle }, null, 2));
}

await runBench('subscriptions', main);
