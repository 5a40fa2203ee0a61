import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * The conformance resources of the loaded packages (the Paraguay guide, IPS, the R4 base) are served read-only
 * like stored resources: read, search (with paging and totals, together with stored ones), history, and the
 * CapabilityStatement's supportedProfile; writes to them are refused with 405.
 */
const PY = 'https://fhir.mspbs.gov.py';
const PY_PATIENT = `${PY}/StructureDefinition/py-patient`;
const PY_DISTRITO = `${PY}/ValueSet/py-distrito`;
const GUIDE = join(process.cwd(), 'implementation-guide/output/package');
const guideValueSets = readdirSync(GUIDE).filter((f) => f.startsWith('ValueSet-')).length;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ids = (bundle: any): string[] => (bundle.entry ?? []).filter((e: any) => e.search?.mode === 'match').map((e: any) => e.resource.id);
const get = (path: string, headers: Record<string, string> = {}) => request('GET', `${server.base}/${path}`, undefined, headers);

test('the guide profile is read by id and found by url; a guide ValueSet by url', async () => {
  const read = await get('StructureDefinition/py-patient');
  expect(read.status).toBe(200);
  expect(read.json).toMatchObject({ resourceType: 'StructureDefinition', id: 'py-patient', url: PY_PATIENT, meta: { versionId: '1' } });
  expect(read.json.snapshot.element.length).toBeGreaterThan(10);
  expect(read.headers.get('etag')).toBe('W/"1"');

  const byUrl = await get(`StructureDefinition?url=${encodeURIComponent(PY_PATIENT)}`);
  expect(byUrl.status).toBe(200);
  expect(byUrl.json.total).toBe(1);
  expect(byUrl.json.entry[0]).toMatchObject({ fullUrl: `${server.base}/StructureDefinition/py-patient`, resource: { url: PY_PATIENT } });

  const vs = await get(`ValueSet?url=${encodeURIComponent(PY_DISTRITO)}`);
  expect(vs.json.total).toBe(1);
  expect(ids(vs.json)).toEqual(['py-distrito']);
  // the same canonical as $expand uses
  expect((await get(`ValueSet/$expand?url=${encodeURIComponent(PY_DISTRITO)}&count=1`)).status).toBe(200);
});

test('search by url and version, name, title, status, type, base, derivation, kind, _id; _summary and _elements', async () => {
  const ips = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips';
  expect(ids((await get(`StructureDefinition?url=${encodeURIComponent(ips)}&version=2.0.0`)).json)).toEqual(['Patient-uv-ips']);
  expect((await get(`StructureDefinition?url=${encodeURIComponent(ips)}&version=1.1.0`)).json.total).toBe(0);
  expect(ids((await get('StructureDefinition?name=PYPatient')).json)).toEqual(['py-patient']);
  expect(ids((await get('StructureDefinition?title:contains=(Paraguay)&type=Patient')).json)).toEqual(['py-patient']);
  // type=Patient: the base resource and the two profiles of Patient (guide and IPS)
  expect(ids((await get('StructureDefinition?type=Patient')).json).sort()).toEqual(['Patient', 'Patient-uv-ips', 'py-patient']);
  expect(ids((await get('StructureDefinition?base=http://hl7.org/fhir/StructureDefinition/Patient')).json).sort()).toEqual(['Patient-uv-ips', 'py-patient']);
  const constraints = await get('StructureDefinition?derivation=constraint&kind=resource&type=Patient&status=draft');
  expect(ids(constraints.json)).toEqual(['py-patient']);
  expect(ids((await get('StructureDefinition?_id=py-patient,Patient')).json).sort()).toEqual(['Patient', 'py-patient']);
  const count = await get('SearchParameter?base=Patient&_summary=count');
  expect(count.json.total).toBeGreaterThan(20);
  expect(count.json.entry ?? []).toEqual([]);
  const elements = await get(`StructureDefinition?url=${encodeURIComponent(PY_PATIENT)}&_elements=url,name`);
  // _elements keeps the mandatory elements too (abstract, kind, status, type)
  expect(elements.json.entry[0].resource).toMatchObject({ name: 'PYPatient', url: PY_PATIENT, kind: 'resource' });
  expect(elements.json.entry[0].resource.snapshot).toBeUndefined();
  expect(elements.json.entry[0].resource.title).toBeUndefined();
  const summary = await get(`StructureDefinition?url=${encodeURIComponent(PY_PATIENT)}&_summary=true`);
  expect(summary.json.entry[0].resource.snapshot).toBeUndefined();
  expect(summary.json.entry[0].resource.url).toBe(PY_PATIENT);
  expect(ids((await get('ImplementationGuide?_elements=id')).json)).toContain('hl7.fhir.uv.ips');
  expect((await get('ImplementationGuide?url:below=https://fhir.mspbs.gov.py/')).json.total).toBe(1);
});

test('paging over every StructureDefinition: next links reach each one once, the total is right, previous goes back', async () => {
  const first = await get('StructureDefinition?_count=150&_elements=id&_total=accurate');
  const total = first.json.total as number;
  expect(total).toBeGreaterThan(600); // the R4 base's 606, the guide's and IPS's
  expect((await get('StructureDefinition?_summary=count')).json.total).toBe(total);
  const seen: string[] = [];
  let page = first;
  let pages = 0;
  for (;;) {
    seen.push(...ids(page.json));
    pages++;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const next = page.json.link.find((l: any) => l.relation === 'next');
    if (!next) break;
    page = await request('GET', next.url);
    expect(page.status).toBe(200);
    expect(page.json.total).toBe(total);
  }
  expect(pages).toBe(Math.ceil(total / 150));
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(total);
  expect(seen).toEqual(expect.arrayContaining(['Patient', 'py-patient', 'Patient-uv-ips']));
  // the last page's previous link gives the page before it
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const previous = page.json.link.find((l: any) => l.relation === 'previous');
  const back = await request('GET', previous.url);
  expect(ids(back.json)).toEqual(seen.slice((pages - 2) * 150, (pages - 1) * 150));
});

test('package resources are read-only: PUT, PATCH and DELETE answer 405 with an OperationOutcome; history and vread give version 1', async () => {
  const sd = (await get('StructureDefinition/py-patient')).json;
  const put = await request('PUT', `${server.base}/StructureDefinition/py-patient`, { ...sd, title: 'changed' });
  expect(put.status).toBe(405);
  expect(put.json.resourceType).toBe('OperationOutcome');
  expect(put.json.issue[0].code).toBe('not-supported');
  expect(put.json.issue[0].diagnostics).toMatch(/StructureDefinition\/py-patient comes from the package py\.mspbs\.core#.* and is read-only/);
  const del = await request('DELETE', `${server.base}/ValueSet/py-distrito`, undefined, { 'Accept-Language': 'es' });
  expect(del.status).toBe(405);
  expect(del.json.issue[0].diagnostics).toMatch(/es de solo lectura/);
  const patch = await request('PATCH', `${server.base}/CodeSystem/administrative-gender`, [{ op: 'replace', path: '/status', value: 'retired' }], { 'Content-Type': 'application/json-patch+json' });
  expect(patch.status).toBe(405);
  // in a transaction bundle too, and nothing changed
  const bundle = await request('POST', server.base, { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: 'StructureDefinition/py-patient' } }] });
  expect(bundle.status).toBe(405);
  expect((await get('StructureDefinition/py-patient')).json.title).toBe(sd.title);

  const history = await get('StructureDefinition/py-patient/_history');
  expect(history.status).toBe(200);
  expect(history.json.total).toBe(1);
  expect(history.json.entry[0].resource.id).toBe('py-patient');
  expect((await get('StructureDefinition/py-patient/_history/1')).status).toBe(200);
  expect((await get('StructureDefinition/py-patient/_history/2')).status).toBe(404);
});

test('stored ValueSets with new canonicals are found by the same search as the guide ones, pages across both', async () => {
  const stored: string[] = [];
  for (const n of [1, 2, 3]) {
    const url = `${PY}/ValueSet/zz-conformance-test-${n}`;
    const created = await request('POST', `${server.base}/ValueSet`, { resourceType: 'ValueSet', url, name: `ZzConformanceTest${n}`, status: 'draft', compose: { include: [{ system: 'http://example.org/cs', concept: [{ code: 'a' }] }] } });
    expect(created.status).toBe(201);
    stored.push(created.json.id);
  }
  const query = `ValueSet?url:below=${encodeURIComponent(`${PY}/ValueSet/`)}&_elements=id`;
  const all = await get(`${query}&_count=1000`);
  expect(all.json.total).toBe(guideValueSets + 3);
  expect(ids(all.json)).toEqual(expect.arrayContaining([...stored, 'py-distrito']));
  // a page size whose page at the border holds the last guide ones and one or two stored ones, so the next
  // page continues in the stored ones
  const size = Array.from({ length: 60 }, (_, i) => i + 3).find((n) => n - (guideValueSets % n) >= 1 && n - (guideValueSets % n) <= 2);
  if (size === undefined) throw new Error(`no page size fits ${guideValueSets} guide ValueSets`);
  const seen: string[] = [];
  let page = await get(`${query}&_count=${size}`);
  expect(page.json.total).toBe(guideValueSets + 3);
  for (;;) {
    seen.push(...ids(page.json));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const next = page.json.link.find((l: any) => l.relation === 'next');
    if (!next) break;
    page = await request('GET', next.url);
  }
  expect(seen).toEqual(ids(all.json));
  // the last link's page ends with the stored ones
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const last = await request('GET', page.json.link.find((l: any) => l.relation === 'last').url);
  expect(ids(last.json)).toEqual(seen.slice(-size));
  // and its previous link goes back into the guide's
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const before = await request('GET', last.json.link.find((l: any) => l.relation === 'previous').url);
  expect(ids(before.json)).toEqual(seen.slice(-2 * size, -size));
});

test('a stored ValueSet with the canonical of a guide one answers for it in search and $expand; deleted, the guide one is back', async () => {
  const guide = (await get('ValueSet/py-distrito')).json;
  const { id: _id, meta: _meta, ...rest } = guide;
  const stored = await request('POST', `${server.base}/ValueSet`, { ...rest, name: 'StoredDistrito', compose: { include: [{ system: 'http://example.org/distritos', concept: [{ code: 'x1', display: 'Uno' }] }] } });
  expect(stored.status).toBe(201);
  const search = await get(`ValueSet?url=${encodeURIComponent(PY_DISTRITO)}`);
  expect(search.json.total).toBe(1);
  expect(ids(search.json)).toEqual([stored.json.id]);
  const expansion = await get(`ValueSet/$expand?url=${encodeURIComponent(PY_DISTRITO)}`);
  expect(expansion.json.expansion.contains.map((c: { code: string }) => c.code)).toEqual(['x1']);
  // the guide's stays readable by its id
  expect((await get('ValueSet/py-distrito')).status).toBe(200);

  expect((await request('DELETE', `${server.base}/ValueSet/${stored.json.id}`)).status).toBe(200);
  expect(ids((await get(`ValueSet?url=${encodeURIComponent(PY_DISTRITO)}`)).json)).toEqual(['py-distrito']);
  const back = await get(`ValueSet/$expand?url=${encodeURIComponent(PY_DISTRITO)}&count=1`);
  expect(back.json.expansion.contains[0].code).not.toBe('x1');
});

test('every CapabilityStatement supportedProfile can be read back; the guide and IPS profiles are listed', async () => {
  const cs = (await get('metadata')).json;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const listed: { type: string; url: string }[] = cs.rest[0].resource.flatMap((r: any) => (r.supportedProfile ?? []).map((url: string) => ({ type: r.type, url })));
  expect(listed).toEqual(expect.arrayContaining([{ type: 'Patient', url: PY_PATIENT }, { type: 'Patient', url: 'http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips' }]));
  const urls = listed.map((l) => l.url);
  const found = new Map<string, string>();
  for (let i = 0; i < urls.length; i += 50) {
    const r = await get(`StructureDefinition?url=${urls.slice(i, i + 50).map(encodeURIComponent).join(',')}&_count=100&_elements=url,type`);
    expect(r.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const e of r.json.entry ?? []) found.set(e.resource.url, e.resource.type);
  }
  // The subscriptions feature lists the Backport IG's profile, whose package the server does not load: the one
  // canonical that cannot be read back.
  const backport = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription';
  expect(listed.filter((l) => !found.has(l.url)).map((l) => l.url)).toEqual([backport]);
  for (const l of listed) if (l.url !== backport) expect([l.url, found.get(l.url)]).toEqual([l.url, l.type]);
});
