import type { Bundle } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcome.js';
import type { Partner } from '../partners/index.js';
import { verifyBundleSignature } from '../signature/index.js';

/**
 * Step 4 of $process-message: the message's signature, and that of the IPS document it carries, verified with
 * the keys of the partner the message names as its source, and only those (partners/trust.ts). Answers:
 * - no signature: 400 (security) — checked with the shape, before the partner is looked up;
 * - unreadable (not application/jose, not a detached compact JWS, an algorithm other than ES256/RS256): 400;
 * - signed with a key (kid) not on the partner's active Endpoints: 403, untrusted key;
 * - the signature does not match the content (changed after signing — tampered — or signed by another key
 *   under a listed kid): 400. Not 401: nothing about the HTTP request's credentials is wrong, and a
 *   WWW-Authenticate challenge would offer nothing that helps.
 */
export function verifyMessage(bundle: Bundle, document: Bundle, partner: Partner): void {
  check(bundle, 'the message', partner);
  check(document, 'the IPS document', partner);
}

function check(b: Bundle, what: string, partner: Partner): void {
  const r = verifyBundleSignature(b, { keys: partner.trust.keys });
  if (r.ok) return;
  switch (r.reason) {
    case 'no-signature':
      throw new FhirError(400, 'security', 'inbound.unsigned', [what]);
    case 'unknown-key':
      throw new FhirError(403, 'security', 'inbound.untrustedKey', [what, kidOf(b) ?? '(none)', partner.organization.name ?? `Organization/${partner.organization.id}`]);
    case 'bad-signature':
      throw new FhirError(400, 'security', 'inbound.badSignature', [what]);
    default:
      throw new FhirError(400, 'security', 'inbound.malformedSignature', [what, r.reason]);
  }
}

/** The kid of the signature's protected header, for the message (when it can be read). */
function kidOf(b: Bundle): string | undefined {
  try {
    const jws = Buffer.from(b.signature?.data ?? '', 'base64').toString('latin1');
    const header = JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
