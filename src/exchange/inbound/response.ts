import { randomUUID } from 'node:crypto';
import type { Bundle, MessageHeader, Organization } from '@medplum/fhirtypes';
import { signBundle, type ExchangeKey } from '../signature/index.js';
import { BUNDLE_SID, type InboundMessage } from './input.js';

/**
 * The answer to an accepted message: a Bundle `message` whose MessageHeader answers the received one
 * (response.identifier = its id, code ok), from this server (source.endpoint = its base URL, sender = the
 * receiving facility) to the partner (destination = the message's source), with focus the Task opened here;
 * signed with the server's exchange key as Patient/$summary signs. Stored with the receipt, so a resend gets
 * exactly this Bundle again.
 */
export function responseBundle(m: InboundMessage, baseUrl: string, facility: Organization, taskId: string, key: ExchangeKey): Bundle {
  const id = randomUUID();
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id,
    eventCoding: m.header.eventCoding!,
    destination: [{ endpoint: m.source }],
    sender: { reference: `${baseUrl}/Organization/${facility.id}`, ...(facility.name ? { display: facility.name } : {}) },
    source: { endpoint: baseUrl, name: 'HMS-OPS' },
    response: { identifier: m.headerId, code: 'ok' },
    focus: [{ reference: `${baseUrl}/Task/${taskId}` }],
  };
  const bundle: Bundle = {
    resourceType: 'Bundle',
    identifier: { system: BUNDLE_SID, value: randomUUID() },
    type: 'message',
    timestamp: new Date().toISOString(),
    entry: [{ fullUrl: `urn:uuid:${id}`, resource: header }],
  };
  return signBundle(bundle, key, header.sender!);
}
