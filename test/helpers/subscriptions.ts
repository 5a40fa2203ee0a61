import { request } from './http.js';
import { startReceiver, waitFor, type Receiver } from './receiver.js';
import { startTestServer, type TestServer } from './server.js';

export interface SubscriptionHarness {
  /** The FHIR base URL of the test server (set in beforeAll). */
  readonly base: string;
  /** A receiving endpoint, closed after all tests. */
  receiver(): Promise<Receiver>;
  /** POSTs a Subscription (expects 201) and returns its id. */
  subscribe(body: Record<string, unknown>): Promise<string>;
  /** Waits until the Subscription's status is `active` (handshake done). */
  waitActive(id: string): Promise<void>;
}

/**
 * One test server with the given settings for a test file's subscription tests (started in beforeAll,
 * stopped in afterAll with every receiver it handed out).
 */
export function useSubscriptionServer(env: Record<string, string>): SubscriptionHarness {
  let server: TestServer | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    server = await startTestServer({ SUBSCRIPTION_ALLOWED_HOSTS: '127.0.0.1', ...env });
  });
  afterAll(async () => {
    await server?.stop();
    for (const r of receivers) await r.close();
  });
  const h: SubscriptionHarness = {
    get base(): string {
      if (!server) throw new Error('the subscription test server has not started');
      return server.base;
    },
    async receiver() {
      const r = await startReceiver();
      receivers.push(r);
      return r;
    },
    async subscribe(body) {
      const res = await request('POST', `${h.base}/Subscription`, body);
      expect(res.status).toBe(201);
      return res.json.id as string;
    },
    async waitActive(id) {
      await waitFor(async () => (await request('GET', `${h.base}/Subscription/${id}`)).json.status === 'active', 15_000, 'status active');
    },
  };
  return h;
}
