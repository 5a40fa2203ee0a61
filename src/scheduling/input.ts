import type { Appointment, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';
import { assertValidInput, paramString, paramValue, type OperationCall } from '../operations/registry.js';
import { instantOf, UTC_OFFSET_MIN } from './model.js';

/**
 * Every input of the scheduling operations is read and checked here, before any handler works with it:
 * a bad one is a 400 OperationOutcome naming the parameter.
 */
export const MAX_FIND_DAYS = 62;
export const MAX_FIND_COUNT = 100;
const CODE = /^[^\s|]{1,128}$/;
const TOKEN = /^([^\s|]{0,256}\|)?[^\s|]{1,128}$/;
const REF = /^([A-Z][A-Za-z]+\/)?[A-Za-z0-9\-.]{1,64}$/;
const NUM = '-?\\d{1,3}(\\.\\d{1,12})?';
const NEAR = new RegExp(`^${NUM}\\|${NUM}(\\|\\d{1,6}(\\.\\d{1,6})?(\\|(km|m|mi|\\[mi_i\\]))?)?$`);

export interface FindInput {
  start: number;
  end: number;
  serviceType?: string;
  specialty?: string;
  practitioner?: string;
  location?: string;
  language?: string;
  careType?: string;
  mode?: string;
  patient?: string;
  /** Where: a department or district (DGEEC codes, `[system|]code`), near a position (`lat|lon[|distance[|units]]`). */
  department?: string;
  district?: string;
  near?: string;
  count: number;
}

const bad = (name: string, value: string): FhirError => new FhirError(400, 'invalid', 'badParam', [name, value]);

function token(call: OperationCall, name: string, re = TOKEN): string | undefined {
  const v = paramString(call.params, name)?.trim();
  if (v === undefined || v === '') return undefined;
  if (!re.test(v)) throw bad(name, v);
  return v;
}

function reference(call: OperationCall, name: string, type: string): string | undefined {
  const raw = paramValue(call.params, name);
  const v = typeof raw === 'object' && raw !== null && 'reference' in raw ? String((raw as { reference: unknown }).reference) : paramString(call.params, name);
  if (v === undefined || v === '') return undefined;
  if (!REF.test(v) || (v.includes('/') && !v.startsWith(`${type}/`))) throw bad(name, v);
  return v.includes('/') ? v : `${type}/${v}`;
}

function instant(call: OperationCall, name: string, required: boolean, end = false): number | undefined {
  const v = paramString(call.params, name);
  if (v === undefined) {
    if (required) throw new FhirError(400, 'required', 'scheduling.missingParam', [name]);
    return undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(v)) throw bad(name, v);
  const t = instantOf(v, end);
  if (t === undefined) throw bad(name, v);
  return t;
}

export function findInput(call: OperationCall): FindInput {
  const start = instant(call, 'start', true)!;
  const end = instant(call, 'end', true, true)!;
  if (end <= start) throw new FhirError(400, 'invalid', 'scheduling.endBeforeStart', [paramString(call.params, 'start')!, paramString(call.params, 'end')!]);
  if (end - start > MAX_FIND_DAYS * 86_400_000) throw new FhirError(400, 'too-costly', 'scheduling.periodTooLong', [MAX_FIND_DAYS]);
  const countRaw = paramString(call.params, '_count');
  if (countRaw !== undefined && !/^\d{1,4}$/.test(countRaw)) throw bad('_count', countRaw);
  const count = Math.min(Math.max(countRaw === undefined ? 10 : Number(countRaw), 1), MAX_FIND_COUNT);
  return {
    start,
    end,
    serviceType: token(call, 'service-type'),
    specialty: token(call, 'specialty'),
    practitioner: reference(call, 'practitioner', 'Practitioner'),
    location: reference(call, 'location', 'Location'),
    patient: reference(call, 'patient', 'Patient'),
    language: token(call, 'language', CODE),
    careType: token(call, 'care-type', CODE),
    mode: token(call, 'visit-mode', CODE),
    department: token(call, 'department'),
    district: token(call, 'district'),
    near: token(call, 'near', NEAR),
    count,
  };
}

/** The Appointment given to $hold or $book: the `appointment` parameter (also `appointment-resource`, Argonaut's `appt-resource`) or the body. */
export function appointmentInput(call: OperationCall): Appointment {
  let r = (paramValue(call.params, 'appointment') ?? paramValue(call.params, 'appointment-resource') ?? paramValue(call.params, 'appt-resource') ?? call.resource) as Resource | undefined;
  if (r === undefined) throw new FhirError(400, 'required', 'scheduling.missingParam', ['appointment']);
  if (typeof r !== 'object' || Array.isArray(r) || r.resourceType !== 'Appointment') throw new FhirError(400, 'invalid', 'scheduling.notAnAppointment', ['appointment']);
  assertValidInput(r);
  r = r as Appointment;
  if (!(r.slot ?? []).some((s) => typeof s.reference === 'string' && /^Slot\/[A-Za-z0-9\-.]{1,64}$/.test(s.reference))) throw new FhirError(400, 'required', 'scheduling.noSlot', []);
  if (!(r.participant ?? []).some((p) => /^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(p.actor?.reference ?? ''))) throw new FhirError(400, 'required', 'scheduling.noPatient', []);
  return r as Appointment;
}

export interface FlowInput {
  location?: string;
  practitioner?: string;
  serviceType?: string;
  /** The local day, YYYY-MM-DD (today in Paraguay when not given). */
  date: string;
}

/** Appointment/$flow: a location, practitioner or service type (at least one) and an optional day. */
export function flowInput(call: OperationCall): FlowInput {
  const location = reference(call, 'location', 'Location');
  const practitioner = reference(call, 'practitioner', 'Practitioner');
  const serviceType = token(call, 'service-type');
  if (!location && !practitioner && !serviceType) throw new FhirError(400, 'required', 'scheduling.missingParam', ['location | practitioner | service-type']);
  const raw = paramString(call.params, 'date');
  if (raw !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || instantOf(raw) === undefined)) throw bad('date', raw);
  const date = raw ?? new Date(Date.now() + UTC_OFFSET_MIN * 60_000).toISOString().slice(0, 10);
  return { ...(location ? { location } : {}), ...(practitioner ? { practitioner } : {}), ...(serviceType ? { serviceType } : {}), date };
}
