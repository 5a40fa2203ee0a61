import { request, type Reply } from './helpers/http.js';
import { dailySchedule } from './helpers/schedules.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, type Json } from './rest-util.js';

/**
 * Referrals between conventional and traditional medicine over HTTP: both ways through the same Task workflow;
 * the patient's preference (py-preferencia-atencion) respected when routing (no traditional destination for a
 * patient who declines it) and when sharing (no clinical information to a healer without consent); a ceremony
 * found with $find (care-type tradicional, service-type ceremonia) and booked with $book, with the patient,
 * the healer, the place and a family member.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const CEREMONY = `${CS}py-servicio-medicina-tradicional|ceremonia`;
const DAY = 86_400_000;
const OFFSET = -3 * 3600_000; // Paraguay, UTC−03:00
const tomorrow = new Date(Date.now() + OFFSET + DAY).toISOString().slice(0, 10);
const dayAfter = new Date(Date.now() + OFFSET + 2 * DAY).toISOString().slice(0, 10);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const url = (path: string): string => `${server.base}/${path}`;
const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> => request('POST', url(path), body, headers);
const put = (r: Json): Promise<Reply> => request('PUT', url(`${r.resourceType}/${r.id}`), r);
const get = (path: string): Promise<Reply> => request('GET', url(path));
async function create(body: Json): Promise<Json> {
  const r = await post(body.resourceType, body);
  if (r.status !== 201) throw new Error(r.text);
  return r.json;
}
const ref = (r: Json): string => `${r.resourceType}/${r.id}`;
const step = (task: Json): string | undefined => task.businessStatus?.coding?.find((c: Json) => c.system === `${CS}py-estado-derivacion`)?.code;
const taskCode = (c: string): Json => ({ coding: [{ system: `${CS}py-tipo-tarea-derivacion`, code: c }] });
const careType = (code: string): Json => ({ url: `${SD}py-tipo-atencion`, valueCoding: { system: `${CS}py-tipo-atencion`, code } });
const preference = (traditional?: boolean, share?: boolean): Json => ({
  url: `${SD}py-preferencia-atencion`,
  extension: [
    ...(traditional === undefined ? [] : [{ url: 'atencionTradicional', valueBoolean: traditional }]),
    ...(share === undefined ? [] : [{ url: 'compartirConAgentes', valueBoolean: share }]),
    { url: 'fechaRegistro', valueDateTime: '2026-01-05T10:00:00-03:00' },
  ],
});
const patientWith = (family: string, pref?: Json): Json => ({
  resourceType: 'Patient',
  meta: { profile: [`${SD}py-patient`] },
  ...(pref ? { extension: [pref] } : {}),
  identifier: [{ system: 'https://fhir.mspbs.gov.py/sid/paciente/16001001', value: `HC-${family}-${Date.now()}` }],
  name: [{ family, given: ['Ana'] }],
  gender: 'female',
  birthDate: '1990-04-02',
});
const summary = (patient: string, text: string): Json => ({
  resourceType: 'DocumentReference', status: 'current', subject: { reference: patient },
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
});

let usf: string; // the conventional origin
let hospital: string;
let hospitalSlots: Json[];
let healer: string;
let healerRole: string;
let opy: string; // the ceremonial house
let wants: string; // wants traditional care and consents to share
let noConsent: string; // wants it, consent to share not recorded
let declines: string; // does not want traditional care
let lab: string; // clinical information about `wants`
let labNoConsent: string;
beforeAll(async () => {
  usf = ref(await create({ resourceType: 'Organization', name: 'USF Mariscal Estigarribia' }));
  hospital = ref(await create({ resourceType: 'Organization', name: 'Hospital Regional de Filadelfia' }));
  const ward = ref(await create({ resourceType: 'Location', name: 'Clínica médica HR Filadelfia', managingOrganization: { reference: hospital } }));
  healer = ref(await create({
    resourceType: 'Practitioner',
    extension: [{
      url: `${SD}py-medicina-tradicional`,
      extension: [
        { url: 'especialidad', valueCodeableConcept: { coding: [{ system: `${CS}py-especialidad-medicina-tradicional`, code: 'medico-tradicional-indigena' }] } },
        { url: 'comunidad', valueString: 'Comunidad Yalve Sanga' },
        { url: 'reconocimiento', valueCoding: { system: `${CS}py-tipo-reconocimiento`, code: 'comunidad' } },
        { url: 'conocimientoProtegido', valueBoolean: false },
      ],
    }],
    name: [{ family: 'Giménez', given: ['Don Teodoro'] }],
  }));
  opy = ref(await create({ resourceType: 'Location', name: 'Casa ceremonial de Yalve Sanga' }));
  healerRole = ref(await create({ resourceType: 'PractitionerRole', practitioner: { reference: healer }, location: [{ reference: opy }] }));
  // the healer's ceremonies at the ceremonial house: one a day, 2 hours
  const ceremonies = dailySchedule(healer, { from: '16:00:00', to: '18:00:00', minutes: 120 });
  await create({
    ...ceremonies,
    actor: [{ reference: healer }, { reference: opy }],
    serviceType: [{ coding: [{ system: `${CS}py-servicio-medicina-tradicional`, code: 'ceremonia', display: 'Ceremonia' }] }],
    extension: [...ceremonies.extension, careType('tradicional'), { url: `${SD}py-idioma-atencion`, valueCode: 'gn' }],
  });
  const clinic = await create({ ...dailySchedule(ward, { to: '09:00:00' }), extension: [...dailySchedule(ward, { to: '09:00:00' }).extension, careType('convencional')] });
  hospitalSlots = (await get(`Slot?schedule=Schedule/${clinic.id}&start=ge${tomorrow}&_sort=start&_count=5`)).json.entry.map((e: Json) => e.resource);
  wants = ref(await create(patientWith('Martínez', preference(true, true))));
  noConsent = ref(await create(patientWith('Cabrera', preference(true))));
  declines = ref(await create(patientWith('Sosa', preference(false, false))));
  lab = ref(await create(summary(wants, 'Glucemia en ayunas 180 mg/dl')));
  labNoConsent = ref(await create(summary(noConsent, 'Hemograma: anemia leve')));
});

function referral(patient: string, from: string, to: string, more: Json = {}): Json {
  return {
    resourceType: 'ServiceRequest',
    meta: { profile: [`${SD}py-referral`] },
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005' }] }],
    priority: 'routine',
    code: { text: 'Atención' },
    subject: { reference: patient },
    requester: { reference: from },
    performer: [{ reference: to }],
    reasonCode: [{ text: 'Motivo de la derivación' }],
    ...more,
  };
}
const referralTask = (sr: Json, from: string, to: string, more: Json = {}): Json => ({
  resourceType: 'Task', meta: { profile: [`${SD}py-referral-task`] }, status: 'requested', intent: 'order', code: taskCode('derivacion'), authoredOn: new Date().toISOString(),
  focus: { reference: ref(sr) }, for: sr.subject, requester: { reference: from }, owner: { reference: to }, ...more,
});
const counterReferral = (task: Json, doc: string, from: string, to: string): Json => ({
  resourceType: 'Task', meta: { profile: [`${SD}py-counter-referral-task`] }, status: 'requested', intent: 'order', code: taskCode('contrarreferencia'),
  partOf: [{ reference: ref(task) }], focus: { reference: doc }, for: task.for, requester: { reference: from }, owner: { reference: to },
});
/** Moves a Task through `states` by PUT (each must be legal), returning it as it ends. */
async function move(task: Json, ...states: string[]): Promise<Json> {
  let t = (await get(ref(task))).json;
  for (const status of states) {
    const r = await put({ ...t, status });
    expect([status, r.status]).toEqual([status, 200]);
    t = r.json;
  }
  return t;
}
/** The counter-referral back to the origin, which closes the loop; the referral Task says so at each step. */
async function closeLoop(task: Json, doc: string, from: string, to: string): Promise<void> {
  const counter = await create(counterReferral(task, doc, from, to));
  expect(step((await get(ref(task))).json)).toBe('contrarreferencia-enviada');
  await move(counter, 'accepted', 'in-progress', 'completed');
  const t = (await get(ref(task))).json;
  expect([t.status, step(t)]).toEqual(['completed', 'ciclo-cerrado']);
}

test('conventional → traditional and back: accepted by the healer, booked as a ceremony ($find, $book) with family, completed, counter-referred', async () => {
  // the USF refers the patient to the healer, with a lab result (she consents to share it)
  const sr = await create(referral(wants, usf, healer, { extension: [careType('tradicional')], supportingInfo: [{ reference: lab }], code: { coding: [{ system: `${CS}py-servicio-medicina-tradicional`, code: 'ceremonia' }] } }));
  const task = await create(referralTask(sr, usf, healer));
  await move(task, 'received', 'accepted');

  // the healer's ceremonies, found as traditional care for this patient; not offered as conventional care
  const find = (care: string): Promise<Reply> => get(`Appointment/$find?start=${tomorrow}&end=${dayAfter}&care-type=${care}&service-type=${encodeURIComponent(CEREMONY)}&patient=${wants}&_count=3`);
  const found = await find('tradicional');
  expect(found.status).toBe(200);
  const proposal = found.json.entry[0].resource;
  expect(proposal.participant.map((p: Json) => p.actor.reference)).toEqual([wants, healer, opy]);
  expect(proposal.serviceType[0].coding[0].code).toBe('ceremonia');
  expect(Date.parse(proposal.end) - Date.parse(proposal.start)).toBe(2 * 3600_000);
  expect((await find('convencional')).json.entry ?? []).toEqual([]);

  // booked under the referral, with the patient's mother and brother
  const mother = ref(await create({ resourceType: 'RelatedPerson', patient: { reference: wants }, relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }], name: [{ family: 'Martínez', given: ['Rosa'] }] }));
  const brother = ref(await create({ resourceType: 'RelatedPerson', patient: { reference: wants }, relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'BRO' }] }], name: [{ family: 'Martínez', given: ['Luis'] }] }));
  const ceremony = {
    ...proposal,
    basedOn: [{ reference: ref(sr) }],
    description: 'Ceremonia de sanación',
    participant: [...proposal.participant, ...[mother, brother].map((r) => ({ actor: { reference: r }, required: 'optional', status: 'needs-action' }))],
  };
  const booked = await post('Appointment/$book', { resourceType: 'Parameters', parameter: [{ name: 'appointment', resource: ceremony }] });
  expect(booked.status).toBe(201);
  expect(booked.json.status).toBe('booked');
  expect(booked.json.participant.map((p: Json) => `${p.actor.reference}:${p.status}`)).toEqual([wants, healer, opy, mother, brother].map((r) => `${r}:accepted`));
  const slot = (await get(booked.json.slot[0].reference)).json;
  expect(slot.status).toBe('busy');
  let t = (await get(ref(task))).json;
  expect([t.status, step(t)]).toEqual(['accepted', 'cita-agendada']);
  // the ceremony takes place; the healer completes the referral and sends the counter-referral back
  expect((await put({ ...booked.json, status: 'arrived' })).status).toBe(200);
  t = (await get(ref(task))).json;
  expect([t.status, step(t)]).toEqual(['in-progress', 'paciente-presente']);
  expect((await put({ ...(await get(ref(booked.json))).json, status: 'fulfilled' })).status).toBe(200);
  await move(task, 'completed');
  await closeLoop(task, ref(await create(summary(wants, 'Ceremonia realizada; seguir el control de glucemia en la USF.'))), healer, usf);
});

test('traditional → conventional: the healer refers to the hospital through the same workflow (no consent needed to send information that way)', async () => {
  // the patient has not consented to share with healers, but the information goes to the hospital
  const sr = await create(referral(noConsent, healer, hospital, { extension: [careType('convencional')], supportingInfo: [{ reference: labNoConsent }] }));
  const task = await create(referralTask(sr, healer, hospital));
  await move(task, 'received', 'accepted');
  const slot = hospitalSlots[0];
  const booked = await post('Appointment/$book', {
    resourceType: 'Parameters',
    parameter: [{ name: 'appointment', resource: {
      resourceType: 'Appointment', status: 'proposed', start: slot.start, end: slot.end, slot: [{ reference: `Slot/${slot.id}` }], basedOn: [{ reference: ref(sr) }],
      participant: [{ actor: { reference: noConsent }, status: 'needs-action' }],
    } }],
  });
  expect(booked.status).toBe(201);
  expect(step((await get(ref(task))).json)).toBe('cita-agendada');
  expect((await put({ ...booked.json, status: 'arrived' })).status).toBe(200);
  await move(task, 'completed');
  await closeLoop(task, ref(await create(summary(noConsent, 'Anemia leve: hierro oral por 3 meses.'))), hospital, healer);
});

test('a patient who does not want traditional care: a referral to a healer, to a role of one or for traditional care is a 422 (en, es) and nothing is stored', async () => {
  // the preference is checked against py-patient like any extension: a boolean, and only its own parts
  const malformed = patientWith('Rojas', { url: `${SD}py-preferencia-atencion`, extension: [{ url: 'atencionTradicional', valueString: 'no' }] });
  expect(expectOutcome(await post('Patient', malformed), 422).diagnostics).toContain('type string is not allowed here; allowed: boolean');
  const before = (await get(`ServiceRequest?subject=${declines}`)).json.entry ?? [];
  expect(before).toEqual([]);
  const toHealer = await post('ServiceRequest', referral(declines, usf, healer));
  expect(expectOutcome(toHealer, 422).diagnostics).toMatch(new RegExp(`^${declines} does not want traditional care \\(py-preferencia-atencion atencionTradicional = false\\): ServiceRequest/[^ ]+ cannot go to ${healer}$`));
  const spanish = await post('ServiceRequest', referral(declines, usf, healerRole), { 'Accept-Language': 'es' });
  expect(expectOutcome(spanish, 422).diagnostics).toMatch(new RegExp(`^${declines} no quiere atención de medicina tradicional .*: ServiceRequest/[^ ]+ no puede ir a ${healerRole}$`));
  const byCareType = await post('ServiceRequest', referral(declines, usf, hospital, { extension: [careType('intercultural')] }));
  expect(expectOutcome(byCareType, 422).diagnostics).toMatch(/cannot go to py-tipo-atencion = intercultural$/);
  // in a transaction with its Task: the whole bundle is refused
  const tx = await post('', {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:4c1e9a52-0d7e-4f3a-9a5e-1b2c3d4e5f60', request: { method: 'POST', url: 'ServiceRequest' }, resource: referral(declines, usf, healer) },
      { request: { method: 'POST', url: 'Task' }, resource: referralTask({ resourceType: 'ServiceRequest', id: 'x', subject: { reference: declines } }, usf, healer, { focus: { reference: 'urn:uuid:4c1e9a52-0d7e-4f3a-9a5e-1b2c3d4e5f60' } }) },
    ],
  });
  expect(expectOutcome(tx, 422).diagnostics).toContain('does not want traditional care');
  expect((await get(`ServiceRequest?subject=${declines}`)).json.entry ?? []).toEqual([]);
  expect((await get(`Task?patient=${declines}`)).json.entry ?? []).toEqual([]);
  // to a conventional facility she is referred as anyone
  expect((await post('ServiceRequest', referral(declines, usf, hospital, { extension: [careType('convencional')] }))).status).toBe(201);

  // a patient who declines after being referred: the referral can no longer be routed, only closed
  const later = ref(await create(patientWith('Villalba')));
  const sr = await create(referral(later, usf, healer));
  const patient = (await get(later)).json;
  expect((await put({ ...patient, extension: [preference(false)] })).status).toBe(200);
  expect(expectOutcome(await put({ ...sr, priority: 'urgent' }), 422).diagnostics).toContain(`${later} does not want traditional care`);
  expect((await put({ ...sr, status: 'revoked' })).status).toBe(200);
});

test('clinical information to a healer needs the patient\'s consent to share: supportingInfo or a referral Task\'s input without it is a 422; the referral alone goes; with consent it goes', async () => {
  const refused = await post('ServiceRequest', referral(noConsent, usf, healer, { supportingInfo: [{ reference: labNoConsent }] }));
  expect(expectOutcome(refused, 422).diagnostics).toMatch(new RegExp(`^${noConsent} has not consented to share clinical information with traditional healers \\(py-preferencia-atencion compartirConAgentes = true is missing\\): ServiceRequest/[^ ]+ to ${healer} cannot carry supportingInfo; send it without it, or record the consent first$`));
  const spanish = await post('ServiceRequest', referral(noConsent, usf, healer, { supportingInfo: [{ reference: labNoConsent }] }), { 'Accept-Language': 'es' });
  expect(expectOutcome(spanish, 422).diagnostics).toContain('no consintió compartir su información clínica con agentes de medicina tradicional (falta py-preferencia-atencion compartirConAgentes = true)');
  // for traditional care by care type too, and compartirConAgentes = false is no consent either
  const byCareType = await post('ServiceRequest', referral(noConsent, usf, hospital, { extension: [careType('tradicional')], supportingInfo: [{ reference: labNoConsent }] }));
  expect(expectOutcome(byCareType, 422).diagnostics).toContain('to py-tipo-atencion = tradicional cannot carry supportingInfo');
  const refusing = ref(await create(patientWith('Ayala', preference(true, false))));
  const doc = ref(await create(summary(refusing, 'Radiografía de tórax normal')));
  expect(expectOutcome(await post('ServiceRequest', referral(refusing, usf, healer, { supportingInfo: [{ reference: doc }] })), 422).diagnostics).toContain(`${refusing} has not consented`);
  expect((await get(`ServiceRequest?subject=${noConsent},${refusing}&performer=${healer}`)).json.entry ?? []).toEqual([]);

  // without clinical information the referral goes; its Task may not carry it either
  const bare = await create(referral(noConsent, usf, healer));
  const withInput = await post('Task', referralTask(bare, usf, healer, { input: [{ type: { text: 'Resultado de laboratorio' }, valueReference: { reference: labNoConsent } }] }));
  expect(expectOutcome(withInput, 422).diagnostics).toMatch(new RegExp(`^${noConsent} has not consented .*: Task/[^ ]+ to ${healer} cannot carry Task.input;`));
  const task = await create(referralTask(bare, usf, healer));
  expect((await put({ ...task, input: [{ type: { text: 'Resultado' }, valueReference: { reference: labNoConsent } }] })).status).toBe(422);

  // once she consents, the same referral with its information goes
  const patient = (await get(noConsent)).json;
  expect((await put({ ...patient, extension: [preference(true, true)] })).status).toBe(200);
  const shared = await post('ServiceRequest', referral(noConsent, usf, healerRole, { supportingInfo: [{ reference: labNoConsent }] }));
  expect(shared.status).toBe(201);
  expect((await put({ ...task, input: [{ type: { text: 'Resultado' }, valueReference: { reference: labNoConsent } }] })).status).toBe(200);
});
