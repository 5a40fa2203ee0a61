import type { Appointment, Practitioner, PractitionerRole, Schedule, ServiceRequest, Slot, Task } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';
import { update } from '../interactions/write.js';
import { searchIn } from '../store/search-in.js';
import type { PendingWrite, StoreTransaction } from '../store/store.js';
import { refKey } from '../fhir/references.js';
import { PROTECTED_KNOWLEDGE_LABEL as TK_LABEL } from '../security/policies.js';
import { STEP_DISPLAY, STEP_SYSTEM, taskKind, TASK_TYPE, type Step } from './model.js';
import { BOOKABLE, isLegal, nextStates, OWNER_MOVES } from './task-status.js';
import { facilityOf } from './facility.js';
import { forgetReferral, recordAppointment, recordReferral } from './metrics/index.js';

/**
 * The referral loop, kept by the store however a Task or an Appointment is written (PUT, PATCH, POST, a
 * transaction bundle), in the same transaction:
 *   - every Task follows FHIR Workflow's state machine (task-status.ts): an illegal move is a 422 naming the
 *     states allowed next; a requester bound to a facility moves a Task into a performer's state (received,
 *     accepted, rejected, in-progress, completed, ...) only when the Task's owner is of that facility (403);
 *   - an Appointment based on a referral (Appointment.basedOn = the ServiceRequest) is booked only once the
 *     referral's Task is accepted, and only into a slot of the referral's destination (422 otherwise); its
 *     Task follows it: businessStatus cita-agendada, paciente-presente (and in-progress), no-se-presento,
 *     cita-cancelada;
 *   - a counter-referral Task (partOf = the referral's Task) marks the referral contrarreferencia-enviada when
 *     it is written, and ciclo-cerrado when the origin completes it;
 *   - an appointment cancelled or missed cancels its transports (Tasks `traslado` whose focus it is);
 *   - a traditional healer whose knowledge is protected, and each role of a labelled healer, carries the
 *     protected-knowledge label (422 otherwise).
 */
export async function referralDerivation(t: StoreTransaction, changes: readonly PendingWrite[]): Promise<void> {
  for (const c of changes) {
    if (c.type === 'Task') await followTask(t, c);
    else if (c.type === 'Appointment') await followAppointment(t, c);
    else if (c.type === 'Practitioner') checkProtectedKnowledge(c);
    else if (c.type === 'PractitionerRole') await checkProtectedRole(t, c);
  }
}

const HEALER_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-medicina-tradicional';

const hasLabel = (r: { meta?: { security?: { system?: string; code?: string }[] } }): boolean =>
  (r.meta?.security ?? []).some((l) => l.system === TK_LABEL.system && l.code === TK_LABEL.code);

/** The role of a healer whose knowledge is protected (the healer carries the label) carries it too (422 otherwise). */
async function checkProtectedRole(t: StoreTransaction, c: PendingWrite): Promise<void> {
  const role = c.resource as PractitionerRole | undefined;
  if (!role || c.method === 'DELETE' || hasLabel(role)) return;
  const key = refKey(role.practitioner, 'Practitioner');
  const row = key ? await t.read('Practitioner', key.slice('Practitioner/'.length)) : undefined;
  if (!row?.content || row.deleted || !hasLabel(JSON.parse(row.content) as Practitioner)) return;
  throw new FhirError(422, 'business-rule', 'referrals.protectedRoleUnlabelled', [`PractitionerRole/${c.id}`, key!, `${TK_LABEL.system}|${TK_LABEL.code}`]);
}

/** A healer whose knowledge is protected (py-medicina-tradicional conocimientoProtegido) carries the label that hides it (422 otherwise). */
function checkProtectedKnowledge(c: PendingWrite): void {
  const p = c.resource as Practitioner | undefined;
  if (!p || c.method === 'DELETE') return;
  const healer = p.extension?.find((e) => e.url === HEALER_EXT);
  if (healer?.extension?.find((e) => e.url === 'conocimientoProtegido')?.valueBoolean !== true) return;
  if (hasLabel(p)) return;
  throw new FhirError(422, 'business-rule', 'referrals.protectedUnlabelled', [`Practitioner/${c.id}`, `${TK_LABEL.system}|${TK_LABEL.code}`]);
}

async function previous<T>(t: StoreTransaction, c: PendingWrite): Promise<T | undefined> {
  if (!c.previousVersion) return undefined;
  const row = await t.readVersion(c.type, c.id, c.previousVersion);
  return row?.content && !row.deleted ? (JSON.parse(row.content) as T) : undefined;
}

async function followTask(t: StoreTransaction, c: PendingWrite): Promise<void> {
  const now = c.resource as Task | undefined;
  if (!now || c.method === 'DELETE') return forgetReferral(t, c.id);
  const before = await previous<Task>(t, c);
  if (before && !isLegal(before.status, now.status)) {
    throw new FhirError(422, 'business-rule', 'referrals.illegalMove', [c.id, before.status, now.status, nextStates(before.status).join(', ') || '—']);
  }
  // The performer's moves are the performer's (not checked on what the server itself derives).
  const moved = !before || before.status !== now.status;
  if (moved && !c.derived && t.ctx.facility && OWNER_MOVES.has(now.status)) {
    const owner = await facilityOf(t, refKey(now.owner));
    if (!owner || owner !== t.ctx.facility) throw new FhirError(403, 'forbidden', 'referrals.ownerOnly', [c.id, now.owner?.reference ?? '—', now.status]);
  }
  if (taskKind(now) === 'referral') await recordReferral(t, c, now, before);
  if (taskKind(now) === 'counter' && (!before || moved)) {
    const referral = refKey(now.partOf?.[0], 'Task');
    if (referral && (!before || now.status === 'completed')) await setStep(t, referral.slice(5), now.status === 'completed' ? 'ciclo-cerrado' : 'contrarreferencia-enviada');
  }
}

async function followAppointment(t: StoreTransaction, c: PendingWrite): Promise<void> {
  const now = c.resource as Appointment | undefined;
  if (!now || c.method === 'DELETE') return;
  const referrals = (now.basedOn ?? []).map((r) => refKey(r, 'ServiceRequest')).filter((k): k is string => !!k);
  const ending = now.status === 'cancelled' || now.status === 'noshow';
  // Most Appointment writes are neither under a referral nor a cancellation: nothing to read.
  if (referrals.length === 0 && !ending) return;
  const before = await previous<Appointment>(t, c);
  const moved = before?.status !== now.status;
  if (ending && moved) await cancelTransports(t, c.id, now);
  const slots = (now.slot ?? []).map((r) => refKey(r, 'Slot')).filter((k): k is string => !!k);
  const reslotted = before ? JSON.stringify(before.slot ?? []) !== JSON.stringify(now.slot ?? []) : true;
  const booking = (now.status === 'booked' || now.status === 'pending') && (moved || reslotted);
  if (!booking && !moved) return;
  for (const key of referrals) {
    const tasks = await referralTasks(t, key);
    if (booking) {
      const row = await t.read('ServiceRequest', key.slice('ServiceRequest/'.length));
      if (!row?.content || row.deleted) throw new FhirError(422, 'not-found', 'referrals.unknownReferral', [key]);
      if (!tasks.some((x) => BOOKABLE.has(x.status))) throw new FhirError(422, 'business-rule', 'referrals.notAccepted', [key]);
      await checkDestination(t, key, JSON.parse(row.content) as ServiceRequest, slots);
    }
    if (!moved) continue;
    const step: Step | undefined =
      now.status === 'booked' ? 'cita-agendada'
      : now.status === 'arrived' || now.status === 'checked-in' ? 'paciente-presente'
      : now.status === 'noshow' ? 'no-se-presento'
      : now.status === 'cancelled' ? 'cita-cancelada'
      : undefined;
    if (!step) continue;
    if (step === 'cita-agendada' || step === 'cita-cancelada') await recordAppointment(t, tasks.map((x) => x.id!), step === 'cita-agendada' ? (now.start ?? null) : null);
    for (const task of tasks) {
      if (!nextStates(task.status).length) continue; // ended: left as it is
      const start = step === 'paciente-presente' && (task.status === 'accepted' || task.status === 'ready');
      await setStep(t, task.id!, step, start ? 'in-progress' : undefined);
    }
  }
}

/** An appointment just cancelled or missed: its transports (Tasks `traslado` whose focus it is) not ended are cancelled. */
async function cancelTransports(t: StoreTransaction, appointmentId: string, now: Appointment): Promise<void> {
  const transports = await searchIn<Task>(t, 'Task', { focus: `Appointment/${appointmentId}`, code: `${TASK_TYPE}|traslado` }, 20);
  for (const x of transports) {
    if (taskKind(x) !== 'transport' || !nextStates(x.status).includes('cancelled')) continue;
    await update(t, 'Task', x.id!, { ...x, status: 'cancelled', statusReason: { text: now.status === 'noshow' ? 'El paciente no se presentó a la cita' : 'La cita fue cancelada' } });
  }
}

/** The referral Tasks acting on a ServiceRequest (at most 20: a referral has one, a few after a re-referral). */
async function referralTasks(t: StoreTransaction, serviceRequest: string): Promise<Task[]> {
  return (await searchIn<Task>(t, 'Task', { focus: serviceRequest, code: `${TASK_TYPE}|derivacion` }, 20)).filter((x) => taskKind(x) === 'referral');
}

/** Sets a referral Task's businessStatus (and its status, when given). */
async function setStep(t: StoreTransaction, taskId: string, step: Step, status?: Task['status']): Promise<void> {
  const row = await t.read('Task', taskId);
  if (!row?.content || row.deleted) return;
  const task = JSON.parse(row.content) as Task;
  if (taskKind(task) !== 'referral') return;
  await update(t, 'Task', taskId, {
    ...task,
    ...(status ? { status } : {}),
    businessStatus: { coding: [{ system: STEP_SYSTEM, code: step, display: STEP_DISPLAY[step] }] },
  });
}

/**
 * A booking under a referral goes to the referral's destination: each slot's schedule has an actor that is one
 * of the referral's performers, or of the same facility (Organization) as one of them.
 */
async function checkDestination(t: StoreTransaction, referral: string, sr: ServiceRequest, slots: string[]): Promise<void> {
  const performers = (sr.performer ?? []).map((r) => refKey(r)).filter((k): k is string => !!k);
  const wanted = new Set<string>(performers);
  for (const p of performers) {
    const org = await facilityOf(t, p);
    if (org) wanted.add(`Organization/${org}`);
  }
  for (const slotKey of slots) {
    const slotRow = await t.read('Slot', slotKey.slice(5));
    const slot = slotRow?.content && !slotRow.deleted ? (JSON.parse(slotRow.content) as Slot) : undefined;
    const scheduleKey = refKey(slot?.schedule, 'Schedule');
    const scheduleRow = scheduleKey ? await t.read('Schedule', scheduleKey.slice(9)) : undefined;
    const schedule = scheduleRow?.content && !scheduleRow.deleted ? (JSON.parse(scheduleRow.content) as Schedule) : undefined;
    let there = false;
    for (const actor of (schedule?.actor ?? []).map((r) => refKey(r)).filter((k): k is string => !!k)) {
      const org = await facilityOf(t, actor);
      if (wanted.has(actor) || (org && wanted.has(`Organization/${org}`))) there = true;
    }
    if (!there) throw new FhirError(422, 'business-rule', 'referrals.wrongDestination', [referral, slotKey, performers.join(', ') || '—']);
  }
}
