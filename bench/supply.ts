/**
 * HMS-OPS supply benchmark: stock on hand and cold-chain ingestion.
 *
 *   npm run bench:supply                                   # both backends
 *   npm run bench:supply -- --backends=postgres --readings=50000
 *
 * Options: --backends [postgres,pglite], --facilities [1000], --items [500], --readings [20000 per backend],
 * --devices [100], --batch [500 readings per Bundle], --clients [4], --calls [100 per shape, after --warmup-calls
 * [5] timed apart], --pg-url.
 *
 *  1. Temperature ingestion: --readings Observations (py-cadena-frio temperatura-equipo, one every 5 minutes per
 *     fridge, 2–8 °C) of --devices fridges posted as transaction Bundles of --batch by --clients clients through
 *     the API, first to the base, then (the same readings a year later) to Observation/$ingest-readings:
 *     readings/s each. Then the reading that completes a freezing run of 60 minutes: the time from sending
 *     it to its DetectedIssue being found (the excursion is evaluated in the reading's transaction).
 *  2. Stock on hand: --facilities stores × --items items with one lot each, written into stock_balance
 *     directly (the API would take hours to write 500,000 receipts; on PGlite with the server stopped), then
 *     one client sends each shape --warmup-calls times (cold caches, timed apart) and --calls times: one store
 *     (all its items), every store for one item, every store for ten items.
 */
import pg from 'pg';
import { openPglite } from '../src/db/pglite.js';
import { arg, fmt, percentile, runBench, serverOptions, startServer, withPglite, withPostgres, type Backend, type Server } from './run.js';

const o = serverOptions({ duration: '10', patients: '0' });
const FACILITIES = Number(arg('facilities', '1000'));
const ITEMS = Number(arg('items', '500'));
const READINGS = Number(arg('readings', '20000'));
const DEVICES = Number(arg('devices', '100'));
const BATCH = Number(arg('batch', '500'));
const CLIENTS = Number(arg('clients', '4'));
const CALLS = Number(arg('calls', '100'));
const WARMUP = Number(arg('warmup-calls', '5'));
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const FHIR = { 'Content-Type': 'application/fhir+json' };
const MIN = 60_000;

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; ms: number; json: any }> {
  const t = performance.now();
  const r = await fetch(url, { method, headers: FHIR, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, json: text ? JSON.parse(text) : undefined };
}
const reading = (device: number, at: number, celsius: number): unknown => ({
  resourceType: 'Observation', status: 'final', code: { coding: [{ system: `${CS}py-cadena-frio`, code: 'temperatura-equipo' }] },
  subject: { reference: `Device/f${device}` }, effectiveDateTime: new Date(at).toISOString(),
  valueQuantity: { value: celsius, unit: '°C', system: 'http://unitsofmeasure.org', code: 'Cel' },
});
const bundle = (entries: unknown[]): unknown => ({ resourceType: 'Bundle', type: 'transaction', entry: entries.map((resource) => ({ request: { method: 'POST', url: 'Observation' }, resource })) });

async function ingestion(base: string): Promise<void> {
  const setup = [
    { request: { method: 'PUT', url: 'Location/cold-store' }, resource: { resourceType: 'Location', id: 'cold-store', name: 'Vacunatorio' } },
    ...Array.from({ length: DEVICES }, (_, d) => ({ request: { method: 'PUT', url: `Device/f${d}` }, resource: { resourceType: 'Device', id: `f${d}`, location: { reference: 'Location/cold-store' } } })),
  ];
  const s = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry: setup });
  if (s.status !== 200) throw new Error(`setup: ${s.status} ${JSON.stringify(s.json).slice(0, 300)}`);
  const start = Date.parse('2026-06-01T00:00:00Z');
  // The same readings twice (the second time a year later): as transactions to the base, then to
  // Observation/$ingest-readings.
  for (const [path, offset] of [['', 0], ['/Observation/$ingest-readings', 365 * 86_400_000]] as const) {
    const batches: unknown[] = [];
    for (let i = 0; i < READINGS; i += BATCH) {
      batches.push(bundle(Array.from({ length: Math.min(BATCH, READINGS - i) }, (_, k) => {
        const n = i + k;
        return reading(n % DEVICES, start + offset + Math.floor(n / DEVICES) * 5 * MIN, 4 + ((n * 7) % 30) / 10);
      })));
    }
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < batches.length) {
        const r = await call('POST', base + path, batches[next++]);
        if (r.status !== 200) throw new Error(`ingestion: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      }
    }));
    const s2 = (performance.now() - t0) / 1000;
    console.log(`ingestion${path ? ` (${path.slice(1)})` : ''}: ${READINGS} readings of ${DEVICES} fridges in transactions of ${BATCH}, ${CLIENTS} clients: ${fmt(s2, 1)} s, ${fmt(READINGS / s2, 0)} readings/s`);
  }
  // The reading that completes an hour of freezing, and how long until its excursion is there.
  const t = start + 30 * 86_400_000;
  const r = await call('POST', base, bundle(Array.from({ length: 12 }, (_, k) => reading(0, t + k * 5 * MIN, -1))));
  if (r.status !== 200) throw new Error('freezing run');
  const t1 = performance.now();
  const last = await call('POST', base, bundle([reading(0, t + 60 * MIN, -1)]));
  if (last.status !== 200) throw new Error('last reading');
  for (;;) {
    const found = await call('GET', `${base}/DetectedIssue?implicated=Device/f0&code=${CS}py-cadena-frio|congelamiento`);
    if (found.json.entry?.length) break;
    if (performance.now() - t1 > 10_000) throw new Error('no excursion after 10 s');
  }
  console.log(`excursion: the completing reading stored in ${fmt(last.ms, 1)} ms, its DetectedIssue found ${fmt(performance.now() - t1, 1)} ms after it was sent`);
}

const BALANCES = `INSERT INTO stock_balance (location, item, lot, expiry, quantity)
  SELECT 'store' || f, '${CS}py-medicamento-esencial|item-' || i, 'L' || i, DATE '2028-01-01' + (i % 300), 100 + (f * i) % 900
  FROM generate_series(0, ${FACILITIES - 1}) f, generate_series(0, ${ITEMS - 1}) i`;

async function stockOnHand(base: string): Promise<void> {
  const item = (i: number): string => encodeURIComponent(`${CS}py-medicamento-esencial|item-${i}`);
  const shapes: [string, () => string][] = [
    [`one store (${ITEMS} items)`, () => `Location/store${Math.floor(Math.random() * FACILITIES)}/$stock-on-hand`],
    [`every store (${FACILITIES}), one item`, () => `Location/$stock-on-hand?item=${item(Math.floor(Math.random() * ITEMS))}`],
    [`every store, ten items`, () => `Location/$stock-on-hand?item=${Array.from({ length: 10 }, (_, k) => item((k * 37) % ITEMS)).join(',')}`],
  ];
  for (const [name, path] of shapes) {
    const ms: number[] = [];
    let lines = 0;
    // The first calls after a start find the database's caches cold (on PGlite the server has just been
    // restarted over the folder written directly): timed apart, not in the steady-state percentiles.
    const cold: number[] = [];
    for (let i = 0; i < WARMUP; i++) cold.push((await call('GET', `${base}/${path()}`)).ms);
    for (let i = 0; i < CALLS; i++) {
      const r = await call('GET', `${base}/${path()}`);
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      ms.push(r.ms);
      lines = r.json.parameter?.length ?? 0;
    }
    ms.sort((a, b) => a - b);
    console.log(`stock on hand, ${name}: n=${ms.length} p50=${fmt(percentile(ms, 50), 1)} p95=${fmt(percentile(ms, 95), 1)} p99=${fmt(percentile(ms, 99), 1)} ms, ${lines} lines (first ${WARMUP} calls: ${cold.map((x) => fmt(x, 1)).join(', ')} ms)`);
  }
}

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  let server: Server = await startServer(backend, env, o);
  try {
    await ingestion(`${server.url}/fhir`);
    // The stores are Locations (a stock operation answers 404 for a store that is not one).
    for (let f = 0; f < FACILITIES; f += 500) {
      const entry = Array.from({ length: Math.min(500, FACILITIES - f) }, (_, k) => ({
        request: { method: 'PUT', url: `Location/store${f + k}` },
        resource: { resourceType: 'Location', id: `store${f + k}`, name: `Depósito ${f + k}` },
      }));
      const r = await call('POST', `${server.url}/fhir`, { resourceType: 'Bundle', type: 'transaction', entry });
      if (r.status !== 200) throw new Error(`stores: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    }
    if (backend === 'postgres') {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      await c.query(BALANCES);
      await c.query('ANALYZE stock_balance');
      await c.end();
    } else {
      await server.stop();
      const db = await openPglite(env.DATA_DIR);
      await db.query(BALANCES);
      await db.close();
      server = await startServer(backend, env, o);
    }
    console.log(`stock_balance: ${FACILITIES * ITEMS} lots written`);
    await stockOnHand(`${server.url}/fhir`);
  } finally {
    await server.stop();
  }
}

await runBench('supply', async () => {
  console.log(`supply bench: ${READINGS} readings, ${FACILITIES} stores × ${ITEMS} items`);
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_supply');
    else await withPglite((env) => onBackend(backend, env));
  }
});
