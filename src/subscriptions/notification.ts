import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { STATUS_PROFILE, type PayloadContent, type SubscriptionSpec } from './model.js';

export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';

/** One outbox row. */
export interface EventRow {
  number: string;
  res_type: string;
  res_id: string;
  version: string;
  method: string;
  created: string;
}

export interface StatusInfo {
  status: string;
  events: string;
  error?: string;
}

/** Events of a subscription with numbers in (after, until], oldest first. */
export async function loadEvents(q: Queryable, subId: string, after: number, until: number, limit: number): Promise<EventRow[]> {
  const { rows } = await q.query<EventRow>(
    `SELECT number::text AS number, res_type, res_id, version::text AS version, method, created
     FROM subscription_event e WHERE e.sub_id = $1 AND e.number > $2 AND e.number <= $3 ORDER BY e.number LIMIT $4`,
    [subId, after, until, limit],
    'hms_sub_events',
  );
  return rows;
}

/** The stored versions the events point at (full-resource payloads), keyed "type/id/version". */
async function loadVersions(q: Queryable, events: EventRow[]): Promise<Map<string, string>> {
  const keys = events.filter((e) => e.method !== 'DELETE').map((e) => [e.res_type, e.res_id, e.version]);
  if (keys.length === 0) return new Map();
  const { rows } = await q.query<{ k: string; content: string }>(
    `SELECT h.res_type || '/' || h.res_id || '/' || h.version AS k, h.content FROM resource_history h
     JOIN (SELECT x->>0 AS t, x->>1 AS i, (x->>2)::bigint AS v FROM json_array_elements($1::json) x) w
       ON h.res_type = w.t AND h.res_id = w.i AND h.version = w.v`,
    [JSON.stringify(keys)],
    'hms_sub_versions',
  );
  return new Map(rows.map((r) => [r.k, r.content]));
}

export function statusParameters(spec: SubscriptionSpec, base: string, type: NotificationType, info: StatusInfo, events: EventRow[]): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: `${base}/Subscription/${spec.id}` } },
    { name: 'topic', valueCanonical: spec.topicUrl ?? '' },
    { name: 'status', valueCode: info.status },
    { name: 'type', valueCode: type },
    { name: 'events-since-subscription-start', valueString: info.events },
  ];
  if (spec.kind === 'classic') parameter.splice(1, 1);
  for (const e of events) {
    const part: ParametersParameter[] = [
      { name: 'event-number', valueString: e.number },
      { name: 'timestamp', valueInstant: new Date(e.created).toISOString() },
    ];
    if (spec.content !== 'empty') part.push({ name: 'focus', valueReference: { reference: `${base}/${e.res_type}/${e.res_id}` } });
    parameter.push({ name: 'notification-event', part });
  }
  if (info.error) parameter.push({ name: 'error', valueCodeableConcept: { text: info.error } });
  return { resourceType: 'Parameters', id: randomUUID(), meta: { profile: [STATUS_PROFILE] }, parameter };
}

const RESPONSE: Record<string, string> = { POST: '201', PUT: '200', PATCH: '200', DELETE: '204' };

/**
 * A notification Bundle (R4 backport): type history, first entry the SubscriptionStatus Parameters, then
 * one entry per event (id-only: fullUrl and request; full-resource: the version that caused the event).
 */
export async function notificationBundle(
  q: Queryable,
  spec: SubscriptionSpec,
  base: string,
  type: NotificationType,
  info: StatusInfo,
  events: EventRow[],
  content: PayloadContent = spec.content,
): Promise<Bundle> {
  const view = { ...spec, content };
  const entry: BundleEntry[] = [
    {
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: statusParameters(view, base, type, info, events),
      request: { method: 'GET', url: `${base}/Subscription/${spec.id}/$status` },
      response: { status: '200' },
    },
  ];
  if (content !== 'empty') {
    const versions = content === 'full-resource' ? await loadVersions(q, events) : new Map<string, string>();
    for (const e of events) {
      const stored = versions.get(`${e.res_type}/${e.res_id}/${e.version}`);
      entry.push({
        fullUrl: `${base}/${e.res_type}/${e.res_id}`,
        ...(stored ? { resource: JSON.parse(stored) as Resource } : {}),
        request: { method: e.method === 'PATCH' ? 'PUT' : (e.method as 'POST' | 'PUT' | 'DELETE'), url: e.method === 'POST' ? e.res_type : `${e.res_type}/${e.res_id}` },
        response: { status: RESPONSE[e.method] ?? '200' },
      });
    }
  }
  return { resourceType: 'Bundle', id: randomUUID(), type: 'history', timestamp: new Date().toISOString(), entry };
}

/** Classic R4 rest-hook body: the resource itself (payload set), or nothing. */
export async function classicBody(q: Queryable, spec: SubscriptionSpec, e: EventRow): Promise<string | undefined> {
  if (!spec.payloadMime) return undefined;
  const versions = await loadVersions(q, [e]);
  return versions.get(`${e.res_type}/${e.res_id}/${e.version}`);
}
