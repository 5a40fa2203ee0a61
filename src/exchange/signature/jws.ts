import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Bundle, Signature } from '@medplum/fhirtypes';
import type { JWK } from 'jose';
import { canonicalBytes } from './canonical.js';
import { ALGS, type ExchangeKey, type SigningAlg } from './keys.js';

/**
 * Bundle.signature as Da Vinci CDex writes it: a JWS (RFC 7515) with detached payload in compact serialization
 * (`header..signature`, Appendix F), whose payload is the canonical JSON (canonical.ts) of the Bundle without
 * its `signature`; the JWS text, base64-encoded again, is Signature.data. The protected header carries `alg`
 * (ES256, or RS256), `kid` (the key in the published JWKS) and `sigT` (the claimed signing time, ETSI JAdES,
 * UTC to the second, equal to Signature.when).
 */
export const SIGNATURE_TYPE = { system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" };
export const SIG_FORMAT = 'application/jose';
export const TARGET_FORMAT = 'application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json';

/** The Bundle with its signature: `who` signs (the server's Device or Organization), at `when`. */
export function signBundle(bundle: Bundle, key: ExchangeKey, who: Signature['who'], when: Date = new Date()): Bundle {
  const { signature: _ignored, ...unsigned } = bundle;
  const sigT = when.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const jws = detachedJws(canonicalBytes(unsigned), { alg: key.alg, kid: key.kid, sigT }, key.signer);
  const signature: Signature = {
    type: [SIGNATURE_TYPE],
    when: sigT,
    who,
    targetFormat: TARGET_FORMAT,
    sigFormat: SIG_FORMAT,
    data: Buffer.from(jws, 'ascii').toString('base64'),
  };
  return { ...unsigned, signature };
}

/** A compact JWS with detached payload: `base64url(header)..base64url(signature)`. */
export function detachedJws(payload: Buffer, header: { alg: SigningAlg; kid: string; sigT: string }, signer: KeyObject): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const input = Buffer.from(`${h}.${payload.toString('base64url')}`, 'ascii');
  return `${h}..${rawSign(header.alg, input, signer).toString('base64url')}`;
}

function rawSign(alg: SigningAlg, input: Buffer, key: KeyObject): Buffer {
  return alg === 'ES256' ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', input, key);
}

function rawVerify(alg: SigningAlg, input: Buffer, key: KeyObject, sig: Buffer): boolean {
  return alg === 'ES256' ? verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig) : verify('sha256', input, key, sig);
}

/**
 * Why a signature does not verify:
 * - `no-signature`: the Bundle has no signature, or one without data;
 * - `not-jose`: sigFormat is not application/jose;
 * - `malformed`: data is not base64 of a compact JWS with detached payload, its header is not a JSON object, or
 *   it names critical parameters (`crit`) this verifier does not implement;
 * - `unsupported-alg`: the header's alg is not ES256 or RS256;
 * - `unknown-key`: no key of the JWKS has the header's kid (or it is not a key for that alg);
 * - `bad-signature`: the signature does not match the canonical JSON of the Bundle as received (changed since
 *   it was signed, or signed by another key).
 */
export type VerifyFailure = 'no-signature' | 'not-jose' | 'malformed' | 'unsupported-alg' | 'unknown-key' | 'bad-signature';
export type VerifyResult = { ok: true; kid: string; alg: SigningAlg; sigT?: string } | { ok: false; reason: VerifyFailure };

/**
 * Verifies a Bundle's signature against a JWKS (a partner's, or the server's own): decode Signature.data, take
 * the Bundle without its signature, canonicalize it, put it back as the JWS payload, check the signature with
 * the key the header's kid names. Trust in the key (a partner list, certificates) is the caller's.
 */
export function verifyBundleSignature(bundle: Bundle, jwks: { keys: JWK[] }): VerifyResult {
  const fail = (reason: VerifyFailure): VerifyResult => ({ ok: false, reason });
  const sig = bundle.signature;
  if (!sig?.data) return fail('no-signature');
  if (sig.sigFormat !== SIG_FORMAT) return fail('not-jose');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sig.data)) return fail('malformed');
  const m = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/.exec(Buffer.from(sig.data, 'base64').toString('latin1'));
  if (!m) return fail('malformed');
  let header: { alg?: unknown; kid?: unknown; sigT?: unknown; crit?: unknown };
  try {
    header = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as typeof header;
  } catch {
    return fail('malformed');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header) || header.crit !== undefined) return fail('malformed');
  const alg = header.alg;
  if (typeof alg !== 'string' || !ALGS.includes(alg as SigningAlg)) return fail('unsupported-alg');
  const jwk = jwks.keys.find((k) => k.kid === header.kid && (k.alg === undefined || k.alg === alg) && k.kty === (alg === 'ES256' ? 'EC' : 'RSA'));
  if (!jwk || typeof header.kid !== 'string') return fail('unknown-key');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JWK & { kty: string }, format: 'jwk' });
  } catch {
    return fail('unknown-key');
  }
  const { signature: _ignored, ...unsigned } = bundle;
  const input = Buffer.from(`${m[1]}.${canonicalBytes(unsigned).toString('base64url')}`, 'ascii');
  if (!rawVerify(alg as SigningAlg, input, key, Buffer.from(m[2], 'base64url'))) return fail('bad-signature');
  return { ok: true, kid: header.kid, alg: alg as SigningAlg, ...(typeof header.sigT === 'string' ? { sigT: header.sigT } : {}) };
}
