import { createHash } from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import type { Queryable } from '../../db/database.js';
import { canonicalBytes } from '../signature/index.js';

/**
 * Step 2 of $process-message, idempotency: table exchange_message (migration 21) keeps, per message identifier
 * (Bundle.identifier.value), the partner's address, the SHA-256 of the canonical JSON of the message without
 * its signature, and the response it got. A resend with the same content is answered from here before
 * anything else is checked (so it still answers after the key that signed it was retired), and nothing more
 * is stored. The same identifier with other content goes through every check; once its signature verifies for
 * the same partner it gets the stored response too (nothing is imported twice), from another partner a 409.
 */
export interface Receipt {
  source: string;
  digest: string;
  response: Bundle;
}

export function digestOf(bundle: Bundle): string {
  const { signature: _ignored, ...unsigned } = bundle;
  return createHash('sha256').update(canonicalBytes(unsigned)).digest('hex');
}

export async function findReceipt(q: Queryable, identifier: string): Promise<Receipt | undefined> {
  const { rows } = await q.query<{ source: string; digest: string; response: string }>('SELECT source, digest, response FROM exchange_message WHERE identifier = $1', [identifier]);
  return rows[0] ? { source: rows[0].source, digest: rows[0].digest, response: JSON.parse(rows[0].response) as Bundle } : undefined;
}

export async function storeReceipt(q: Queryable, identifier: string, r: Receipt): Promise<void> {
  await q.query('INSERT INTO exchange_message (identifier, source, digest, response) VALUES ($1, $2, $3, $4)', [identifier, r.source, r.digest, JSON.stringify(r.response)]);
}
