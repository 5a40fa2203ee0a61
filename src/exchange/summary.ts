import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { errors, FhirError } from '../fhir/outcome.js';
import type { OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { searchStore } from '../store/search-in.js';
import { BUNDLE_IPS, buildIpsDocument, COMPOSITION_IPS, type SectionContent } from './document.js';
import { codeKey, MAX_SECTION_ENTRIES, SECTIONS, type Lang2 } from './sections.js';
import { signBundle, type ExchangeKeys } from './signature/index.js';

/**
 * Patient/$summary (IPS 2.0.0, http://hl7.org/fhir/uv/ips/OperationDefinition/summary): the IPS document of
 * a patient, named by id (`Patient/[id]/$summary`) or by `identifier` (`Patient/$summary?identifier=system|value`,
 * exactly one match), from what the server holds and the requester may read: every search runs as the
 * requester, so scopes and facility policies decide what the document contains (and a patient outside them is
 * a 404). `signed=true` returns it with Bundle.signature (signature/). `profile` may name the IPS Bundle or
 * Composition profile (the only one built). At most MAX_SECTION_ENTRIES resources per section.
 */
const PARAMS = new Set(['identifier', 'profile', 'signed']);
const PROFILES = new Set([BUNDLE_IPS, `${BUNDLE_IPS}|2.0.0`, COMPOSITION_IPS, `${COMPOSITION_IPS}|2.0.0`]);
const TOKEN = /^(?:[^|\s][^|]{0,255}\|)?[^|]{1,256}$/;

interface Input {
  identifier?: string;
  signed: boolean;
}

/** Every input checked here, before any work: 400 for anything else. */
function readInput(call: OperationCall): Input {
  if (call.resource) throw errors.badRequest('exchange.badParam', 'body', call.resource.resourceType);
  const seen = new Map<string, string>();
  for (const p of call.params.parameter ?? []) {
    if (!PARAMS.has(p.name)) throw new FhirError(400, 'not-supported', 'exchange.unknownParam', [p.name]);
    if (seen.has(p.name)) throw errors.badRequest('exchange.repeatedParam', p.name);
    const v = p.valueString ?? p.valueCanonical ?? p.valueUri ?? p.valueCode ?? (p.valueBoolean !== undefined ? String(p.valueBoolean) : undefined) ?? (p.valueIdentifier ? `${p.valueIdentifier.system ? `${p.valueIdentifier.system}|` : ''}${p.valueIdentifier.value ?? ''}` : undefined);
    if (v === undefined) throw errors.badRequest('exchange.badParam', p.name, JSON.stringify(p));
    seen.set(p.name, v);
  }
  const identifier = seen.get('identifier');
  if (identifier !== undefined && !TOKEN.test(identifier)) throw errors.badRequest('exchange.badParam', 'identifier', identifier);
  const profile = seen.get('profile');
  if (profile !== undefined && !PROFILES.has(profile)) throw new FhirError(400, 'not-supported', 'exchange.unsupportedProfile', [profile, BUNDLE_IPS]);
  const signed = seen.get('signed') ?? 'false';
  if (signed !== 'true' && signed !== 'false') throw errors.badRequest('exchange.badParam', 'signed', signed);
  if (call.id && identifier !== undefined) throw errors.badRequest('exchange.idAndIdentifier');
  if (!call.id && identifier === undefined) throw new FhirError(400, 'required', 'exchange.needPatient');
  return { identifier, signed: signed === 'true' };
}

export async function summaryOperation(s: Services, ctx: RequestContext, call: OperationCall, keys: () => ExchangeKeys): Promise<FhirResponse> {
  const input = readInput(call);
  const patient = await findPatient(s, ctx, call.id, input.identifier);
  const body = await patientSummary(s, ctx, patient, input.signed ? keys() : undefined);
  return { status: 200, headers: {}, body };
}

/**
 * The IPS document of a patient already read as the requester, signed when keys are given: what
 * Patient/$summary answers, and what a referral message carries (outbound/).
 */
export async function patientSummary(s: Services, ctx: RequestContext, patient: Patient, keys?: ExchangeKeys): Promise<Bundle> {
  const sections = await gather(s, ctx, patient.id!);
  const medications = await namedMedications(s, ctx, sections);
  const lang: Lang2 = ctx.lang === 'en' ? 'en' : 'es';
  const doc = buildIpsDocument({ baseUrl: ctx.baseUrl, lang, patient, sections, medications });
  return keys ? signBundle(doc.bundle, keys.current(), { reference: doc.device, display: 'HMS-OPS' }) : doc.bundle;
}

async function findPatient(s: Services, ctx: RequestContext, id: string | undefined, identifier: string | undefined): Promise<Patient> {
  if (id !== undefined) {
    const row = await s.store.read(ctx, 'Patient', id);
    if (!row || !row.content) throw errors.notFound('notFound', `Patient/${id}`);
    if (row.deleted) throw errors.gone(`Patient/${id}`);
    return JSON.parse(row.content) as Patient;
  }
  const found = await searchStore<Patient>(s, ctx, 'Patient', [['identifier', identifier!]], 2);
  if (found.length === 0) throw errors.notFound('exchange.noPatient', identifier!);
  if (found.length > 1) throw new FhirError(422, 'multiple-matches', 'exchange.manyPatients', [identifier!]);
  return found[0];
}

/**
 * Each section's resources: its searches (MAX_SECTION_ENTRIES + 1 each, to tell when there are more), filtered.
 * A search of a type the requester may not read at all (no scope or no policy for it) leaves the section
 * `withheld` instead of failing the whole document; what the requester may read of a type is all it gets.
 */
async function gather(s: Services, ctx: RequestContext, patientId: string): Promise<SectionContent[]> {
  const out: SectionContent[] = [];
  for (const def of SECTIONS) {
    let found: Resource[] = [];
    let withheld = false;
    for (const q of def.queries) {
      const rows = await readable(() => searchStore(s, ctx, q.type, [[q.patient, `Patient/${patientId}`], ...q.criteria], MAX_SECTION_ENTRIES + 1));
      if (rows) found.push(...rows);
      else withheld = true;
    }
    if (def.keep) found = found.filter((r) => def.keep!(r as unknown as Record<string, unknown>));
    if (def.latestPerCode) {
      const seen = new Set<string>();
      found = found.filter((r) => !seen.has(codeKey(r)) && Boolean(seen.add(codeKey(r))));
    }
    out.push({ def, resources: found.slice(0, MAX_SECTION_ENTRIES), truncated: found.length > MAX_SECTION_ENTRIES, withheld });
  }
  return out;
}

/** The Medications the medication section names by reference on this server (as the requester may read them). */
async function namedMedications(s: Services, ctx: RequestContext, sections: SectionContent[]): Promise<Resource[]> {
  const ids = new Set<string>();
  for (const sec of sections) {
    for (const r of sec.resources) {
      const ref = (r as { medicationReference?: { reference?: string } }).medicationReference?.reference;
      const m = ref ? /^(?:.*\/)?Medication\/([A-Za-z0-9\-.]{1,64})$/.exec(ref) : null;
      if (m && (!ref!.includes('://') || ref!.startsWith(`${ctx.baseUrl}/`))) ids.add(m[1]);
    }
  }
  if (ids.size === 0) return [];
  return (await readable(() => searchStore(s, ctx, 'Medication', [['_id', [...ids].join(',')]], MAX_SECTION_ENTRIES))) ?? [];
}

/** A search's resources, or undefined when the requester may not read that type at all (403): the section says so. */
async function readable(search: () => Promise<Resource[]>): Promise<Resource[] | undefined> {
  try {
    return await search();
  } catch (err) {
    if (err instanceof FhirError && err.status === 403) return undefined;
    throw err;
  }
}
