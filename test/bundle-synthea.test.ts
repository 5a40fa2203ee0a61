import { join } from 'node:path';
import type { Bundle, BundleEntry, Encounter } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { CORPORA, corpusFiles, readJson, request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Real data: the Synthea corpora in test/fixtures/corpora (gzipped) loaded over HTTP as batch and transaction bundles,
 * then checked with searches.
 */
let server: TestServer;

/** Each corpus gets its own database: the covid set repeats synthea identifiers, which would make ifNoneExist ambiguous. */
function ownServer(): void {
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
}

async function count(query: string): Promise<number> {
  const r = await request('GET', `${server.base}/${query}${query.includes('?') ? '&' : '?'}_summary=count`);
  expect(r.status).toBe(200);
  return r.json.total as number;
}

async function post(bundle: Bundle): Promise<Bundle> {
  const r = await request('POST', server.base, bundle);
  if (r.status !== 200) throw new Error(`bundle answered ${r.status}: ${r.text.slice(0, 500)}`);
  return r.json as Bundle;
}

function statuses(b: Bundle): string[] {
  return (b.entry ?? []).map((e) => (e.response?.status ?? '').slice(0, 3));
}

function countByType(entries: BundleEntry[], type: string): number {
  return entries.filter((e) => e.resource?.resourceType === type).length;
}

describe('synthea-covid-juvenile', () => {
  ownServer();
  const dir = join(CORPORA, 'synthea-covid-juvenile');
  const patientFiles = corpusFiles(join(dir, 'patients')).filter((f) => f.endsWith('.json'));

  test('information bundles (batch) and every patient bundle (as transaction) load; counts match', async () => {
    expect(patientFiles.length).toBe(10);
    const before: Record<string, number> = { Organization: await count('Organization'), Practitioner: await count('Practitioner') };
    const infos = corpusFiles(dir).filter((f) => /^(hospital|practitioner)Information.*\.json$/.test(f));
    expect(infos.length).toBe(2);
    const infoEntries: BundleEntry[] = [];
    for (const f of infos) {
      const bundle = readJson<Bundle>(join(dir, f));
      expect(bundle.type).toBe('batch');
      const res = await post(bundle);
      expect(res.type).toBe('batch-response');
      expect(statuses(res)).toEqual(bundle.entry?.map(() => '201'));
      infoEntries.push(...(bundle.entry ?? []));
    }

    const expected: Record<string, number> = { Patient: 0, Observation: 0, Encounter: 0, Immunization: 0, Condition: 0 };
    let patientBundleOrgs = 0;
    let patientBundlePractitioners = 0;
    for (const f of patientFiles) {
      const bundle = readJson<Bundle>(join(dir, 'patients', f));
      bundle.type = 'transaction';
      const entries = bundle.entry ?? [];
      for (const type of Object.keys(expected)) expected[type] += countByType(entries, type);
      patientBundleOrgs += countByType(entries, 'Organization');
      patientBundlePractitioners += countByType(entries, 'Practitioner');
      const res = await post(bundle);
      expect(res.type).toBe('transaction-response');
      expect(res.entry).toHaveLength(entries.length);
      expect(statuses(res).every((s) => s === '201')).toBe(true);
    }
    expect(expected.Patient).toBe(patientFiles.length);
    for (const [type, n] of Object.entries(expected)) expect([type, await count(type)]).toEqual([type, n]);
    // These bundles carry no ifNoneExist: their Organizations and Practitioners are created as given.
    expect(await count('Organization')).toBe(before.Organization + countByType(infoEntries, 'Organization') + patientBundleOrgs);
    expect(await count('Practitioner')).toBe(before.Practitioner + countByType(infoEntries, 'Practitioner') + patientBundlePractitioners);
  });

  test('real LOINC codes are searchable and references point to the loaded patients', async () => {
    const weights = await request('GET', `${server.base}/Observation?code=http://loinc.org|29463-7&_count=1000`);
    expect(weights.status).toBe(200);
    let expectedWeights = 0;
    const patientIds = new Set<string>();
    for (const f of patientFiles) {
      const bundle = readJson<Bundle>(join(dir, 'patients', f));
      expectedWeights += (bundle.entry ?? []).filter((e) => e.resource?.resourceType === 'Observation' && JSON.stringify(e.resource).includes('"29463-7"')).length;
    }
    expect(weights.json.total).toBe(expectedWeights);
    expect(expectedWeights).toBeGreaterThan(0);
    const patients = await request('GET', `${server.base}/Patient?_count=100`);
    for (const e of patients.json.entry as BundleEntry[]) patientIds.add(`Patient/${e.resource?.id}`);
    for (const e of weights.json.entry as BundleEntry[]) {
      const subject = (e.resource as { subject?: { reference?: string } }).subject?.reference as string;
      expect(patientIds.has(subject)).toBe(true);
    }
  });
});

describe('synthea (conditional references)', () => {
  ownServer();
  const dir = join(CORPORA, 'synthea');
  const hospital = corpusFiles(dir).find((f) => f.startsWith('hospitalInformation')) as string;
  const practitioner = corpusFiles(dir).find((f) => f.startsWith('practitionerInformation')) as string;
  const distinct = (b: Bundle, type: string): number =>
    new Set((b.entry ?? []).filter((e) => e.resource?.resourceType === type).map((e) => e.request?.ifNoneExist)).size;

  test('hospital and practitioner information bundles (batch, ifNoneExist) load, and loading them again creates no duplicates', async () => {
    const hosp = readJson<Bundle>(join(dir, hospital));
    const prac = readJson<Bundle>(join(dir, practitioner));
    const before: Record<string, number> = {};
    for (const type of ['Organization', 'Location', 'Practitioner', 'PractitionerRole']) before[type] = await count(type);
    for (const b of [hosp, prac]) {
      const res = await post(b);
      expect(res.type).toBe('batch-response');
      expect(res.entry).toHaveLength(b.entry?.length as number);
      const bad = statuses(res).filter((s) => s !== '200' && s !== '201');
      expect(bad).toEqual([]);
    }
    const expected = {
      Organization: distinct(hosp, 'Organization'),
      Location: distinct(hosp, 'Location'),
      Practitioner: distinct(prac, 'Practitioner'),
    };
    expect(expected.Practitioner).toBeGreaterThan(1000);
    for (const [type, n] of Object.entries(expected)) expect([type, await count(type)]).toEqual([type, before[type] + n]);

    // Second time (the practitioner bundle; the hospital one behaves the same and would only add run time):
    // every ifNoneExist entry finds its match (200) and nothing is duplicated.
    const pracAgain = await post(prac);
    expect(pracAgain.entry).toHaveLength(prac.entry?.length as number);
    const secondStatuses = (pracAgain.entry ?? []).map((e, i) => `${prac.entry?.[i].resource?.resourceType} ${e.response?.status.slice(0, 3)}`);
    expect(new Set(secondStatuses)).toEqual(new Set(['Practitioner 200', 'PractitionerRole 201']));
    for (const [type, n] of Object.entries(expected)) expect([type, await count(type)]).toEqual([type, before[type] + n]);
    // PractitionerRole entries carry no ifNoneExist upstream, so they are created again.
    expect(await count('PractitionerRole')).toBe(before.PractitionerRole + 2 * countByType(prac.entry ?? [], 'PractitionerRole'));
  });

  test('patient transaction bundles with conditional references load; participants resolve to stored Practitioners', async () => {
    const files = corpusFiles(join(dir, 'patients'))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .slice(0, 2);
    expect(files.length).toBe(2);
    const client = new Client({ baseUrl: server.base });
    const patientsBefore = await count('Patient');
    const encountersBefore = await count('Encounter');
    let encounters = 0;
    for (const f of files) {
      const bundle = readJson<Bundle>(join(dir, 'patients', f));
      expect(bundle.type).toBe('transaction');
      expect(JSON.stringify(bundle)).toContain('"Practitioner?identifier=');
      const res = (await client.transaction({ body: bundle as unknown as { resourceType: string } })) as unknown as Bundle;
      expect(res.type).toBe('transaction-response');
      expect(res.entry).toHaveLength(bundle.entry?.length as number);
      const bad = statuses(res).filter((s) => s !== '200' && s !== '201');
      expect(bad).toEqual([]);
      encounters += countByType(bundle.entry ?? [], 'Encounter');

      // An Encounter's participant (a conditional reference in the bundle) now points at a stored Practitioner
      const i = (bundle.entry ?? []).findIndex((e) => e.resource?.resourceType === 'Encounter');
      const source = bundle.entry?.[i].resource as Encounter;
      const conditional = source.participant?.[0].individual?.reference as string;
      expect(conditional).toMatch(/^Practitioner\?identifier=/);
      const location = res.entry?.[i].response?.location as string;
      const stored = (await request('GET', `${server.base}/${location.replace(/\/_history\/.*$/, '')}`)).json as Encounter;
      const ref = stored.participant?.[0].individual?.reference as string;
      expect(ref).toMatch(/^Practitioner\/[A-Za-z0-9\-.]+$/);
      const practitionerRes = await request('GET', `${server.base}/${ref}`);
      expect(practitionerRes.status).toBe(200);
      const npi = conditional.split('|')[1];
      expect(practitionerRes.json.identifier.some((x: { value?: string }) => x.value === npi)).toBe(true);
      // serviceProvider was Organization?identifier=…
      const org = await request('GET', `${server.base}/${stored.serviceProvider?.reference}`);
      expect(org.status).toBe(200);
      expect(org.json.resourceType).toBe('Organization');
    }
    expect(await count('Patient')).toBe(patientsBefore + files.length);
    expect(await count('Encounter')).toBe(encountersBefore + encounters);
  });
});
