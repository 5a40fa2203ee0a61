import type { OwnerSnapshot } from '../security/principal.js';
import { parseSearchRequest, type SearchRequest } from '@medplum/core';
import type { Extension, Subscription } from '@medplum/fhirtypes';
import { isResourceType } from '../fhir/definitions.js';
import { findTopic, type Interaction, type TopicDefinition } from './topics/index.js';

/** The R4 Subscriptions Backport IG's extensions and profiles. */
export const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const EXT = {
  filterCriteria: `${BACKPORT}/backport-filter-criteria`,
  heartbeatPeriod: `${BACKPORT}/backport-heartbeat-period`,
  timeout: `${BACKPORT}/backport-timeout`,
  maxCount: `${BACKPORT}/backport-max-count`,
  payloadContent: `${BACKPORT}/backport-payload-content`,
  channelType: `${BACKPORT}/backport-channel-type`,
  topicCanonical: `${BACKPORT}/capabilitystatement-subscriptiontopic-canonical`,
};
/** HAPI FHIR's channel extension asking classic subscriptions to notify deletes too (valueBoolean). */
export const SEND_DELETE_MESSAGES = 'http://hapifhir.io/fhir/StructureDefinition/subscription-send-delete-messages';
export const STATUS_PROFILE = `${BACKPORT}/backport-subscription-status-r4`;

export type PayloadContent = 'empty' | 'id-only' | 'full-resource';
export type ChannelType = 'rest-hook' | 'websocket';

/** One parsed filter: the type it applies to, the interactions (generic topic) and the search to match. */
export interface Filter {
  resourceType: string;
  interactions?: Interaction[];
  search: SearchRequest;
}

/** A Subscription resource, parsed once into what matching and delivery need. */
export interface SubscriptionSpec {
  id: string;
  /** topic: R4 backport (criteria = topic canonical); classic: R4 criteria search string. */
  kind: 'topic' | 'classic';
  topic?: TopicDefinition;
  /** The canonical the client gave (status Parameters echo it). */
  topicUrl?: string;
  filters: Filter[];
  channel: ChannelType;
  endpoint?: string;
  headers: [string, string][];
  /** The MIME type of channel.payload (classic: absent means an empty POST). */
  payloadMime?: string;
  content: PayloadContent;
  heartbeatSeconds?: number;
  timeoutSeconds?: number;
  maxCount: number;
  status: Subscription['status'];
  end?: string;
  /** Subscription.end in epoch milliseconds: no event fires from then on. */
  endMs?: number;
  /** Classic only: a delete of a resource whose last version matched the criteria fires too (HAPI's extension). */
  sendDeleteMessages: boolean;
  /**
   * The requester that last wrote the Subscription (authorization on): a change fires it only when this owner
   * may read the changed resource (outbox.ts, ownersOnly). Absent: every match fires.
   */
  owner?: OwnerSnapshot;
}

/** Why a Subscription cannot be accepted: message key of the subscriptions catalog and its parameters. */
export class SpecError extends Error {
  constructor(
    readonly key: string,
    readonly params: string[] = [],
  ) {
    super(key);
  }
}

function ext(list: Extension[] | undefined, url: string): Extension[] {
  return (list ?? []).filter((e) => e.url === url);
}

function parseFilter(criteria: string): Filter {
  const q = criteria.indexOf('?');
  const type = q < 0 ? criteria : criteria.slice(0, q);
  if (!isResourceType(type)) throw new SpecError('badCriteria', [criteria]);
  let search: SearchRequest;
  try {
    search = parseSearchRequest(criteria);
  } catch (err) {
    throw new SpecError('badCriteria', [`${criteria}: ${(err as Error).message}`]);
  }
  let interactions: Interaction[] | undefined;
  const rest = (search.filters ?? []).filter((f) => {
    if (f.code !== '_interaction') return true;
    const values = f.value.split(',').map((v) => v.trim());
    if (!values.every((v) => v === 'create' || v === 'update' || v === 'delete')) throw new SpecError('badCriteria', [criteria]);
    interactions = [...(interactions ?? []), ...(values as Interaction[])];
    return false;
  });
  search = { ...search, filters: rest };
  return { resourceType: type, interactions, search };
}

/** Parses and checks a Subscription; throws SpecError on anything this server cannot honour. */
export function parseSubscription(sub: Subscription): SubscriptionSpec {
  const criteria = sub.criteria ?? '';
  const topic = findTopic(criteria);
  let spec: Pick<SubscriptionSpec, 'kind' | 'topic' | 'topicUrl' | 'filters'>;
  if (topic) {
    const filters = ext((sub as { _criteria?: { extension?: Extension[] } })._criteria?.extension, EXT.filterCriteria).map((e) => parseFilter(e.valueString ?? ''));
    for (const f of filters) {
      if (!topic.triggers.some((t) => t.resource === '*' || t.resource === f.resourceType)) throw new SpecError('filterType', [f.resourceType, criteria]);
    }
    spec = { kind: 'topic', topic, topicUrl: criteria, filters };
  } else if (/^https?:\/\//.test(criteria)) {
    throw new SpecError('unknownTopic', [criteria]);
  } else {
    spec = { kind: 'classic', filters: [parseFilter(criteria)] };
  }
  const channel = sub.channel ?? ({} as Subscription['channel']);
  const customType = ext(channel.type ? (channel as { _type?: { extension?: Extension[] } })._type?.extension : undefined, EXT.channelType)[0]?.valueCoding?.code;
  const type = customType ?? channel.type;
  if (type !== 'rest-hook' && type !== 'websocket') throw new SpecError('channelType', [String(type)]);
  if (type === 'rest-hook' && !channel.endpoint) throw new SpecError('endpointRequired');
  if (type === 'rest-hook') {
    let url: URL;
    try {
      url = new URL(channel.endpoint as string);
    } catch {
      throw new SpecError('badEndpoint', [String(channel.endpoint)]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SpecError('badEndpoint', [String(channel.endpoint)]);
  }
  const headers: [string, string][] = (channel.header ?? []).map((h) => {
    const i = h.indexOf(':');
    if (i <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h.slice(0, i).trim()) || /[\r\n]/.test(h)) throw new SpecError('badHeader', [h]);
    return [h.slice(0, i).trim(), h.slice(i + 1).trim()];
  });
  const payloadExt = ext((channel as { _payload?: { extension?: Extension[] } })._payload?.extension, EXT.payloadContent)[0]?.valueCode;
  let content: PayloadContent;
  if (spec.kind === 'topic') content = (payloadExt as PayloadContent | undefined) ?? 'id-only';
  else content = channel.payload ? 'full-resource' : 'empty';
  if (content !== 'empty' && content !== 'id-only' && content !== 'full-resource') throw new SpecError('payloadContent', [String(content)]);
  if (channel.payload && !/json/.test(channel.payload)) throw new SpecError('payloadMime', [channel.payload]);
  const num = (url: string): number | undefined => {
    const e = ext(channel.extension, url)[0];
    const v = e?.valueUnsignedInt ?? e?.valuePositiveInt ?? e?.valueInteger;
    return typeof v === 'number' && v >= 0 ? v : undefined;
  };
  return {
    id: sub.id as string,
    ...spec,
    channel: type,
    endpoint: channel.endpoint,
    headers,
    payloadMime: channel.payload,
    content,
    heartbeatSeconds: num(EXT.heartbeatPeriod) || undefined,
    timeoutSeconds: num(EXT.timeout) || undefined,
    maxCount: Math.min(num(EXT.maxCount) || 50, 500),
    status: sub.status,
    end: sub.end,
    endMs: sub.end && !Number.isNaN(Date.parse(sub.end)) ? Date.parse(sub.end) : undefined,
    sendDeleteMessages: spec.kind === 'classic' && ext(channel.extension, SEND_DELETE_MESSAGES)[0]?.valueBoolean === true,
  };
}
