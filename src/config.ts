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
  igDir?: string;
  fhirPackages?: string;
  requiredProfiles?: string;
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
  { env: 'IG_DIR', key: 'igDir', type: 'string', doc: 'Folder of the built implementation guide (package.tgz, package/, site/) served at /ig/ (default implementation-guide/output, written by `npm run ig`).' },
  { env: 'FHIR_PACKAGES', key: 'fhirPackages', type: 'string', doc: 'Extra FHIR packages to load at start (comma-separated paths to .tgz files or unpacked folders), after the Paraguay guide and hl7.fhir.uv.ips.' },
  { env: 'REQUIRED_PROFILES', key: 'requiredProfiles', type: 'string', doc: 'Profiles every written resource of a type must conform to, e.g. `Patient=https://fhir.mspbs.gov.py/StructureDefinition/PYPatient,Practitioner=...` (default none).' },
];

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'host', 'dataDir', 'dbPoolSize', 'maxBodyBytes', 'logLevel', 'defaultPageSize', 'maxPageSize'],
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
    igDir: { type: 'string', minLength: 1 },
    fhirPackages: { type: 'string' },
    requiredProfiles: { type: 'string', pattern: '^\\s*([A-Za-z]+\\s*=\\s*[^,=\\s]+\\s*)(,\\s*[A-Za-z]+\\s*=\\s*[^,=\\s]+\\s*)*$' },
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
