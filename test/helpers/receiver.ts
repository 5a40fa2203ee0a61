import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

/** A real HTTP endpoint for rest-hook tests: records every POST; answers with `status` (or hangs). */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  status: number;
  hang: boolean;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', received: [], status: 200, hang: false, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (r.hang) return;
      if (r.status >= 200 && r.status < 300) {
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        r.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, at: Date.now() });
      }
      res.statusCode = r.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status Parameters (first entry) of a notification bundle, as a name → value map. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function statusOf(bundle: any): { type: string; status: string; eventsSince: string; numbers: string[]; topic?: string } {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const params: any[] = bundle.entry[0].resource.parameter;
  const get = (n: string): string | undefined => {
    const p = params.find((x) => x.name === n);
    return p?.valueCode ?? p?.valueString ?? p?.valueCanonical;
  };
  return {
    type: get('type') as string,
    status: get('status') as string,
    eventsSince: get('events-since-subscription-start') as string,
    topic: get('topic'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    numbers: params.filter((x) => x.name === 'notification-event').map((x) => x.part.find((p: any) => p.name === 'event-number').valueString),
  };
}

/** A websocket client that records text messages. */
export async function connectWs(url: string): Promise<{ ws: WebSocket; messages: string[]; close(): void }> {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  ws.on('message', (d) => messages.push(String(d)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, close: () => ws.close() };
}

export const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const TOPIC = 'https://fhir.mspbs.gov.py/SubscriptionTopic';

/** A backport (topic-based) rest-hook Subscription. */
export function topicSubscription(
  topic: string,
  endpoint: string,
  opts: { filters?: string[]; content?: string; headers?: string[]; heartbeat?: number; channel?: 'rest-hook' | 'websocket'; maxCount?: number } = {},
): Record<string, unknown> {
  const channelExt = [];
  if (opts.heartbeat) channelExt.push({ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: opts.heartbeat });
  if (opts.maxCount) channelExt.push({ url: `${BACKPORT}/backport-max-count`, valuePositiveInt: opts.maxCount });
  return {
    resourceType: 'Subscription',
    meta: { profile: [`${BACKPORT}/backport-subscription`] },
    status: 'requested',
    reason: 'test',
    criteria: topic,
    ...(opts.filters ? { _criteria: { extension: opts.filters.map((f) => ({ url: `${BACKPORT}/backport-filter-criteria`, valueString: f })) } } : {}),
    channel: {
      ...(channelExt.length ? { extension: channelExt } : {}),
      type: opts.channel ?? 'rest-hook',
      ...(opts.channel === 'websocket' ? {} : { endpoint }),
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: opts.content ?? 'id-only' }] },
      ...(opts.headers ? { header: opts.headers } : {}),
    },
  };
}
