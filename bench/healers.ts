/**
 * HMS-OPS traditional healers' registry benchmark: searches by district and language.
 *
 *   npm run bench:healers                                    # both backends, 5,000 healers
 *   npm run bench:healers -- --backends=postgres --healers=20000
 *
 * Options: --backends [postgres,pglite], --healers [5000], --searches [300 per shape], --pg-url.
 *
 * Per backend, one server, seeded with --healers traditional healers (py-traditional-healer: one of 5
 * specialties, Guaraní and Spanish or Spanish only, a home district), each with a PractitionerRole serving a
 * community Location in one of 50 districts. Then (on PostgreSQL after ANALYZE) one client sends each shape
 * --searches times for a random district: the roles serving the district whose healer speaks Guaraní
 * (`PractitionerRole?location.distrito=&practitioner.idioma=gn`), the same for one specialty, and the healers
 * living in the district who speak Guaraní (`Practitioner?distrito=&idioma=gn`). p50 / p95 / p99 and the
 * average number of matches.
 */
import pg from 'pg';
import { arg, fmt, percentile, runBench, serverOptions, startServer, withPglite, withPostgres, type Backend } from './run.js';

const o = serverOptions({ duration: '10', patients: '0' });
const HEALERS = Number(arg('healers', '5000'));
const SEARCHES = Number(arg('searches', '300'));
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const SPECIALTIES = ['medico-tradicional-indigena', 'partera-tradicional', 'yuyero-herbolario', 'huesero-componedor', 'curandero-sanador'];
/** 50 district codes of the DGEEC list (every fifth). */
const DISTRICTS = ['0', '105', '110', '202', '207', '212', '217', '222', '305', '310', '315', '320', '405', '410', '415', '502', '507', '512', '517', '522', '605', '610', '704', '709', '714', '719', '724', '729', '804', '809', '904', '909', '914', '1001', '1006', '1011', '1016', '1021', '1104', '1109', '1114', '1119', '1205', '1210', '1215', '1304', '1403', '1408', '1413', '1503'];
const FHIR = { 'Content-Type': 'application/fhir+json' };

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; ms: number; json: any }> {
  const t = performance.now();
  const r = await fetch(url, { method, headers: FHIR, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, json: text ? JSON.parse(text) : undefined };
}
const district = (code: string) => [{ url: `${SD}py-distrito`, valueCoding: { system: `${CS}py-distrito`, code } }];

function healerEntries(i: number): unknown[] {
  const specialty = SPECIALTIES[i % SPECIALTIES.length];
  const home = DISTRICTS[(i * 7) % DISTRICTS.length];
  const served = DISTRICTS[i % DISTRICTS.length];
  const languages = i % 2 === 0 ? ['gn', 'es'] : ['es'];
  const [p, l] = [`urn:uuid:00000000-0000-4000-8000-${String(2 * i).padStart(12, '0')}`, `urn:uuid:00000000-0000-4000-8000-${String(2 * i + 1).padStart(12, '0')}`];
  return [
    { fullUrl: l, request: { method: 'POST', url: 'Location' }, resource: { resourceType: 'Location', name: `Comunidad ${i}`, address: { extension: district(served) }, position: { latitude: -22 - (i % 100) / 50, longitude: -58 - (i % 70) / 50 } } },
    {
      fullUrl: p,
      request: { method: 'POST', url: 'Practitioner' },
      resource: {
        resourceType: 'Practitioner',
        meta: { profile: [`${SD}py-traditional-healer`] },
        extension: [{
          url: `${SD}py-medicina-tradicional`,
          extension: [
            { url: 'especialidad', valueCodeableConcept: { coding: [{ system: `${CS}py-especialidad-medicina-tradicional`, code: specialty }] } },
            { url: 'comunidad', valueString: `Comunidad ${i}` },
            ...languages.map((c) => ({ url: 'idioma', valueCode: c })),
            { url: 'reconocimiento', valueCoding: { system: `${CS}py-tipo-reconocimiento`, code: 'comunidad' } },
            { url: 'conocimientoProtegido', valueBoolean: false },
          ],
        }],
        name: [{ family: `Agente${i}` }],
        address: [{ extension: district(home) }],
      },
    },
    {
      request: { method: 'POST', url: 'PractitionerRole' },
      resource: { resourceType: 'PractitionerRole', practitioner: { reference: p }, location: [{ reference: l }], specialty: [{ coding: [{ system: `${CS}py-especialidad-medicina-tradicional`, code: specialty }] }] },
    },
  ];
}

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  const server = await startServer(backend, env, o);
  const base = `${server.url}/fhir`;
  try {
    const t0 = performance.now();
    for (let i = 0; i < HEALERS; i += 100) {
      const entry = Array.from({ length: Math.min(100, HEALERS - i) }, (_, k) => healerEntries(i + k)).flat();
      const r = await call('POST', base, { resourceType: 'Bundle', type: 'transaction', entry });
      if (r.status !== 200) throw new Error(`seeding healers: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    }
    console.log(`seeded ${HEALERS} healers, roles and places in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    if (backend === 'postgres') {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      await c.query('ANALYZE');
      await c.end();
    }
    const shapes: [string, (d: string) => string][] = [
      ['roles serving a district, healer speaks Guaraní', (d) => `PractitionerRole?location.distrito=${d}&practitioner.idioma=gn`],
      ['the same for one specialty', (d) => `PractitionerRole?location.distrito=${d}&practitioner.idioma=gn&specialty=${CS}py-especialidad-medicina-tradicional|partera-tradicional`],
      ['healers living in a district who speak Guaraní', (d) => `Practitioner?distrito=${d}&idioma=gn`],
    ];
    for (const [name, query] of shapes) {
      const ms: number[] = [];
      let found = 0;
      for (let i = 0; i < SEARCHES; i++) {
        const r = await call('GET', `${base}/${query(DISTRICTS[Math.floor(Math.random() * DISTRICTS.length)])}&_count=50`);
        if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
        ms.push(r.ms);
        found += r.json.entry?.length ?? 0;
      }
      ms.sort((a, b) => a - b);
      console.log(`${name}: n=${ms.length} p50=${fmt(percentile(ms, 50), 1)} p95=${fmt(percentile(ms, 95), 1)} p99=${fmt(percentile(ms, 99), 1)} ms, ${fmt(found / SEARCHES, 1)} matches on average`);
    }
  } finally {
    await server.stop();
  }
}

await runBench('healers', async () => {
  console.log(`healers bench: ${HEALERS} healers, ${SEARCHES} searches per shape`);
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_healers');
    else await withPglite((env) => onBackend(backend, env));
  }
});
