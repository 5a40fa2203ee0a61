import type { Database } from './database.js';

/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction, under an advisory lock
 * so that several processes starting at once apply each migration exactly once.
 * Never edit a released migration: append a new one.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'core resource store and search index tables',
    sql: `
-- Current version of every resource (deleted ones stay as tombstones so reads answer 410).
-- pid: creation order, never reused; the default search order and the last key of every paging cursor.
CREATE TABLE resource (
  res_type     text        NOT NULL,
  res_id       text        NOT NULL,
  pid          bigserial   NOT NULL UNIQUE,
  version      bigint      NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted      boolean     NOT NULL DEFAULT false,
  content      text,
  PRIMARY KEY (res_type, res_id)
);
-- Live resources only: type scans in creation order, and index-only liveness probes from the search index.
CREATE INDEX resource_live_pid ON resource (res_type, pid) WHERE NOT deleted;
CREATE INDEX resource_live_id ON resource (res_type, res_id) WHERE NOT deleted;
CREATE INDEX resource_type_updated ON resource (res_type, last_updated);

-- Every version ever written, in commit order (seq) for type and system history.
CREATE TABLE resource_history (
  seq          bigserial   PRIMARY KEY,
  res_type     text        NOT NULL,
  res_id       text        NOT NULL,
  version      bigint      NOT NULL,
  last_updated timestamptz NOT NULL,
  method       text        NOT NULL, -- POST, PUT, PATCH or DELETE
  content      text,                  -- null for a delete
  UNIQUE (res_type, res_id, version)
);
CREATE INDEX resource_history_type_seq ON resource_history (res_type, seq);
CREATE INDEX resource_history_updated ON resource_history (last_updated);

-- Search index: one narrow table per search-parameter type, shared by every resource type and parameter,
-- filled at write time from each SearchParameter's FHIRPath expression (runtime SearchParameters included).
-- grp ties together the components of one composite value (null otherwise).
CREATE TABLE sp_token (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  system text, value text, display text, grp int
);
CREATE INDEX sp_token_value ON sp_token (code, value, res_type) INCLUDE (res_id, system);
-- (res_id, res_type) first: deletes of a resource's rows; code and value: EXISTS probes from a known resource.
CREATE INDEX sp_token_res ON sp_token (res_id, res_type, code, value);
-- code and value are strongly correlated (category=survey is common, code=survey is not): without joint
-- statistics the planner misjudges how many resources a token matches and picks the wrong join order.
CREATE STATISTICS sp_token_code_value (mcv, dependencies) ON code, value FROM sp_token;

CREATE TABLE sp_string (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  value_norm text NOT NULL, value text NOT NULL, grp int
);
CREATE INDEX sp_string_value ON sp_string (code, value_norm text_pattern_ops, res_type);
CREATE INDEX sp_string_res ON sp_string (res_id, res_type, code);

CREATE TABLE sp_reference (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  target_type text, target_id text, target_url text, grp int
);
CREATE INDEX sp_reference_target ON sp_reference (target_id, code, res_type) INCLUDE (target_type, res_id);
CREATE INDEX sp_reference_url ON sp_reference (target_url, code) WHERE target_url IS NOT NULL;
CREATE INDEX sp_reference_res ON sp_reference (res_id, res_type, code);

CREATE TABLE sp_date (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  lo timestamptz NOT NULL, hi timestamptz NOT NULL, grp int
);
CREATE INDEX sp_date_value ON sp_date (res_type, code, lo, hi);
CREATE INDEX sp_date_res ON sp_date (res_id, res_type);

CREATE TABLE sp_number (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  lo numeric, hi numeric, grp int
);
CREATE INDEX sp_number_value ON sp_number (res_type, code, lo, hi);
CREATE INDEX sp_number_res ON sp_number (res_id, res_type);

-- c_*: the value in UCUM canonical units (null when the unit is not UCUM or not convertible).
CREATE TABLE sp_quantity (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  system text, unit text, lo numeric, hi numeric,
  c_unit text, c_lo numeric, c_hi numeric, grp int
);
CREATE INDEX sp_quantity_value ON sp_quantity (res_type, code, lo, hi);
CREATE INDEX sp_quantity_canonical ON sp_quantity (res_type, code, c_unit, c_lo) WHERE c_unit IS NOT NULL;
CREATE INDEX sp_quantity_res ON sp_quantity (res_id, res_type);

CREATE TABLE sp_uri (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  value text NOT NULL, grp int
);
CREATE INDEX sp_uri_value ON sp_uri (code, value, res_type);
CREATE INDEX sp_uri_res ON sp_uri (res_id, res_type);
CREATE STATISTICS sp_uri_code_value (mcv, dependencies) ON code, value FROM sp_uri;

-- special near (Location.position)
CREATE TABLE sp_geo (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  lat double precision NOT NULL, lon double precision NOT NULL
);
CREATE INDEX sp_geo_value ON sp_geo (res_type, code, lat, lon);
CREATE INDEX sp_geo_res ON sp_geo (res_id, res_type);

-- Sort keys: per resource and sortable parameter, the smallest (lo) and largest (hi) value as order-preserving text.
CREATE TABLE sp_sort (
  res_type text NOT NULL, res_id text NOT NULL, code text NOT NULL,
  lo text COLLATE "C" NOT NULL, hi text COLLATE "C" NOT NULL
);
CREATE INDEX sp_sort_lo ON sp_sort (res_type, code, lo);
CREATE INDEX sp_sort_hi ON sp_sort (res_type, code, hi);
CREATE INDEX sp_sort_res ON sp_sort (res_id, res_type);
`,
  },
  {
    version: 2,
    name: 'search: creation order (pid) in the index tables',
    sql: `
-- Every index row carries the pid of its resource (the default search order and the last key of every paging
-- cursor), so a page of one parameter's matches is an ordered index walk that stops after the page, counts read
-- one index, and no match needs the resource row before it is on the page.
ALTER TABLE sp_token ADD COLUMN pid bigint;
ALTER TABLE sp_string ADD COLUMN pid bigint;
ALTER TABLE sp_reference ADD COLUMN pid bigint;
ALTER TABLE sp_date ADD COLUMN pid bigint;
ALTER TABLE sp_number ADD COLUMN pid bigint;
ALTER TABLE sp_quantity ADD COLUMN pid bigint;
ALTER TABLE sp_uri ADD COLUMN pid bigint;
ALTER TABLE sp_geo ADD COLUMN pid bigint;
ALTER TABLE sp_sort ADD COLUMN pid bigint;
UPDATE sp_token s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_string s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_reference s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_date s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_number s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_quantity s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_uri s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_geo s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
UPDATE sp_sort s SET pid = r.pid FROM resource r WHERE r.res_type = s.res_type AND r.res_id = s.res_id;
ALTER TABLE sp_token ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_string ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_reference ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_date ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_number ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_quantity ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_uri ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_geo ALTER COLUMN pid SET NOT NULL;
ALTER TABLE sp_sort ALTER COLUMN pid SET NOT NULL;
-- Equality on the leading columns leaves the rows in pid order.
DROP INDEX sp_token_value;
CREATE INDEX sp_token_value ON sp_token (code, value, res_type, pid) INCLUDE (res_id, system);
DROP INDEX sp_reference_target;
CREATE INDEX sp_reference_target ON sp_reference (target_id, code, res_type, pid) INCLUDE (target_type, res_id);
DROP INDEX sp_uri_value;
CREATE INDEX sp_uri_value ON sp_uri (code, value, res_type, pid);
-- Ranges and prefixes: pid for index-only counts.
DROP INDEX sp_string_value;
CREATE INDEX sp_string_value ON sp_string (code, value_norm text_pattern_ops, res_type) INCLUDE (pid);
DROP INDEX sp_date_value;
CREATE INDEX sp_date_value ON sp_date (res_type, code, lo, hi) INCLUDE (pid);
`,
  },
  {
    version: 3,
    name: 'subscription outbox: per-subscription state and numbered events',
    sql: `
-- One row per Subscription (src/subscriptions): the delivery cursor, the status the delivery worker maintains
-- and its lease (which process delivers now).
CREATE TABLE subscription_state (
  sub_id       text        PRIMARY KEY,
  channel      text        NOT NULL,
  status       text        NOT NULL, -- requested | active | error | off
  delivered    bigint      NOT NULL DEFAULT 0,
  failures     int         NOT NULL DEFAULT 0,
  next_attempt timestamptz NOT NULL DEFAULT now(),
  lease_until  timestamptz,
  lease_owner  text,
  last_sent    timestamptz NOT NULL DEFAULT now(),
  heartbeat_s  int,
  last_error   text
);
CREATE INDEX subscription_state_due ON subscription_state (next_attempt) WHERE status <> 'off';
-- The event counter (events_since_subscription_start), apart from the state so that writers (which number
-- events) and the delivery worker (which moves the cursor) never wait for each other's row locks.
CREATE TABLE subscription_counter (
  sub_id text   PRIMARY KEY,
  events bigint NOT NULL DEFAULT 0
);
-- The outbox: one row per (subscription, change), numbered per subscription, written in the change's transaction.
CREATE TABLE subscription_event (
  sub_id    text        NOT NULL,
  number    bigint      NOT NULL,
  res_type  text        NOT NULL,
  res_id    text        NOT NULL,
  version   bigint      NOT NULL,
  method    text        NOT NULL,
  created   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sub_id, number)
);
-- Bumped by every Subscription write: processes reload their in-memory subscription index when it moves.
CREATE TABLE subscription_generation (id int PRIMARY KEY, gen bigint NOT NULL);
INSERT INTO subscription_generation VALUES (1, 0);
-- Websocket binding tokens ($get-ws-binding-token), usable on any process.
CREATE TABLE subscription_ws_token (
  token   text        PRIMARY KEY,
  sub_ids text[]      NOT NULL,
  expires timestamptz NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'security: signing keys, registered clients, client assertion ids',
    sql: `
-- Signing keys of the built-in authorization server, shared by every process; the newest is current.
CREATE TABLE auth_key (
  kid         text        PRIMARY KEY,
  alg         text        NOT NULL,
  private_jwk text        NOT NULL,
  public_jwk  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Registered SMART Backend Services clients.
CREATE TABLE auth_client (
  client_id  text        PRIMARY KEY,
  name       text        NOT NULL,
  jwks       text,
  jwks_url   text,
  scopes     text        NOT NULL,
  facility   text,
  subsystem  text,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- jti of every accepted client assertion until it expires: replay protection across processes.
CREATE TABLE auth_jti (
  jti        text        PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX auth_jti_expires ON auth_jti (expires_at);
`,
  },
  {
    version: 5,
    name: 'search: live resources per type as delta rows',
    sql: `
-- Live resources per type for exact unfiltered totals without counting (src/search/counts.ts): every write
-- statement adds one row per type whose count it changes, in the write's transaction; a count is the sum of
-- its type's rows. Rows are summed into one per type from time to time (compaction), never updated in place,
-- so concurrent writers never wait for each other here.
CREATE TABLE resource_count (
  res_type text   NOT NULL,
  n        bigint NOT NULL
);
CREATE INDEX resource_count_type ON resource_count (res_type) INCLUDE (n);
INSERT INTO resource_count (res_type, n) SELECT res_type, count(*) FROM resource WHERE NOT deleted GROUP BY res_type;
`,
  },
  {
    version: 6,
    name: 'subscriptions: end of a subscription in its state row',
    sql: `
-- Subscription.end, so that any process can switch off the subscriptions past their end (src/subscriptions).
ALTER TABLE subscription_state ADD COLUMN ends_at timestamptz;
CREATE INDEX subscription_state_ends ON subscription_state (ends_at) WHERE ends_at IS NOT NULL AND status <> 'off';
UPDATE subscription_state s SET ends_at = (r.content::jsonb->>'end')::timestamptz FROM resource r
WHERE r.res_type = 'Subscription' AND r.res_id = s.sub_id AND NOT r.deleted
  AND r.content::jsonb->>'end' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$';
`,
  },
  {
    version: 8,
    name: 'security: health region of registered clients',
    sql: `
-- Health region (code of py-region-sanitaria) a client's tokens are bound to.
ALTER TABLE auth_client ADD COLUMN IF NOT EXISTS region text;
`,
  },
  {
    version: 10,
    name: 'subscriptions: events recorded unnumbered, numbered at delivery',
    sql: `
-- A writing transaction appends its events here (no per-subscription counter is locked by writers); the
-- delivery step moves committed rows into subscription_event with their numbers (src/subscriptions/numbering.ts).
CREATE TABLE subscription_inbox (
  id       bigserial   PRIMARY KEY,
  sub_id   text        NOT NULL,
  res_type text        NOT NULL,
  res_id   text        NOT NULL,
  version  bigint      NOT NULL,
  method   text        NOT NULL,
  created  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_inbox_sub ON subscription_inbox (sub_id);
`,
  },
  {
    version: 11,
    name: 'audit: durable append-only log of audit records not yet stored as AuditEvents',
    sql: `
-- The audit trail's write-ahead log (src/security/audit.ts): every AUDIT_FLUSH_MS a process appends what its
-- requests did since the last append (compact JSON); every AUDIT_EVENT_MS it stores them as AuditEvent resources
-- and deletes its rows in the same transaction. Rows left by a process that died are turned into AuditEvents
-- by the next process that starts (PGlite) or by any process once they are older than a minute (PostgreSQL).
CREATE TABLE audit_log (
  id      bigserial   PRIMARY KEY,
  created timestamptz NOT NULL DEFAULT now(),
  content text        NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created);
-- Rows live about a second: stored out of line without compression (compressing them cost half the insert).
ALTER TABLE audit_log ALTER COLUMN content SET STORAGE EXTERNAL;
`,
  },
  {
    version: 12,
    name: 'search: declared links (two-step chains and _has kept as index rows)',
    sql: `
-- Forward links (src/search/links.ts): per source resource, the targets of its intermediate's reference, under
-- the code 'via:Through.next' (e.g. encounter:Encounter.participant); the shape of sp_reference.
CREATE TABLE sp_link (
  res_type text NOT NULL, res_id text NOT NULL, pid bigint NOT NULL, code text NOT NULL,
  target_type text, target_id text, target_url text
);
CREATE INDEX sp_link_target ON sp_link (target_id, code, res_type, pid) INCLUDE (target_type, res_id);
CREATE INDEX sp_link_url ON sp_link (target_url, code) WHERE target_url IS NOT NULL;
CREATE INDEX sp_link_res ON sp_link (res_id, res_type, code);
-- Reverse links: per target resource (its pid), the token values of the sources pointing to it, under the code
-- 'Source:via:param' (e.g. Observation:patient:code); the shape of sp_token plus the source it came from.
CREATE TABLE sp_has (
  res_type text NOT NULL, res_id text NOT NULL, pid bigint NOT NULL, code text NOT NULL,
  system text, value text, src_type text NOT NULL, src_id text NOT NULL
);
CREATE INDEX sp_has_value ON sp_has (code, value, res_type, pid) INCLUDE (res_id, system);
CREATE INDEX sp_has_res ON sp_has (res_id, res_type, code, value);
CREATE INDEX sp_has_src ON sp_has (src_id, src_type, code);
-- The links whose rows are built ('Type?code'), so a link declared later is built once from stored data.
CREATE TABLE search_link (link text PRIMARY KEY, built timestamptz NOT NULL DEFAULT now());
`,
  },
  {
    version: 13,
    name: 'storage: lz4 compression of resource contents where the server has it',
    sql: `
-- Contents over ~2 kB are compressed out of line (TOAST). lz4 compresses about 15× faster than the default pglz
-- (a 780 kB aggregated AuditEvent: 0.23 vs 3.9 ms) for a similar size; servers built without lz4 (PGlite) keep
-- pglz. Only values written from now on are affected.
-- (One line: statements are split at a semicolon that ends a line.)
DO $$ BEGIN ALTER TABLE resource ALTER COLUMN content SET COMPRESSION lz4; ALTER TABLE resource_history ALTER COLUMN content SET COMPRESSION lz4; EXCEPTION WHEN others THEN NULL; END $$;
`,
  },
  {
    version: 14,
    name: 'audit: segments of the embedded audit journal already stored as AuditEvents',
    sql: `
-- With PGlite the audit log is a journal of files in the data folder (src/security/audit-log.ts) instead of
-- audit_log rows. A segment is marked here in the transaction that stores its AuditEvents, and unmarked once
-- its file is gone: a segment found marked at start was stored before a crash and is only deleted.
CREATE TABLE audit_journal_done (segment text PRIMARY KEY, done timestamptz NOT NULL DEFAULT now());
`,
  },
  {
    version: 15,
    name: 'storage: PGlite keeps resource contents uncompressed',
    sql: `
-- PGlite has no lz4, and its pglz runs in WASM on the request thread: storing the AuditEvents of a second of
-- 12,000 reads cost 29.7 ms with pglz, 18.1 ms without (npm run bench:audit). PGlite stores contents over
-- ~2 kB out of line without compression (more disk for large resources, no decompression on reads).
-- PostgreSQL servers keep compression (lz4 or pglz, in the server's own processes). Only values written from
-- now on are affected. (One line: statements are split at a semicolon that ends a line.)
DO $$ BEGIN IF version() LIKE '%emscripten%' THEN ALTER TABLE resource ALTER COLUMN content SET STORAGE EXTERNAL; ALTER TABLE resource_history ALTER COLUMN content SET STORAGE EXTERNAL; END IF; END $$;
`,
  },
  {
    version: 16,
    name: 'subscriptions: the owner whose access a Subscription matches with',
    sql: `
-- The requester that last wrote a Subscription (JSON: kind, id, scopes, facility, region, subsystem, patient),
-- NULL when authorization was off or the server wrote it: a change fires the Subscription only when its owner
-- may read the changed resource (ownersOnly in src/subscriptions/outbox.ts).
ALTER TABLE subscription_state ADD COLUMN owner text;
`,
  },
  {
    version: 17,
    name: 'referrals: one row per referral for the metrics',
    sql: `
-- The referral metrics (src/referrals/metrics/): one row per referral Task (code derivacion), written by the
-- referral workflow in the transaction of every write of the Task or of its appointment, so the metrics over a
-- year of referrals are one aggregate over this table instead of a scan of the Tasks' history.
-- origin / destination: the facility as Type/id (an Organization, or a healer's Practitioner) when the
-- referral was first written; the regions are their py-region-sanitaria codes then. The times are the server's
-- times of the writes that first reached each step (appointment: the start of the appointment booked now).
CREATE TABLE referral_fact (
  task_id            text        PRIMARY KEY,
  origin             text,
  destination        text,
  origin_region      text,
  destination_region text,
  priority           text,
  authored           timestamptz NOT NULL,
  status             text        NOT NULL,
  accepted           timestamptz,
  appointment        timestamptz,
  escalated          boolean     NOT NULL DEFAULT false,
  counter_referral   timestamptz,
  completed          timestamptz
);
CREATE INDEX referral_fact_authored ON referral_fact (authored);
`,
  },
  {
    version: 18,
    name: 'supply: the stock ledger (movements and balances per place, item and lot)',
    sql: `
-- The stock ledger (src/supply/): every stock movement resource (a completed SupplyDelivery, a completed
-- MedicationDispense, a py-movimiento-stock Basic) is kept here as movement lines in the transaction of its
-- write, and the balance of each place, item and lot follows them. A change of the resource replaces its lines
-- (the old ones reversed); deleting it or marking it entered-in-error removes them.
-- location: Location id; item: 'system|code'; lot: '' when the item has none.
CREATE TABLE stock_balance (
  location text    NOT NULL,
  item     text    NOT NULL,
  lot      text    NOT NULL DEFAULT '',
  expiry   date,
  quantity numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (location, item, lot)
);
CREATE TABLE stock_movement (
  seq      bigserial   PRIMARY KEY,
  res_type text        NOT NULL,
  res_id   text        NOT NULL,
  location text        NOT NULL,
  item     text        NOT NULL,
  lot      text        NOT NULL DEFAULT '',
  occurred timestamptz NOT NULL,
  delta    numeric     NOT NULL,
  reason   text        NOT NULL,
  counted  numeric
);
CREATE INDEX stock_movement_card ON stock_movement (location, item, lot, occurred, seq);
CREATE INDEX stock_movement_res ON stock_movement (res_id, res_type);
`,
  },
  {
    version: 19,
    name: 'supply: cold-chain readings and excursions, quarantined lots',
    sql: `
-- The cold chain (src/supply/cold-chain/): each temperature reading Observation (py-cadena-frio
-- temperatura-equipo) of a fridge or freezer (Device) is kept here in the transaction of its write, and its
-- device's excursions are evaluated there, once each (an excursion found again overlaps the one recorded).
CREATE TABLE cold_chain_reading (
  device  text        NOT NULL,
  at      timestamptz NOT NULL,
  celsius numeric     NOT NULL,
  res_id  text        NOT NULL,
  PRIMARY KEY (device, at, res_id)
);
CREATE INDEX cold_chain_reading_res ON cold_chain_reading (res_id);
CREATE TABLE cold_chain_excursion (
  issue    text        PRIMARY KEY,
  device   text        NOT NULL,
  kind     text        NOT NULL,
  start_at timestamptz NOT NULL,
  end_at   timestamptz NOT NULL
);
CREATE INDEX cold_chain_excursion_device ON cold_chain_excursion (device, kind, end_at);
-- A lot in quarantine (the DetectedIssue of the excursion that put it there) is not issued until released.
ALTER TABLE stock_balance ADD COLUMN quarantine text;
`,
  },
  {
    version: 20,
    name: 'exchange: the keys that sign outbound documents',
    sql: `
-- The keys of the exchange feature (src/exchange/signature/keys.ts), which sign the documents the server sends
-- to partners (Bundle.signature): apart from the token keys (auth_key), shared by every process; the newest
-- signs, and the JWKS publishes it and the one before it. Not used when EXCHANGE_SIGNING_KEY_FILE names a key.
CREATE TABLE exchange_key (
  kid         text        PRIMARY KEY,
  alg         text        NOT NULL,
  private_jwk text        NOT NULL,
  public_jwk  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
`,
  },
  {
    version: 21,
    name: 'exchange: the messages received from partners',
    sql: `
-- $process-message (src/exchange/inbound/receipt.ts): one row per message imported, keyed by its
-- Bundle.identifier, with the partner's address, the SHA-256 of its canonical JSON (without the signature) and
-- the response it got, so a resend is answered the same and never imported twice.
CREATE TABLE exchange_message (
  identifier  text        PRIMARY KEY,
  source      text        NOT NULL,
  digest      text        NOT NULL,
  response    text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
`,
  },
  {
    version: 22,
    name: 'exchange: the outbox of messages sent to partners',
    sql: `
-- The outbox of ServiceRequest/$send (src/exchange/outbound/): one row per signed message Bundle, written in
-- the same transaction as its delivery Task, sent by every process's worker (a row at a time under a lease
-- taken with FOR UPDATE SKIP LOCKED), emergencies first (priority 0 stat .. 3 routine), then the oldest.
-- status: queued (never tried), retrying, sent, failed. lease_until: a worker is sending it; a row whose lease
-- ran out (its process died) is sent again: delivery is at least once, the partner keeps one copy per
-- message_id (Bundle.identifier).
CREATE TABLE exchange_outbox (
  id          bigserial   PRIMARY KEY,
  message_id  text        NOT NULL UNIQUE,
  task_id     text        NOT NULL,
  endpoint_id text        NOT NULL,
  address     text        NOT NULL,
  priority    smallint    NOT NULL,
  body        text        NOT NULL,
  status      text        NOT NULL DEFAULT 'queued',
  attempts    integer     NOT NULL DEFAULT 0,
  lease_until timestamptz,
  last_error  text,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz
);
CREATE INDEX exchange_outbox_pending ON exchange_outbox (priority, id) WHERE status IN ('queued', 'retrying');
-- A partner (its Endpoint) that failed (network, 5xx, 408, 429): nothing is sent to it before next_attempt;
-- failures in a row give the backoff. No row: the partner is available.
CREATE TABLE exchange_partner (
  endpoint_id  text        PRIMARY KEY,
  failures     integer     NOT NULL,
  next_attempt timestamptz NOT NULL
);
`,
  },
];

const MIGRATION_LOCK = 7_342_001; // advisory lock key for migrations

export async function migrate(db: Database): Promise<number[]> {
  return db.unlimited(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of splitStatements(m.sql)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
