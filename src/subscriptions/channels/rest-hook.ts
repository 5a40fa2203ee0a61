import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { SubscriptionSpec } from '../model.js';

export interface PostResult {
  ok: boolean;
  error?: string;
}

/**
 * Keep-alive agents shared by every delivery of this process: a busy endpoint reuses its connections instead of
 * paying a TCP (and TLS) handshake per notification. Sockets per host are bounded generously; the number of
 * deliveries in flight is bounded by SUBSCRIPTION_CONCURRENCY anyway.
 */
const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const };
const httpAgent = new HttpAgent(agentOptions);
const httpsAgent = new HttpsAgent(agentOptions);

/**
 * One request to a rest-hook endpoint (POST with the notification; classic subscriptions that ask for delete
 * messages get a DELETE of [endpoint]/[type]/[id]): the subscription's headers, a hard timeout (a hanging
 * endpoint costs at most that long, and only its own subscription waits), no redirects followed, body drained.
 */
export function post(spec: SubscriptionSpec, body: string | undefined, contentType: string, timeoutMs: number, method: 'POST' | 'DELETE' = 'POST', url = spec.endpoint as string): Promise<PostResult> {
  const headers: Record<string, string> = {};
  for (const [k, v] of spec.headers) headers[k] = v;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    headers['Content-Length'] = String(Buffer.byteLength(body));
  } else if (method === 'POST') headers['Content-Length'] = '0';
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: 'bad endpoint' });
  }
  return send(target, method, headers, body, timeoutMs, true);
}

function send(target: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, mayRetry: boolean): Promise<PostResult> {
  const https = target.protocol === 'https:';
  return new Promise<PostResult>((resolve) => {
    let done = false;
    const finish = (r: PostResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = (https ? httpsRequest : httpRequest)(target, { method, headers, agent: https ? httpsAgent : httpAgent }, (res: IncomingMessage) => {
      res.on('error', () => undefined);
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        finish(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` });
      });
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timeout after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: Error & { code?: string }) => {
      // A kept-alive connection the endpoint closed meanwhile: try once more on a fresh one.
      if (!done && mayRetry && req.reusedSocket && err.code === 'ECONNRESET') {
        done = true;
        clearTimeout(timer);
        resolve(send(target, method, headers, body, timeoutMs, false));
        return;
      }
      finish({ ok: false, error: err.code ?? err.message });
    });
    req.end(body);
  });
}
