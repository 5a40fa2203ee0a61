import { request, type Reply } from './helpers/http.js';
import { startReceiver, statusOf, topicSubscription, TOPIC, waitFor, type Receiver } from './helpers/receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';

/**
 * Combined care plans over HTTP: a CarePlan (py-combined-care-plan) with conventional and traditional activities
 * is compared with the conflict rule table (ConceptMap py-conflictos-terapeuticos, in the store from the start)
 * on every write; each conflict is one DetectedIssue, kept once, cancelled when it goes; the table changes by PUT.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const ATC = 'http://www.whocc.no/atc';
const REMEDY = `${CS}py-remedio-tradicional`;
const RULES = 'https://fhir.mspbs.gov.py/ConceptMap/py-conflictos-terapeuticos';
const SID = 'https://fhir.mspbs.gov.py/sid/conflicto-plan';

let server: TestServer;
let receiver: Receiver | undefined;
beforeAll(async () => {
  server = await startTestServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1', SUBSCRIPTION_POLL_MS: '200' });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const url = (path: string): string => `${server.base}/${path}`;
const get = (path: string): Promise<Reply> => request('GET', url(path));
const put = (r: Json, headers: Record<string, string> = {}): Promise<Reply> => request('PUT', url(`${r.resourceType}/${r.id}`), r, headers);
const post = (r: Json): Promise<Reply> => request('POST', url(r.resourceType), r);
async function ok(reply: Promise<Reply>): Promise<Json> {
  const r = await reply;
  if (r.status >= 300) throw new Error(r.text);
  return r.json;
}
const issues = async (plan: string): Promise<Json[]> => ((await get(`DetectedIssue?implicated=CarePlan/${plan}`)).json.entry ?? []).map((e: Json) => e.resource);

type Practice = 'convencional' | 'tradicional';
const activity = (practice: Practice, system: string, code: string, opts: { status?: string; as?: 'code' | 'product' } = {}): Json => ({
  extension: [{ url: `${SD}py-tipo-atencion`, valueCoding: { system: `${CS}py-tipo-atencion`, code: practice } }],
  detail: { status: opts.status ?? 'not-started', [opts.as === 'code' ? 'code' : 'productCodeableConcept']: { coding: [{ system, code }] } },
});
const warfarin = (o = {}): Json => activity('convencional', ATC, 'B01AA03', o);
const metformin = (o = {}): Json => activity('convencional', ATC, 'A10BA02', o);
const albendazole = (o = {}): Json => activity('convencional', ATC, 'P02CA03', o);
const remedy = (code: string, o = {}): Json => activity('tradicional', REMEDY, code, o);

let patient: string;
beforeAll(async () => {
  patient = `Patient/${(await ok(post({ resourceType: 'Patient', name: [{ family: 'Benítez', given: ['Ana'] }] }))).id}`;
});
const plan = (id: string, activities: Json[], extra: Json = {}): Json => ({
  resourceType: 'CarePlan',
  id,
  meta: { profile: [`${SD}py-combined-care-plan`] },
  status: 'active',
  intent: 'plan',
  subject: { reference: patient },
  activity: activities,
  ...extra,
});

test('the guide\'s rule table is in the store from the start', async () => {
  const cm = await ok(get('ConceptMap/py-conflictos-terapeuticos'));
  expect(cm.url).toBe(RULES);
  expect(cm.meta.source).toMatch(/^py\.mspbs\.core#/);
  expect((await get(`ConceptMap?url=${encodeURIComponent(RULES)}`)).json.total).toBe(1);
  const ruda = cm.group.find((g: Json) => g.source === REMEDY).element.find((e: Json) => e.code === 'ruda');
  expect(ruda.target[0]).toMatchObject({ code: 'B01AA03', equivalence: 'disjoint' });
});

test('a combined plan with a known conflict gets one DetectedIssue, kept once over later writes, cancelled when the conflict goes', async () => {
  // warfarin (conventional), then rue (traditional, as detail.code) and burrito (traditional): rue with warfarin is a rule (high)
  const written = await ok(put(plan('cp-ruda', [warfarin({ status: 'in-progress' }), remedy('ruda', { as: 'code' }), remedy('burrito')])));
  expect(written.activity.map((a: Json) => a.extension[0].valueCoding.code)).toEqual(['convencional', 'tradicional', 'tradicional']);
  let found = await issues('cp-ruda');
  expect(found).toHaveLength(1);
  const [issue] = found;
  expect(issue).toMatchObject({
    status: 'final',
    severity: 'high',
    code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'DRG' }] },
    patient: { reference: patient },
    identifier: [{ system: SID, value: 'cp-ruda:B01AA03:ruda' }],
  });
  expect(issue.implicated).toEqual([{ reference: 'CarePlan/cp-ruda' }]);
  expect(issue.detail).toMatch(/^Actividad 1 .*actividad 2 .*cumarinas/);
  expect(issue.evidence[0].code.map((c: Json) => c.coding[0].code)).toEqual(['B01AA03', 'ruda']);
  expect(Number.isNaN(Date.parse(issue.identifiedDateTime))).toBe(false);
  // found by the identifier too
  expect((await get(`DetectedIssue?identifier=${encodeURIComponent(`${SID}|cp-ruda:B01AA03:ruda`)}`)).json.total).toBe(1);

  // the same plan written again (another title): still the one DetectedIssue, unchanged
  await ok(put(plan('cp-ruda', [warfarin({ status: 'in-progress' }), remedy('ruda', { as: 'code' }), remedy('burrito')], { title: 'Plan revisado' })));
  found = await issues('cp-ruda');
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ id: issue.id, meta: { versionId: '1' }, identifiedDateTime: issue.identifiedDateTime });
  // the activities reordered: still the one, its detail naming their new places, first identified as before
  await ok(put(plan('cp-ruda', [remedy('burrito'), remedy('ruda', { as: 'code' }), warfarin({ status: 'in-progress' })], { title: 'Plan revisado' })));
  found = await issues('cp-ruda');
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ id: issue.id, status: 'final', identifiedDateTime: issue.identifiedDateTime });
  expect(found[0].detail).toMatch(/^Actividad 2 \(ruda, tradicional\) y actividad 3 \(B01AA03, convencional\)/);

  // the rue activity cancelled: the conflict is gone, its DetectedIssue cancelled
  await ok(put(plan('cp-ruda', [remedy('burrito'), remedy('ruda', { as: 'code', status: 'cancelled' }), warfarin({ status: 'in-progress' })])));
  found = await issues('cp-ruda');
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ id: issue.id, status: 'cancelled', severity: 'high' });
  // a cancelled DetectedIssue is valid R4 (ObservationStatus), also when a client writes it; an R5-only status is not
  expect((await request('POST', url('DetectedIssue/$validate'), { ...found[0], id: undefined, meta: undefined })).json.issue.filter((i: Json) => i.severity === 'error')).toEqual([]);
  expect((await request('POST', url('DetectedIssue/$validate'), { ...found[0], id: undefined, meta: undefined, status: 'mitigated' })).json.issue.some((i: Json) => i.severity === 'error' && i.diagnostics.includes('observation-status'))).toBe(true);
  // the rue activity removed, then added back: the same DetectedIssue is final again
  await ok(put(plan('cp-ruda', [remedy('burrito'), warfarin({ status: 'in-progress' })])));
  expect((await issues('cp-ruda')).map((d) => d.status)).toEqual(['cancelled']);
  await ok(put(plan('cp-ruda', [remedy('burrito'), warfarin({ status: 'in-progress' }), remedy('ruda')])));
  found = await issues('cp-ruda');
  expect(found.map((d) => [d.id, d.status])).toEqual([[issue.id, 'final']]);
});

test('a plan without conflicts has no DetectedIssue; duplicate treatments are conflicts too', async () => {
  await ok(put(plan('cp-sin-conflicto', [metformin(), remedy('burrito'), remedy('jaguarete-kaa')])));
  expect(await issues('cp-sin-conflicto')).toEqual([]);
  // albendazole twice and paico (a traditional antiparasitic): two pairs of codes, one DetectedIssue each
  const created = await ok(post(plan('', [albendazole(), remedy('paico'), albendazole({ status: 'in-progress' })], { id: undefined })));
  const found = await issues(created.id);
  expect(found.map((d) => [d.identifier[0].value, d.severity, d.code.coding[0].code]).sort()).toEqual([
    [`${created.id}:P02CA03:P02CA03`, 'low', 'DUPTHPY'],
    [`${created.id}:P02CA03:paico`, 'moderate', 'DUPTHPY'],
  ]);
});

test('a PUT of the rule table adds a conflict that the next write of a plan detects; an unusable table is refused', async () => {
  await ok(put(plan('cp-reglas', [metformin(), remedy('burrito')])));
  expect(await issues('cp-reglas')).toEqual([]);
  const cm = await ok(get('ConceptMap/py-conflictos-terapeuticos'));
  const rule = {
    code: 'burrito',
    target: [{
      code: 'A10BA02', equivalence: 'disjoint', comment: 'Regla de prueba: burrito con metformina.',
      product: [{ property: 'http://hl7.org/fhir/StructureDefinition/DetectedIssue#DetectedIssue.severity', system: 'http://hl7.org/fhir/detectedissue-severity', value: 'low' }],
    }],
  };
  const changed = { ...cm, group: cm.group.map((g: Json) => (g.source === REMEDY ? { ...g, element: [...g.element, rule] } : g)) };
  // a severity outside high, moderate, low: 422, the table stays as it was
  const bad = JSON.parse(JSON.stringify(changed));
  bad.group.find((g: Json) => g.source === REMEDY).element.at(-1).target[0].product[0].value = 'extreme';
  expectOutcome(await put(bad, { 'Accept-Language': 'es' }), 422, /gravedad "extreme"/);
  expect((await get('ConceptMap/py-conflictos-terapeuticos')).json.meta.versionId).toBe(cm.meta.versionId);

  await ok(put(changed));
  await ok(put(plan('cp-reglas', [metformin(), remedy('burrito')], { title: 'Con la nueva regla' })));
  const found = await issues('cp-reglas');
  expect(found.map((d) => [d.identifier[0].value, d.severity, d.code.coding[0].code, d.detail])).toEqual([
    ['cp-reglas:A10BA02:burrito', 'low', 'DRG', 'Actividad 1 (A10BA02, convencional) y actividad 2 (burrito, tradicional): Regla de prueba: burrito con metformina.'],
  ]);
  // the rule taken out again: the next write cancels it
  await ok(put({ ...cm, id: cm.id, meta: undefined }));
  await ok(put(plan('cp-reglas', [metformin(), remedy('burrito')])));
  expect((await issues('cp-reglas')).map((d) => d.status)).toEqual(['cancelled']);
});

test('malformed plans are 4xx OperationOutcomes and store nothing', async () => {
  // more than 100 activities: 422, in Spanish on request
  const many = Array.from({ length: 101 }, (_, i) => (i % 2 ? remedy('ruda') : warfarin()));
  expectOutcome(await put(plan('cp-grande', many), { 'Accept-Language': 'es' }), 422, /CarePlan\/cp-grande tiene 101 actividades: se revisan a lo sumo 100/);
  // wrong types
  expectOutcome(await put(plan('cp-tipos', 'x' as unknown as Json[])), 422, /CarePlan\.activity/);
  expectOutcome(await put(plan('cp-tipos', [{ ...warfarin(), detail: { status: 5, productCodeableConcept: { coding: 'B01AA03' } } }, remedy('ruda')])), 422, /detail/);
  // the profile: every activity says its practice (py-tipo-atencion) and what it does
  const unsaid = remedy('ruda');
  delete unsaid.extension;
  expectOutcome(await put(plan('cp-perfil', [warfarin(), unsaid])), 422, /tipoAtencion|py-tipo-atencion|extension/);
  expectOutcome(await put(plan('cp-perfil', [warfarin(), { ...remedy('ruda'), detail: { status: 'not-started', description: 'sin código' } }])), 422, /py-plan-1/);
  for (const id of ['cp-grande', 'cp-tipos', 'cp-perfil']) {
    expect((await get(`CarePlan/${id}`)).status).toBe(404);
    expect(await issues(id)).toEqual([]);
  }
});

test('care-plan-conflict: a subscription for the patient is notified when a plan\'s conflict is found', async () => {
  const topics = (await get('SubscriptionTopic')).json.entry.map((e: Json) => e.resource.id);
  expect(topics).toContain('care-plan-conflict');
  const other = `Patient/${(await ok(post({ resourceType: 'Patient', name: [{ family: 'Ortiz' }] }))).id}`;
  receiver = await startReceiver();
  const sub = await post(topicSubscription(`${TOPIC}/care-plan-conflict`, receiver.url, { filters: [`DetectedIssue?patient=${other}`] }));
  expect(sub.status).toBe(201);
  await waitFor(async () => (await get(`Subscription/${sub.json.id}`)).json.status === 'active', 15_000, 'status active');
  await ok(put(plan('cp-aviso-otro', [warfarin(), remedy('ajo')]))); // another patient's: not notified
  await ok(put(plan('cp-aviso', [warfarin(), remedy('ajo')], { subject: { reference: other } })));
  const events = await waitFor(() => {
    const e = receiver!.received.filter((x) => x.json && statusOf(x.json).type === 'event-notification');
    return e.length > 0 && e;
  });
  await new Promise((r) => setTimeout(r, 500)); // nothing else arrives
  expect(receiver.received.filter((x) => x.json && statusOf(x.json).type === 'event-notification')).toHaveLength(1);
  const focus = events[0].json.entry[0].resource.parameter.find((p: Json) => p.name === 'notification-event').part.find((p: Json) => p.name === 'focus').valueReference.reference;
  const [issue] = await issues('cp-aviso');
  expect(focus).toContain(`DetectedIssue/${issue.id}`);
});
