/**
 * HMS-OPS validation benchmark (issue #4).
 *
 *   npm run bench:validation                 # in-process timing + two servers on PostgreSQL, 10 s per scenario
 *   npm run bench:validation -- --quick      # 3 s per scenario
 *
 * 1. In process: validate a PYPatient against py-patient 2,000 times (after 200 warm-up runs), the way $validate
 *    does it (base R4 validation with @medplum/core + the profile walker) and the way a write does it (walker,
 *    errors only; the base validation is the core's). Median and p95 in ms.
 * 2. Over HTTP: two servers on fresh PostgreSQL databases, one plain, one with REQUIRED_PROFILES=Patient=py-patient;
 *    autocannon POST /Patient of the same PYPatient (10 connections). Ratio of throughputs.
 *
 * Options: --duration=<s> [BENCH_DURATION] (default 10; --quick 3), --warmup=<s> (default 2; --quick 1),
 * --connections=<n> (default 10), --pg-url=<admin url> [BENCH_PG_URL].
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../src/db/database.js';
import { loadPackages } from '../src/conformance/index.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { guidePackageDir } from '../src/ig/index.js';
import { addTerminologyResources } from '../src/terminology/index.js';
import { setPool } from '../src/terminology/sources.js';
import { terminologyCodes, validateProfiles } from '../src/validation/index.js';
import { cannon, fmt, ms, percentile, runBench, startServer, withPostgres, type Options } from './run.js';

const PY_PATIENT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-patient';
const patient = {
  resourceType: 'Patient',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Rosa Giménez</div>' },
  identifier: [{ system: 'https://fhir.mspbs.gov.py/sid/cedula-identidad', value: '4567890' }],
  name: [{ use: 'official', family: 'Giménez', given: ['Rosa', 'María'] }],
  telecom: [{ system: 'phone', value: '+595 981 000000', use: 'mobile' }],
  gender: 'female',
  birthDate: '1990-05-14',
  address: [{ use: 'home', city: 'Asunción', country: 'PY' }],
  maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
} as Resource;

function arg(name: string, env: string, fallback: string): string {
  const a = process.argv.slice(2).find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : (process.env[env] ?? fallback);
}

async function inProcess(): Promise<{ full: number[]; write: number[] }> {
  loadDefinitions();
  await loadPackages([guidePackageDir()], addTerminologyResources);
  // no database here: the terminology module sees an empty one (and may cache, as it does on the server's pool)
  const noDb = { query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Queryable;
  setPool(noDb);
  const localCodeValidator = terminologyCodes(noDb);
  const run = async (base: boolean, errorsOnly: boolean): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < 2200; i++) {
      const t0 = performance.now();
      const issues = await validateProfiles(patient, { required: [PY_PATIENT], lang: 'en', codes: localCodeValidator, base, errorsOnly });
      const t = performance.now() - t0;
      if (issues.some((x) => x.severity === 'error')) throw new Error(`the bench patient is invalid: ${JSON.stringify(issues)}`);
      if (i >= 200) times.push(t);
    }
    return times.sort((a, b) => a - b);
  };
  return { full: await run(true, false), write: await run(false, true) };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const o: Options = {
    duration: Number(arg('duration', 'BENCH_DURATION', quick ? '3' : '10')),
    warmup: Number(arg('warmup', 'BENCH_WARMUP', quick ? '1' : '2')),
    connections: Number(arg('connections', 'BENCH_CONNECTIONS', '10')),
    backends: ['postgres'],
    scenarios: ['create'],
    patients: 0,
    clients: [1],
    pool: 10,
    pgUrl: arg('pg-url', 'BENCH_PG_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
    corpora: resolve('../shared/corpora'),
    pgStats: false,
    pgSettings: [],
    waitIdle: 0,
  };
  const { full, write } = await inProcess();
  console.log(`validate PYPatient, $validate path (base + profile): median ${ms(percentile(full, 50))} ms, p95 ${ms(percentile(full, 95))} ms`);
  console.log(`validate PYPatient, write path (profile walker, errors only): median ${ms(percentile(write, 50))} ms, p95 ${ms(percentile(write, 95))} ms`);
  const body = JSON.stringify(patient);
  const rates: number[] = [];
  for (const [label, env] of [['plain', {}], ['REQUIRED_PROFILES', { REQUIRED_PROFILES: `Patient=${PY_PATIENT}` }]] as const) {
    const r = await withPostgres(o, async (dbEnv) => {
      const server = await startServer('postgres', { ...dbEnv, ...env }, o);
      try {
        return await cannon({ url: `${server.url}/fhir/Patient`, connections: o.connections, method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body }, o, server, 'postgres');
      } finally {
        await server.stop();
      }
    }, 'bench_validation');
    if (r.errors) throw new Error(`${label}: ${r.errors} failed requests (${r.firstError})`);
    rates.push(r.rps);
    console.log(`create Patient, ${label}: ${fmt(r.rps)} req/s, p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms`);
  }
  console.log(`profile-enforced / plain create throughput: ${fmt((100 * rates[1]) / rates[0])} %`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runBench('validation', main);
}
