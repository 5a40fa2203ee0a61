import type { Services } from '../../rest/services.js';

/**
 * The monthly consumption series of an item at some places, from the stock ledger (stock_movement): per
 * calendar month in Paraguay (UTC−03:00), the negated deltas of the lines whose reason is `dispensacion` or
 * `consumo` — what was used; receipts, transfers, losses, expiries and counts do not count —, a month without
 * any consumption being 0. From the month of the item's first movement at those places (any reason: the month
 * the store began to hold it), or `history` months back if that is later, to the last complete month.
 */
export const CONSUMPTION = ['dispensacion', 'consumo'] as const;
/** Paraguay's offset from UTC (no daylight saving time since October 2024). */
const PY_OFFSET_HOURS = -3;

/** A month as a count of months since year 0 (year × 12 + month − 1). */
export type MonthIndex = number;
export const monthOf = (d: Date): MonthIndex => {
  const py = new Date(d.getTime() + PY_OFFSET_HOURS * 3_600_000);
  return py.getUTCFullYear() * 12 + py.getUTCMonth();
};
export const label = (m: MonthIndex): string => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
/** The first instant of a month in Paraguay, as an ISO instant. */
const startOf = (m: MonthIndex): string => new Date(Date.UTC(Math.floor(m / 12), m % 12, 1) - PY_OFFSET_HOURS * 3_600_000).toISOString();

export interface Series {
  /** The first month of `values`. */
  first: MonthIndex;
  values: number[];
}

/**
 * The series of `item` at `places` (undefined: every place) ending at the month before `now`'s month in
 * Paraguay, at most `history` months long; empty when the item never moved there before that month's end.
 */
export async function consumptionSeries(s: Services, places: string[] | undefined, item: string, history: number, now = new Date()): Promise<Series> {
  const last = monthOf(now) - 1;
  const windowStart = last - history + 1;
  const params: unknown[] = [item, startOf(windowStart), startOf(last + 1), [...CONSUMPTION]];
  const where = `item = $1${places ? ` AND location = ANY($${params.push(places)}::text[])` : ''}`;
  const { rows } = await s.db.query<{ month: string; consumed: string | null }>(
    `SELECT to_char((occurred AT TIME ZONE 'UTC') + interval '${PY_OFFSET_HOURS} hours', 'YYYY-MM') AS month,
            sum(CASE WHEN reason = ANY($4::text[]) THEN -delta ELSE 0 END)::text AS consumed
       FROM stock_movement WHERE ${where} AND occurred >= $2::timestamptz AND occurred < $3::timestamptz GROUP BY 1
     UNION ALL
     SELECT 'before', NULL WHERE EXISTS (SELECT 1 FROM stock_movement WHERE ${where} AND occurred < $2::timestamptz)
     ORDER BY 1`,
    params,
  );
  const byMonth = new Map<MonthIndex, number>();
  let first = Infinity;
  for (const r of rows) {
    const m = r.month === 'before' ? windowStart : Number(r.month.slice(0, 4)) * 12 + Number(r.month.slice(5, 7)) - 1;
    first = Math.min(first, m);
    if (r.consumed !== null) byMonth.set(m, Number(r.consumed));
  }
  if (first === Infinity) return { first: last + 1, values: [] };
  const values: number[] = [];
  for (let m = first; m <= last; m++) values.push(byMonth.get(m) ?? 0);
  return { first, values };
}
