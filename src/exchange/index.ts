import type { Feature } from '../features.js';
import { defineOperation } from '../operations/registry.js';
import { registerProcessMessage } from './inbound/index.js';
import './messages.js';
import { startOutbound, type Outbound } from './outbound/index.js';
import { ExchangeKeys } from './signature/index.js';
import { summaryOperation } from './summary.js';

/**
 * Exchange with partners (cross-border and national nodes). What the server sends out: the patient's IPS
 * document (`Patient/$summary`, summary.ts, document.ts, sections.ts) and its signature (signature/: canonical
 * JSON, detached JWS in Bundle.signature, the server's exchange keys), with the public keys published at
 * EXCHANGE_JWKS_PATH for partners to verify; referrals and counter-referrals sent to partners as signed message
 * Bundles through a durable outbox (`ServiceRequest/$send`, outbound/). What it receives: partners' signed
 * referral messages at `$process-message` (inbound/, partners/).
 */
export const EXCHANGE_JWKS_PATH = '/fhir/.well-known/exchange-jwks.json';
export { verifyBundleSignature, type VerifyFailure, type VerifyResult } from './signature/index.js';

let registered = false;

export function exchangeFeature(): Feature {
  let keys: ExchangeKeys | undefined;
  let timer: NodeJS.Timeout | undefined;
  let outbound: Outbound | undefined;
  const current = (): ExchangeKeys => {
    if (!keys) throw new Error('exchange feature not started');
    return keys;
  };
  return {
    name: 'exchange',
    async start(s) {
      // EXCHANGE_SIGNING_KEY_FILE (src/config.ts)
      const file = s.config.exchangeSigningKeyFile;
      keys = file ? await ExchangeKeys.fromFile(file) : await ExchangeKeys.fromDatabase(s.db);
      s.log.info({ source: keys.source, kid: keys.current().kid, alg: keys.current().alg }, 'exchange signing key');
      if (keys.source === 'database') {
        const k = keys;
        timer = setInterval(() => void k.refresh().catch((err: unknown) => s.log.warn({ err }, 'exchange keys refresh failed')), 10_000);
        timer.unref();
      }
      // ServiceRequest/$send and the outbox worker (outbound/): EXCHANGE_OUTBOX_*, EXCHANGE_ORGANIZATION
      const c = s.config;
      outbound = await startOutbound(s, () => current(), {
        checkMs: c.exchangeOutboxCheckMs,
        timeoutMs: c.exchangeOutboxTimeoutMs,
        retryBaseMs: c.exchangeOutboxRetryBaseMs,
        retryMaxMs: c.exchangeOutboxRetryMaxMs,
        maxAttempts: c.exchangeOutboxMaxAttempts,
        organization: c.exchangeOrganization,
      });
      if (registered) return;
      registered = true;
      defineOperation({
        name: 'summary',
        levels: ['type', 'instance'],
        types: ['Patient'],
        definition: 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary',
        affectsState: false,
        documentation:
          'The International Patient Summary (IPS 2.0.0) of a patient, by id or by identifier: problems, allergies and medications (emptyReason when none is held), immunizations, procedures, results and vital signs, as the requester may read them; signed=true adds Bundle.signature (JWS, detached, over the canonical JSON).',
        handler: (s, ctx, call) => summaryOperation(s, ctx, call, () => current()),
      });
      registerProcessMessage(() => current());
    },
    routes(app) {
      app.get(EXCHANGE_JWKS_PATH, (_req, res) => {
        res.setHeader('Cache-Control', 'max-age=60');
        res.json(current().jwks());
      });
    },
    async stop() {
      if (timer) clearInterval(timer);
      await outbound?.stop();
    },
  };
}
