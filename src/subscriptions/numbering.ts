import type { Queryable } from '../db/database.js';

/** Events numbered per statement (the rest waits for the next round, which starts at once). */
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
 * they report includes every committed event. Returns how many events it numbered; with `notify` it wakes
 * the other processes (their websocket sockets may be waiting for these numbers).
 */
export async function numberPending(q: Queryable, notify: boolean, wait = false): Promise<number> {
  // wait: rows another numbering is taking are waited for instead of skipped, so that afterwards every event
  // committed before the call is numbered (for $status/$events). Locks are taken in one global order —
  // inbox rows by id (all of them before any counter: the counters depend on their sum), then counters by
  // subscription id — so numberings never deadlock, waiting or not.
  const skip = wait ? '' : ' SKIP LOCKED';
  let total = 0;
  for (;;) {
    const { rows } = await q.query<{ n: string }>(
      `WITH moved AS (
         DELETE FROM subscription_inbox i WHERE i.id IN (SELECT id FROM subscription_inbox ORDER BY id LIMIT $1 FOR UPDATE${skip})
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
       SELECT n.n::text AS n, CASE WHEN $2::boolean AND n.n > 0 THEN pg_notify('hms_subscription_event', '') END FROM n`,
      [BATCH, notify],
      wait ? 'hms_sub_number_wait' : 'hms_sub_number',
    );
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < BATCH) return total;
  }
}

