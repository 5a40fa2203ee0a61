import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { request, type Reply } from './helpers/http.js';
import { backend, spawnServer, startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, sleep, unique, type Json } from './rest-util.js';

/**
 * ServiceRequest/$send and the exchange outbox over HTTP, against partners played by small HTTP servers in
 * this test: each checks every message's signature with the server's published JWKS (fetched over HTTP, the
 * canonical JSON written here independently) and records it. A referral is delivered once (Task completed,
 * AuditEvent); a partner down, then up; 503 twice then 200 (three attempts audited); 422 (failed at once, with
 * the partner's reason); a queued message survives a crash of the server; emergencies go first when a
 * partner comes back; a counter-referral names its referral Task; bad input is a 4xx that queues nothing.
 */
const EVENT_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio';
const BUNDLE_SYSTEM = 'https://fhir.mspbs.gov.py/sid/bundle';
const EXPORT = 'http://dicom.nema.org/resources/ontology/DCM|110106';

let server: TestServer;
let patient: string;
let origin: string;

beforeAll(async () => {
  server = await startTestServer({
    AUDIT: 'off',
    EXCHANGE_OUTBOX_CHECK_MS: '100',
    EXCHANGE_OUTBOX_RETRY_BASE_MS: '100',
    EXCHANGE_OUTBOX_RETRY_MAX_MS: '400',
    EXCHANGE_OUTBOX_TIMEOUT_MS: '1500',
    EXCHANGE_OUTBOX_MAX_ATTEMPTS: '20',
  });
  origin = await create({ resourceType: 'Organization', name: 'Hospital de Clínicas', identifier: [{ system: 'https://fhir.mspbs.gov.py/sid/establecimiento', value: unique('hc') }], address: [{ country: 'PY' }] });
  patient = await create({
    resourceType: 'Patient',
    identifier: [{ system: 'https://fhir.mspbs.gov.py/sid/cedula', value: unique('ci') }],
    name: [{ family: 'Benítez', given: ['Ana'] }],
    gender: 'female',
    birthDate: '1980-05-02',
  });
  await create({ resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { text: 'Insuficiencia renal crónica' }, subject: { reference: `Patient/${patient}` } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await Promise.all(partners.map((p) => p.down()));
});

async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text.slice(0, 2000)}`);
  return res.json;
}
const fhir = (method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${server.base}/${path}`, body);
const create = async (r: Json): Promise<string> => (await ok(fhir('POST', r.resourceType, r))).id as string;
const read = (path: string): Promise<Json> => ok(fhir('GET', path), 200);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** FHIR canonical JSON as a partner would write it: members sorted, no whitespace. */
function sortedJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x as Json).sort().map((k) => [k, sort((x as Json)[k])])) : x;
  return JSON.stringify(sort(v));
}

/** The partner's check: the detached JWS of Bundle.signature over the canonical JSON, with the key the published JWKS names. */
async function signatureValid(b: Json): Promise<boolean> {
  if (!b.signature?.data) return false;
  const jwks = (await request('GET', `${server.base}/.well-known/exchange-jwks.json`)).json as { keys: JWK[] };
  const jws = Buffer.from(b.signature.data, 'base64').toString('ascii');
  const header = decodeProtectedHeader(jws);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const { signature: _s, ...unsigned } = b;
  const [h, , s] = jws.split('.');
  try {
    await compactVerify(`${h}.${Buffer.from(sortedJson(unsigned)).toString('base64url')}.${s}`, await importJWK(jwk, header.alg));
    return true;
  } catch {
    return false;
  }
}

interface Received {
  bundle: Json;
  valid: boolean;
  ipsValid: boolean;
  at: number;
}
type Answer = { status: number; body?: Json } | 'hang';

/** A partner facility's FHIR server: POST [base]/$process-message, answering as the test says. */
class Partner {
  port = 0;
  received: Received[] = [];
  answer: (b: Json, n: number) => Answer = (b) => ({ status: 200, body: response(b) });
  delayMs = 0;
  private server?: Server;
  org = '';
  endpoint = '';

  get base(): string {
    return `http://127.0.0.1:${this.port}/fhir`;
  }

  async up(): Promise<this> {
    const srv = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => srv.listen(this.port, '127.0.0.1', () => r()));
    this.port = (srv.address() as AddressInfo).port;
    this.server = srv;
    return this;
  }

  async down(): Promise<void> {
    const srv = this.server;
    this.server = undefined;
    if (!srv) return;
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/fhir/$process-message') {
      res.writeHead(404).end();
      return;
    }
    const bundle = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
    const ips = (bundle.entry ?? []).find((e: Json) => e.resource?.resourceType === 'Bundle')?.resource;
    this.received.push({ bundle, valid: await signatureValid(bundle), ipsValid: ips ? await signatureValid(ips) : false, at: Date.now() });
    const a = this.answer(bundle, this.received.length);
    if (this.delayMs) await sleep(this.delayMs);
    if (a === 'hang') return; // never answers
    res.writeHead(a.status, { 'Content-Type': 'application/fhir+json' }).end(a.body ? JSON.stringify(a.body) : undefined);
  }
}
const partners: Partner[] = [];

function response(b: Json): Json {
  return {
    resourceType: 'Bundle',
    type: 'message',
    identifier: { system: BUNDLE_SYSTEM, value: `resp-${b.identifier.value}` },
    timestamp: new Date().toISOString(),
    entry: [{ fullUrl: `urn:uuid:${randomUUID()}`, resource: { resourceType: 'MessageHeader', eventCoding: b.entry[0].resource.eventCoding, source: { endpoint: 'http://partner' }, response: { identifier: b.identifier.value, code: 'ok' } } }],
  };
}
function outcome(status: number, text: string): { status: number; body: Json } {
  return { status, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text } }] } };
}

/** A partner Organization with its Endpoint for FHIR messages, and its server (listening unless `down`). */
async function partner(opts: { down?: boolean; country?: string } = {}): Promise<Partner> {
  const p = new Partner();
  partners.push(p);
  await p.up();
  if (opts.down) await p.down(); // its port is now closed
  p.org = await create({ resourceType: 'Organization', name: `Hospital socio ${p.port}`, identifier: [{ system: 'urn:test:partner', value: unique('p') }], address: [{ country: opts.country ?? 'AR' }] });
  p.endpoint = await create({
    resourceType: 'Endpoint',
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' },
    managingOrganization: { reference: `Organization/${p.org}` },
    payloadType: [{ text: 'referral' }],
    address: p.base,
    extension: [{ url: 'https://fhir.mspbs.gov.py/StructureDefinition/py-clave-intercambio', valueString: JSON.stringify({ kty: 'EC', crv: 'P-256', kid: 'socio-1', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }) }],
  });
  return p;
}

async function referral(priority = 'routine'): Promise<string> {
  return create({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    priority,
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '103696004' }] }],
    code: { text: 'Evaluación por nefrología' },
    subject: { reference: `Patient/${patient}` },
    requester: { reference: `Organization/${origin}` },
    authoredOn: '2024-05-01',
  });
}

function send(sr: string, params: Json[]): Promise<Reply> {
  return fhir('POST', `ServiceRequest/${sr}/$send`, { resourceType: 'Parameters', parameter: params });
}
const to = (p: Partner): Json => ({ name: 'partner', valueReference: { reference: `Organization/${p.org}` } });

async function sent(sr: string, p: Partner, extra: Json[] = []): Promise<Json> {
  const r = await send(sr, [to(p), ...extra]);
  if (r.status !== 202) throw new Error(`${r.status} ${r.text.slice(0, 2000)}`);
  expect(r.headers.get('location')).toMatch(new RegExp(`/Task/${r.json.id}/_history/1$`));
  return r.json;
}
const task = (id: string): Promise<Json> => read(`Task/${id}`);
const until = (id: string, business: string, ms?: number): Promise<Json> =>
  waitFor(`Task/${id} ${business}`, async () => {
    const t = await task(id);
    return t.businessStatus?.text === business ? t : undefined;
  }, ms);
async function attempts(taskId: string): Promise<Json[]> {
  const b = await read(`AuditEvent?entity=Task/${taskId}&type=${encodeURIComponent(EXPORT)}&_sort=date&_count=100`);
  return (b.entry ?? []).map((e: Json) => e.resource);
}
const entryOf = (b: Json, type: string): Json => b.entry.find((e: Json) => e.resource.resourceType === type);
const resolveIn = (b: Json, ref: string): Json => b.entry.find((e: Json) => e.fullUrl === ref)?.resource;

test('a referral: 202 with its delivery Task, one signed message Bundle delivered once, the Task completed, the attempt audited', async () => {
  const p = await partner();
  const sr = await referral('urgent');
  const t = await sent(sr, p);
  expect(t).toMatchObject({ resourceType: 'Task', status: 'in-progress', businessStatus: { text: 'queued' }, code: { text: 'exchange-delivery' }, focus: { reference: `ServiceRequest/${sr}` }, owner: { reference: `Organization/${p.org}` }, priority: 'urgent' });
  const done = await until(t.id, 'sent');
  expect(done.status).toBe('completed');
  expect(done.statusReason).toBeUndefined();
  await sleep(500);
  expect(p.received).toHaveLength(1); // once

  const { bundle: b, valid, ipsValid } = p.received[0];
  expect(valid).toBe(true);
  expect(ipsValid).toBe(true);
  expect(b.type).toBe('message');
  expect(b.identifier.system).toBe(BUNDLE_SYSTEM);
  expect(b.identifier.value).toMatch(/^[0-9a-f-]{36}$/);
  expect(t.identifier[0]).toEqual({ system: BUNDLE_SYSTEM, value: b.identifier.value });
  expect(done.output[0].valueIdentifier.value).toBe(`resp-${b.identifier.value}`);
  expect(b.timestamp).toBeDefined();
  expect(b.entry.every((e: Json) => /^urn:uuid:[0-9a-f-]{36}$/.test(e.fullUrl))).toBe(true);
  const header = b.entry[0].resource;
  expect(header.resourceType).toBe('MessageHeader');
  expect(header.eventCoding).toMatchObject({ system: EVENT_SYSTEM, code: 'derivacion-solicitud' });
  expect(header.source.endpoint).toBe(server.base);
  expect(header.destination[0].endpoint).toBe(p.base);
  const sender = resolveIn(b, header.sender.reference);
  expect(sender).toMatchObject({ resourceType: 'Organization', name: 'Hospital de Clínicas' });
  const mt = resolveIn(b, header.focus[0].reference);
  expect(mt).toMatchObject({ resourceType: 'Task', intent: 'order', status: 'requested', code: { coding: [{ code: 'fulfill' }] } });
  const msr = resolveIn(b, mt.focus.reference);
  expect(msr).toMatchObject({ resourceType: 'ServiceRequest', intent: 'order', priority: 'urgent', code: { text: 'Evaluación por nefrología' } });
  expect(msr.category[0].coding[0].code).toBe('103696004');
  const mp = resolveIn(b, msr.subject.reference);
  expect(mp.resourceType).toBe('Patient');
  expect(mp.identifier[0].system).toBe('https://fhir.mspbs.gov.py/sid/cedula');
  expect(resolveIn(b, mt.for.reference)).toBe(mp);
  expect(resolveIn(b, mt.requester.reference)).toBe(sender);
  expect(resolveIn(b, mt.owner.reference)).toMatchObject({ resourceType: 'Organization', address: [{ country: 'AR' }] });
  const ips = resolveIn(b, msr.supportingInfo[0].reference);
  expect(ips).toMatchObject({ resourceType: 'Bundle', type: 'document' });
  expect(JSON.stringify(ips)).toContain('Insuficiencia renal crónica');
  // a changed field breaks the signature the partner checks
  const tampered = JSON.parse(JSON.stringify(b));
  entryOf(tampered, 'Patient').resource.birthDate = '1901-01-01';
  expect(await signatureValid(tampered)).toBe(false);

  const events = await attempts(t.id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ outcome: '0', type: { code: '110106' } });
  const what = events[0].entity.map((e: Json) => e.what);
  expect(what).toContainEqual({ identifier: { system: BUNDLE_SYSTEM, value: b.identifier.value } });
  expect(what).toContainEqual({ reference: `Endpoint/${p.endpoint}` });
});

test('the partner down: the Task is retrying with the reason; the partner up: delivered', async () => {
  const p = await partner({ down: true });
  const t = await sent(await referral(), p);
  const retrying = await until(t.id, 'retrying');
  expect(retrying.status).toBe('in-progress');
  expect(retrying.statusReason.text).toMatch(/ECONNREFUSED/);
  await p.up();
  const done = await until(t.id, 'sent');
  expect(done.status).toBe('completed');
  expect(p.received).toHaveLength(1);
  expect(p.received[0].valid).toBe(true);
  const events = await attempts(t.id);
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events.filter((e) => e.outcome === '0')).toHaveLength(1);
  expect(events.filter((e) => e.outcome === '4').length).toBe(events.length - 1);
});

test('503 twice, then 200: delivered at the third attempt, each attempt audited; a partner that does not answer in time is tried again', async () => {
  const p = await partner();
  p.answer = (b, n) => (n <= 2 ? outcome(503, 'mantenimiento') : { status: 200, body: response(b) });
  const t = await sent(await referral(), p);
  const done = await until(t.id, 'sent');
  expect(p.received).toHaveLength(3);
  expect(new Set(p.received.map((r) => r.bundle.identifier.value)).size).toBe(1); // the same message each time
  expect(p.received.every((r) => r.valid)).toBe(true);
  expect(done.output[0].valueIdentifier.value).toBe(`resp-${p.received[0].bundle.identifier.value}`);
  const events = await attempts(t.id);
  expect(events.map((e) => e.outcome)).toEqual(['4', '4', '0']);
  expect(events[0].outcomeDesc).toMatch(/HTTP 503: mantenimiento/);

  const slow = await partner();
  slow.answer = (b, n) => (n === 1 ? 'hang' : { status: 200, body: response(b) });
  const t2 = await sent(await referral(), slow);
  await until(t2.id, 'sent');
  expect(slow.received).toHaveLength(2);
  expect((await attempts(t2.id))[0].outcomeDesc).toMatch(/no answer within 1500 ms/);
});

test('the partner refuses (422): failed at once, with its reason; not sent again', async () => {
  const p = await partner();
  p.answer = () => outcome(422, 'Paciente sin identificador aceptado');
  const t = await sent(await referral(), p);
  const failed = await until(t.id, 'failed');
  expect(failed.status).toBe('failed');
  expect(failed.statusReason.text).toBe('HTTP 422: Paciente sin identificador aceptado');
  await sleep(600);
  expect(p.received).toHaveLength(1);
  expect((await attempts(t.id)).map((e) => e.outcome)).toEqual(['8']);
});

test('a message queued when the server dies is delivered after it starts again on the same database', async () => {
  const p = await partner({ down: true });
  const t = await sent(await referral(), p);
  await until(t.id, 'retrying');
  await server.kill();
  await p.up();
  await sleep(300);
  expect(p.received).toHaveLength(0); // nobody sends while the server is down
  await server.restart();
  const done = await until(t.id, 'sent');
  expect(done.status).toBe('completed');
  expect(p.received).toHaveLength(1);
  expect(p.received[0].valid).toBe(true);
}, 90_000);

test('emergencies first: with the partner down a routine then a stat referral are queued; when it is back the stat one arrives first', async () => {
  const p = await partner({ down: true });
  const routine = await sent(await referral('routine'), p);
  await until(routine.id, 'retrying');
  const stat = await sent(await referral('stat'), p);
  await sleep(500);
  await p.up();
  await until(routine.id, 'sent');
  await until(stat.id, 'sent');
  const order = p.received.map((r) => resolveIn(r.bundle, resolveIn(r.bundle, r.bundle.entry[0].resource.focus[0].reference).focus.reference).priority);
  expect(order).toEqual(['stat', 'routine']);
});

test('a counter-referral: MessageHeader event contrarreferencia, its Task partOf names the referral Task by identifier', async () => {
  const p = await partner({ country: 'BR' });
  const sr = await referral();
  const identifier = { system: 'urn:test:derivacion', value: unique('d') };
  const referralTask = await create({ resourceType: 'Task', identifier: [identifier], status: 'requested', intent: 'order', focus: { reference: `ServiceRequest/${sr}` }, for: { reference: `Patient/${patient}` } });
  const t = await sent(sr, p, [{ name: 'event', valueCode: 'contrarreferencia' }, { name: 'task', valueReference: { reference: `Task/${referralTask}` } }]);
  await until(t.id, 'sent');
  const b = p.received[0].bundle;
  expect(b.entry[0].resource.eventCoding).toMatchObject({ system: EVENT_SYSTEM, code: 'contrarreferencia' });
  const mt = resolveIn(b, b.entry[0].resource.focus[0].reference);
  expect(mt.partOf).toEqual([{ identifier }]);
  expect(p.received[0].valid).toBe(true);
});

test('bad input: 404, 422 and 400 as OperationOutcomes, and nothing queued', async () => {
  const p = await partner();
  const sr = await referral();
  expectOutcome(await send('no-such', [to(p)]), 404);
  expectOutcome(await send(sr, []), 400, /partner/);
  expectOutcome(await send(sr, [to(p), { name: 'colour', valueString: 'red' }]), 400, /colour/);
  expectOutcome(await send(sr, [to(p), to(p)]), 400);
  expectOutcome(await send(sr, [{ name: 'partner', valueString: 'Patient/x' }]), 400);
  expectOutcome(await send(sr, [to(p), { name: 'event', valueCode: 'alta' }]), 400);
  expectOutcome(await send(sr, [to(p), { name: 'event', valueCode: 'contrarreferencia' }]), 400, /task/);
  expectOutcome(await send(sr, [to(p), { name: 'task', valueReference: { reference: 'Task/x' } }]), 400);
  expectOutcome(await send(sr, [to(p), { name: 'event', valueCode: 'contrarreferencia' }, { name: 'task', valueReference: { reference: 'Task/none' } }]), 422);
  expectOutcome(await send(sr, [{ name: 'partner', valueReference: { reference: 'Organization/none' } }]), 422);
  expectOutcome(await fhir('GET', `ServiceRequest/${sr}/$send?partner=Organization/${p.org}`), 405);
  // a partner without an Endpoint for messages, or with one inactive
  const bare = await create({ resourceType: 'Organization', name: 'Sin endpoint' });
  expectOutcome(await send(sr, [{ name: 'partner', valueReference: { reference: `Organization/${bare}` } }]), 422, /Endpoint/);
  await create({ resourceType: 'Endpoint', status: 'off', connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' }, managingOrganization: { reference: `Organization/${bare}` }, payloadType: [{ text: 'referral' }], address: 'http://127.0.0.1:9/fhir' });
  expectOutcome(await send(sr, [{ name: 'partner', valueReference: { reference: `Organization/${bare}` } }]), 422, /Endpoint/);
  // a ServiceRequest whose requester is no Organization, with EXCHANGE_ORGANIZATION unset
  const orphan = await create({ resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${patient}` } });
  expectOutcome(await send(orphan, [to(p)]), 422, /EXCHANGE_ORGANIZATION/);
  const queued = await read(`Task?focus=ServiceRequest/${sr},ServiceRequest/${orphan}`);
  expect(queued.entry ?? []).toHaveLength(0);
  await sleep(300);
  expect(p.received).toHaveLength(0);
});

(backend() === 'postgres' ? test : test.skip)('two processes on one database: each message is sent once', async () => {
  const second = await spawnServer(server.env);
  try {
    const p = await partner();
    p.delayMs = 150;
    const tasks: Json[] = [];
    for (let i = 0; i < 6; i++) tasks.push(await sent(await referral(), p));
    for (const t of tasks) await until(t.id, 'sent');
    await sleep(500);
    const ids = p.received.map((r) => r.bundle.identifier.value);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    for (const t of tasks) expect(await attempts(t.id)).toHaveLength(1);
  } finally {
    second.proc.kill('SIGTERM');
    await new Promise((r) => (second.proc.exitCode !== null ? r(undefined) : second.proc.once('exit', r)));
  }
}, 60_000);
