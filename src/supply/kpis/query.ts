import type { Queryable } from '../../db/database.js';
import { FhirError } from '../../fhir/outcome.js';
import type { Period } from '../../measures/period.js';
import { CONSUMPTION_REASONS, WASTAGE_REASONS, type KpiSums } from './formulas.js';
import './messages.js';

/** Most stores one call reads (as many as the places one call may cover); past it, 422 too-costly. */
export const MAX_STORES = 5_000;

/**
 * The sums behind the KPIs (formulas.ts) per store, in one statement over the ledger (stock_movement) of the
 * stores covered (`stores`; undefined: every store) and the items named (none: every item), up to the period's
 * end. Days are Paraguay days (UTC−03:00; `period.start` is a Paraguay midnight), numbered from 0. It runs on the
 * costly lane (`Database.costly`: on PGlite, one costly statement at a time).
 *
 * 1. `d`: per store and item, the balance at the period's start (its movements before it, summed: day −1, a hash
 *    aggregate); and per store, item and day of the period, the net change (all lots), the consumption and the
 *    quantity written off.
 * 2. `runs`: per store-item pair in day order, the balance at the end of each day with movements (a running sum)
 *    and for how many days of the period it holds: until the next day with movements, or the period's end. So
 *    the work grows with the days that have movements, not with stores × items × days (no series of days).
 * 3. `pairs`: per pair, the days it counts (from the day of its first movement, or the period's first day if
 *    it moved before), the days at zero (balance ≤ 0 at the end of the day), Σ end-of-day stock over those
 *    days, consumption and write-offs within the period, and the balance at the end of the period.
 * 4. per store: the sums of its pairs.
 */
export async function kpiSums(q: Queryable, period: Period, days: number, stores: readonly string[] | undefined, items: readonly string[]): Promise<Map<string, KpiSums>> {
  const params: unknown[] = [period.start / 1000, new Date(period.start).toISOString(), new Date(period.end).toISOString(), days, CONSUMPTION_REASONS, WASTAGE_REASONS];
  const where: string[] = [];
  if (stores) where.push(`location = ANY($${params.push(stores)}::text[])`);
  if (items.length) where.push(`item = ANY($${params.push(items)}::text[])`);
  const and = where.map((w) => ` AND ${w}`).join('');
  const sql = `WITH d AS (
  SELECT location, item, -1 AS day, sum(delta) AS net, 0::numeric AS consumed, 0::numeric AS wasted
  FROM stock_movement WHERE occurred < $2::timestamptz${and}
  GROUP BY 1, 2
  UNION ALL
  SELECT location, item, floor((extract(epoch FROM occurred) - $1::float8) / 86400)::int AS day,
         sum(delta) AS net,
         COALESCE(sum(-delta) FILTER (WHERE reason = ANY($5::text[])), 0) AS consumed,
         COALESCE(sum(-delta) FILTER (WHERE reason = ANY($6::text[])), 0) AS wasted
  FROM stock_movement WHERE occurred >= $2::timestamptz AND occurred < $3::timestamptz${and}
  GROUP BY 1, 2, 3
), runs AS (
  SELECT location, item, day, net, consumed, wasted,
         sum(net) OVER w AS balance,
         COALESCE(lead(day) OVER w, $4::int) - GREATEST(day, 0) AS span
  FROM d WINDOW w AS (PARTITION BY location, item ORDER BY day)
), pairs AS (
  SELECT location,
         $4::int - GREATEST(min(day), 0) AS item_days,
         COALESCE(sum(span) FILTER (WHERE balance <= 0), 0) AS zero_days,
         sum(GREATEST(balance, 0) * span) AS stock_days,
         sum(consumed) AS consumed,
         sum(wasted) AS wasted,
         GREATEST(sum(net), 0) AS closing
  FROM runs GROUP BY location, item
)
SELECT location, count(*) AS pairs,
       count(*) FILTER (WHERE consumed > 0) AS pairs_consuming,
       count(*) FILTER (WHERE closing > 0) AS pairs_stocked_at_end,
       count(*) FILTER (WHERE stock_days > 0) AS pairs_stocked,
       sum(item_days)::text AS item_days, sum(zero_days)::text AS zero_days, sum(stock_days)::text AS stock_days,
       sum(consumed)::text AS consumed, sum(wasted)::text AS wasted, sum(closing)::text AS closing
FROM pairs GROUP BY location ORDER BY location
LIMIT ${MAX_STORES + 1}`;
  const { rows } = await q.query<Record<string, string>>(sql, params);
  if (rows.length > MAX_STORES) throw new FhirError(422, 'too-costly', 'supply.kpiTooManyStores', [MAX_STORES]);
  return new Map(rows.map((r) => [r.location, {
    stores: 1,
    pairs: Number(r.pairs),
    pairsConsuming: Number(r.pairs_consuming),
    pairsStockedAtEnd: Number(r.pairs_stocked_at_end),
    pairsStocked: Number(r.pairs_stocked),
    itemDays: Number(r.item_days),
    zeroDays: Number(r.zero_days),
    stockDays: Number(r.stock_days),
    consumed: Number(r.consumed),
    wasted: Number(r.wasted),
    closing: Number(r.closing),
  }]));
}
