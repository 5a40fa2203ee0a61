import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One POST of a message to a partner's `[base]/$process-message`: a hard timeout, no redirects followed, at
 * most MAX_REPLY bytes of the answer read. What came of it:
 * - `delivered`: 2xx (with the identifier of the partner's response message Bundle, when it sent one);
 * - `refused`: 4xx other than 408 and 429 — the partner will not take this message, sending it again would
 *   not help (with the text of its OperationOutcome);
 * - `unreachable`: no answer (refused connection, timeout, reset), 5xx, 408, 429 — worth trying again.
 */
export type PostOutcome =
  | { kind: 'delivered'; status: number; responseId?: string }
  | { kind: 'refused'; status: number; reason: string }
  | { kind: 'unreachable'; status?: number; reason: string };

const MAX_REPLY = 1024 * 1024;
const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 16, maxFreeSockets: 4 };
const httpAgent = new HttpAgent(agentOptions);
const httpsAgent = new HttpsAgent(agentOptions);

export function processMessageUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/$process-message`;
}

export function postMessage(address: string, body: string, timeoutMs: number): Promise<PostOutcome> {
  let target: URL;
  try {
    target = new URL(processMessageUrl(address));
  } catch {
    return Promise.resolve({ kind: 'refused', status: 0, reason: `not a URL: ${address}` });
  }
  const https = target.protocol === 'https:';
  return new Promise<PostOutcome>((resolve) => {
    let done = false;
    const finish = (r: PostOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const headers = { 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json', 'Content-Length': String(Buffer.byteLength(body)) };
    const req = (https ? httpsRequest : httpRequest)(target, { method: 'POST', headers, agent: https ? httpsAgent : httpAgent }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_REPLY) chunks.push(c);
      });
      res.on('error', (err: Error) => finish({ kind: 'unreachable', reason: err.message }));
      res.on('end', () => finish(judge(res.statusCode ?? 0, size <= MAX_REPLY ? Buffer.concat(chunks).toString('utf8') : '')));
    });
    const timer = setTimeout(() => {
      finish({ kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: Error & { code?: string }) => finish({ kind: 'unreachable', reason: err.code ?? err.message }));
    req.end(body);
  });
}

function judge(status: number, text: string): PostOutcome {
  let json: Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  if (status >= 200 && status < 300) {
    const id = json?.resourceType === 'Bundle' ? (json.identifier?.value ?? json.id) : undefined;
    return { kind: 'delivered', status, ...(typeof id === 'string' ? { responseId: id.slice(0, 200) } : {}) };
  }
  const reason = `HTTP ${status}${outcomeText(json) ? `: ${outcomeText(json)}` : ''}`.slice(0, 1000);
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { kind: 'refused', status, reason };
  return { kind: 'unreachable', status, reason };
}

/** The issues' texts of an OperationOutcome (details.text, else diagnostics). */
function outcomeText(json: Record<string, any> | undefined): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (json?.resourceType !== 'OperationOutcome' || !Array.isArray(json.issue)) return '';
  return (json.issue as Record<string, any>[]) // eslint-disable-line @typescript-eslint/no-explicit-any
    .map((i) => (typeof i?.details?.text === 'string' ? i.details.text : typeof i?.diagnostics === 'string' ? i.diagnostics : ''))
    .filter(Boolean)
    .join('; ');
}
