import type { Bundle, Resource } from '@medplum/fhirtypes';
import { generateBattery, sortKeyOf, type Query } from './helpers-search/battery.js';
import { getIndexedParam } from '../src/fhir/definitions.js';
import { loadCorpus, readAll, type LoadReport } from './helpers-search/load.js';
import { Oracle } from './helpers-search/oracle.js';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * The search engine against an independent in-memory oracle (helpers-search/oracle.ts), over HTTP, on the
 * real Synthea COVID juvenile corpus and a selection of the R4 spec examples.
 */
// Not the conformance types (ValueSet, CodeSystem, …): their searches answer from the loaded packages too, which
// the oracle does not model (test/conformance-resources.test.ts covers them).
const TYPES = [
  'Patient', 'Observation', 'Encounter', 'Condition', 'Immunization', 'Practitioner', 'Organization', 'Location',
  'MedicationRequest', 'Medication', 'Procedure', 'DiagnosticReport', 'CarePlan', 'CareTeam', 'Claim',
  'ExplanationOfBenefit', 'AllergyIntolerance', 'Specimen', 'RelatedPerson', 'Group',
  'RiskAssessment', 'Device', 'PractitionerRole', 'Substance',
];

let server: TestServer;
let oracle: Oracle;
let report: LoadReport;

beforeAll(async () => {
  server = await startTestServer();
  report = await loadCorpus(server.base);
  oracle = new Oracle(await readAll(server.base, TYPES), server.base);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

function url(q: Query, extra = '_count=1000'): string {
  const qs = new URLSearchParams(q.params).toString();
  const path = q.types.length === 1 ? `${server.base}/${q.types[0]}` : `${server.base}?_type=${q.types.join(',')}`;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}${qs ? '&' : ''}${extra}`;
}

async function serverKeys(q: Query): Promise<Set<string> | string> {
  const res = await request('GET', url(q));
  if (res.status !== 200) return `HTTP ${res.status}: ${res.json?.issue?.[0]?.diagnostics ?? res.text.slice(0, 200)}`;
  const b = res.json as Bundle;
  if (b.link?.some((l) => l.relation === 'next')) return 'more than one page';
  return new Set((b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => `${e.resource?.resourceType}/${e.resource?.id}`));
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

function describeDiff(q: Query, expected: Set<string>, got: Set<string> | string): string | undefined {
  const label = `${q.types.join(',')}?${q.params.map(([k, v]) => `${k}=${v}`).join('&')}`;
  if (typeof got === 'string') return `${label}: ${got} (oracle: ${expected.size})`;
  const missing = [...expected].filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !expected.has(k));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `${label}: server lacks [${missing.slice(0, 4).join(' ')}]${missing.length > 4 ? `+${missing.length - 4}` : ''} has extra [${extra.slice(0, 4).join(' ')}]${extra.length > 4 ? `+${extra.length - 4}` : ''} (oracle ${expected.size})`;
}

test('the data set loads', () => {
  console.log(`loaded: ${report.synthea} Synthea entries, ${report.examplesStored} spec examples (${report.referencesStripped} unresolvable references stripped), ${report.examplesRejected.length} examples rejected:\n${report.examplesRejected.map((r) => `  ${r.file}: ${r.status} ${r.reason}`).join('\n')}`);
  expect(report.synthea).toBeGreaterThan(900);
  expect(report.examplesStored).toBeGreaterThan(250);
  expect(oracle.byKey.size).toBeGreaterThan(1200);
});

test('generated parameter battery agrees with the oracle', async () => {
  const battery = generateBattery(oracle, TYPES, server.base);
  const diffs: string[] = [];
  let nonEmpty = 0;
  await pool(battery, 4, async (q) => {
    const expected = oracle.search(q.types, q.params);
    if (expected.size > 0) nonEmpty++;
    const d = describeDiff(q, expected, await serverKeys(q));
    if (d) diffs.push(d);
  });
  console.log(`[${server.backend}] battery: ${battery.length} queries compared, ${nonEmpty} with a non-empty expected result, ${diffs.length} disagreements\n${diffs.slice(0, 300).join('\n')}`);
  expect(diffs).toEqual([]);
  expect(battery.length).toBeGreaterThan(1500);
}, 300_000);

// ---------------------------------------------------------------- hand-written cases over the same data

function first<T>(xs: T[], what: string): T {
  if (xs.length === 0) throw new Error(`no data for ${what}`);
  return xs[0];
}

/** Values in the data for the hand-written cases (deterministic: sorted by id). */
function sample() {
  const byId = (t: string): Resource[] => [...(oracle.byType.get(t) ?? [])].sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));
  const synthea = byId('Patient').filter((p) => (p as { identifier?: { system?: string }[] }).identifier?.some((i) => i.system === 'https://github.com/synthetichealth/synthea'));
  // ids of transaction-created resources are server-assigned: choose by content, not id, to stay deterministic
  const patient = first(synthea.sort((a, b) => (JSON.stringify((a as { name?: unknown }).name) < JSON.stringify((b as { name?: unknown }).name) ? -1 : 1)), 'Synthea patient') as { id: string; name: { family: string; given: string[] }[]; identifier: { system: string; value: string }[] };
  const providers = new Set(byId('Encounter').flatMap((e) => oracle.referenceTargets(e, 'service-provider')));
  const orgs = byId('Organization').filter((o) => (o as { name?: string }).name && providers.has(`Organization/${o.id}`)) as unknown as { name: string }[];
  const org = first(orgs.sort((a, b) => (a.name < b.name ? -1 : 1)), 'Organization');
  const covidObs = first(byId('Observation').filter((o) => oracle.values(o, 'code').some((v) => v.value?.coding?.[0]?.code === '94531-1') && oracle.values(o, 'value-concept').length > 0), 'SARS-CoV-2 test');
  const covid = oracle.values(covidObs, 'value-concept')[0].value.coding[0] as { system: string; code: string };
  const lastUpdated = byId('Observation').map((o) => o.meta?.lastUpdated as string).sort();
  return { patient, org, lastUpdated, byId, covid };
}

async function compare(q: Query): Promise<{ expected: Set<string>; diff?: string }> {
  const expected = oracle.search(q.types, q.params);
  return { expected, diff: describeDiff(q, expected, await serverKeys(q)) };
}

function cases(): Query[] {
  const { patient, org, lastUpdated, byId, covid } = sample();
  const t = (type: string, ...params: [string, string][]): Query => ({ types: [type], params });
  const ucum = 'http://unitsofmeasure.org';
  const ids = byId('Patient').slice(0, 3).map((p) => p.id as string);
  const mid = lastUpdated[Math.floor(lastUpdated.length / 2)];
  return [
    // chains (search.html §2.1.1.5.5 chained parameters)
    t('Observation', ['subject:Patient.name', patient.name[0].family]),
    t('Observation', ['patient.gender', 'male']),
    t('Observation', ['patient.birthdate', 'ge2012']),
    t('Observation', ['patient.identifier', `${patient.identifier[0].system}|${patient.identifier[0].value}`]),
    t('Condition', ['subject:Patient.gender', 'female'], ['clinical-status', 'resolved']),
    t('Encounter', ['subject.name', patient.name[0].given[0]]),
    t('Encounter', ['service-provider.name', org.name.slice(0, 6)]),
    t('Observation', ['encounter.class', 'AMB']),
    t('Observation', ['encounter.class', 'EMER'], ['code', '8310-5']),
    t('Immunization', ['patient.gender', 'female']),
    t('Claim', ['patient.name', patient.name[0].family]),
    t('Observation', ['encounter.practitioner.gender', 'female']),
    t('Observation', ['encounter.participant:Practitioner.name', 'Dr'], ['code', '8310-5']),
    t('Observation', ['encounter.service-provider.name', org.name.slice(0, 6)]),
    t('MedicationRequest', ['subject:Patient.name', 'Chalmers']),
    t('Observation', ['subject:Patient.family', `Chalmers,${patient.name[0].family}`]),
    // _has (reverse chaining)
    t('Patient', ['_has:Observation:patient:code', '8310-5']),
    t('Patient', ['_has:Condition:subject:code', 'http://snomed.info/sct|840539006']),
    t('Patient', ['_has:Condition:subject:code', 'no-such-code']),
    t('Encounter', ['_has:Observation:encounter:code', '94531-1']),
    t('Practitioner', ['_has:Encounter:practitioner:class', 'AMB']),
    t('Patient', ['_has:Encounter:patient:_has:Observation:encounter:code', '94531-1']),
    t('Organization', ['_has:Encounter:service-provider:class', 'AMB']),
    // _id, _lastUpdated
    t('Patient', ['_id', ids.join(',')]),
    t('Patient', ['_id', ids[0]], ['gender', 'female,male,other,unknown']),
    t('Observation', ['_lastUpdated', `ge${mid}`]),
    t('Observation', ['_lastUpdated', `lt${mid}`]),
    t('Observation', ['_lastUpdated', `eq${mid}`]),
    t('Observation', ['_lastUpdated', `gt${mid}`], ['_lastUpdated', `le${lastUpdated[lastUpdated.length - 1]}`]),
    t('Observation', ['_lastUpdated', `sa${mid.slice(0, 19)}Z`]),
    t('Observation', ['_lastUpdated', 'lt2000']),
    // composite
    t('Observation', ['code-value-quantity', `http://loinc.org|8310-5$gt37|${ucum}|Cel`]),
    t('Observation', ['code-value-quantity', `http://loinc.org|29463-7$lt40|${ucum}|kg`]),
    t('Observation', ['code-value-quantity', `http://loinc.org|29463-7$lt40000|${ucum}|g`]),
    t('Observation', ['component-code-value-quantity', `http://loinc.org|8480-6$gt110|${ucum}|mm[Hg]`]),
    t('Observation', ['component-code-value-quantity', `http://loinc.org|8462-4$lt70`]),
    t('Observation', ['combo-code-value-quantity', `http://loinc.org|8480-6$ge100`]),
    t('Observation', ['code-value-concept', `http://loinc.org|94531-1$${covid.system}|${covid.code}`]),
    t('Observation', ['code-value-concept', `http://loinc.org|8310-5$${covid.system}|${covid.code}`]),
    // a composite is there when a whole tuple is: a quantity result has no code-value-concept
    t('Observation', ['code-value-concept:missing', 'false']),
    t('Observation', ['code-value-concept:missing', 'true'], ['code', '8310-5']),
    t('Observation', ['code-value-quantity:missing', 'false'], ['code', '8310-5']),
    // quantity with UCUM conversion (search.html §2.1.1.5.3 canonical units)
    t('Observation', ['code', '8310-5'], ['value-quantity', `gt37|${ucum}|Cel`]),
    t('Observation', ['code', '8310-5'], ['value-quantity', `gt310.15|${ucum}|K`]),
    t('Observation', ['code', '8310-5'], ['value-quantity', `lt98.6|${ucum}|[degF]`]),
    t('Observation', ['code', '8310-5'], ['value-quantity', `37|${ucum}|Cel`]),
    t('Observation', ['code', '8310-5'], ['value-quantity', `37.0|${ucum}|Cel`]),
    t('Observation', ['code', '8310-5'], ['value-quantity', `310|${ucum}|K`]),
    t('Observation', ['code', '8310-5'], ['value-quantity', `ne310|${ucum}|K`]),
    t('Observation', ['value-quantity', `ge20000|${ucum}|g`], ['value-quantity', `le30|${ucum}|kg`]),
    t('Observation', ['value-quantity', `gt1|${ucum}|m`], ['code', '8302-2']),
    t('Observation', ['value-quantity', `lt100|${ucum}|cm`]),
  ];
}

test('chains, _has, _id, _lastUpdated, composite and UCUM agree with the oracle', async () => {
  const diffs: string[] = [];
  let nonEmpty = 0;
  const all = cases();
  const empty: string[] = [];
  for (const q of all) {
    const { expected, diff } = await compare(q);
    if (expected.size > 0) nonEmpty++;
    else empty.push(q.params.map(([k, v]) => `${k}=${v}`).join('&'));
    if (diff) diffs.push(diff);
  }
  console.log(`[${server.backend}] hand-written: ${all.length} queries compared, ${nonEmpty} non-empty; empty: ${empty.join(' ; ')}`);
  expect(diffs).toEqual([]);
  // most cases must select something, or they test nothing
  expect(nonEmpty).toBeGreaterThan(all.length * 0.75);
  expect(all.length).toBeGreaterThanOrEqual(49);
});

async function getBundle(u: string): Promise<Bundle> {
  const res = await request('GET', u);
  expect(res.status).toBe(200);
  return res.json as Bundle;
}

const matchKeys = (b: Bundle): string[] => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
const includeKeys = (b: Bundle): string[] => (b.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);

test('_sort orders by the oracle\'s sort keys (lowest value ascending, highest descending, missing last)', async () => {
  const sorts: [string, [string, string][], string][] = [
    ['Observation', [['code', '8310-5']], 'date'],
    ['Observation', [['code', '8310-5']], '-date'],
    ['Observation', [['code', '29463-7']], 'value-quantity'],
    ['Observation', [['code', '29463-7']], '-value-quantity'],
    ['Patient', [], 'birthdate'],
    ['Patient', [], '-birthdate'],
    ['Patient', [], 'family'],
    ['Patient', [], '-family'],
    ['Encounter', [], '-date'],
    ['Condition', [], 'code'],
    ['Condition', [], '-code'],
    ['Encounter', [], 'status'],
    ['Observation', [['code', '8310-5']], 'subject'],
    ['Observation', [['code', '8310-5']], '-subject'],
    ['Immunization', [], 'date'],
    ['Observation', [['category', 'vital-signs']], '-date'],
  ];
  let checked = 0;
  for (const [type, params, sort] of sorts) {
    const q: Query = { types: [type], params };
    const b = await getBundle(url(q, `_count=1000&_sort=${sort}`));
    const got = matchKeys(b);
    const expected = oracle.search([type], params);
    expect(new Set(got)).toEqual(expected);
    const desc = sort.startsWith('-');
    const p = getIndexedParam(type, sort.replace(/^-/, ''));
    if (!p) throw new Error(sort);
    const keys = got.map((k) => sortKeyOf(oracle, oracle.byKey.get(k) as Resource, p, desc));
    for (let i = 1; i < keys.length; i++) {
      const [a, c] = [keys[i - 1], keys[i]];
      // missing values sort last
      if (a === undefined) expect(c).toBeUndefined();
      else if (c !== undefined) {
        if (desc ? a < c : a > c) throw new Error(`${type}?_sort=${sort}: ${got[i - 1]} (${a}) before ${got[i]} (${c})`);
      }
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(300);
});

test('paging: next links cover the result set exactly once, previous links walk back the same pages', async () => {
  for (const [type, extra] of [
    ['Observation', 'category=vital-signs&_sort=-date'],
    ['Immunization', '_sort=date,_id'],
    ['Encounter', ''],
    ['Patient', '_sort=family'],
    ['Observation', 'code=8310-5&_sort=subject,-date'],
  ]) {
    const params = [...new URLSearchParams(extra)].filter(([k]) => k !== '_sort') as [string, string][];
    const expected = oracle.search([type], params);
    const whole = matchKeys(await getBundle(`${server.base}/${type}?${extra}&_count=1000`));
    const pages: string[][] = [];
    let next: string | undefined = `${server.base}/${type}?${extra}&_count=7&_total=accurate`;
    let lastBundle: Bundle | undefined;
    while (next) {
      lastBundle = await getBundle(next);
      pages.push(matchKeys(lastBundle));
      expect(lastBundle.total).toBe(expected.size);
      next = lastBundle.link?.find((l) => l.relation === 'next')?.url;
      if (pages.length > 200) throw new Error('paging does not end');
    }
    const flat = pages.flat();
    expect(new Set(flat).size).toBe(flat.length); // no duplicates
    expect(new Set(flat)).toEqual(expected); // nothing missing or extra
    expect(flat).toEqual(whole); // same order as one big page
    expect(pages.length).toBe(Math.ceil(expected.size / 7));
    // walk back
    const back: string[][] = [];
    let prev = lastBundle?.link?.find((l) => l.relation === 'previous')?.url;
    while (prev) {
      const b = await getBundle(prev);
      back.push(matchKeys(b));
      prev = b.link?.find((l) => l.relation === 'previous')?.url;
    }
    expect(back.reverse()).toEqual(pages.slice(0, -1));
  }
});

test('_include and _revinclude return exactly the referenced / referencing resources', async () => {
  const refs = (keys: Iterable<string>, code: string, targetType?: string): Set<string> => {
    const out = new Set<string>();
    for (const k of keys) for (const t of oracle.referenceTargets(oracle.byKey.get(k) as Resource, code)) if (!targetType || t.startsWith(`${targetType}/`)) out.add(t);
    return out;
  };
  const revrefs = (keys: Set<string>, sourceType: string, code: string): Set<string> =>
    new Set((oracle.byType.get(sourceType) ?? []).filter((s) => oracle.referenceTargets(s, code).some((t) => keys.has(t))).map((s) => `${s.resourceType}/${s.id}`));
  const minus = (a: Set<string>, b: Set<string>): Set<string> => new Set([...a].filter((x) => !b.has(x)));

  let checked = 0;
  // forward
  for (const [type, params, inc, code, target] of [
    ['Observation', [['code', '8310-5']], 'Observation:patient', 'patient', undefined],
    ['Encounter', [['class', 'EMER']], 'Encounter:participant:Practitioner', 'participant', 'Practitioner'],
    ['Encounter', [['class', 'AMB']], 'Encounter:service-provider', 'service-provider', undefined],
    ['MedicationRequest', [], 'MedicationRequest:medication', 'medication', undefined],
    ['Condition', [['clinical-status', 'active']], 'Condition:subject', 'subject', undefined],
  ] as [string, [string, string][], string, string, string | undefined][]) {
    const b = await getBundle(url({ types: [type], params }, `_count=1000&_include=${inc}`));
    const m = new Set(matchKeys(b));
    expect(m).toEqual(oracle.search([type], params));
    const inc2 = includeKeys(b);
    expect(new Set(inc2).size).toBe(inc2.length);
    const want = minus(refs(m, code, target), m);
    expect(new Set(inc2)).toEqual(want);
    checked += want.size;
  }
  // reverse
  for (const [type, params, sourceType, code] of [
    ['Patient', [['gender', 'female']], 'Condition', 'subject'],
    ['Encounter', [['class', 'EMER']], 'Observation', 'encounter'],
    ['Practitioner', [], 'Encounter', 'practitioner'],
  ] as [string, [string, string][], string, string][]) {
    const b = await getBundle(url({ types: [type], params }, `_count=1000&_revinclude=${sourceType}:${code}`));
    const m = new Set(matchKeys(b));
    expect(m).toEqual(oracle.search([type], params));
    const want = minus(revrefs(m, sourceType, code), m);
    expect(new Set(includeKeys(b))).toEqual(want);
    checked += want.size;
  }
  expect(checked).toBeGreaterThan(50);
});

test('_total, _summary=count, system search with _type, POST _search', async () => {
  const params: [string, string][] = [['code', '8310-5']];
  const expected = oracle.search(['Observation'], params);
  expect(expected.size).toBeGreaterThan(5);

  const paged = await getBundle(url({ types: ['Observation'], params }, '_count=3&_total=accurate'));
  expect(paged.total).toBe(expected.size);
  expect(matchKeys(paged)).toHaveLength(3);

  const none = await getBundle(url({ types: ['Observation'], params }, '_count=3&_total=none'));
  expect(none.total).toBeUndefined();

  const count = await getBundle(url({ types: ['Observation'], params }, '_summary=count'));
  expect(count.total).toBe(expected.size);
  expect(count.entry ?? []).toHaveLength(0);

  // system level: a parameter with the same type on every type listed
  const sys: Query[] = [
    { types: ['Patient', 'Practitioner'], params: [['name', 'Dr']] },
    { types: ['Patient', 'Practitioner'], params: [['gender', 'female']] },
    { types: ['Observation', 'Condition'], params: [['code', 'http://snomed.info/sct|840539006,8310-5']] },
    { types: ['Observation', 'Condition', 'Encounter'], params: [['patient', sample().patient.id]] },
  ];
  for (const q of sys) {
    const expectedSys = oracle.search(q.types, q.params);
    expect(expectedSys.size).toBeGreaterThan(0);
    expect(describeDiff(q, expectedSys, await serverKeys(q))).toBeUndefined();
  }

  // POST [type]/_search with a form body, and parameters split between URL and body
  const form = new URLSearchParams([['code', '8310-5'], ['date', 'ge2020'], ['_count', '1000']]).toString();
  const posted = await request('POST', `${server.base}/Observation/_search`, form, { 'Content-Type': 'application/x-www-form-urlencoded' });
  expect(posted.status).toBe(200);
  expect(new Set(matchKeys(posted.json as Bundle))).toEqual(oracle.search(['Observation'], [['code', '8310-5'], ['date', 'ge2020']]));
  const split = await request('POST', `${server.base}/Observation/_search?code=8310-5`, 'date=lt2020&_count=1000', { 'Content-Type': 'application/x-www-form-urlencoded' });
  expect(split.status).toBe(200);
  expect(new Set(matchKeys(split.json as Bundle))).toEqual(oracle.search(['Observation'], [['code', '8310-5'], ['date', 'lt2020']]));
});
