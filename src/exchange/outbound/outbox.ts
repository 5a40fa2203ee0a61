import type { Database, Queryable } from '../../db/database.js';

/**
 * The outbox's rows (table exchange_outbox, migration 22) and the partners' backoff (exchange_partner).
 * Every statement is the same SQL on PostgreSQL and PGlite.
 */
export interface OutboxRow {
  id: number;
  messageId: string;
  taskId: string;
  endpointId: string;
  address: string;
  priority: number;
  body: string;
  attempts: number;
}

export interface NewMessage {
  messageId: string;
  taskId: string;
  endpointId: string;
  address: string;
  priority: number;
  body: string;
}

/** Queues a message (inside the transaction that writes its delivery Task). */
export async function enqueue(tx: Queryable, m: NewMessage): Promise<void> {
  await tx.query(
    'INSERT INTO exchange_outbox (message_id, task_id, endpoint_id, address, priority, body) VALUES ($1, $2, $3, $4, $5, $6)',
    [m.messageId, m.taskId, m.endpointId, m.address, m.priority, m.body],
  );
}

/**
 * Takes the messages due: pending, not leased by a worker, to a partner not waiting out a failure; at most
 * `limit`, emergencies first, then the oldest; at most `perPartner` of one partner. Each is leased for as
 * long as the sends before it to the same partner and its own may take (they go one after another), plus 5 s.
 * FOR UPDATE SKIP LOCKED: two processes never take the same row.
 */
export async function claim(db: Database, limit: number, perPartner: number, timeoutMs: number): Promise<OutboxRow[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string | number; message_id: string; task_id: string; endpoint_id: string; address: string; priority: number; body: string; attempts: number }>(
      `SELECT m.id, m.message_id, m.task_id, m.endpoint_id, m.address, m.priority, m.body, m.attempts
         FROM exchange_outbox m LEFT JOIN exchange_partner p ON p.endpoint_id = m.endpoint_id
        WHERE m.status IN ('queued', 'retrying') AND (m.lease_until IS NULL OR m.lease_until < clock_timestamp())
          AND (p.next_attempt IS NULL OR p.next_attempt <= clock_timestamp())
        ORDER BY m.priority, m.id
        LIMIT $1
        FOR UPDATE OF m SKIP LOCKED`,
      [limit],
    );
    const taken: OutboxRow[] = [];
    const perEndpoint = new Map<string, number>();
    for (const r of rows) {
      const n = perEndpoint.get(r.endpoint_id) ?? 0;
      if (n >= perPartner) continue;
      perEndpoint.set(r.endpoint_id, n + 1);
      taken.push({ id: Number(r.id), messageId: r.message_id, taskId: r.task_id, endpointId: r.endpoint_id, address: r.address, priority: Number(r.priority), body: r.body, attempts: Number(r.attempts) });
    }
    if (taken.length === 0) return [];
    const place = new Map<string, number>();
    const leases = taken.map((r) => {
      const k = (place.get(r.endpointId) ?? 0) + 1;
      place.set(r.endpointId, k);
      return k * timeoutMs + 5000;
    });
    await tx.query(
      `UPDATE exchange_outbox SET lease_until = clock_timestamp() + x.ms * interval '1 millisecond'
         FROM unnest($1::bigint[], $2::bigint[]) AS x(id, ms) WHERE exchange_outbox.id = x.id`,
      [taken.map((r) => r.id), leases],
    );
    return taken;
  });
}

/** A message delivered (2xx). The partner answered: its backoff is over. */
export async function markSent(tx: Queryable, r: OutboxRow): Promise<void> {
  await tx.query(`UPDATE exchange_outbox SET status = 'sent', attempts = attempts + 1, lease_until = NULL, last_error = NULL, finished_at = clock_timestamp() WHERE id = $1`, [r.id]);
  await tx.query('DELETE FROM exchange_partner WHERE endpoint_id = $1', [r.endpointId]);
}

/** A message refused for good (4xx but 408 and 429), or tried as often as allowed. */
export async function markFailed(tx: Queryable, r: OutboxRow, error: string, partnerAnswered: boolean): Promise<void> {
  await tx.query(`UPDATE exchange_outbox SET status = 'failed', attempts = attempts + 1, lease_until = NULL, last_error = $2, finished_at = clock_timestamp() WHERE id = $1`, [r.id, error]);
  if (partnerAnswered) await tx.query('DELETE FROM exchange_partner WHERE endpoint_id = $1', [r.endpointId]);
}

/** A message to try again once its partner's wait (partnerFailed) is over. */
export async function markRetry(tx: Queryable, r: OutboxRow, error: string): Promise<void> {
  await tx.query(`UPDATE exchange_outbox SET status = 'retrying', attempts = attempts + 1, lease_until = NULL, last_error = $2 WHERE id = $1`, [r.id, error]);
}

/**
 * The partner failed (no answer, 5xx, 408, 429): nothing goes to it for base × 2^(failures in a row − 1), at
 * most max. Returns until when.
 */
export async function partnerFailed(tx: Queryable, endpointId: string, baseMs: number, maxMs: number): Promise<Date> {
  const { rows } = await tx.query<{ next_attempt: string | Date }>(
    `INSERT INTO exchange_partner (endpoint_id, failures, next_attempt) VALUES ($1, 1, clock_timestamp() + LEAST($3::float8, $2::float8) * interval '1 millisecond')
     ON CONFLICT (endpoint_id) DO UPDATE SET failures = exchange_partner.failures + 1,
       next_attempt = clock_timestamp() + LEAST($3::float8, $2::float8 * power(2::float8, LEAST(exchange_partner.failures, 30))) * interval '1 millisecond'
     RETURNING next_attempt`,
    [endpointId, baseMs, maxMs],
  );
  return new Date(rows[0].next_attempt);
}

/** Messages taken but not sent (their partner just failed): free again, no attempt counted. */
export async function release(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await db.query('UPDATE exchange_outbox SET lease_until = NULL WHERE id = ANY($1::bigint[])', [ids]);
}

/** At start on the embedded database (one process owns its folder): leases of a process that died are void. */
export async function releaseAll(db: Database): Promise<void> {
  await db.query(`UPDATE exchange_outbox SET lease_until = NULL WHERE lease_until IS NOT NULL AND status IN ('queued', 'retrying')`);
}
