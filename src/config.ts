import { Ajv } from 'ajv';
import { DEFAULT_INPUT_LIMITS } from './rest/input.js';
import { DEFAULT_MAX_INCLUDED } from './search/include.js';
import { DEFAULT_LINKS } from './search/links.js';

/** Every setting of the server, read from environment variables and checked against a JSON Schema. */
export interface Config {
  port: number;
  host: string;
  baseUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  pgliteThread: 'worker' | 'main';
  dbPoolSize: number;
  maxBodyBytes: number;
  maxLargeBodies: number;
  maxJsonDepth: number;
  maxJsonWidth: number;
  maxStringLength: number;
  maxResourceElements: number;
  maxBundleEntries: number;
  searchMaxParams: number;
  searchMaxValues: number;
  searchMaxChainDepth: number;
  searchMaxIncludes: number;
  searchMaxIncluded: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  defaultPageSize: number;
  maxPageSize: number;
  searchHasHashLimit: number;
  searchLinks: string;
  igDir?: string;
  fhirPackages?: string;
  requiredProfiles?: string;
  authMode: 'off' | 'on';
  accessTokenSeconds: number;
  oidcIssuer?: string;
  oidcAudience?: string;
  oidcJwksUrl?: string;
  oidcClaimUser: string;
  oidcClaimRoles: string;
  oidcClaimFacility: string;
  oidcClaimSubsystem: string;
  oidcClaimRegion: string;
  oidcClaimFhirUser: string;
  oidcClaimScopes: string;
  rateLimitPerMinute: number;
  corsOrigins?: string;
  audit: 'auto' | 'on' | 'off';
  auditFlushMs: number;
  auditEventMs: number;
  subscriptionAllowedHosts: string;
  subscriptionTimeoutMs: number;
  subscriptionMaxPayloadBytes: number;
  subscriptionRetryBaseMs: number;
  subscriptionRetryMaxMs: number;
  subscriptionErrorAfter: number;
  subscriptionConcurrency: number;
  subscriptionPollMs: number;
  subscriptionEventRetentionS: number;
  queryTimeoutMs: number;
  pgliteRecycleMb: number;
  pgliteRecycleIdleMs: number;
  schedulingHoldSeconds: number;
  schedulingHoldCheckMs: number;
  schedulingReminderHours: number;
  schedulingReminderCheckMs: number;
  schedulingReminderTemplates?: string;
  referralEscalationCheckMs: number;
  referralDeadlineHours: string;
  referralCoordinator?: string;
  coldChainOutOfRangeMinutes: number;
  exchangeSigningKeyFile?: string;
  exchangeOrganization?: string;
  exchangeOutboxCheckMs: number;
  exchangeOutboxTimeoutMs: number;
  exchangeOutboxRetryBaseMs: number;
  exchangeOutboxRetryMaxMs: number;
  exchangeOutboxMaxAttempts: number;
  shutdownGraceMs: number;
  memoryReleaseIntervalMs: number;
}

/** Environment variable → config key, with its documentation (rendered into the README). */
export const SETTINGS: { env: string; key: keyof Config; type: 'integer' | 'string'; doc: string }[] = [
  { env: 'PORT', key: 'port', type: 'integer', doc: 'HTTP port (default 8080; 0 picks a free one).' },
  { env: 'HOST', key: 'host', type: 'string', doc: 'Interface to listen on (default 127.0.0.1).' },
  { env: 'BASE_URL', key: 'baseUrl', type: 'string', doc: 'Public base URL of the FHIR endpoint, used in Location headers and bundle links (default http://HOST:PORT/fhir).' },
  { env: 'DATABASE_URL', key: 'databaseUrl', type: 'string', doc: 'postgres:// URL of a PostgreSQL server. Unset: embedded PGlite in DATA_DIR.' },
  { env: 'DATA_DIR', key: 'dataDir', type: 'string', doc: 'Folder of the embedded database (default ./data; with the audit on, also its audit journal hms-audit-journal/).' },
  { env: 'PGLITE_THREAD', key: 'pgliteThread', type: 'string', doc: 'Where the embedded database runs: worker (default: its own thread, so its SQL never holds up HTTP) or main (the server\'s thread, one message hop less per statement).' },
  { env: 'DB_POOL_SIZE', key: 'dbPoolSize', type: 'integer', doc: 'PostgreSQL connections per process (default 10).' },
  { env: 'MAX_BODY_BYTES', key: 'maxBodyBytes', type: 'integer', doc: 'Largest accepted request body in bytes; larger answers 413 too-long (default 33554432 = 32 MiB).' },
  { env: 'MAX_LARGE_BODIES', key: 'maxLargeBodies', type: 'integer', doc: 'Requests with a body over 1 MiB (or of unknown length) read and handled at once per process; others wait their turn, so memory stays bounded (default 2).' },
  { env: 'MAX_JSON_DEPTH', key: 'maxJsonDepth', type: 'integer', doc: 'Deepest nesting of a JSON body; deeper answers 413 too-long (default 100).' },
  { env: 'MAX_JSON_WIDTH', key: 'maxJsonWidth', type: 'integer', doc: 'Most members of one JSON object or items of one array in a body; more answers 413 too-long (default 10000).' },
  { env: 'MAX_STRING_LENGTH', key: 'maxStringLength', type: 'integer', doc: 'Longest string in a body, in characters (default 1048576, the FHIR R4 limit; base64Binary `data` is bounded by MAX_BODY_BYTES only); longer answers 413 too-long.' },
  { env: 'MAX_RESOURCE_ELEMENTS', key: 'maxResourceElements', type: 'integer', doc: 'Most JSON values in one resource of a body (a contained or bundled resource counts on its own); more answers 413 too-long (default 100000).' },
  { env: 'MAX_BUNDLE_ENTRIES', key: 'maxBundleEntries', type: 'integer', doc: 'Most entries in one Bundle of a body; more answers 413 too-long (default 10000).' },
  { env: 'SEARCH_MAX_PARAMS', key: 'searchMaxParams', type: 'integer', doc: 'Most parameters in one query string or POST _search body (a repeated name counts each time); more answers 400 too-costly (default 50).' },
  { env: 'SEARCH_MAX_VALUES', key: 'searchMaxValues', type: 'integer', doc: 'Most comma-separated (OR) values of one search parameter; more answers 400 too-costly (default 500).' },
  { env: 'SEARCH_MAX_CHAIN_DEPTH', key: 'searchMaxChainDepth', type: 'integer', doc: 'Most chain and _has steps in one search parameter (subject.name is 1); more answers 400 too-costly (default 3).' },
  { env: 'SEARCH_MAX_INCLUDES', key: 'searchMaxIncludes', type: 'integer', doc: 'Most _include and _revinclude parameters in one search; more answers 400 too-costly (default 10).' },
  { env: 'SEARCH_MAX_INCLUDED', key: 'searchMaxIncluded', type: 'integer', doc: 'Most resources one search page includes through _include/_revinclude; past it the page stops including and carries a warning OperationOutcome naming the limit (default 1000).' },
  { env: 'LOG_LEVEL', key: 'logLevel', type: 'string', doc: 'pino log level: fatal, error, warn, info, debug, trace or silent (default info).' },
  { env: 'DEFAULT_PAGE_SIZE', key: 'defaultPageSize', type: 'integer', doc: 'Entries per page of search and history when _count is absent (default 20).' },
  { env: 'MAX_PAGE_SIZE', key: 'maxPageSize', type: 'integer', doc: 'Largest _count honoured (default 1000).' },
  { env: 'SEARCH_HAS_HASH_LIMIT', key: 'searchHasHashLimit', type: 'integer', doc: 'A _has whose inner test matches from 500 up to this many sources tests candidates against a hash of the sources (default 5000; 0 = never; see docs/search.md).' },
  { env: 'SEARCH_LINKS', key: 'searchLinks', type: 'string', doc: 'Two-step paths kept as index rows so chains and _has through them cost one index lookup, comma-separated: `Type?reference.reference` (forward chain, `reference:Type.reference` when the first points to several types) or `Type?_has:Source:reference:token` (reverse chain ending in a token test); `none` for none (default `Observation?encounter:Encounter.participant,Observation?encounter:Encounter.service-provider,Patient?_has:Observation:patient:code`; see docs/search.md). Every process of one database must use the same value.' },
  { env: 'IG_DIR', key: 'igDir', type: 'string', doc: 'Folder of the built implementation guide (package.tgz, package/, site/) served at /ig/ (default implementation-guide/output, written by `npm run ig`).' },
  { env: 'FHIR_PACKAGES', key: 'fhirPackages', type: 'string', doc: 'Extra FHIR packages to load at start (comma-separated paths to .tgz files or unpacked folders), after the Paraguay guide and hl7.fhir.uv.ips.' },
  { env: 'REQUIRED_PROFILES', key: 'requiredProfiles', type: 'string', doc: 'Profiles every written resource of a type must conform to, e.g. `Patient=https://fhir.mspbs.gov.py/StructureDefinition/PYPatient,Practitioner=...` (default none).' },
  { env: 'AUTH_MODE', key: 'authMode', type: 'string', doc: 'off (default, embedded development only: every request is anonymous and allowed) or on (a bearer token is required on every FHIR endpoint except metadata and discovery; deny by default).' },
  { env: 'ACCESS_TOKEN_SECONDS', key: 'accessTokenSeconds', type: 'integer', doc: 'Lifetime of access tokens issued by /auth/token (default 300).' },
  { env: 'OIDC_ISSUER', key: 'oidcIssuer', type: 'string', doc: 'Issuer (iss) of an external OpenID Connect provider whose access tokens are accepted too.' },
  { env: 'OIDC_AUDIENCE', key: 'oidcAudience', type: 'string', doc: 'Required audience (aud) of external tokens (default: the FHIR base URL).' },
  { env: 'OIDC_JWKS_URL', key: 'oidcJwksUrl', type: 'string', doc: 'JWKS URL of the external issuer (default: jwks_uri of OIDC_ISSUER/.well-known/openid-configuration).' },
  { env: 'OIDC_CLAIM_USER', key: 'oidcClaimUser', type: 'string', doc: 'Claim naming the user of an external token (default sub).' },
  { env: 'OIDC_CLAIM_ROLES', key: 'oidcClaimRoles', type: 'string', doc: 'Claim with the user roles (default roles; recorded in the audit trail).' },
  { env: 'OIDC_CLAIM_FACILITY', key: 'oidcClaimFacility', type: 'string', doc: 'Claim with the facility (Organization id) of the user (default facility).' },
  { env: 'OIDC_CLAIM_SUBSYSTEM', key: 'oidcClaimSubsystem', type: 'string', doc: 'Claim with the subsystem of the user (default subsystem).' },
  { env: 'OIDC_CLAIM_REGION', key: 'oidcClaimRegion', type: 'string', doc: 'Claim with the health region (py-region-sanitaria code) of the user (default region).' },
  { env: 'OIDC_CLAIM_FHIR_USER', key: 'oidcClaimFhirUser', type: 'string', doc: 'Claim with the FHIR resource of the user (default fhirUser, e.g. Practitioner/123): recorded in the audit trail; a Patient is the patient context of patient/ scopes when the token has no patient claim.' },
  { env: 'OIDC_CLAIM_SCOPES', key: 'oidcClaimScopes', type: 'string', doc: 'Claim with the SMART scopes (space-separated string or array; default scope).' },
  { env: 'RATE_LIMIT_PER_MINUTE', key: 'rateLimitPerMinute', type: 'integer', doc: 'Requests per minute per client (per IP when anonymous) and process; more answer 429 (default 0 = unlimited).' },
  { env: 'CORS_ORIGINS', key: 'corsOrigins', type: 'string', doc: 'Comma-separated origins allowed by CORS, or * (default: none, no CORS headers).' },
  { env: 'AUDIT', key: 'audit', type: 'string', doc: 'auto (default: audit when AUTH_MODE=on), on or off: one AuditEvent per FHIR request, stored as a resource.' },
  { env: 'AUDIT_FLUSH_MS', key: 'auditFlushMs', type: 'integer', doc: 'Interval in milliseconds at which audit records are appended to the durable audit log (default 100): the crash window.' },
  { env: 'AUDIT_EVENT_MS', key: 'auditEventMs', type: 'integer', doc: 'Interval in milliseconds at which the audit log becomes AuditEvent resources (default 2000): how long until an event is searchable.' },
  { env: 'SUBSCRIPTION_ALLOWED_HOSTS', key: 'subscriptionAllowedHosts', type: 'string', doc: 'Comma-separated hosts/addresses rest-hook endpoints may use even though internal (loopback, private, link-local); "*" allows all. Default: none (public addresses only).' },
  { env: 'SUBSCRIPTION_TIMEOUT_MS', key: 'subscriptionTimeoutMs', type: 'integer', doc: 'Timeout of one rest-hook POST (default 10000).' },
  { env: 'SUBSCRIPTION_MAX_PAYLOAD_BYTES', key: 'subscriptionMaxPayloadBytes', type: 'integer', doc: 'Largest notification body; bigger batches are split, then sent id-only (default 1048576).' },
  { env: 'SUBSCRIPTION_RETRY_BASE_MS', key: 'subscriptionRetryBaseMs', type: 'integer', doc: 'First retry delay after a failed delivery, doubled per failure (default 1000).' },
  { env: 'SUBSCRIPTION_RETRY_MAX_MS', key: 'subscriptionRetryMaxMs', type: 'integer', doc: 'Longest retry delay (default 300000).' },
  { env: 'SUBSCRIPTION_ERROR_AFTER', key: 'subscriptionErrorAfter', type: 'integer', doc: 'Consecutive failures after which a subscription is marked error (it keeps retrying and recovers) (default 5).' },
  { env: 'SUBSCRIPTION_CONCURRENCY', key: 'subscriptionConcurrency', type: 'integer', doc: 'Subscriptions delivered at once per process (default 64).' },
  { env: 'SUBSCRIPTION_POLL_MS', key: 'subscriptionPollMs', type: 'integer', doc: 'Delivery poll interval, the fallback to commit signals and NOTIFY (default 1000).' },
  { env: 'SUBSCRIPTION_EVENT_RETENTION_S', key: 'subscriptionEventRetentionS', type: 'integer', doc: 'Delivered subscription events older than this many seconds are deleted from the outbox ($events no longer returns them); undelivered rest-hook events are kept (default 2592000 = 30 days).' },
  { env: 'PGLITE_RECYCLE_MB', key: 'pgliteRecycleMb', type: 'integer', doc: 'Embedded PGlite on its own thread: once the database has been idle for PGLITE_RECYCLE_IDLE_MS and its WASM memory has grown by more than this many MB since the thread opened (a costly search, a large transaction), the thread is closed and opened again on the same data folder, which gives the memory back (WASM memory never shrinks). Statements made meanwhile wait (0.8 s measured). Default 128; 0 = never.' },
  { env: 'PGLITE_RECYCLE_IDLE_MS', key: 'pgliteRecycleIdleMs', type: 'integer', doc: 'How long the embedded database must have been idle before its thread may be reopened to give back memory (PGLITE_RECYCLE_MB). Default 10000.' },
  { env: 'SCHEDULING_HOLD_SECONDS', key: 'schedulingHoldSeconds', type: 'integer', doc: 'How long a hold made by Appointment/$hold lasts before it lapses (the Appointment is cancelled and its slots freed), in seconds. Default 600.' },
  { env: 'SCHEDULING_HOLD_CHECK_MS', key: 'schedulingHoldCheckMs', type: 'integer', doc: 'How often the server looks for lapsed holds. Default 15000.' },
  { env: 'SCHEDULING_REMINDER_HOURS', key: 'schedulingReminderHours', type: 'integer', doc: 'How long before a booked appointment its reminder is sent, in hours. Default 24.' },
  { env: 'SCHEDULING_REMINDER_CHECK_MS', key: 'schedulingReminderCheckMs', type: 'integer', doc: 'How often the server looks for reminders to send. Default 60000.' },
  { env: 'SCHEDULING_REMINDER_TEMPLATES', key: 'schedulingReminderTemplates', type: 'string', doc: 'A JSON file of reminder texts by language ({"es": "...", "gn": "..."}, placeholders {paciente} {fecha} {hora} {profesional}), read at each round; unset: the built-in Spanish and Guaraní texts.' },
  { env: 'REFERRAL_ESCALATION_CHECK_MS', key: 'referralEscalationCheckMs', type: 'integer', doc: 'How often the server looks for referrals not accepted within their deadline, to escalate them (each once, whichever process sees it first). Default 60000.' },
  { env: 'REFERRAL_DEADLINE_HOURS', key: 'referralDeadlineHours', type: 'string', doc: 'Hours a referral Task may stay requested or received before it escalates, by its priority: `priority=hours` pairs (default `stat=2,asap=8,urgent=24,routine=168`; a priority left out keeps its default). A Task\'s own restriction.period.end comes first.' },
  { env: 'COLD_CHAIN_OUT_OF_RANGE_MINUTES', key: 'coldChainOutOfRangeMinutes', type: 'integer', doc: 'Minutes in a row a fridge must read outside 2–8 °C for an out-of-range excursion (alert and quarantine of its vaccine lots). Default 60.' },
  { env: 'EXCHANGE_SIGNING_KEY_FILE', key: 'exchangeSigningKeyFile', type: 'string', doc: 'PEM file of the private key that signs the documents sent to partners (P-256 → ES256, RSA ≥ 2048 bits → RS256); without it the server keeps its own exchange key (ES256) in the database.' },
  { env: 'EXCHANGE_ORGANIZATION', key: 'exchangeOrganization', type: 'string', doc: 'This facility as the sender of messages to partners (`Organization/{id}`), when a referral\'s ServiceRequest.requester names no Organization (nor a PractitionerRole of one). Unset: such a referral cannot be sent (422).' },
  { env: 'EXCHANGE_OUTBOX_CHECK_MS', key: 'exchangeOutboxCheckMs', type: 'integer', doc: 'How often every process looks for messages due in the exchange outbox (ServiceRequest/$send); a $send also wakes its own process at once. Default 2000.' },
  { env: 'EXCHANGE_OUTBOX_TIMEOUT_MS', key: 'exchangeOutboxTimeoutMs', type: 'integer', doc: 'Timeout of one POST of a message to a partner\'s $process-message; past it the attempt counts as a failure to retry (default 10000).' },
  { env: 'EXCHANGE_OUTBOX_RETRY_BASE_MS', key: 'exchangeOutboxRetryBaseMs', type: 'integer', doc: 'Wait after a partner failed (no answer, 5xx, 408, 429) before anything is sent to it again, doubled per failure in a row (default 5000).' },
  { env: 'EXCHANGE_OUTBOX_RETRY_MAX_MS', key: 'exchangeOutboxRetryMaxMs', type: 'integer', doc: 'Longest wait between attempts to a failing partner (default 600000).' },
  { env: 'EXCHANGE_OUTBOX_MAX_ATTEMPTS', key: 'exchangeOutboxMaxAttempts', type: 'integer', doc: 'Attempts after which a message is given up (its delivery Task failed) (default 20).' },
  { env: 'REFERRAL_COORDINATOR', key: 'referralCoordinator', type: 'string', doc: 'Who an escalated referral goes to: the new owner of its Task and the recipient of the Communication (`Organization/{id}`, `PractitionerRole/{id}`, `Practitioner/{id}` or `CareTeam/{id}`). Unset: the Task keeps its owner, who receives the Communication.' },
  { env: 'QUERY_TIMEOUT_MS', key: 'queryTimeoutMs', type: 'integer', doc: 'Longest a database statement of a request may run, in milliseconds; a statement past it is cancelled and the request answered 422 too-costly (default 5000; 0 = no limit, otherwise at least 100). PostgreSQL: statement_timeout. Embedded PGlite on its own thread (PGLITE_THREAD=worker): the thread is stopped and restarted on the same data folder. There, a transaction holding the connection unused while other statements wait behind it (a wait on one of them never ends) is rolled back once they have waited 4 times the limit (503). PGLITE_THREAD=main cannot be interrupted: no limit there. Migrations, ANALYZE, building search links and reindexing are exempt.' },
  { env: 'SHUTDOWN_GRACE_MS', key: 'shutdownGraceMs', type: 'integer', doc: 'On SIGTERM or SIGINT, how long requests in flight may finish (default 3000); then the database is closed (statements still running are cut off and their transactions roll back) and the process exits at the latest 2 s later. A second signal exits at once.' },
  { env: 'MEMORY_RELEASE_INTERVAL_MS', key: 'memoryReleaseIntervalMs', type: 'integer', doc: 'After a busy period, once this long has passed with no request, the server gives memory back to the system: one full collection if V8\'s heap grew by more than 32 MB, and glibc\'s free pages returned (malloc_trim, through the optional native module native/malloc-trim). Default 5000; 0 turns it off.' },
];

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'host', 'dataDir', 'dbPoolSize', 'maxBodyBytes', 'maxLargeBodies', 'maxJsonDepth', 'maxJsonWidth', 'maxStringLength', 'maxResourceElements', 'maxBundleEntries', 'searchMaxParams', 'searchMaxValues', 'searchMaxChainDepth', 'searchMaxIncludes', 'searchMaxIncluded', 'logLevel', 'defaultPageSize', 'maxPageSize', 'searchHasHashLimit', 'searchLinks', 'subscriptionAllowedHosts', 'subscriptionTimeoutMs', 'subscriptionMaxPayloadBytes', 'subscriptionRetryBaseMs', 'subscriptionRetryMaxMs', 'subscriptionErrorAfter', 'subscriptionConcurrency', 'subscriptionPollMs', 'subscriptionEventRetentionS', 'queryTimeoutMs', 'pgliteRecycleMb', 'pgliteRecycleIdleMs', 'schedulingHoldSeconds', 'schedulingHoldCheckMs', 'schedulingReminderHours', 'schedulingReminderCheckMs', 'referralEscalationCheckMs', 'referralDeadlineHours', 'coldChainOutOfRangeMinutes', 'exchangeOutboxCheckMs', 'exchangeOutboxTimeoutMs', 'exchangeOutboxRetryBaseMs', 'exchangeOutboxRetryMaxMs', 'exchangeOutboxMaxAttempts', 'shutdownGraceMs', 'memoryReleaseIntervalMs'],
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    baseUrl: { type: 'string', pattern: '^https?://[^\\s]+[^/]$' },
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    dataDir: { type: 'string', minLength: 1 },
    pgliteThread: { type: 'string', enum: ['worker', 'main'] },
    dbPoolSize: { type: 'integer', minimum: 1, maximum: 500 },
    maxBodyBytes: { type: 'integer', minimum: 1024 },
    maxLargeBodies: { type: 'integer', minimum: 1, maximum: 1000 },
    maxJsonDepth: { type: 'integer', minimum: 10, maximum: 10000 },
    maxJsonWidth: { type: 'integer', minimum: 100 },
    maxStringLength: { type: 'integer', minimum: 1024 },
    maxResourceElements: { type: 'integer', minimum: 100 },
    maxBundleEntries: { type: 'integer', minimum: 1 },
    searchMaxParams: { type: 'integer', minimum: 1, maximum: 10000 },
    searchMaxValues: { type: 'integer', minimum: 1 },
    searchMaxChainDepth: { type: 'integer', minimum: 0, maximum: 20 },
    searchMaxIncludes: { type: 'integer', minimum: 0, maximum: 1000 },
    searchMaxIncluded: { type: 'integer', minimum: 1 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    defaultPageSize: { type: 'integer', minimum: 1, maximum: 1000 },
    maxPageSize: { type: 'integer', minimum: 1, maximum: 10000 },
    searchHasHashLimit: { type: 'integer', minimum: 0, maximum: 1000000 },
    searchLinks: { type: 'string' },
    igDir: { type: 'string', minLength: 1 },
    fhirPackages: { type: 'string' },
    requiredProfiles: { type: 'string', pattern: '^\\s*([A-Za-z]+\\s*=\\s*[^,=\\s]+\\s*)(,\\s*[A-Za-z]+\\s*=\\s*[^,=\\s]+\\s*)*$' },
    authMode: { enum: ['off', 'on'] },
    accessTokenSeconds: { type: 'integer', minimum: 10, maximum: 86400 },
    oidcIssuer: { type: 'string', pattern: '^https?://' },
    oidcAudience: { type: 'string', minLength: 1 },
    oidcJwksUrl: { type: 'string', pattern: '^https?://' },
    oidcClaimUser: { type: 'string', minLength: 1 },
    oidcClaimRoles: { type: 'string', minLength: 1 },
    oidcClaimFacility: { type: 'string', minLength: 1 },
    oidcClaimSubsystem: { type: 'string', minLength: 1 },
    oidcClaimRegion: { type: 'string', minLength: 1 },
    oidcClaimFhirUser: { type: 'string', minLength: 1 },
    oidcClaimScopes: { type: 'string', minLength: 1 },
    rateLimitPerMinute: { type: 'integer', minimum: 0 },
    corsOrigins: { type: 'string' },
    audit: { enum: ['auto', 'on', 'off'] },
    auditFlushMs: { type: 'integer', minimum: 10, maximum: 60000 },
    auditEventMs: { type: 'integer', minimum: 10, maximum: 600000 },
    subscriptionAllowedHosts: { type: 'string' },
    subscriptionTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
    subscriptionMaxPayloadBytes: { type: 'integer', minimum: 1024 },
    subscriptionRetryBaseMs: { type: 'integer', minimum: 10 },
    subscriptionRetryMaxMs: { type: 'integer', minimum: 10 },
    subscriptionErrorAfter: { type: 'integer', minimum: 1 },
    subscriptionConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
    subscriptionPollMs: { type: 'integer', minimum: 10 },
    subscriptionEventRetentionS: { type: 'integer', minimum: 1 },
    queryTimeoutMs: { type: 'integer', anyOf: [{ const: 0 }, { minimum: 100, maximum: 86400000 }] },
    pgliteRecycleMb: { type: 'integer', minimum: 0, maximum: 65536 },
    pgliteRecycleIdleMs: { type: 'integer', minimum: 100, maximum: 86400000 },
    schedulingHoldSeconds: { type: 'integer', minimum: 1, maximum: 604800 },
    schedulingHoldCheckMs: { type: 'integer', minimum: 100, maximum: 86400000 },
    schedulingReminderHours: { type: 'integer', minimum: 1, maximum: 720 },
    schedulingReminderCheckMs: { type: 'integer', minimum: 100, maximum: 86400000 },
    schedulingReminderTemplates: { type: 'string' },
    referralEscalationCheckMs: { type: 'integer', minimum: 100, maximum: 86400000 },
    referralDeadlineHours: { type: 'string', pattern: '^(stat|asap|urgent|routine)=[0-9]{1,5}(,(stat|asap|urgent|routine)=[0-9]{1,5})*$' },
    referralCoordinator: { type: 'string', pattern: '^(Organization|PractitionerRole|Practitioner|CareTeam)/[A-Za-z0-9.-]{1,64}$' },
    coldChainOutOfRangeMinutes: { type: 'integer', minimum: 1, maximum: 10080 },
    exchangeSigningKeyFile: { type: 'string', minLength: 1 },
    exchangeOrganization: { type: 'string', pattern: '^Organization/[A-Za-z0-9.-]{1,64}$' },
    exchangeOutboxCheckMs: { type: 'integer', minimum: 10, maximum: 86400000 },
    exchangeOutboxTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
    exchangeOutboxRetryBaseMs: { type: 'integer', minimum: 10, maximum: 86400000 },
    exchangeOutboxRetryMaxMs: { type: 'integer', minimum: 10, maximum: 86400000 },
    exchangeOutboxMaxAttempts: { type: 'integer', minimum: 1, maximum: 1000 },
    shutdownGraceMs: { type: 'integer', minimum: 0, maximum: 600000 },
    memoryReleaseIntervalMs: { type: 'integer', minimum: 0, maximum: 3600000 },
  },
} as const;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {
    port: 8080,
    host: '127.0.0.1',
    dataDir: './data',
    pgliteThread: 'worker',
    dbPoolSize: 10,
    maxBodyBytes: 32 * 1024 * 1024,
    maxLargeBodies: 2,
    maxJsonDepth: DEFAULT_INPUT_LIMITS.maxJsonDepth,
    maxJsonWidth: DEFAULT_INPUT_LIMITS.maxJsonWidth,
    maxStringLength: DEFAULT_INPUT_LIMITS.maxStringLength,
    maxResourceElements: DEFAULT_INPUT_LIMITS.maxResourceElements,
    maxBundleEntries: DEFAULT_INPUT_LIMITS.maxBundleEntries,
    searchMaxParams: DEFAULT_INPUT_LIMITS.maxParams,
    searchMaxValues: DEFAULT_INPUT_LIMITS.search.maxValues,
    searchMaxChainDepth: DEFAULT_INPUT_LIMITS.search.maxChainDepth,
    searchMaxIncludes: DEFAULT_INPUT_LIMITS.search.maxIncludes,
    searchMaxIncluded: DEFAULT_MAX_INCLUDED,
    logLevel: 'info',
    defaultPageSize: 20,
    maxPageSize: 1000,
    searchHasHashLimit: 5000,
    searchLinks: DEFAULT_LINKS,
    authMode: 'off',
    accessTokenSeconds: 300,
    oidcClaimUser: 'sub',
    oidcClaimRoles: 'roles',
    oidcClaimFacility: 'facility',
    oidcClaimSubsystem: 'subsystem',
    oidcClaimRegion: 'region',
    oidcClaimFhirUser: 'fhirUser',
    oidcClaimScopes: 'scope',
    rateLimitPerMinute: 0,
    audit: 'auto',
    auditFlushMs: 100,
    auditEventMs: 2000,
    subscriptionAllowedHosts: '',
    subscriptionTimeoutMs: 10_000,
    subscriptionMaxPayloadBytes: 1024 * 1024,
    subscriptionRetryBaseMs: 1000,
    subscriptionRetryMaxMs: 300_000,
    subscriptionErrorAfter: 5,
    subscriptionConcurrency: 64,
    subscriptionPollMs: 1000,
    subscriptionEventRetentionS: 30 * 24 * 3600,
    queryTimeoutMs: 5000,
    pgliteRecycleMb: 128,
    pgliteRecycleIdleMs: 10_000,
    schedulingHoldSeconds: 600,
    schedulingHoldCheckMs: 15_000,
    schedulingReminderHours: 24,
    schedulingReminderCheckMs: 60_000,
    referralEscalationCheckMs: 60_000,
    referralDeadlineHours: 'stat=2,asap=8,urgent=24,routine=168',
    coldChainOutOfRangeMinutes: 60,
    exchangeOutboxCheckMs: 2000,
    exchangeOutboxTimeoutMs: 10_000,
    exchangeOutboxRetryBaseMs: 5000,
    exchangeOutboxRetryMaxMs: 600_000,
    exchangeOutboxMaxAttempts: 20,
    shutdownGraceMs: 3000,
    memoryReleaseIntervalMs: 5000,
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
