import { randomBytes } from 'node:crypto';
import type { Bundle, BundleEntry, Parameters, Subscription } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { defineOperation, paramString, type OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { parseSubscription, type PayloadContent, type SubscriptionSpec } from './model.js';
import { loadEvents, notificationBundle, statusParameters } from './notification.js';
import { numberPending } from './numbering.js';

const OPS = 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition';
const TOKEN_TTL_S = 600;

interface StateRow {
  content: string;
  status: string;
  events: string;
  last_error: string | null;
}

async function loadSubscriptions(s: Services, ids?: string[], statuses?: string[]): Promise<{ spec: SubscriptionSpec; row: StateRow }[]> {
  // Counts and event lists include every committed event: number what is still in the inbox first.
  await numberPending(s.db, true);
  const { rows } = await s.db.query<StateRow>(
    `SELECT r.content, s.status, c.events::text AS events, s.last_error FROM subscription_state s
     JOIN subscription_counter c ON c.sub_id = s.sub_id
     JOIN resource r ON r.res_type = 'Subscription' AND r.res_id = s.sub_id AND NOT r.deleted
     WHERE ($1::text[] IS NULL OR s.sub_id = ANY($1)) AND ($2::text[] IS NULL OR s.status = ANY($2)) ORDER BY s.sub_id LIMIT 1000`,
    [ids ?? null, statuses ?? null],
  );
  const out: { spec: SubscriptionSpec; row: StateRow }[] = [];
  for (const row of rows) {
    try {
      out.push({ spec: parseSubscription(JSON.parse(row.content) as Subscription), row });
    } catch {
      // unparsable stored subscription: not reported
    }
  }
  return out;
}

function list(call: OperationCall, name: string): string[] | undefined {
  const values = (call.params.parameter ?? []).filter((p) => p.name === name).flatMap((p) => String(p.valueString ?? p.valueId ?? p.valueCode ?? p.valueUri ?? '').split(','));
  const clean = values.map((v) => v.replace(/^Subscription\//, '').trim()).filter(Boolean);
  return clean.length ? clean : undefined;
}

function ok(body: Bundle | Parameters): FhirResponse {
  return { status: 200, headers: {}, body };
}

function number(call: OperationCall, name: string): number | undefined {
  const v = paramString(call.params, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new FhirError(400, 'invalid', 'subscriptions.badNumber', [name]);
  return Number(v);
}

/** The Subscriptions among `found` the requester may read (access rules of security; as if the others did not exist). */
async function readableOnly(s: Services, ctx: RequestContext, found: { spec: SubscriptionSpec; row: StateRow }[]): Promise<{ spec: SubscriptionSpec; row: StateRow }[]> {
  const ok = await s.store.readable(ctx, found.map((f) => ({ type: 'Subscription', id: f.spec.id, f })));
  return ok.map((x) => x.f);
}

/**
 * The events of a notification bundle as the requester may see them: an event whose focus the requester may
 * not read now (or that no longer exists) is left out — its entry, and its focus in the status — so the bundle
 * names no resource the requester could not read; a full-resource entry keeps its resource only when that
 * version is readable too (e.g. it carried no label the requester lacks). Event numbers stay as they are.
 */
async function withoutUnreadable(s: Services, ctx: RequestContext, bundle: Bundle): Promise<Bundle> {
  const [head, ...events] = bundle.entry ?? [];
  if (!head || events.length === 0) return bundle;
  const prefix = `${ctx.baseUrl}/`;
  const keyOf = (e: BundleEntry): string | undefined => (e.fullUrl?.startsWith(prefix) ? e.fullUrl.slice(prefix.length) : undefined);
  const keys = [...new Set(events.map(keyOf).filter((k): k is string => k !== undefined))];
  const focus = keys.map((k) => ({ type: k.slice(0, k.indexOf('/')), id: k.slice(k.indexOf('/') + 1), k }));
  const now = new Set((await s.store.readable(ctx, focus)).map((x) => x.k));
  const kept = events.filter((e) => now.has(keyOf(e) ?? ''));
  const withResource = kept.filter((e) => e.resource?.id);
  const ok = new Set(await s.store.readable(ctx, withResource.map((e) => ({ type: e.resource?.resourceType as string, id: e.resource?.id as string, content: JSON.stringify(e.resource), e }))).then((r) => r.map((x) => x.e)));
  for (const e of withResource) if (!ok.has(e)) delete e.resource;
  if (kept.length < events.length) {
    const hidden = new Set(events.filter((e) => !kept.includes(e)).map((e) => e.fullUrl));
    const status = head.resource as Parameters | undefined;
    for (const p of status?.parameter ?? []) {
      if (p.name === 'notification-event') p.part = p.part?.filter((x) => !(x.name === 'focus' && hidden.has(x.valueReference?.reference)));
    }
  }
  bundle.entry = [head, ...kept];
  return bundle;
}

/** $status, $events and $get-ws-binding-token of the R4 Subscriptions Backport IG. */
export function registerOperations(): void {
  defineOperation({
    name: 'status',
    levels: ['type', 'instance'],
    types: ['Subscription'],
    definition: `${OPS}/backport-subscription-status`,
    affectsState: false,
    documentation: 'Status of one or more Subscriptions: a searchset Bundle of SubscriptionStatus Parameters',
    async handler(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
      const ids = call.level === 'instance' ? [call.id as string] : list(call, 'id');
      const found = await readableOnly(s, ctx, await loadSubscriptions(s, ids, list(call, 'status')));
      if (call.level === 'instance' && found.length === 0) throw new FhirError(404, 'not-found', 'subscriptions.notSubscription', [call.id as string]);
      return ok({
        resourceType: 'Bundle',
        type: 'searchset',
        total: found.length,
        entry: found.map(({ spec, row }) => ({
          resource: statusParameters(spec, ctx.baseUrl, 'query-status', { status: row.status, events: row.events, error: row.last_error ?? undefined }, []),
          search: { mode: 'match' },
        })),
      });
    },
  });

  defineOperation({
    name: 'events',
    levels: ['instance'],
    types: ['Subscription'],
    definition: `${OPS}/backport-subscription-events`,
    affectsState: false,
    documentation: 'Events of a Subscription by number (eventsSinceNumber, eventsUntilNumber, content), as a notification Bundle of type query-event',
    async handler(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
      const [found] = await loadSubscriptions(s, [call.id as string]);
      if (!found) throw new FhirError(404, 'not-found', 'subscriptions.notSubscription', [call.id as string]);
      const total = Number(found.row.events);
      const since = number(call, 'eventsSinceNumber') ?? Math.max(1, total - 99);
      const until = Math.min(number(call, 'eventsUntilNumber') ?? total, total);
      const content = paramString(call.params, 'content') as PayloadContent | undefined;
      if (content && !['empty', 'id-only', 'full-resource'].includes(content)) throw new FhirError(400, 'invalid', 'subscriptions.payloadContent', [content]);
      const events = await loadEvents(s.db, found.spec.id, since - 1, until, 1000);
      const bundle = await notificationBundle(s.db, found.spec, ctx.baseUrl, 'query-event', { status: found.row.status, events: found.row.events }, events, content ?? found.spec.content);
      return ok(await withoutUnreadable(s, ctx, bundle));
    },
  });

  defineOperation({
    name: 'get-ws-binding-token',
    levels: ['type', 'instance'],
    types: ['Subscription'],
    definition: `${OPS}/backport-subscription-get-ws-binding-token`,
    affectsState: false,
    documentation: 'A token to bind a websocket to websocket-channel Subscriptions (send "bind-with-token <token>" on [base]/ws)',
    async handler(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
      const ids = call.level === 'instance' ? [call.id as string] : (list(call, 'id') ?? []);
      const found = await readableOnly(s, ctx, await loadSubscriptions(s, ids));
      for (const id of ids) {
        const f = found.find((x) => x.spec.id === id);
        if (!f) throw new FhirError(404, 'not-found', 'subscriptions.notSubscription', [id]);
        if (f.spec.channel !== 'websocket') throw new FhirError(400, 'invalid', 'subscriptions.notWebsocket', [id]);
      }
      if (ids.length === 0) throw new FhirError(400, 'required', 'subscriptions.notSubscription', ['(id)']);
      const token = randomBytes(24).toString('base64url');
      const { rows } = await s.db.query<{ expires: string }>(
        `INSERT INTO subscription_ws_token (token, sub_ids, expires) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires`,
        [token, ids, TOKEN_TTL_S],
      );
      await s.db.query('DELETE FROM subscription_ws_token WHERE expires < now()');
      const wsUrl = `${ctx.baseUrl.replace(/^http/, 'ws')}/ws`;
      return ok({
        resourceType: 'Parameters',
        parameter: [
          { name: 'token', valueString: token },
          { name: 'expiration', valueDateTime: new Date(rows[0].expires).toISOString() },
          ...ids.map((id) => ({ name: 'subscription', valueString: `Subscription/${id}` })),
          { name: 'websocket-url', valueUrl: wsUrl },
        ],
      });
    },
  });
}
