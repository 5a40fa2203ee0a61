import type { Bundle, Identifier, Organization, Patient, Provenance, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { create, update } from '../../interactions/write.js';
import { newId } from '../../interactions/resource.js';
import { searchIn } from '../../store/search-in.js';
import type { StoreTransaction } from '../../store/store.js';
import type { Partner } from '../partners/index.js';
import type { ExchangeKey } from '../signature/index.js';
import { auditEvent } from './audit.js';
import { identifierToken } from './identifiers.js';
import { BUNDLE_SID, type InboundMessage } from './input.js';
import { matchPatient, type MatchResult } from './match.js';
import { findReceipt, storeReceipt } from './receipt.js';
import { responseBundle } from './response.js';
import { PY_PATIENT } from './validate.js';

/**
 * Steps 7 and 8 of $process-message, in one store transaction under the message identifier's lock (so two
 * copies arriving together import once): the receipt is read again (a copy that got in first answers), the
 * patient matched (match.ts), then written: the Patient (new; or the matched one with the identifiers it
 * lacked), the IPS document as a Bundle, the ServiceRequest, the Task for the receiving facility (owner), a
 * Task revisar-identidad when the match needs a person, one Provenance (target: everything written, at its
 * version; agent: the partner; entity: the message identifier; the message's signature), the AuditEvent and the
 * receipt with the response. References between the message's entries become references to what was written;
 * the origin Organization becomes the partner held here; other urn:uuid references keep their display only.
 */
export const REVIEW_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-tarea-intercambio';

export interface ImportInput {
  message: InboundMessage;
  /** The message's resources after code translation. */
  patient: Patient;
  serviceRequest: ServiceRequest;
  task: Task;
  partner: Partner;
  facility: Organization;
  digest: string;
  baseUrl: string;
  key: ExchangeKey;
}

export async function importMessage(t: StoreTransaction, i: ImportInput): Promise<Bundle> {
  const m = i.message;
  await t.lock([`exchange-message/${m.identifier}`]);
  const again = await findReceipt(t.tx, m.identifier);
  if (again) return again.response;

  const match = await matchPatient(t, i.patient);
  const ids = { sr: newId(), task: newId(), doc: newId() };
  const written: Reference[] = [];
  const ref = (type: string, r: { id?: string; version?: number }): Reference => ({ reference: `${type}/${r.id}/_history/${r.version}` });

  // the Patient
  let patientId: string;
  if (match.kind === 'matched') {
    patientId = match.patient.id!;
    // identifiers of systems the patient has none of (one of a system it has with another value is not added)
    const held = new Set((match.patient.identifier ?? []).map((x) => x.system));
    const added = (i.patient.identifier ?? []).filter((x: Identifier) => x.system && x.value && !held.has(x.system));
    if (added.length) {
      const { meta: _meta, ...rest } = match.patient;
      written.push(ref('Patient', await update(t, 'Patient', patientId, { ...rest, meta: keepProfiles(match.patient), identifier: [...(match.patient.identifier ?? []), ...added] } as Patient)));
    }
  } else {
    const r = await create(t, { ...strip(i.patient), meta: { profile: [...new Set([...(i.patient.meta?.profile ?? []), PY_PATIENT])] } } as Patient);
    patientId = r.id!;
    written.push(ref('Patient', r));
  }

  // references of the message → what is written here
  const local = new Map<string, string>();
  const urlOf = (r: Resource): string | undefined => [...m.byUrl].find(([, x]) => x === r)?.[0];
  const put = (r: Resource | undefined, to: string): void => {
    const u = r && urlOf(r);
    if (u) local.set(u, to);
  };
  put(m.patient, `Patient/${patientId}`);
  put(m.serviceRequest, `ServiceRequest/${ids.sr}`);
  put(m.task, `Task/${ids.task}`);
  put(m.document, `Bundle/${ids.doc}`);
  put(m.owner, `Organization/${i.facility.id}`);
  const partnerRef = `Organization/${i.partner.organization.id}`;
  for (const [u, r] of m.byUrl) if (r.resourceType === 'Organization' && !local.has(u)) local.set(u, partnerRef);

  // the document as received, validated in step 5 against IPS's Bundle profile (validate.ts): not again
  const doc = await create(t, strip(m.document) as Bundle, { id: ids.doc, prevalidated: true });
  const sr = await create(t, rewrite(strip(i.serviceRequest), local) as ServiceRequest, { id: ids.sr });
  const task: Task = { ...(rewrite(strip(i.task), local) as Task), owner: { reference: `Organization/${i.facility.id}`, ...(i.facility.name ? { display: i.facility.name } : {}) } };
  if (task.partOf?.length) task.partOf = (await Promise.all(task.partOf.map((p) => partOf(t, p)))) as Task['partOf'];
  const tk = await create(t, task, { id: ids.task });
  written.push(ref('Bundle', doc), ref('ServiceRequest', sr), ref('Task', tk));
  if (match.kind === 'review') written.push(ref('Task', await create(t, reviewTask(match, patientId, i))));

  await create(t, provenance(written, i));
  await create(t, auditEvent({ identifier: m.identifier, event: m.event, source: m.source, partner: i.partner.organization, outcome: 'accepted', description: describe(match), imported: [{ reference: `Task/${ids.task}` }, { reference: `Patient/${patientId}` }] }));
  const response = responseBundle(m, i.baseUrl, i.facility, ids.task, i.key);
  await storeReceipt(t.tx, m.identifier, { source: m.source, digest: i.digest, response });
  return response;
}

function describe(match: MatchResult): string {
  if (match.kind === 'matched') return `imported; patient matched by ${match.by} (Patient/${match.patient.id}, score ${match.score})`;
  if (match.kind === 'review') return `imported; patient created, identity to review (${match.candidates.length} candidates)`;
  return 'imported; new patient';
}

function keepProfiles(r: Resource): Resource['meta'] {
  return r.meta?.profile ? { profile: r.meta.profile } : undefined;
}

/** Without the sender's id and meta (its profiles kept). */
function strip<T extends Resource>(r: T): T {
  const { id: _id, meta, ...rest } = r;
  const m = keepProfiles({ ...r, meta } as Resource);
  return (m ? { ...rest, meta: m } : rest) as T;
}

/** Every urn:uuid reference mapped to what was written; one to an entry not written keeps its display only. */
function rewrite(v: unknown, local: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, local));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = rewrite(x, local);
  const r = out.reference;
  if (typeof r === 'string' && r.startsWith('urn:uuid:')) {
    const to = local.get(r);
    if (to) out.reference = to;
    else {
      delete out.reference;
      if (!out.display && !out.identifier) out.display = 'not imported';
    }
  }
  return out;
}

/** Task.partOf names the original referral Task by identifier: its reference added when it is held here. */
async function partOf(t: StoreTransaction, p: Reference): Promise<Reference> {
  const token = p.identifier ? identifierToken(p.identifier) : undefined;
  if (p.reference || !token) return p;
  const found = await searchIn<Task>(t, 'Task', { identifier: token }, 2);
  return found.length === 1 ? { ...p, reference: `Task/${found[0].id}` } : p;
}

function reviewTask(match: Extract<MatchResult, { kind: 'review' }>, patientId: string, i: ImportInput): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: REVIEW_SYSTEM, code: 'revisar-identidad', display: 'Revisar identidad' }] },
    description: `Paciente recibido del socio ${i.partner.organization.name ?? i.partner.organization.id} (mensaje ${i.message.identifier}): ¿es alguno de los ${match.candidates.length} pacientes candidatos?`,
    focus: { reference: `Patient/${patientId}` },
    for: { reference: `Patient/${patientId}` },
    authoredOn: new Date().toISOString(),
    owner: { reference: `Organization/${i.facility.id}` },
    input: match.candidates.slice(0, 20).map((c) => ({
      type: { coding: [{ system: REVIEW_SYSTEM, code: 'candidato', display: 'Candidato' }] },
      valueReference: { reference: `Patient/${c.patient.id}`, display: `score ${c.score}` },
    })),
  };
}

function provenance(target: Reference[], i: ImportInput): Provenance {
  return {
    resourceType: 'Provenance',
    target,
    occurredDateTime: i.message.bundle.timestamp,
    recorded: new Date().toISOString(),
    agent: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
        who: { reference: `Organization/${i.partner.organization.id}`, ...(i.partner.organization.name ? { display: i.partner.organization.name } : {}) },
      },
    ],
    entity: [{ role: 'source', what: { identifier: { system: BUNDLE_SID, value: i.message.identifier }, display: `message ${i.message.event}` } }],
    ...(i.message.bundle.signature ? { signature: [i.message.bundle.signature] } : {}),
  };
}
