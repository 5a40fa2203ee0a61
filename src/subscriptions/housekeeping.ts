import type { Queryable } from '../db/database.js';

/**
 * Subscriptions past their `end`: their state becomes `off` (no more matching, delivery or heartbeats; the
 * events already recorded stay readable with $events). Returns their ids, to mirror `off` into the resources.
 * Any process may run it; the UPDATE makes each switch happen once.
 */
export async function endSweep(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ sub_id: string }>(
    "UPDATE subscription_state SET status = 'off' WHERE ends_at <= now() AND status <> 'off' RETURNING sub_id",
    [],
    'hms_sub_end_sweep',
  );
  return rows.map((r) => r.sub_id);
}

/**
 * Outbox retention: deletes events older than `seconds` that were delivered (rest-hook: at or before the
 * cursor) or that no cursor waits for (websocket subscriptions, whose sockets only get events committed while
 * they are bound). Undelivered rest-hook events are kept, however old, so a subscription in `error` or `off`
 * still delivers its backlog when it recovers. In slices, so one sweep never holds many row locks for long.
 */
export async function retentionSweep(q: Queryable, seconds: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < 20; i++) {
    const { rows } = await q.query<{ n: string }>(
      `WITH gone AS (
         DELETE FROM subscription_event WHERE ctid IN (
           SELECT e.ctid FROM subscription_event e JOIN subscription_state s ON s.sub_id = e.sub_id
           WHERE e.created < now() - make_interval(secs => $1) AND (s.channel = 'websocket' OR e.number <= s.delivered)
           LIMIT 5000)
         RETURNING 1)
       SELECT count(*)::text AS n FROM gone`,
      [seconds],
      'hms_sub_retention',
    );
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < 5000) break;
  }
  return total;
}
