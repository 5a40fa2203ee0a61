import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import type { JWK } from 'jose';

/**
 * Referral messages as a partner facility sends them to `$process-message`, built and signed here
 * independently of the server's code: canonical JSON and the detached JWS (ES256) are written in this file.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const PARTNER_BASE = 'https://fhir.hospital-posadas.example.ar/fhir';
export const EVENTS = 'https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio';
export const EST = 'https://fhir.mspbs.gov.py/sid/establecimiento';
export const REFES = 'https://sisa.msal.gov.ar/REFES';
export const KEY_EXTENSION = 'https://fhir.mspbs.gov.py/StructureDefinition/py-clave-intercambio';

export interface TestKey {
  kid: string;
  priv: KeyObject;
  jwk: JWK;
}

export function newKey(kid: string): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, priv: privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256', use: 'sig' } };
}

/** The Endpoint extension that lists a partner's public key. */
export const keyExtension = (k: TestKey): Json => ({ url: KEY_EXTENSION, valueString: JSON.stringify(k.jwk) });

/** FHIR canonical JSON: members sorted at every depth, no whitespace. */
export function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x as Json).sort().map((k) => [k, sort((x as Json)[k])])) : x;
  return JSON.stringify(sort(v));
}

/** Bundle.signature as the exchange contract has it: a detached compact JWS (ES256) over the canonical JSON. */
export function signed<T extends Json>(b: T, key: TestKey): T {
  const { signature: _s, ...unsigned } = b as Json;
  const when = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const h = Buffer.from(JSON.stringify({ alg: 'ES256', kid: key.kid, sigT: when })).toString('base64url');
  const input = `${h}.${Buffer.from(canonical(unsigned)).toString('base64url')}`;
  const s = sign('sha256', Buffer.from(input), { key: key.priv, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return {
    ...unsigned,
    signature: {
      type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
      when,
      who: { display: 'Hospital Posadas' },
      targetFormat: 'application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json',
      sigFormat: 'application/jose',
      data: Buffer.from(`${h}..${s}`).toString('base64'),
    },
  } as T;
}

export interface MessageOptions {
  /** An IPS document (the server's own $summary): its Patient is replaced by `patient`. */
  template: Bundle;
  /** The receiving server's base URL (MessageHeader.destination). */
  destination: string;
  key: TestKey;
  patient: Json;
  source?: string;
  code?: Json;
  event?: string;
  /** Changes the IPS document before it is signed. */
  document?: (d: Json) => void;
}

/** A referral message as a partner sends it, signed (outer Bundle and nested IPS document) with o.key. */
export function referralMessage(o: MessageOptions): Json {
  const doc = JSON.parse(JSON.stringify(o.template)) as Json;
  delete doc.signature;
  doc.identifier = { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` };
  const pEntry = doc.entry.find((e: Json) => e.resource.resourceType === 'Patient');
  pEntry.resource = { ...o.patient, id: pEntry.resource.id };
  o.document?.(doc);
  const u = (): string => `urn:uuid:${randomUUID()}`;
  const [h, task, sr, pat, from, to, ips] = [u(), u(), u(), u(), u(), u(), u()];
  const b = {
    resourceType: 'Bundle',
    identifier: { system: 'https://fhir.mspbs.gov.py/sid/bundle', value: randomUUID() },
    type: 'message',
    timestamp: new Date().toISOString(),
    entry: [
      {
        fullUrl: h,
        resource: {
          resourceType: 'MessageHeader',
          id: h.slice(9),
          eventCoding: { system: EVENTS, code: o.event ?? 'derivacion-solicitud' },
          source: { endpoint: o.source ?? PARTNER_BASE },
          destination: [{ endpoint: o.destination }],
          sender: { reference: from },
          focus: [{ reference: task }],
        },
      },
      {
        fullUrl: task,
        resource: {
          resourceType: 'Task', identifier: [{ system: 'https://fhir.hospital-posadas.example.ar/sid/task', value: randomUUID() }],
          status: 'requested', intent: 'order', priority: 'urgent', authoredOn: new Date().toISOString(),
          code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
          focus: { reference: sr }, for: { reference: pat }, requester: { reference: from }, owner: { reference: to },
        },
      },
      {
        fullUrl: sr,
        resource: {
          resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'urgent',
          category: [{ coding: [{ system: 'http://snomed.info/sct', code: '103696004', display: 'Patient referral to specialist' }] }],
          code: o.code ?? { text: 'Cardiología' },
          subject: { reference: pat }, requester: { reference: from }, supportingInfo: [{ reference: ips }],
        },
      },
      { fullUrl: pat, resource: o.patient },
      { fullUrl: from, resource: { resourceType: 'Organization', identifier: [{ system: REFES, value: '10060702' }], name: 'Hospital Posadas', address: [{ country: 'AR' }] } },
      { fullUrl: to, resource: { resourceType: 'Organization', identifier: [{ system: EST, value: '11014101' }], name: 'Hospital General de San Lorenzo', address: [{ country: 'PY' }] } },
      { fullUrl: ips, resource: signed(doc, o.key) },
    ],
  };
  return signed(b, o.key);
}

export const person = (family: string, given: string, birthDate: string, gender: string, identifier: Json[]): Json => ({
  resourceType: 'Patient', ...(identifier.length ? { identifier } : {}), name: [{ family, given: given.split(' ') }], gender, birthDate,
});
