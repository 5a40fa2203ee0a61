import { createHash, randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, CompositionSection, Device, Patient, Resource } from '@medplum/fhirtypes';
import { MAX_SECTION_ENTRIES, type Lang2, type SectionDef } from './sections.js';

/**
 * The IPS document (IPS 2.0.0 Bundle-uv-ips): a document Bundle with an identifier and timestamp, the
 * Composition (Composition-uv-ips, LOINC 60591-5) first, then the Patient, the resources of each section, the
 * Medications they name and the Device that assembled it (the server: a software-assembled IPS, its author).
 * Every entry's fullUrl is `urn:uuid:` + its id, a name-based UUID (RFC 4122 version 5, URL namespace) of the
 * resource's address on this server, so one resource keeps its UUID from one summary to the next; references
 * between included resources point to those fullUrls, references to anything else become absolute URLs of
 * this server.
 */
export const BUNDLE_IPS = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
export const COMPOSITION_IPS = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Composition-uv-ips';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SectionContent {
  def: SectionDef;
  resources: Resource[];
  /** More than MAX_SECTION_ENTRIES matched: the first (newest) are shown. */
  truncated: boolean;
  /** Some of its resource types the requester may not read: emptyReason `withheld` when nothing else is there. */
  withheld: boolean;
}

export interface DocumentInput {
  baseUrl: string;
  lang: Lang2;
  patient: Patient;
  sections: SectionContent[];
  medications: Resource[];
  now?: Date;
}

export interface IpsDocument {
  bundle: Bundle;
  /** The Device that assembled the document (its author, and the signer). */
  device: string;
}

const TEXT = {
  title: { en: 'International Patient Summary', es: 'Resumen Internacional del Paciente (IPS)' },
  of: { en: 'Patient', es: 'Paciente' },
  generated: { en: 'Assembled by the server on', es: 'Armado por el servidor el' },
  truncated: { en: `Only the first ${MAX_SECTION_ENTRIES} are listed; the record holds more.`, es: `Solo se listan los primeros ${MAX_SECTION_ENTRIES}; el registro tiene más.` },
  unavailable: { en: 'No information available', es: 'Sin información disponible' },
  withheld: { en: 'Not included: the requester may not read these records.', es: 'No incluido: quien lo pidió no puede leer estos registros.' },
  partlyWithheld: { en: 'Some records of this section are not included: the requester may not read them.', es: 'Algunos registros de esta sección no se incluyen: quien lo pidió no puede leerlos.' },
};
const EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';

export function buildIpsDocument(input: DocumentInput): IpsDocument {
  const { baseUrl, lang, patient } = input;
  const now = (input.now ?? new Date()).toISOString();
  const urn = new Map<string, string>();
  const entries: Resource[] = [];
  const add = (r: Resource): string => {
    const key = `${r.resourceType}/${r.id}`;
    let u = urn.get(key);
    if (!u) {
      u = uuidV5(`${baseUrl}/${key}`);
      urn.set(key, u);
      entries.push(r);
    }
    return `urn:uuid:${u}`;
  };
  const patientRef = add(patient);
  const device: Device = {
    resourceType: 'Device',
    id: 'hms-ops',
    deviceName: [{ name: 'HMS-OPS', type: 'user-friendly-name' }],
    url: baseUrl,
  };
  const deviceRef = add(device);
  const sections: CompositionSection[] = [];
  const medication = (ref: string): Json | undefined => input.medications.find((m) => `Medication/${m.id}` === ref || `${baseUrl}/Medication/${m.id}` === ref) as Json | undefined;
  for (const s of input.sections) {
    if (s.resources.length === 0 && !s.def.required && !s.withheld) continue;
    const section: CompositionSection = {
      title: s.def.title[lang],
      code: { coding: [{ system: 'http://loinc.org', code: s.def.loinc, display: s.def.display }] },
      text: { status: 'generated', div: '' },
    };
    if (s.resources.length === 0 && s.withheld) {
      section.text!.div = div(`<p>${esc(TEXT.withheld[lang])}</p>`);
      section.emptyReason = { coding: [{ system: EMPTY_REASON, code: 'withheld', display: 'Information Withheld' }], text: TEXT.withheld[lang] };
    } else if (s.resources.length === 0) {
      section.text!.div = div(`<p>${esc(s.def.none[lang])}</p>`);
      section.emptyReason = { coding: [{ system: EMPTY_REASON, code: 'unavailable', display: 'Unavailable' }], text: TEXT.unavailable[lang] };
    } else {
      section.entry = s.resources.map((r) => ({ reference: add(r) }));
      const rows = s.resources.map((r) => `<tr>${s.def.row(r as Json, medication).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
      const head = `<tr>${s.def.columns[lang].map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
      const notes = [...(s.truncated ? [TEXT.truncated[lang]] : []), ...(s.withheld ? [TEXT.partlyWithheld[lang]] : [])].map((t) => `<p>${esc(t)}</p>`).join('');
      section.text!.div = div(`<table><thead>${head}</thead><tbody>${rows}</tbody></table>${notes}`);
    }
    sections.push(section);
  }
  for (const m of input.medications) add(m);

  const bundleId = randomUUID();
  const name = patientName(patient);
  const composition: Composition = {
    resourceType: 'Composition',
    id: randomUUID(),
    meta: { profile: [COMPOSITION_IPS] },
    language: lang,
    text: { status: 'generated', div: div(`<p><b>${esc(TEXT.title[lang])}</b></p><p>${esc(TEXT.of[lang])}: ${esc(name)}</p><p>${esc(TEXT.generated[lang])} ${esc(now)}</p>`) },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${bundleId}` },
    status: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: patientRef, ...(name ? { display: name } : {}) },
    date: now,
    author: [{ reference: deviceRef, display: 'HMS-OPS' }],
    title: `${TEXT.title[lang]}${name ? ` — ${name}` : ''}`,
    section: sections,
  };
  const compositionUrn = `urn:uuid:${composition.id}`;
  const resolve = (ref: string): string | undefined => {
    const m = /^(?:(.*)\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref);
    if (!m || (m[1] !== undefined && m[1] !== baseUrl)) return undefined;
    const u = m[4] ? undefined : urn.get(`${m[2]}/${m[3]}`);
    return u ? `urn:uuid:${u}` : m[1] === undefined ? `${baseUrl}/${ref}` : undefined;
  };
  const entry: BundleEntry[] = [
    { fullUrl: compositionUrn, resource: composition },
    ...entries.map((r) => {
      const u = urn.get(`${r.resourceType}/${r.id}`)!;
      const copy = relink({ ...r, id: u }, resolve) as Resource;
      return { fullUrl: `urn:uuid:${u}`, resource: copy };
    }),
  ];
  return {
    bundle: {
      resourceType: 'Bundle',
      id: bundleId,
      meta: { profile: [BUNDLE_IPS] },
      language: lang,
      identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${bundleId}` },
      type: 'document',
      timestamp: now,
      entry,
    },
    device: deviceRef,
  };
}

/** A copy with every Reference.reference rewritten by resolve (relative ones it does not know made absolute). */
export function relink(v: unknown, resolve: (ref: string) => string | undefined): unknown {
  if (Array.isArray(v)) return v.map((x) => relink(x, resolve));
  if (v === null || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) {
    if (k === 'reference' && typeof x === 'string') out[k] = resolve(x) ?? x;
    else if (k === 'text' && (v as Json).resourceType) out[k] = x; // the narrative is kept as written
    else out[k] = relink(x, resolve);
  }
  return out;
}

function patientName(p: Patient): string {
  const n = p.name?.[0];
  if (!n) return '';
  return n.text ?? [...(n.given ?? []), n.family ?? ''].join(' ').trim();
}

function div(inner: string): string {
  return `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** RFC 4122 version 5 UUID of a URL (namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8). */
export function uuidV5(name: string): string {
  const ns = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
