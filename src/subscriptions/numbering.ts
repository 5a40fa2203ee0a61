import type { Database } from '../db/database.js';

/** Inbox rows taken per statement (more are taken by the next statement of the same call). */
const BATCH = 5000;

/**
 * Event numbering. A writing transaction appends its events to `subscription_inbox` without numbers (no
 * shared row is locked, so writers matching the same subscriptions never wait for each other); this step
 * moves committed inbox rows into `subscription_event`, numbering them per subscription after the
 * subscription's counter, in one statement: the inbox rows are deleted, the counters raised and the numbered
 * events inserted together, so each event is numbered exactly once and a counter never shows a number whose
 * event is not there. Inbox rows of transactions still running are invisible and are numbered by a later
 * round; rows taken by a concurrent numbering (another process) are skipped (SKIP LOCKED). Two numberings
 * touching the same subscription serialise on its counter row for the length of one statement.
 *
 * Runs before every delivery round (rest-hook and websocket) and before `$status`/`$events` answer, so what
 * they report includes every committed event. Returns how many events it numbered; on PostgreSQL a NOTIFY
 * wakes the other processes (their websocket sockets may be waiting for these numbers).
 */
export async function numberPending(db: Database, wait = false): Promise<number> {
  // wait: rows another numbering is taking are waited for instead of skipped, so that afterwards every event
  // committed before the call is numbered (for $status/$events). Locks are taken in one global order —
  // inbox rows by id (all of them before any counter: the counters depend on their sum), then counters by
  // subscription id — so numberings never deadlock, waiting or not.
  const skip = wait ? '' : ' SKIP LOCKED';
  const notify = db.kind === 'postgres';
  // Waiting, the call covers the rows present when it starts (up to their largest id), so that writes going
  // on meanwhile cannot keep it looping.
  const upTo = wait ? (await db.query<{ m: string | null }>('SELECT max(id)::text AS m FROM subscription_inbox')).rows[0]?.m ?? null : null;
  if (wait && upTo === null) return 0;
  let total = 0;
  for (;;) {
    const { rows } = await db.query<{ n: string; taken: string }>(
      `WITH moved AS (
         DELETE FROM subscription_inbox i WHERE i.id IN (SELECT id FROM subscription_inbox WHERE $3::bigint IS NULL OR id <= $3 ORDER BY id LIMIT $1 FOR UPDATE${skip})
         RETURNING i.id, i.sub_id, i.res_type, i.res_id, i.version, i.method, i.created),
       per AS (SELECT sub_id, count(*) AS n FROM moved GROUP BY sub_id),
       locked AS (SELECT c.sub_id FROM subscription_counter c WHERE c.sub_id IN (SELECT sub_id FROM per) ORDER BY c.sub_id FOR UPDATE),
       upd AS (UPDATE subscription_counter c SET events = c.events + per.n FROM per
               WHERE c.sub_id = per.sub_id AND c.sub_id IN (SELECT sub_id FROM locked)
               RETURNING c.sub_id, c.events - per.n AS first),
       ins AS (INSERT INTO subscription_event (sub_id, number, res_type, res_id, version, method, created)
               SELECT m.sub_id, upd.first + row_number() OVER (PARTITION BY m.sub_id ORDER BY m.id), m.res_type, m.res_id, m.version, m.method, m.created
               FROM moved m JOIN upd ON upd.sub_id = m.sub_id
               RETURNING 1),
       n AS (SELECT count(*) AS n FROM ins)
       SELECT n.n::text AS n, (SELECT count(*) FROM moved)::text AS taken, CASE WHEN $2::boolean AND n.n > 0 THEN pg_notify('hms_subscription_event', '') END FROM n`,
      [BATCH, notify, upTo],
      wait ? 'hms_sub_number_wait' : 'hms_sub_number',
    );
    total += Number(rows[0]?.n ?? 0);
    const taken = Number(rows[0]?.taken ?? 0);
    // Skipping: a short batch means nothing more is free now. Waiting: rows another numbering took meanwhile
    // drop out of a batch, so only an empty one means the inbox held nothing more committed.
    if (wait ? taken === 0 : taken < BATCH) return total;
  }
}

