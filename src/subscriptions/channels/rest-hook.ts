import type { SubscriptionSpec } from '../model.js';

export interface PostResult {
  ok: boolean;
  error?: string;
}

/**
 * One POST to a rest-hook endpoint: the subscription's headers, a hard timeout (a hanging endpoint
 * costs at most that long, and only its own subscription waits), no redirects followed, body drained.
 */
export async function post(spec: SubscriptionSpec, body: string | undefined, contentType: string, timeoutMs: number): Promise<PostResult> {
  const headers: Record<string, string> = {};
  for (const [k, v] of spec.headers) headers[k] = v;
  if (body !== undefined) headers['Content-Type'] = contentType;
  try {
    const res = await fetch(spec.endpoint as string, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    return { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, error: e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e.cause?.code ?? e.message) };
  }
}
