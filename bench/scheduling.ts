/**
 * HMS-OPS scheduling benchmark: slot generation, Appointment/$find over many slots, $book throughput.
 *
 *   npm run bench:scheduling                                   # both backends, 1,000 schedules × 30 days
 *   npm run bench:scheduling -- --backends=postgres --schedules=200 --days=30
 *
 * Options: --backends [postgres,pglite], --schedules [1000], --days [30: planning horizon], --clients [4: writers
 * creating schedules, and bookers], --finds [300 per query shape], --bookings [3000], --pg-url.
 *
 * Per backend, one server. Phases:
 *  1. generation: --schedules Practitioners, each with a Schedule open every day 08:00–13:40 in 20-minute slots
 *     (17 a day) over a --days horizon, half speaking Guaraní, in one of 10 specialties; created by --clients
 *     writers; each Schedule's write generates its Slots in the same transaction. Time for all, slots per second.
 *  2. $find (on PostgreSQL after ANALYZE): four query shapes over a random day of the horizon, each --finds times,
 *     one client: over every schedule; by practitioner; by specialty; by specialty and language. p50 / p95 / p99.
 *  3. $book: --bookings proposals are prepared (distinct free slots from the horizon's fourth day on, earliest first (so consecutive ones are of different schedules), each with
 *     a new Patient and the schedule's Practitioner), then --clients clients send them to $book: bookings per
 *     second, p50 / p95, and the statuses (all 201 expected).
 */
import pg from 'pg';
import { arg, fmt, percentile, runBench, serverOptions, startServer, withPglite, withPostgres, type Backend } from './run.js';

const o = serverOptions({ duration: '10', patients: '0' });
const SCHEDULES = Number(arg('schedules', '1000'));
const DAYS = Number(arg('days', '30'));
const CLIENTS = Number(arg('clients', '4'));
const FINDS = Number(arg('finds', '300'));
const BOOKINGS = Number(arg('bookings', '3000'));
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const SPECIALTY = 'http://snomed.info/sct';
const SPECIALTIES = ['394579002', '394582007', '394583002', '394584008', '394585009', '394586005', '394587001', '394589003', '394590007', '394591006'];
const FHIR = { 'Content-Type': 'application/fhir+json' };
const DAYS_OF_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; ms: number; json: any }> {
  const t = performance.now();
  const r = await fetch(url, { method, headers: FHIR, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, json: text ? JSON.parse(text) : undefined };
}
const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? `n=${s.length} p50=${fmt(percentile(s, 50), 1)} p95=${fmt(percentile(s, 95), 1)} p99=${fmt(percentile(s, 99), 1)} ms` : 'n=0';
};
const localDate = (days: number): string => new Date(Date.now() - 3 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
const pool = async (n: number, worker: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    for (let i = next++; i < n; i = next++) await worker(i);
  }));
};

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  const server = await startServer(backend, env, o);
  const base = `${server.url}/fhir`;
  try {
    // 1. generation
    const practitioners: string[] = [];
    const entry = Array.from({ length: SCHEDULES }, (_, i) => ({ request: { method: 'POST', url: 'Practitioner' }, resource: { resourceType: 'Practitioner', name: [{ family: `Agenda${i}` }] } }));
    for (let i = 0; i < entry.length; i += 500) {
      const r = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry: entry.slice(i, i + 500) });
      if (r.status !== 200) throw new Error(`seeding practitioners: ${r.status}`);
      for (const e of r.json.entry) practitioners.push(String(e.response.location).split('/_history')[0]);
    }
    const scheduleActor = new Map<string, string>();
    let slots = 0;
    const times: number[] = [];
    const t0 = performance.now();
    await pool(SCHEDULES, async (i) => {
      const r = await call('POST', `${base}/Schedule`, {
        resourceType: 'Schedule',
        active: true,
        actor: [{ reference: practitioners[i] }],
        specialty: [{ coding: [{ system: SPECIALTY, code: SPECIALTIES[i % SPECIALTIES.length] }] }],
        extension: [
          { url: `${SD}py-disponibilidad`, extension: [{ url: 'inicio', valueTime: '08:00:00' }, { url: 'fin', valueTime: '13:40:00' }, { url: 'duracionMinutos', valuePositiveInt: 20 }, ...DAYS_OF_WEEK.map((d) => ({ url: 'dia', valueCode: d }))] },
          { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: DAYS },
          { url: `${SD}py-idioma-atencion`, valueCode: 'es' },
          ...(i % 2 ? [{ url: `${SD}py-idioma-atencion`, valueCode: 'gn' }] : []),
        ],
      });
      if (r.status !== 201) throw new Error(`schedule ${i}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      scheduleActor.set(`Schedule/${r.json.id}`, practitioners[i]);
      times.push(r.ms);
    });
    const genS = (performance.now() - t0) / 1000;
    slots = (await call('GET', `${base}/Slot?_summary=count`)).json.total;
    console.log(`generation: ${SCHEDULES} schedules × ${DAYS} days → ${slots} slots in ${fmt(genS, 1)} s (${fmt(slots / genS, 0)} slots/s); per schedule ${stats(times)}`);

    // Fresh statistics, as PostgreSQL's autovacuum gives them within a minute of a bulk load (PGlite: the
    // server's own ANALYZE every 5,000 writes).
    if (env.DATABASE_URL) {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      await c.query('ANALYZE');
      await c.end();
    }

    // 2. $find
    const shapes: [string, (i: number) => string][] = [
      ['over every schedule', () => 'language=es'],
      ['by practitioner', (i) => `practitioner=${practitioners[(i * 7919) % practitioners.length]}`],
      ['by specialty', (i) => `specialty=${SPECIALTY}|${SPECIALTIES[i % SPECIALTIES.length]}`],
      ['by specialty and language gn', (i) => `specialty=${SPECIALTY}|${SPECIALTIES[(2 * i + 1) % SPECIALTIES.length]}&language=gn`],
    ];
    for (const [name, q] of shapes) {
      const ms: number[] = [];
      let empty = 0;
      for (let i = 0; i < FINDS; i++) {
        const day = localDate(1 + (i % Math.max(1, DAYS - 2)));
        const r = await call('GET', `${base}/Appointment/$find?start=${day}&end=${day}&${q(i)}&_count=10`);
        if (r.status !== 200) throw new Error(`$find ${name}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
        if (!r.json.entry?.length) empty++;
        ms.push(r.ms);
      }
      console.log(`$find ${name}: ${stats(ms)}${empty ? ` (${empty} empty)` : ''}`);
    }

    // 3. $book: proposals prepared beforehand (distinct free slots of the horizon's later days, a new Patient
    // each), so that the clients send nothing but $book.
    const wanted = Math.max(CLIENTS, Math.round(BOOKINGS));
    const patients: string[] = [];
    for (let i = 0; i < wanted; i += 500) {
      const n = Math.min(500, wanted - i);
      const entry = Array.from({ length: n }, (_, k) => ({ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', name: [{ family: `Reserva${i + k}` }] } }));
      const r = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry });
      if (r.status !== 200) throw new Error(`seeding patients: ${r.status}`);
      for (const e of r.json.entry) patients.push(String(e.response.location).split('/_history')[0]);
    }
    const proposals: unknown[] = [];
    let next: string | undefined = `${base}/Slot?status=free&start=ge${localDate(Math.min(DAYS - 1, 3))}&_sort=start&_count=1000`;
    while (next && proposals.length < wanted) {
      const page = await call('GET', next);
      for (const e of page.json.entry ?? []) {
        const slot = e.resource;
        const practitioner = scheduleActor.get(String(slot.schedule.reference));
        if (!practitioner || proposals.length >= wanted) continue;
        proposals.push({
          resourceType: 'Appointment',
          status: 'proposed',
          slot: [{ reference: `Slot/${slot.id}` }],
          start: slot.start,
          end: slot.end,
          participant: [
            { actor: { reference: patients[proposals.length] }, required: 'required', status: 'needs-action' },
            { actor: { reference: practitioner }, required: 'required', status: 'needs-action' },
          ],
        });
      }
      next = page.json.link?.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    const statuses: Record<string, number> = {};
    const book: number[] = [];
    let n = 0;
    const tb = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      for (let i = n++; i < proposals.length; i = n++) {
        const r = await call('POST', `${base}/Appointment/$book`, { resourceType: 'Parameters', parameter: [{ name: 'appointment', resource: proposals[i] }] });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        book.push(r.ms);
      }
    }));
    const bs = (performance.now() - tb) / 1000;
    console.log(`$book: ${book.length} bookings by ${CLIENTS} clients in ${fmt(bs, 1)} s (${fmt(book.length / bs, 0)} bookings/s); per booking ${stats(book)}; statuses ${JSON.stringify(statuses)}`);
  } finally {
    await server.stop();
  }
}

await runBench('scheduling', async () => {
  console.log(`scheduling bench: ${SCHEDULES} schedules × ${DAYS} days, ${CLIENTS} clients`);
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_scheduling');
    else await withPglite((env) => onBackend(backend, env));
  }
});
