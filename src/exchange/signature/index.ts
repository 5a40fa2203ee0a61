/**
 * Signing what the server sends to partners: FHIR canonical JSON (canonical.ts), the detached JWS in
 * Bundle.signature and its verification (jws.ts), and the server's exchange keys (keys.ts).
 */
export { canonicalBytes, canonicalJson } from './canonical.js';
export { SIGNATURE_TYPE, SIG_FORMAT, TARGET_FORMAT, signBundle, verifyBundleSignature, type VerifyFailure, type VerifyResult } from './jws.js';
export { ExchangeKeys, type ExchangeKey, type SigningAlg } from './keys.js';
