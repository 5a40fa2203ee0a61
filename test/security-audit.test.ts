import type { AuditEvent } from '@medplum/fhirtypes';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { emptyIndexRows, indexResource, type IndexRows } from '../src/search/indexer.js';
import { auditIndexRows } from '../src/security/audit-index.js';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { auditEvents, sleep, type Json } from './rest-util.js';

/**
 * The aggregated read events of the audit trail (AUDIT=on, authorization off: anonymous agent): successful
 * reads of one requester within a flush interval share one AuditEvent with one entity per resource read and
 * the request id of every read of it; the event is searchable by entity, patient, subtype, action, outcome,
 * date and agent address like any AuditEvent. Its index rows are built without FHIRPath per entity, and must
 * equal the generic indexer's.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ AUDIT: 'on', AUDIT_FLUSH_MS: '300' });
});
afterAll(async () => {
  await server?.stop();
});

/** Waits (up to 10 s: events are stored every AUDIT_EVENT_MS, later on a busy machine) for a search to find n events. */
const events = (query: string, n: number): Promise<Json[]> => auditEvents(server.base, query, n);

test('reads within one interval share an event: one entity per resource, a request id per read; searchable', async () => {
  const family = `Aggr${Date.now()}`;
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push((await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family }] })).json.id);
  const obs = await request('POST', `${server.base}/Observation`, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${ids[0]}` } });
  // the creates are flushed before the reads start, so that the reads (at most a few ms apart) share an interval
  await events(`entity=Patient/${ids[11]}&subtype=create`, 1);
  const requestIds: string[] = [];
  const read = async (path: string): Promise<void> => {
    const r = await request('GET', `${server.base}/${path}`);
    expect(r.status).toBe(200);
    requestIds.push(r.headers.get('x-request-id') as string);
  };
  await Promise.all([...ids.map((id) => read(`Patient/${id}`)), read(`Patient/${ids[0]}`), read(`Patient/${ids[0]}`), read(`Observation/${obs.json.id}`)]);
  // every read is found through the event(s), by entity and by patient
  // the three reads of ids[0] may straddle a flush boundary (two events): wait until all three are written
  const detailsOf = (found: Json[]): Json[] =>
    found.flatMap((e: Json) => e.entity.filter((en: Json) => en.what?.reference === `Patient/${ids[0]}`).flatMap((en: Json) => en.detail));
  // one detail per entity and event: the request ids that read it, separated by spaces
  const readIds = (found: Json[]): string[] => detailsOf(found).flatMap((d: Json) => d.valueString.split(' '));
  let byEntity: Json[] = [];
  for (let waited = 0; waited < 10_000 && readIds(byEntity).length < 3; waited += 200) {
    byEntity = await events(`entity=Patient/${ids[0]}&subtype=read`, 1);
    if (readIds(byEntity).length < 3) await sleep(200);
  }
  expect(byEntity.length).toBeGreaterThanOrEqual(1);
  expect(readIds(byEntity)).toHaveLength(3);
  expect(new Set(readIds(byEntity)).size).toBe(3);
  const details = detailsOf(byEntity);
  expect(details.length).toBeLessThanOrEqual(byEntity.length);
  for (const d of details) expect(d.type).toBe('requestId');
  for (const id of ids) {
    const byPatient = await events(`patient=Patient/${id}&action=R&outcome=0&subtype=read`, 1);
    expect(byPatient.length).toBeGreaterThanOrEqual(1);
  }
  const observed = await events(`entity=Observation/${obs.json.id}&subtype=read`, 1);
  expect(observed).toHaveLength(1);
  // all 15 reads are recorded, each request id once; in one event per interval (at most a few here)
  const all = await events(`subtype=read&date=ge${new Date(Date.now() - 600_000).toISOString()}&address=127.0.0.1&_count=100`, 1);
  const mine = all.filter((e: Json) => e.entity.some((en: Json) => [...ids.map((id) => `Patient/${id}`), `Observation/${obs.json.id}`].includes(en.what?.reference)));
  const seen = mine.flatMap((e: Json) => e.entity.flatMap((en: Json) => en.detail.flatMap((d: Json) => d.valueString.split(' '))));
  if (requestIds.every((r) => r)) expect(seen.filter((r: string) => requestIds.includes(r)).sort()).toEqual([...requestIds].sort());
  expect(mine.length).toBeLessThanOrEqual(4);
  const e = mine[0];
  expect(e.period.start <= e.period.end).toBe(true);
  expect(e.agent[0].who.display).toBe('anonymous');
  // each resource once per event
  for (const ev of mine) {
    const refs = ev.entity.map((en: Json) => en.what?.reference);
    expect(new Set(refs).size).toBe(refs.length);
  }
});

test('a read of a resource deleted right after keeps its reference: entity= finds it, before or after the writer ran', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' })).json.id);
  await events(`entity=Patient/${ids[9]}&subtype=create`, 1);
  await Promise.all(ids.map((id) => request('GET', `${server.base}/Patient/${id}`)));
  expect((await request('DELETE', `${server.base}/Patient/${ids[0]}`)).status).toBeLessThan(300);
  // the delete names the resource by identifier (it is gone); the read keeps the reference
  expect(await events(`entity:identifier=Patient/${ids[0]}&subtype=delete`, 1)).toHaveLength(1);
  const read = await events(`entity=Patient/${ids[0]}&subtype=read`, 1);
  expect(read).toHaveLength(1);
  expect(read[0].entity.filter((en: Json) => en.what.reference).length).toBeGreaterThanOrEqual(2);
  expect(await events(`patient=Patient/${ids[0]}&subtype=read`, 1)).toHaveLength(1);
  expect((await request('GET', `${server.base}/Patient/${ids[0]}`)).status).toBe(410);
});

test('a booking is audited: its event names the booked Appointment and the operation', async () => {
  const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
  const post = (path: string, body: unknown) => request('POST', `${server.base}/${path}`, body);
  const doc = (await post('Practitioner', { resourceType: 'Practitioner', name: [{ family: 'Audit' }] })).json.id;
  const patient = (await post('Patient', { resourceType: 'Patient', name: [{ family: 'Reserva' }] })).json.id;
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => ({ url: 'dia', valueCode: d }));
  const availability = { url: `${SD}py-disponibilidad`, extension: [{ url: 'inicio', valueTime: '09:00:00' }, { url: 'fin', valueTime: '10:00:00' }, { url: 'duracionMinutos', valuePositiveInt: 30 }, ...days] };
  const sc = (await post('Schedule', { resourceType: 'Schedule', actor: [{ reference: `Practitioner/${doc}` }], extension: [availability, { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: 2 }] })).json.id;
  const slot = (await request('GET', `${server.base}/Slot?schedule=Schedule/${sc}&_sort=start&_count=1`)).json.entry[0].resource;
  const appointment = {
    resourceType: 'Appointment', status: 'proposed', start: slot.start, end: slot.end, slot: [{ reference: `Slot/${slot.id}` }],
    participant: [{ actor: { reference: `Patient/${patient}` }, status: 'needs-action' }, { actor: { reference: `Practitioner/${doc}` }, status: 'needs-action' }],
  };
  const booked = await post('Appointment/$book', { resourceType: 'Parameters', parameter: [{ name: 'appointment', resource: appointment }] });
  expect(booked.status).toBe(201);
  const [event] = await events(`entity=Appointment/${booked.json.id}`, 1);
  expect(event).toBeDefined();
  expect(event.action).toBe('E');
  expect(event.outcome).toBe('0');
  expect(event.entity.map((en: Json) => en.name)).toContain('$book');
  // a refused booking (the slot is taken now) is audited too, as a failure
  const refused = await post('Appointment/$book', { resourceType: 'Parameters', parameter: [{ name: 'appointment', resource: appointment }] });
  expect(refused.status).toBe(409);
  const failed = await events(`subtype=operation&outcome=4&date=ge${new Date(Date.now() - 60_000).toISOString()}`, 1);
  expect(failed.some((e: Json) => e.entity.some((en: Json) => en.name === '$book'))).toBe(true);
});

test('index rows of aggregated events equal the generic indexer', () => {
  loadDefinitions();
  const base = 'http://127.0.0.1:1/fhir';
  const sorted = (r: IndexRows): Record<string, string[]> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (v as unknown[][]).map((x) => JSON.stringify(x)).sort()]));
  const event = (entity: AuditEvent['entity'], agentExtra: Json = {}): AuditEvent => ({
    resourceType: 'AuditEvent',
    id: 'a1',
    meta: { versionId: '1', lastUpdated: '2026-11-22T08:00:00.000Z' },
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
    action: 'R',
    recorded: '2026-11-22T08:00:00.100Z',
    period: { start: '2026-11-22T08:00:00.000Z', end: '2026-11-22T08:00:00.100Z' },
    outcome: '0',
    agent: [{ who: { identifier: { system: 'urn:hms-ops:client', value: 'c1' }, display: 'c1' }, requestor: true, policy: ['system/*.rs'], network: { address: '10.0.0.1', type: '2' }, ...agentExtra }],
    source: { site: 'HMS-OPS', observer: { display: 'HMS-OPS FHIR server' } },
    entity,
  });
  const detail = [{ type: 'requestId', valueString: 'r1' }];
  const entities: AuditEvent['entity'] = [
    ...Array.from({ length: 10 }, (_, i) => ({ what: { reference: `Patient/p${i}` }, detail })),
    { what: { reference: 'Observation/o1' }, detail },
    { what: { reference: 'Encounter/e-1.2' }, detail },
    { what: { identifier: { value: 'Patient/deleted' } }, detail },
    { what: { identifier: { system: 'urn:x', value: 'y' } }, detail },
    { what: { display: 'Patient' }, query: Buffer.from('family=x').toString('base64'), detail },
    { query: Buffer.from('_type=Patient').toString('base64'), detail },
    { what: { reference: 'Patient/p3' }, detail }, // the same patient twice: patient rows de-duplicated
  ];
  const cases: AuditEvent[] = [event(entities), event(entities, { location: { reference: 'Organization/org1' } })];
  for (const e of cases) {
    const fast = auditIndexRows(e, base);
    expect(fast).toBeDefined();
    const generic = emptyIndexRows();
    indexResource(e, generic, base);
    expect(sorted(fast as IndexRows)).toEqual(sorted(generic));
  }
  // shapes it does not know: the generic indexer is used
  expect(auditIndexRows(event([...entities, { what: { reference: 'Patient/x' }, type: { code: '2' } }]), base)).toBeUndefined();
  expect(auditIndexRows(event([...entities, { what: { reference: 'http://other/fhir/Patient/x' } }]), base)).toBeUndefined();
  expect(auditIndexRows(event(entities, { who: { reference: 'Patient/p1' } }), base)).toBeUndefined();
});
