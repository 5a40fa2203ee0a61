import type { Identifier, Patient } from '@medplum/fhirtypes';
import { preferredSystem } from '../../terminology/sources.js';

/**
 * Foreign identifiers onto the patient: each identifier's system is replaced by the preferred URI of the
 * guide's NamingSystem that lists it among its uniqueIds (terminology/naming-systems.fsh), so a DNI sent as
 * `urn:oid:2.16.32` becomes `http://www.renaper.gob.ar/dni`, a CPF of the RNDS form becomes
 * `https://saude.gov.br/fhir/sid/cpf`; systems no NamingSystem lists are kept. The same system|value twice is
 * kept once.
 */
export function mapIdentifiers(patient: Patient): Patient {
  const seen = new Set<string>();
  const identifier: Identifier[] = [];
  for (const id of patient.identifier ?? []) {
    const system = id.system ? preferredSystem(id.system) : undefined;
    const key = `${system ?? ''}|${id.value ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    identifier.push(system ? { ...id, system } : id);
  }
  return identifier.length ? { ...patient, identifier } : patient;
}

/** system|value of an identifier, as a token search takes it (`\`, `,`, `|` and `$` escaped). */
export function identifierToken(id: Identifier): string | undefined {
  if (!id.system || !id.value) return undefined;
  const esc = (v: string): string => v.replace(/[\\,|$]/g, (c) => `\\${c}`);
  return `${esc(id.system)}|${esc(id.value)}`;
}
