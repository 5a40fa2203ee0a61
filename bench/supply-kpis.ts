/**
 * HMS-OPS supply KPIs benchmark: Location/$supply-kpis and a supply Measure over a year of stock movements.
 *
 *   npm run build && node dist/bench/supply-kpis.js                       # both backends
 *   node dist/bench/supply-kpis.js --backends=postgres --stores=200 --calls=5
 *
 * Options: --backends [postgres,pglite], --stores [1000], --items [50], --months [12], --per-month [4 movements
 * per store, item and month], --organizations [100], --calls [10 per shape], --pg-url.
 *
 * --stores Locations of --organizations Organizations (two health regions) are written through the API; the
 * movements — per store, item and month one receipt of 120 and (--per-month − 1) dispenses of 10 to 44 a week
 * apart, one in 17 of them an expiry write-off instead — go straight into stock_movement (the API would take
 * hours to write millions of movements; on PGlite with the server stopped). 1,000 × 50 × 12 × 4 = 2.4 million
 * lines. Then one client sends each shape --calls times and the latencies are printed (a call past
 * QUERY_TIMEOUT_MS, answered 422 too-costly, is counted as such).
 */
import pg from 'pg';
import { openPglite } from '../src/db/pglite.js';
import { arg, fmt, percentile, runBench, serverOptions, startServer, withPglite, withPostgres, type Backend, type Server } from './run.js';

const o = serverOptions({ duration: '10', patients: '0' });
const STORES = Number(arg('stores', '1000'));
const ITEMS = Number(arg('items', '50'));
const MONTHS = Number(arg('months', '12'));
const PER_MONTH = Math.max(1, Number(arg('per-month', '4')));
const ORGANIZATIONS = Math.max(1, Number(arg('organizations', '100')));
const CALLS = Number(arg('calls', '10'));
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const FHIR = { 'Content-Type': 'application/fhir+json' };
const FIRST = '2025-01-01';
const LAST = new Date(Date.UTC(2025, MONTHS, 0)).toISOString().slice(0, 10);
const LAST_MONTH = new Date(Date.UTC(2025, MONTHS - 1, 1)).toISOString().slice(0, 10);

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; ms: number; json: any }> {
  const t = performance.now();
  const r = await fetch(url, { method, headers: FHIR, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, json: text ? JSON.parse(text) : undefined };
}

async function places(base: string): Promise<void> {
  const region = (n: number): unknown => [{ url: `${SD}py-region-sanitaria`, valueCoding: { system: `${CS}py-region-sanitaria`, code: String(1 + (n % 2)) } }];
  const entries = [
    ...Array.from({ length: ORGANIZATIONS }, (_, g) => ({ resourceType: 'Organization', id: `org${g}`, name: `Establecimiento ${g}`, extension: region(g) })),
    ...Array.from({ length: STORES }, (_, f) => ({ resourceType: 'Location', id: `store${f}`, name: `Depósito ${f}`, managingOrganization: { reference: `Organization/org${f % ORGANIZATIONS}` } })),
  ].map((resource) => ({ request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` }, resource }));
  for (let i = 0; i < entries.length; i += 500) {
    const r = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry: entries.slice(i, i + 500) });
    if (r.status !== 200) throw new Error(`places: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
  }
}

const MOVEMENTS = `INSERT INTO stock_movement (res_type, res_id, location, item, lot, occurred, delta, reason)
  SELECT 'Basic', 'b' || f || '-' || i || '-' || m || '-' || k, 'store' || f, '${CS}py-medicamento-esencial|item-' || i, '',
         timestamptz '${FIRST} 12:00:00-03' + make_interval(months => m, days => k * 7 + (f + i) % 5),
         CASE WHEN k = 0 THEN 120 ELSE -(10 + (f * 7 + i * 13 + m * 3 + k) % 35) END,
         CASE WHEN k = 0 THEN 'recepcion' WHEN (f + i + m + k) % 17 = 0 THEN 'vencimiento' ELSE 'dispensacion' END
  FROM generate_series(0, ${STORES - 1}) f, generate_series(0, ${ITEMS - 1}) i, generate_series(0, ${MONTHS - 1}) m, generate_series(0, ${PER_MONTH - 1}) k`;

async function kpis(base: string): Promise<void> {
  const item = encodeURIComponent(`${CS}py-medicamento-esencial|item-7`);
  const year = `periodStart=${FIRST}&periodEnd=${LAST}`;
  const month = `periodStart=${LAST_MONTH}&periodEnd=${LAST}`;
  const shapes: [string, string][] = [
    ['every store, last month, total only', `Location/$supply-kpis?${month}&groupBy=none`],
    [`every store, last month, per store (${STORES} groups)`, `Location/$supply-kpis?${month}`],
    [`every store, ${MONTHS} months, per organization`, `Location/$supply-kpis?${year}&groupBy=organization`],
    [`every store, ${MONTHS} months, per region, one item`, `Location/$supply-kpis?${year}&groupBy=region&item=${item}`],
    [`one organization (${Math.ceil(STORES / ORGANIZATIONS)} stores), ${MONTHS} months`, `Location/$supply-kpis?${year}&organization=Organization/org3`],
    [`one store, ${MONTHS} months`, `Location/store5/$supply-kpis?${year}`],
    ['MeasureReport: stockout rate of a region, last month', `Measure/py-suministro-quiebre-stock/$evaluate-measure?${month}&region=1`],
  ];
  for (const [name, path] of shapes) {
    const ms: number[] = [];
    let groups = 0;
    let tooCostly = 0;
    for (let i = 0; i < CALLS; i++) {
      const r = await call('GET', `${base}/${path}`);
      // past QUERY_TIMEOUT_MS the server answers 422 too-costly: counted, not a failure of the bench
      if (r.status === 422 && r.json?.issue?.[0]?.code === 'too-costly') tooCostly++;
      else if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      ms.push(r.ms);
      groups = r.json.parameter?.filter((p: { name: string }) => p.name === 'group').length ?? groups;
    }
    ms.sort((a, b) => a - b);
    console.log(`${name}: n=${ms.length} p50=${fmt(percentile(ms, 50), 1)} p95=${fmt(percentile(ms, 95), 1)} max=${fmt(ms[ms.length - 1], 1)} ms, ${groups} groups${tooCostly ? `, ${tooCostly} answered 422 too-costly` : ''}`);
  }
}

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  let server: Server = await startServer(backend, env, o);
  try {
    await places(`${server.url}/fhir`);
    const t0 = performance.now();
    if (backend === 'postgres') {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      await c.query(MOVEMENTS);
      await c.query('ANALYZE stock_movement');
      await c.end();
    } else {
      await server.stop();
      const db = await openPglite(env.DATA_DIR);
      await db.query(MOVEMENTS);
      await db.query('ANALYZE stock_movement');
      await db.close();
      server = await startServer(backend, env, o);
    }
    console.log(`stock_movement: ${fmt(STORES * ITEMS * MONTHS * PER_MONTH)} lines written in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    await kpis(`${server.url}/fhir`);
  } finally {
    await server.stop();
  }
}

await runBench('supply-kpis', async () => {
  console.log(`supply KPIs bench: ${STORES} stores × ${ITEMS} items × ${MONTHS} months × ${PER_MONTH} movements`);
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_kpis');
    else await withPglite((env) => onBackend(backend, env));
  }
});
