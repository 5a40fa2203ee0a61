/**
 * HMS-OPS exchange benchmark: signing and verifying an IPS document (src/exchange/signature/).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/exchange.js
 *   node dist/bench/exchange.js --entries=500 --runs=200
 *
 * Options: --entries [500 resources besides the Composition], --runs [200 per measurement], --warmup [20].
 *
 * A document as Patient/$summary builds it (document.ts): a Patient and --entries laboratory Observations (the
 * largest section: MAX_SECTION_ENTRIES) with their narrative table. Each run, in this process:
 *   - sign: the canonical JSON of the Bundle without its signature, the detached JWS, Bundle.signature;
 *   - verify: decode Signature.data, canonical JSON again, the signature checked against the JWKS;
 * for an ES256 key (the default) and an RSA-2048 key (RS256). Prints median and p95 in milliseconds and the
 * canonical size; the target is under 50 ms for each.
 */
import { generateKeyPairSync } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { buildIpsDocument } from '../src/exchange/document.js';
import { SECTIONS } from '../src/exchange/sections.js';
import { canonicalBytes, ExchangeKeys, signBundle, verifyBundleSignature } from '../src/exchange/signature/index.js';
import { arg, fmt, percentile } from './run.js';

const ENTRIES = Number(arg('entries', '500'));
const RUNS = Number(arg('runs', '200'));
const WARMUP = Number(arg('warmup', '20'));

function documentOf(n: number): ReturnType<typeof buildIpsDocument> {
  const patient: Patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Benítez', given: ['Rosa'] }], birthDate: '1950-05-05', gender: 'female' };
  const results: Observation[] = Array.from({ length: n }, (_, i) => ({
    resourceType: 'Observation',
    id: `o${i}`,
    meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00.000Z' },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }], text: 'Hemoglobina' },
    subject: { reference: 'Patient/p1' },
    encounter: { reference: `Encounter/e${i % 50}` },
    effectiveDateTime: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
    valueQuantity: { value: 12 + (i % 30) / 10, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
    referenceRange: [{ low: { value: 12, unit: 'g/dL' }, high: { value: 16, unit: 'g/dL' } }],
  }));
  const sections = SECTIONS.map((def) => ({ def, resources: def.slice === 'sectionResults' ? results : [], truncated: false, withheld: false }));
  return buildIpsDocument({ baseUrl: 'https://hms.example.py/fhir', lang: 'es', patient, sections, medications: [] });
}

function time(fn: () => void): number[] {
  for (let i = 0; i < WARMUP; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const doc = documentOf(ENTRIES);
  const bytes = canonicalBytes(doc.bundle).length;
  console.log(`IPS document: ${doc.bundle.entry!.length} entries, canonical JSON ${fmt(bytes / 1024)} KiB; ${RUNS} runs after ${WARMUP} warm-up (Node ${process.version})`);
  console.log('| key | sign median | sign p95 | verify median | verify p95 |');
  console.log('|---|---|---|---|---|');
  const dir = tmpdir();
  for (const [label, make] of [
    ['ES256 (P-256)', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['RS256 (RSA 2048)', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
  ] as const) {
    const file = join(dir, `hms-bench-exchange-${process.pid}.pem`);
    writeFileSync(file, make().export({ format: 'pem', type: 'pkcs8' }));
    const keys = await ExchangeKeys.fromFile(file);
    unlinkSync(file);
    const key = keys.current();
    const jwks = keys.jwks();
    const who = { reference: doc.device };
    const sign = time(() => void signBundle(doc.bundle, key, who));
    const signed = signBundle(doc.bundle, key, who);
    const verify = time(() => {
      if (!verifyBundleSignature(signed, jwks).ok) throw new Error('verification failed');
    });
    const ms = (xs: number[], p: number): string => fmt(percentile(xs, p), 2);
    console.log(`| ${label} | ${ms(sign, 50)} ms | ${ms(sign, 95)} ms | ${ms(verify, 50)} ms | ${ms(verify, 95)} ms |`);
  }
}

await main();
