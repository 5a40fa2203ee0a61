import { Ajv } from 'ajv';

/** Every setting of the server, read from environment variables and checked against a JSON Schema. */
export interface Config {
  port: number;
  host: string;
  baseUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize: number;
  maxBodyBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  defaultPageSize: number;
  maxPageSize: number;
  subscriptionAllowedHosts: string;
  subscriptionTimeoutMs: number;
  subscriptionMaxPayloadBytes: number;
  subscriptionRetryBaseMs: number;
  subscriptionRetryMaxMs: number;
  subscriptionErrorAfter: number;
  subscriptionConcurrency: number;
  subscriptionPollMs: number;
}

/** Environment variable → config key, with its documentation (rendered into the README). */
export const SETTINGS: { env: string; key: keyof Config; type: 'integer' | 'string'; doc: string }[] = [
  { env: 'PORT', key: 'port', type: 'integer', doc: 'HTTP port (default 8080; 0 picks a free one).' },
  { env: 'HOST', key: 'host', type: 'string', doc: 'Interface to listen on (default 127.0.0.1).' },
  { env: 'BASE_URL', key: 'baseUrl', type: 'string', doc: 'Public base URL of the FHIR endpoint, used in Location headers and bundle links (default http://HOST:PORT/fhir).' },
  { env: 'DATABASE_URL', key: 'databaseUrl', type: 'string', doc: 'postgres:// URL of a PostgreSQL server. Unset: embedded PGlite in DATA_DIR.' },
  { env: 'DATA_DIR', key: 'dataDir', type: 'string', doc: 'Folder of the embedded database (default ./data).' },
  { env: 'DB_POOL_SIZE', key: 'dbPoolSize', type: 'integer', doc: 'PostgreSQL connections per process (default 10).' },
  { env: 'MAX_BODY_BYTES', key: 'maxBodyBytes', type: 'integer', doc: 'Largest accepted request body in bytes; larger answers 413 (default 67108864 = 64 MiB).' },
  { env: 'LOG_LEVEL', key: 'logLevel', type: 'string', doc: 'pino log level: fatal, error, warn, info, debug, trace or silent (default info).' },
  { env: 'DEFAULT_PAGE_SIZE', key: 'defaultPageSize', type: 'integer', doc: 'Entries per page of search and history when _count is absent (default 20).' },
  { env: 'MAX_PAGE_SIZE', key: 'maxPageSize', type: 'integer', doc: 'Largest _count honoured (default 1000).' },
  { env: 'SUBSCRIPTION_ALLOWED_HOSTS', key: 'subscriptionAllowedHosts', type: 'string', doc: 'Comma-separated hosts/addresses rest-hook endpoints may use even though internal (loopback, private, link-local); "*" allows all. Default: none (public addresses only).' },
  { env: 'SUBSCRIPTION_TIMEOUT_MS', key: 'subscriptionTimeoutMs', type: 'integer', doc: 'Timeout of one rest-hook POST (default 10000).' },
  { env: 'SUBSCRIPTION_MAX_PAYLOAD_BYTES', key: 'subscriptionMaxPayloadBytes', type: 'integer', doc: 'Largest notification body; bigger batches are split, then sent id-only (default 1048576).' },
  { env: 'SUBSCRIPTION_RETRY_BASE_MS', key: 'subscriptionRetryBaseMs', type: 'integer', doc: 'First retry delay after a failed delivery, doubled per failure (default 1000).' },
  { env: 'SUBSCRIPTION_RETRY_MAX_MS', key: 'subscriptionRetryMaxMs', type: 'integer', doc: 'Longest retry delay (default 300000).' },
  { env: 'SUBSCRIPTION_ERROR_AFTER', key: 'subscriptionErrorAfter', type: 'integer', doc: 'Consecutive failures after which a subscription is marked error (it keeps retrying and recovers) (default 5).' },
  { env: 'SUBSCRIPTION_CONCURRENCY', key: 'subscriptionConcurrency', type: 'integer', doc: 'Subscriptions delivered at once per process (default 8).' },
  { env: 'SUBSCRIPTION_POLL_MS', key: 'subscriptionPollMs', type: 'integer', doc: 'Delivery poll interval, the fallback to commit signals and NOTIFY (default 1000).' },
];

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'host', 'dataDir', 'dbPoolSize', 'maxBodyBytes', 'logLevel', 'defaultPageSize', 'maxPageSize', 'subscriptionAllowedHosts', 'subscriptionTimeoutMs', 'subscriptionMaxPayloadBytes', 'subscriptionRetryBaseMs', 'subscriptionRetryMaxMs', 'subscriptionErrorAfter', 'subscriptionConcurrency', 'subscriptionPollMs'],
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    baseUrl: { type: 'string', pattern: '^https?://[^\\s]+[^/]$' },
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    dataDir: { type: 'string', minLength: 1 },
    dbPoolSize: { type: 'integer', minimum: 1, maximum: 500 },
    maxBodyBytes: { type: 'integer', minimum: 1024 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    defaultPageSize: { type: 'integer', minimum: 1, maximum: 1000 },
    maxPageSize: { type: 'integer', minimum: 1, maximum: 10000 },
    subscriptionAllowedHosts: { type: 'string' },
    subscriptionTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
    subscriptionMaxPayloadBytes: { type: 'integer', minimum: 1024 },
    subscriptionRetryBaseMs: { type: 'integer', minimum: 10 },
    subscriptionRetryMaxMs: { type: 'integer', minimum: 10 },
    subscriptionErrorAfter: { type: 'integer', minimum: 1 },
    subscriptionConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
    subscriptionPollMs: { type: 'integer', minimum: 10 },
  },
} as const;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {
    port: 8080,
    host: '127.0.0.1',
    dataDir: './data',
    dbPoolSize: 10,
    maxBodyBytes: 64 * 1024 * 1024,
    logLevel: 'info',
    defaultPageSize: 20,
    maxPageSize: 1000,
    subscriptionAllowedHosts: '',
    subscriptionTimeoutMs: 10_000,
    subscriptionMaxPayloadBytes: 1024 * 1024,
    subscriptionRetryBaseMs: 1000,
    subscriptionRetryMaxMs: 300_000,
    subscriptionErrorAfter: 5,
    subscriptionConcurrency: 8,
    subscriptionPollMs: 1000,
  };
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v === undefined || v === '') continue;
    raw[s.key] = s.type === 'integer' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
  }
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(schema);
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.replace(/^\//, '');
      const setting = SETTINGS.find((s) => s.key === key);
      return `${setting?.env ?? key}=${JSON.stringify(raw[key])}: ${e.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return raw as unknown as Config;
}
