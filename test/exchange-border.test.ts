import { randomUUID, generateKeyPairSync, sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { JWK } from 'jose';
import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { sleep, unique, type Json } from './rest-util.js';

/**
 * A referral crosses the border and comes back, between two running servers over HTTP: a Paraguayan hospital
 * (py) and a Brazilian one (br), each with its own exchange key, each registering the other as a partner with
 * the keys the other publishes. py sends a referral (ServiceRequest/$send) to br through a transparent relay
 * that records what passes and can be cut; br imports it (Task for its facility, the patient, Provenance) and
 * sends the counter-referral back. A replay of the recorded message is answered the same and stores nothing;
 * the message changed after signing is refused; a message signed with a key br does not hold for py is
 * refused; with the relay cut the referral waits in py's outbox and is delivered once it is back. The IPS
 * examples of the IPS package validate against IPS.
 */
const EST = 'https://fhir.mspbs.gov.py/sid/establecimiento';
const CNES = 'https://saude.gov.br/fhir/sid/cnes';
const CI = 'https://fhir.mspbs.gov.py/sid/cedula-identidad';
const KEY_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-clave-intercambio';
const MSG = { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' };
const IPS_BUNDLE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';

const env = { AUDIT: 'off', EXCHANGE_OUTBOX_CHECK_MS: '100', EXCHANGE_OUTBOX_RETRY_BASE_MS: '100', EXCHANGE_OUTBOX_RETRY_MAX_MS: '300', EXCHANGE_OUTBOX_TIMEOUT_MS: '3000' };
let py: TestServer;
let br: TestServer;

/** The relay in front of br: forwards every request unchanged (its Host too, so br sees the address py used), records the bodies, and can be cut. */
const relay = { up: true, bodies: [] as string[], server: undefined as Server | undefined, base: '' };

const ids = { pyOrgAtPy: '', brOrgAtPy: '', pyOrgAtBr: '', brOrgAtBr: '', brEndpointAtBr: '' };
const pyCode = unique('1101');
const brCode = unique('2304');

async function ok(r: Promise<Reply>, ...status: number[]): Promise<Json> {
  const res = await r;
  if (!(status.length ? status : [200, 201]).includes(res.status)) throw new Error(`${res.status} ${res.text.slice(0, 2000)}`);
  return res.json;
}
const on = (s: TestServer, method: string, path: string, body?: unknown): Promise<Reply> => request(method, `${s.base}/${path}`, body);
const create = async (s: TestServer, r: Json): Promise<string> => (await ok(on(s, 'POST', r.resourceType, r))).id as string;
const search = async (s: TestServer, q: string): Promise<Json[]> => ((await ok(on(s, 'GET', q), 200)).entry ?? []).map((e: Json) => e.resource);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const until = Date.now() + ms; ;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A partner as the other side registers it: its Organization and an Endpoint with the keys it publishes. */
async function registerPartner(at: TestServer, partner: TestServer, address: string, org: Json): Promise<{ org: string; endpoint: string }> {
  const jwks = (await ok(request('GET', `${partner.base}/.well-known/exchange-jwks.json`), 200)) as { keys: JWK[] };
  expect(jwks.keys.length).toBeGreaterThan(0);
  const id = await create(at, org);
  const endpoint = await create(at, {
    resourceType: 'Endpoint',
    meta: { profile: ['https://fhir.mspbs.gov.py/StructureDefinition/py-endpoint-socio'] },
    extension: jwks.keys.map((k) => ({ url: KEY_EXT, valueString: JSON.stringify(k) })),
    status: 'active',
    connectionType: MSG,
    managingOrganization: { reference: `Organization/${id}` },
    payloadType: [{ text: 'referral' }],
    address,
  });
  return { org: id, endpoint };
}

const pyOrg = (): Json => ({ resourceType: 'Organization', identifier: [{ system: EST, value: pyCode }], name: 'Hospital Regional de Ciudad del Este', active: true, address: [{ country: 'PY' }] });
const brOrg = (): Json => ({ resourceType: 'Organization', identifier: [{ system: CNES, value: brCode }], name: 'Hospital Municipal de Foz do Iguaçu', active: true, address: [{ country: 'BR' }] });

beforeAll(async () => {
  // the relay to br, up first: br's public address (BASE_URL) is the relay's, as behind a real proxy
  let target: URL | undefined;
  relay.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!relay.up || !target) {
        res.socket?.destroy();
        return;
      }
      const body = Buffer.concat(chunks);
      if (body.length) relay.bodies.push(body.toString());
      const fwd = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      fwd.on('error', () => res.socket?.destroy());
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => relay.server!.listen(0, '127.0.0.1', r));
  relay.base = `http://127.0.0.1:${(relay.server.address() as AddressInfo).port}/fhir`;
  [py, br] = await Promise.all([startTestServer(env), startTestServer({ ...env, BASE_URL: relay.base })]);
  target = new URL(br.base);

  // each side: its own facility, and the other as a partner with the keys the other publishes
  ids.pyOrgAtPy = await create(py, pyOrg());
  ids.brOrgAtPy = (await registerPartner(py, br, relay.base, brOrg())).org;
  ids.brOrgAtBr = await create(br, brOrg());
  const p = await registerPartner(br, py, py.base, pyOrg());
  ids.pyOrgAtBr = p.org;
  ids.brEndpointAtBr = p.endpoint;
}, 120_000);
afterAll(async () => {
  await Promise.all([py?.stop(), br?.stop()]);
  relay.server?.close();
});

let referral: { patient: string; ci: string; sr: string; delivery: string; message: string } | undefined;

async function delivered(s: TestServer, task: string): Promise<Json> {
  return waitFor(`delivery Task/${task}`, async () => {
    const t = await ok(on(s, 'GET', `Task/${task}`), 200);
    if (t.status === 'failed') throw new Error(`delivery failed: ${JSON.stringify(t.statusReason)}`);
    return t.status === 'completed' ? t : undefined;
  });
}

test('a referral goes from Paraguay to Brazil: br holds the patient, the ServiceRequest and a Task for its facility, with Provenance', async () => {
  const ci = String(1_000_000 + Math.floor(Math.random() * 8_999_999));
  const patient = await create(py, { resourceType: 'Patient', identifier: [{ system: CI, value: ci }], name: [{ family: 'Acosta', given: ['Rosa', 'Elena'] }], gender: 'female', birthDate: '1984-02-11' });
  await create(py, { resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { text: 'Cardiopatía isquémica' }, subject: { reference: `Patient/${patient}` } });
  const sr = await create(py, {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'urgent',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '103696004', display: 'Patient referral to specialist' }] }],
    code: { text: 'Cardiología intervencionista' }, subject: { reference: `Patient/${patient}` }, requester: { reference: `Organization/${ids.pyOrgAtPy}` },
  });
  const sent = await on(py, 'POST', `ServiceRequest/${sr}/$send`, { resourceType: 'Parameters', parameter: [{ name: 'partner', valueReference: { reference: `Organization/${ids.brOrgAtPy}` } }] });
  expect(sent.status).toBe(202);
  const task = await delivered(py, sent.json.id);
  expect(task.businessStatus.text).toBe('sent');
  const message = relay.bodies.find((b) => b.includes(`ServiceRequest`) && b.includes(ci)) as string;
  expect(message).toBeDefined();
  referral = { patient, ci, sr, delivery: sent.json.id, message };

  // at br: the patient (with the Paraguayan cédula), the ServiceRequest, a Task owned by its facility
  const [patientAtBr] = await search(br, `Patient?identifier=${CI}|${ci}`);
  expect(patientAtBr.name[0].family).toBe('Acosta');
  const [taskAtBr] = await search(br, `Task?owner=Organization/${ids.brOrgAtBr}&patient=Patient/${patientAtBr.id}`);
  expect(taskAtBr.status).toBe('requested');
  expect(taskAtBr.requester.reference).toBe(`Organization/${ids.pyOrgAtBr}`);
  const srAtBr = await ok(on(br, 'GET', taskAtBr.focus.reference), 200);
  expect(srAtBr.code.text).toBe('Cardiología intervencionista');
  const [prov] = await search(br, `Provenance?target=Task/${taskAtBr.id}`);
  expect(prov.agent[0].who.reference).toBe(`Organization/${ids.pyOrgAtBr}`);
  // the IPS document that came with it, with the patient's problem
  const doc = await ok(on(br, 'GET', srAtBr.supportingInfo[0].reference), 200);
  expect(JSON.stringify(doc)).toContain('Cardiopatía isquémica');

  // the counter-referral, written at br and sent back the same way
  const counter = await create(br, {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'routine', basedOn: [{ reference: `ServiceRequest/${srAtBr.id}` }],
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '103696004', display: 'Patient referral to specialist' }] }],
    code: { text: 'Contrarreferencia: control en 30 días' }, subject: { reference: `Patient/${patientAtBr.id}` }, requester: { reference: `Organization/${ids.brOrgAtBr}` },
  });
  const back = await on(br, 'POST', `ServiceRequest/${counter}/$send`, {
    resourceType: 'Parameters',
    parameter: [
      { name: 'partner', valueReference: { reference: `Organization/${ids.pyOrgAtBr}` } },
      { name: 'event', valueCode: 'contrarreferencia' },
      { name: 'task', valueReference: { reference: `Task/${taskAtBr.id}` } },
    ],
  });
  expect(back.status).toBe(202);
  await delivered(br, back.json.id);
  // at py: the same patient (matched by the cédula, not a copy), a Task for py's facility naming the referral
  const patients = await search(py, `Patient?identifier=${CI}|${ci}`);
  expect(patients.map((p) => p.id)).toEqual([patient]);
  const [answer] = await search(py, `Task?owner=Organization/${ids.pyOrgAtPy}&patient=Patient/${patient}`);
  const srBack = await ok(on(py, 'GET', answer.focus.reference), 200);
  expect(srBack.code.text).toBe('Contrarreferencia: control en 30 días');
  expect(answer.partOf?.[0]?.identifier?.value).toBe(taskAtBr.identifier?.find((i: Json) => i.value)?.value ?? expect.any(String));
}, 120_000);

test('a replay is answered the same and stores nothing; a changed message and an untrusted key are refused', async () => {
  if (!referral) throw new Error('needs the referral of the first test');
  const count = async (): Promise<number[]> =>
    Promise.all(['Patient', 'ServiceRequest', 'Task', 'Provenance', 'Bundle'].map(async (t) => (await ok(on(br, 'GET', `${t}?_summary=count`), 200)).total as number));
  const before = await count();
  const post = (body: string): Promise<Reply> => request('POST', `${relay.base}/$process-message`, JSON.parse(body));
  const first = await post(referral.message);
  expect(first.status).toBe(200);
  expect(first.json.entry[0].resource.response.code).toBe('ok');
  expect(await count()).toEqual(before);

  // changed after signing: another identifier (so it is no replay) and another priority
  const changed = JSON.parse(referral.message) as Json;
  changed.identifier.value = randomUUID();
  changed.entry.find((e: Json) => e.resource.resourceType === 'ServiceRequest').resource.priority = 'stat';
  const tampered = await request('POST', `${relay.base}/$process-message`, changed);
  expect(tampered.status).toBe(400);
  expect(tampered.json.resourceType).toBe('OperationOutcome');

  // signed again, whole, with a key that is not on br's Endpoint for py
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `intruso-${randomUUID()}`;
  void publicKey;
  const resigned = JSON.parse(referral.message) as Json;
  resigned.identifier.value = randomUUID();
  delete resigned.signature;
  const canonical = (v: unknown): string => {
    const sort = (x: unknown): unknown => (Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x as Json).sort().map((k) => [k, sort((x as Json)[k])])) : x);
    return JSON.stringify(sort(v));
  };
  const h = Buffer.from(JSON.stringify({ alg: 'ES256', kid, sigT: new Date().toISOString() })).toString('base64url');
  const s = sign('sha256', Buffer.from(`${h}.${Buffer.from(canonical(resigned)).toString('base64url')}`), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  resigned.signature = { type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }], when: new Date().toISOString(), who: { display: 'intruso' }, sigFormat: 'application/jose', data: Buffer.from(`${h}..${s}`).toString('base64') };
  const untrusted = await request('POST', `${relay.base}/$process-message`, resigned);
  expect(untrusted.status).toBe(403);
  expect(untrusted.json.resourceType).toBe('OperationOutcome');
  expect(await count()).toEqual(before);
}, 60_000);

test('with br out of reach the referral waits in the outbox, and is delivered once br is back', async () => {
  if (!referral) throw new Error('needs the referral of the first test');
  relay.up = false;
  try {
    const sent = await on(py, 'POST', `ServiceRequest/${referral.sr}/$send`, { resourceType: 'Parameters', parameter: [{ name: 'partner', valueReference: { reference: `Organization/${ids.brOrgAtPy}` } }] });
    expect(sent.status).toBe(202);
    const retrying = await waitFor('a failed attempt', async () => {
      const t = await ok(on(py, 'GET', `Task/${sent.json.id}`), 200);
      return t.businessStatus?.text === 'retrying' ? t : undefined;
    });
    expect(retrying.status).toBe('in-progress');
    relay.up = true;
    await delivered(py, sent.json.id);
    // br now holds two Tasks for the same patient from py: the first referral and this one
    const [patientAtBr] = await search(br, `Patient?identifier=${CI}|${referral.ci}`);
    expect(await search(br, `Task?owner=Organization/${ids.brOrgAtBr}&patient=Patient/${patientAtBr.id}`)).toHaveLength(2);
  } finally {
    relay.up = true;
  }
}, 60_000);

test('the IPS examples of the IPS package validate against IPS', async () => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('hl7.fhir.uv.ips/package.json')), 'example');
  const files = readdirSync(dir).filter((f) => f.startsWith('Bundle-'));
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const f of files) {
    const b = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json;
    if (b.type !== 'document') continue;
    const r = await ok(on(py, 'POST', `Bundle/$validate?profile=${encodeURIComponent(IPS_BUNDLE)}`, b), 200);
    const errors = (r.issue as Json[]).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    expect([f, errors.map((e) => `${e.expression?.[0] ?? ''} ${e.diagnostics}`)]).toEqual([f, []]);
  }
}, 60_000);
