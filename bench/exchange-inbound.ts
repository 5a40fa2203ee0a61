/**
 * HMS-OPS exchange inbound benchmark: partners' signed referral messages through `$process-message` (verify,
 * validate, translate, match, store), per second.
 *
 *   npm run build && node dist/bench/exchange-inbound.js                  # both backends
 *   node dist/bench/exchange-inbound.js --backends=postgres --messages=300 --clients=4
 *
 * Options: --backends [postgres,pglite], --messages [200], --clients [4], --results [20 laboratory results in
 * each IPS document], --pg-url.
 *
 * Per backend, one server: a partner (Organization and Endpoint with a P-256 key made here) and the receiving
 * facility are registered; a patient with --results results and two problems gives the IPS document template
 * (the server's own `Patient/$summary`). Then --messages messages are built and signed beforehand — each a
 * new patient (its own DNI) with that document — and sent by --clients clients: messages per second, p50 / p95,
 * statuses (all 200 expected). The target is ≥ 20 IPS-sized messages per second.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Organization, Reference } from '@medplum/fhirtypes';
import { ExchangeKeys, signBundle } from '../src/exchange/signature/index.js';
import { arg, fmt, percentile, runBench, serverOptions, startServer, withPglite, withPostgres, type Backend } from './run.js';

const o = serverOptions({ duration: '10', patients: '0' });
const MESSAGES = Number(arg('messages', '200'));
const CLIENTS = Number(arg('clients', '4'));
const RESULTS = Number(arg('results', '20'));
const FHIR = { 'Content-Type': 'application/fhir+json' };
const EST = 'https://fhir.mspbs.gov.py/sid/establecimiento';
const DNI = 'http://www.renaper.gob.ar/dni';
const REFES = 'https://sisa.msal.gov.ar/REFES';
const PARTNER_BASE = 'https://fhir.hospital-partner.example.ar/fhir';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; ms: number; json: Json }> {
  const t = performance.now();
  const r = await fetch(url, { method, headers: FHIR, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, json: text ? (JSON.parse(text) as Json) : {} };
}
async function created(base: string, r: Json): Promise<string> {
  const res = await call('POST', `${base}/${r.resourceType}`, r);
  if (res.status !== 201) throw new Error(`${r.resourceType}: ${res.status} ${JSON.stringify(res.json).slice(0, 400)}`);
  return res.json.id as string;
}

async function onBackend(backend: Backend, env: Record<string, string>): Promise<void> {
  console.log(`\n## ${backend}`);
  const server = await startServer(backend, { ...env, AUDIT: 'off' }, o);
  const file = join(tmpdir(), `hms-bench-inbound-${process.pid}.pem`);
  writeFileSync(file, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const keys = await ExchangeKeys.fromFile(file);
  unlinkSync(file);
  const key = keys.current();
  try {
    const base = `${server.url}/fhir`;
    await created(base, { resourceType: 'Organization', identifier: [{ system: EST, value: '11014101' }], name: 'Hospital General de San Lorenzo', active: true });
    const partner = await created(base, { resourceType: 'Organization', identifier: [{ system: REFES, value: '10060702' }], name: 'Hospital socio', active: true, address: [{ country: 'AR' }] });
    await created(base, {
      resourceType: 'Endpoint',
      extension: keys.jwks().keys.map((k) => ({ url: 'https://fhir.mspbs.gov.py/StructureDefinition/py-clave-intercambio', valueString: JSON.stringify(k) })),
      status: 'active',
      connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' },
      managingOrganization: { reference: `Organization/${partner}` },
      payloadType: [{ text: 'referral' }],
      address: PARTNER_BASE,
    });
    // the IPS document template: a patient with two problems and RESULTS laboratory results
    const p = await created(base, { resourceType: 'Patient', identifier: [{ system: DNI, value: '1' }], name: [{ family: 'Plantilla', given: ['Ana'] }], gender: 'female', birthDate: '1960-01-01' });
    for (const text of ['Hipertensión arterial', 'Diabetes mellitus tipo 2']) {
      await created(base, { resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { text }, subject: { reference: `Patient/${p}` } });
    }
    for (let i = 0; i < RESULTS; i++) {
      await created(base, {
        resourceType: 'Observation', status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: `${2000 + i}-${i % 10}` }], text: `Análisis ${i}` },
        subject: { reference: `Patient/${p}` }, effectiveDateTime: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
        performer: [{ reference: `Organization/${partner}` }],
        valueQuantity: { value: 5 + i, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
      });
    }
    const summary = await call('GET', `${base}/Patient/${p}/$summary`);
    if (summary.status !== 200) throw new Error(`$summary: ${summary.status}`);
    const template = summary.json as Bundle;
    const who: Reference<Organization> = { display: 'Hospital socio' };

    const t0 = performance.now();
    const messages = Array.from({ length: MESSAGES }, (_, n) => {
      const doc = JSON.parse(JSON.stringify(template)) as Json;
      delete doc.signature;
      doc.identifier = { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` };
      const patient = { resourceType: 'Patient', identifier: [{ system: DNI, value: String(30_000_000 + n) }], name: [{ family: `Paciente${n}`, given: ['Bench'] }], gender: n % 2 ? 'male' : 'female', birthDate: '1970-01-01' };
      const pe = doc.entry.find((e: Json) => e.resource.resourceType === 'Patient');
      pe.resource = { ...patient, id: pe.resource.id };
      const u = (): string => `urn:uuid:${randomUUID()}`;
      const [h, task, sr, pat, from, to, ips] = [u(), u(), u(), u(), u(), u(), u()];
      return signBundle({
        resourceType: 'Bundle', type: 'message', timestamp: new Date().toISOString(),
        identifier: { system: 'https://fhir.mspbs.gov.py/sid/bundle', value: randomUUID() },
        entry: [
          { fullUrl: h, resource: { resourceType: 'MessageHeader', id: h.slice(9), eventCoding: { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio', code: 'derivacion-solicitud' }, source: { endpoint: PARTNER_BASE }, destination: [{ endpoint: base }], sender: { reference: from }, focus: [{ reference: task }] } },
          { fullUrl: task, resource: { resourceType: 'Task', identifier: [{ system: 'https://fhir.hospital-partner.example.ar/sid/task', value: randomUUID() }], status: 'requested', intent: 'order', priority: 'routine', authoredOn: new Date().toISOString(), code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] }, focus: { reference: sr }, for: { reference: pat }, requester: { reference: from }, owner: { reference: to } } },
          { fullUrl: sr, resource: { resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'routine', category: [{ coding: [{ system: 'http://snomed.info/sct', code: '103696004' }] }], code: { text: 'Cardiología' }, subject: { reference: pat }, requester: { reference: from }, supportingInfo: [{ reference: ips }] } },
          { fullUrl: pat, resource: patient },
          { fullUrl: from, resource: { resourceType: 'Organization', identifier: [{ system: REFES, value: '10060702' }], name: 'Hospital socio', address: [{ country: 'AR' }] } },
          { fullUrl: to, resource: { resourceType: 'Organization', identifier: [{ system: EST, value: '11014101' }], name: 'Hospital General de San Lorenzo', address: [{ country: 'PY' }] } },
          { fullUrl: ips, resource: signBundle(doc as Bundle, key, who) },
        ],
      } as Bundle, key, who);
    });
    const entries = (messages[0].entry ?? []).length + ((messages[0].entry?.[6]?.resource as Bundle).entry ?? []).length;
    console.log(`${MESSAGES} messages built and signed in ${fmt((performance.now() - t0) / 1000, 1)} s; each ${fmt(JSON.stringify(messages[0]).length / 1024)} KiB, ${entries} resources (the IPS document's ${RESULTS} results, 2 problems)`);

    const ms: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < messages.length) {
        const m = messages[next++];
        const r = await call('POST', `${base}/$process-message`, m);
        ms.push(r.ms);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status !== 200 && (statuses.get(r.status) ?? 0) === 1) console.log(`  ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
      }
    }));
    const s = (performance.now() - t) / 1000;
    ms.sort((a, b) => a - b);
    console.log(`inbound: ${MESSAGES} messages, ${CLIENTS} clients: ${fmt(s, 1)} s, **${fmt(MESSAGES / s, 1)} messages/s**, p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  } finally {
    await server.stop();
  }
}

await runBench('exchange-inbound', async () => {
  for (const backend of o.backends) {
    if (backend === 'postgres') await withPostgres(o, (env) => onBackend(backend, env), 'bench_inbound');
    else await withPglite((env) => onBackend(backend, env));
  }
});
