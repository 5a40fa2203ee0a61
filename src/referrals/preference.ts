import type { Patient, Practitioner, PractitionerRole, ServiceRequest, Task } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';
import { refKey } from '../fhir/references.js';
import type { PendingWrite, StoreTransaction } from '../store/store.js';
import { taskKind } from './model.js';
import './preference-messages.js';

const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
/** The patient's care preference (profiles/preferencias.fsh). */
export const PREFERENCE_EXT = `${SD}py-preferencia-atencion`;
const HEALER_EXT = `${SD}py-medicina-tradicional`;
const CARE_TYPE_EXT = `${SD}py-tipo-atencion`;
const SPECIALTY = 'https://fhir.mspbs.gov.py/CodeSystem/py-especialidad-medicina-tradicional';
/** Care types that put the patient in a traditional healer's hands (intercultural: together with conventional care). */
const TRADITIONAL_CARE = new Set(['tradicional', 'intercultural']);
/** A request in these states routes nothing any more: it can always be closed, whatever the preference. */
const ENDED = new Set<ServiceRequest['status']>(['revoked', 'completed', 'entered-in-error']);
/** Most performers of one request looked at (a referral names one or two). */
const MAX_PERFORMERS = 10;

export interface CarePreference {
  /** false: the patient does not want traditional care; true: wants it; undefined: not said. */
  traditional?: boolean;
  /** true only when the patient consented to share their clinical information with traditional healers. */
  share?: boolean;
}

/** A Patient's py-preferencia-atencion (the first, if several). */
export function preferenceOf(p: Patient): CarePreference {
  const e = p.extension?.find((x) => x.url === PREFERENCE_EXT);
  const sub = (url: string): boolean | undefined => e?.extension?.find((x) => x.url === url)?.valueBoolean;
  return { traditional: sub('atencionTradicional'), share: sub('compartirConAgentes') };
}

/**
 * The patient's preference, kept on every write of a request for care (ServiceRequest: a referral, py-referral)
 * and of a referral Task, in the write's transaction:
 *   - a request to a traditional healer (a performer that is a Practitioner with py-medicina-tradicional, or a
 *     PractitionerRole of one or with a traditional specialty) or for traditional or intercultural care
 *     (py-tipo-atencion), for a patient whose preference says atencionTradicional = false: 422;
 *   - the same request carrying clinical information (ServiceRequest.supportingInfo; a referral Task's `input`)
 *     while the patient has not consented to share it with healers (compartirConAgentes absent or false): 422.
 *     Without it the request alone goes.
 * A request revoked, completed or entered in error is not checked (it can always be closed); nor are the
 * server's own derived writes. The way back (a healer referring to a conventional facility) has no rule.
 */
export async function preferenceDerivation(t: StoreTransaction, changes: readonly PendingWrite[]): Promise<void> {
  for (const c of changes) {
    if (c.method === 'DELETE' || c.derived || !c.resource) continue;
    if (c.type === 'ServiceRequest') await checkRequest(t, c.resource as ServiceRequest, `ServiceRequest/${c.id}`);
    else if (c.type === 'Task') await checkTaskInput(t, c.resource as Task, `Task/${c.id}`);
  }
}

async function checkRequest(t: StoreTransaction, sr: ServiceRequest, key: string): Promise<void> {
  if (ENDED.has(sr.status)) return;
  const destination = await traditionalDestination(t, sr);
  if (!destination) return;
  await checkPatient(t, refKey(sr.subject, 'Patient'), key, destination, sr.supportingInfo?.length ? 'supportingInfo' : undefined);
}

/** A referral Task with inputs (clinical information handed to the performer) for a referral to a healer, or owned by one. */
async function checkTaskInput(t: StoreTransaction, task: Task, key: string): Promise<void> {
  if (taskKind(task) !== 'referral' || !task.input?.length || task.status === 'cancelled' || task.status === 'entered-in-error') return;
  let destination = (await isHealer(t, refKey(task.owner))) ? task.owner!.reference! : undefined;
  const focus = refKey(task.focus, 'ServiceRequest');
  if (!destination && focus) {
    const row = await t.read('ServiceRequest', focus.slice('ServiceRequest/'.length));
    if (row?.content && !row.deleted) destination = await traditionalDestination(t, JSON.parse(row.content) as ServiceRequest);
  }
  if (destination) await checkPatient(t, refKey(task.for, 'Patient'), key, destination, 'Task.input');
}

async function checkPatient(t: StoreTransaction, patient: string | undefined, key: string, destination: string, carries: string | undefined): Promise<void> {
  if (!patient) return;
  const row = await t.read('Patient', patient.slice('Patient/'.length));
  if (!row?.content || row.deleted) return; // a dangling subject is the reference check's to refuse
  const pref = preferenceOf(JSON.parse(row.content) as Patient);
  if (pref.traditional === false) throw new FhirError(422, 'business-rule', 'referrals.preferenceDeclined', [patient, key, destination]);
  if (carries && pref.share !== true) throw new FhirError(422, 'business-rule', 'referrals.preferenceNoConsent', [patient, key, destination, carries]);
}

/**
 * What makes a request traditional, for the messages: its first performer that is a healer, else its care type
 * (`py-tipo-atencion = tradicional`); undefined for a conventional request.
 */
async function traditionalDestination(t: StoreTransaction, sr: ServiceRequest): Promise<string | undefined> {
  for (const p of (sr.performer ?? []).slice(0, MAX_PERFORMERS)) {
    const key = refKey(p);
    if (await isHealer(t, key)) return key;
  }
  const care = sr.extension?.find((e) => e.url === CARE_TYPE_EXT)?.valueCoding?.code;
  return care && TRADITIONAL_CARE.has(care) ? `py-tipo-atencion = ${care}` : undefined;
}

/** A traditional healer: a Practitioner with py-medicina-tradicional, or a PractitionerRole of one or with a traditional specialty. */
async function isHealer(t: StoreTransaction, key: string | undefined): Promise<boolean> {
  const [type, id] = key?.split('/') ?? [];
  if (type !== 'Practitioner' && type !== 'PractitionerRole') return false;
  const row = await t.read(type, id);
  if (!row?.content || row.deleted) return false;
  if (type === 'Practitioner') return !!(JSON.parse(row.content) as Practitioner).extension?.some((e) => e.url === HEALER_EXT);
  const role = JSON.parse(row.content) as PractitionerRole;
  if ((role.specialty ?? []).some((s) => s.coding?.some((c) => c.system === SPECIALTY))) return true;
  const practitioner = refKey(role.practitioner, 'Practitioner');
  return practitioner ? isHealer(t, practitioner) : false;
}
