/**
 * HMS-OPS referral metrics benchmark: Task/$referral-metrics and Measure/$evaluate-measure over a year of
 * referrals.
 *
 *   npm run bench:referrals                                   # both backends, 100,000 referrals
 *   npm run bench:referrals -- --backends=postgres --referrals=300000
 *
 * Options: --backends [postgres,pglite], --referrals [100000], --facilities [100], --calls [30 per shape],
 * --pg-url.
 *
 * Per backend, one server, seeded through the API (transaction bundles of 500) with --facilities facilities
 * (Organizations in the 18 health regions) and --referrals referrals (a ServiceRequest and its referral Task)
 * authored over the last 365 days between random facilities, the Tasks created in their final state: 15 %
 * requested, 20 % accepted, 10 % in-progress, 40 % completed (60 % of them with a counter-referral), 10 %
 * rejected, 5 % cancelled; 8 % escalated. The referral workflow writes their referral_fact rows. Half of the
 * accepted, in-progress and completed ones then get an appointment time 1–60 days after the referral, set in
 * referral_fact directly (booking 30,000 appointments through $book would make the seeding an hour); the
 * server stopped for that on PGlite. Then one client sends each shape --calls times over the whole year: per
 * origin facility, per destination facility, per region, the total only, and a MeasureReport (time to
 * appointment). p50 / p95 / p99.
 */
import pg from 'pg';
import { openPglite } from '../src/db/pglite.js';
import { arg, fmt, percentile, runBench, serverOptions, startServer, withPglite, withPostgres, type Backend, type Server } from './run.js';

const o = serverOptions({ duration: '10', patients: '0' });
const REFERRALS = Number(arg('referrals', '100000'));
const FACILITIES = Number(arg('facilities', '100'));
const CALLS = Number(arg('calls', '30'));
const BUNDLE = 250; // referrals per transaction (a ServiceRequest and a Task each)
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const FHIR = { 'Content-Type': 'application/fhir+json' };
const DAY = 86_400_000;

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; ms: number; json: any }> {
  const t = performance.now();
  const r = await fetch(url, { method, headers: FHIR, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, json: text ? JSON.parse(text) : undefined };
}

/** A deterministic pseudo-random sequence (the same data set on both backends). */
let seed = 20261207;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

function referralEntries(i: number, now: number): unknown[] {
  const from = `Organization/f${Math.floor(rand() * FACILITIES)}`;
  let to = `Organization/f${Math.floor(rand() * FACILITIES)}`;
  if (to === from) to = `Organization/f${(Number(from.slice(14)) + 1) % FACILITIES}`;
  const r = rand();
  const status = r < 0.15 ? 'requested' : r < 0.35 ? 'accepted' : r < 0.45 ? 'in-progress' : r < 0.85 ? 'completed' : r < 0.95 ? 'rejected' : 'cancelled';
  const step = rand() < 0.08 ? 'escalada' : status === 'completed' && rand() < 0.6 ? 'contrarreferencia-enviada' : undefined;
  const sr = `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const priority = rand() < 0.2 ? 'urgent' : 'routine';
  return [
    {
      fullUrl: sr,
      request: { method: 'POST', url: 'ServiceRequest' },
      resource: {
        resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority, subject: { reference: 'Patient/p' },
        category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }], code: { coding: [{ system: 'http://snomed.info/sct', code: '183519002' }] },
        requester: { reference: from }, performer: [{ reference: to }], reasonCode: [{ text: 'Control' }],
      },
    },
    {
      request: { method: 'POST', url: 'Task' },
      resource: {
        resourceType: 'Task', status, intent: 'order', priority, authoredOn: new Date(now - rand() * 365 * DAY).toISOString(),
        code: { coding: [{ system: `${CS}py-tipo-tarea-derivacion`, code: 'derivacion' }] },
        ...(step ? { businessStatus: { coding: [{ system: `${CS}py-estado-derivacion`, code: step }] } } : {}),
        focus: { reference: sr }, for: { reference: 'Patient/p' }, requester: { reference: from }, owner: { reference: to },
      },
    },
  ];
}

/** Half of the accepted referrals get an appointment 1–60 days after they were made. */
const APPOINTMENTS = `UPDATE referral_fact SET appointment = authored + (1 + (hashtext(task_id) & 63) % 60) * interval '1 day'
  WHERE accepted IS NOT NULL AND hashtext(task_id) & 1 = 0`;

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  let server: Server = await startServer(backend, env, o);
  let base = `${server.url}/fhir`;
  try {
    const t0 = performance.now();
    const setup = [
      ...Array.from({ length: FACILITIES }, (_, f) => ({
        request: { method: 'PUT', url: `Organization/f${f}` },
        resource: { resourceType: 'Organization', id: `f${f}`, name: `Establecimiento ${f}`, extension: [{ url: `${SD}py-region-sanitaria`, valueCoding: { system: `${CS}py-region-sanitaria`, code: String(1 + (f % 18)) } }] },
      })),
      { request: { method: 'PUT', url: 'Patient/p' }, resource: { resourceType: 'Patient', id: 'p' } },
    ];
    const s = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry: setup });
    if (s.status !== 200) throw new Error(`seeding facilities: ${s.status} ${JSON.stringify(s.json).slice(0, 300)}`);
    seed = 20261207;
    const now = Date.now();
    for (let i = 0; i < REFERRALS; i += BUNDLE) {
      const entry = Array.from({ length: Math.min(BUNDLE, REFERRALS - i) }, (_, k) => referralEntries(i + k, now)).flat();
      const r = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry }).catch((err: Error) => {
        throw new Error(`seeding referrals at ${i}: ${err.message} ${String((err as { cause?: unknown }).cause)} (server exit code ${server.child.exitCode}, signal ${server.child.signalCode})`);
      });
      if (r.status !== 200) throw new Error(`seeding referrals: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    }
    console.log(`seeded ${REFERRALS} referrals between ${FACILITIES} facilities in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    if (backend === 'postgres') {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      const n = await c.query(APPOINTMENTS);
      await c.query('ANALYZE referral_fact');
      await c.end();
      console.log(`appointments: ${n.rowCount}`);
    } else {
      await server.stop();
      const db = await openPglite(env.DATA_DIR);
      const n = await db.query(APPOINTMENTS);
      await db.close();
      console.log(`appointments: ${n.rowCount}`);
      server = await startServer(backend, env, o);
      base = `${server.url}/fhir`;
    }
    const start = new Date(now - 366 * DAY).toISOString().slice(0, 10);
    const end = new Date(now + DAY).toISOString().slice(0, 10);
    const shapes: [string, string][] = [
      ['per origin facility', `Task/$referral-metrics?start=${start}&end=${end}`],
      ['per destination facility', `Task/$referral-metrics?start=${start}&end=${end}&side=destination`],
      ['per region', `Task/$referral-metrics?start=${start}&end=${end}&group-by=region`],
      ['total only', `Task/$referral-metrics?start=${start}&end=${end}&group-by=none`],
      ['one facility (MeasureReport, time to appointment)', `Measure/py-derivacion-tiempo-cita/$evaluate-measure?periodStart=${start}&periodEnd=${end}&reporter=Organization/f7`],
    ];
    for (const [name, path] of shapes) {
      const ms: number[] = [];
      let referrals = 0;
      for (let i = 0; i < CALLS; i++) {
        const r = await call('GET', `${base}/${path}`);
        if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
        ms.push(r.ms);
        referrals = r.json.resourceType === 'MeasureReport' ? r.json.group[0].population[0].count : r.json.parameter.find((p: any) => p.name === 'total').part[0].valueInteger;
      }
      ms.sort((a, b) => a - b);
      console.log(`${name}: n=${ms.length} p50=${fmt(percentile(ms, 50), 1)} p95=${fmt(percentile(ms, 95), 1)} p99=${fmt(percentile(ms, 99), 1)} ms, over ${referrals} referrals`);
    }
  } finally {
    await server.stop();
  }
}

await runBench('referrals', async () => {
  console.log(`referral metrics bench: ${REFERRALS} referrals, ${FACILITIES} facilities, ${CALLS} calls per shape`);
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_referrals');
    else await withPglite((env) => onBackend(backend, env));
  }
});
