import type { Endpoint } from '@medplum/fhirtypes';
import type { JWK } from 'jose';

/**
 * The trust list of one partner: the public keys (JWK, with kid) listed on its active Endpoints in the
 * extension py-clave-intercambio, one JSON text per repetition. A key that does not parse, has no kid, holds a
 * private part or is neither EC P-256 nor RSA is left out (and named, so the caller can log it): a partner's
 * typing error never makes the server trust something else. Rotation needs nothing here: the Endpoint lists
 * the new key beside the old one, and the old one stops verifying when it is removed.
 */
export const KEY_EXTENSION = 'https://fhir.mspbs.gov.py/StructureDefinition/py-clave-intercambio';
/** Most keys read from one partner (its Endpoints together). */
export const MAX_PARTNER_KEYS = 20;

export interface TrustedKeys {
  keys: JWK[];
  /** Extension values left out, with why (for the log). */
  ignored: { endpoint: string; reason: string }[];
}

export function trustedKeys(endpoints: Endpoint[]): TrustedKeys {
  const keys: JWK[] = [];
  const ignored: TrustedKeys['ignored'] = [];
  for (const ep of endpoints) {
    for (const ext of ep.extension ?? []) {
      if (ext.url !== KEY_EXTENSION) continue;
      const reason = check(ext.valueString);
      if (reason) ignored.push({ endpoint: `Endpoint/${ep.id}`, reason });
      else if (keys.length < MAX_PARTNER_KEYS) keys.push(JSON.parse(ext.valueString!) as JWK);
    }
  }
  return { keys, ignored };
}

function check(text: string | undefined): string | undefined {
  if (!text) return 'no valueString';
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'not a JSON object';
  if (typeof jwk.kid !== 'string' || jwk.kid === '') return 'no kid';
  if ('d' in jwk || 'p' in jwk) return 'holds a private key';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') return undefined;
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string') return undefined;
  return 'neither an EC P-256 nor an RSA public key';
}
