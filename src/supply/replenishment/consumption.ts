import type { Queryable } from '../../db/database.js';
import { FhirError } from '../../fhir/outcome.js';

/**
 * Monthly consumption and stock-out days of an item at a place, from the stock ledger (stock_movement).
 *
 * Months are calendar months in Paraguay time (UTC−03:00 all year since 2024): a month starts at 00:00 of its
 * first day there, 03:00 UTC. The periods are the `n` complete months before the current one, oldest first; a
 * period counts for an item only when the item had moved at the place before the period began (a month partly
 * or wholly before the item reached the place says nothing about its demand).
 *
 * - Consumption C of a month: the stock that left by the reasons `dispensacion` and `consumo` (their deltas,
 *   negated), dated in the month. Transfers out, expiry, losses and other adjustments are not consumption.
 * - Stock-out days X of a month: how long the running balance of the item at the place (all its lots together)
 *   was at zero or below during the month. The balance after each movement holds until the next movement (a
 *   month without movements keeps the balance it started with); the time at zero is integrated over the month
 *   and rounded to the nearest whole day (OpenLMIS counts whole days).
 */
export const PY_OFFSET_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;
/** Consumption reasons (py-motivo-movimiento-stock). */
export const CONSUMPTION_REASONS = ['dispensacion', 'consumo'];
/** Most movements read for one call (every item of a place over the periods); past it, 422 too-costly. */
export const MAX_MOVEMENTS = 200_000;

export interface Month {
  /** YYYY-MM in Paraguay time. */
  key: string;
  /** Its first instant and the next month's (epoch ms). */
  start: number;
  end: number;
}

/** Paraguay's calendar month of an instant: [year, month 1..12]. */
export function pyMonth(at: number): [number, number] {
  const d = new Date(at - PY_OFFSET_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1];
}

/** The instant a Paraguay month begins (month may run past 12 or below 1). */
export function monthStart(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1) + PY_OFFSET_MS;
}

function monthOf(year: number, month: number): Month {
  const start = monthStart(year, month);
  const d = new Date(start - PY_OFFSET_MS);
  return { key: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`, start, end: monthStart(year, month + 1) };
}

/** The n complete months before the month of `now`, oldest first. */
export function monthsBefore(now: number, n: number): Month[] {
  const [y, m] = pyMonth(now);
  return Array.from({ length: n }, (_, i) => monthOf(y, m - n + i));
}

export interface Movement {
  at: number;
  delta: number;
  reason: string;
}

/** What the ledger says of one item at one place for the periods. */
export interface ItemHistory {
  item: string;
  /** When the item first moved at the place (epoch ms). */
  first: number;
  /** The balance when the first period begins. */
  opening: number;
  /** The movements within the periods, in ledger order. */
  movements: Movement[];
}

export interface MonthUsage {
  month: string;
  consumption: number;
  stockoutDays: number;
}

/** C and X of each period that counts for the item (see the header), oldest first. Pure. */
export function usageByMonth(h: ItemHistory, months: readonly Month[]): MonthUsage[] {
  const out: MonthUsage[] = [];
  for (const month of months) {
    if (h.first >= month.start) continue;
    let balance = h.opening;
    let since = months[0].start;
    let zero = 0;
    let consumption = 0;
    // Walk the balance from the first period's start; only the part inside this month adds up.
    const atZero = (from: number, to: number): void => {
      const a = Math.max(from, month.start);
      const b = Math.min(to, month.end);
      if (b > a && balance <= 1e-9) zero += b - a;
    };
    for (const mv of h.movements) {
      if (mv.at >= month.end) break;
      atZero(since, mv.at);
      balance += mv.delta;
      since = mv.at;
      if (mv.at >= month.start && CONSUMPTION_REASONS.includes(mv.reason)) consumption -= mv.delta;
    }
    atZero(since, month.end);
    out.push({ month: month.key, consumption: Math.max(0, consumption), stockoutDays: Math.round(zero / DAY_MS) });
  }
  return out;
}

/**
 * The ledger of a place for the periods `months` (consecutive, oldest first): per item (all of the place's,
 * or those named), when it first moved there, its balance at the first period's start and its movements within
 * the periods. Two statements; at most MAX_MOVEMENTS movements (422 too-costly past it).
 */
export async function itemHistories(q: Queryable, location: string, items: readonly string[] | undefined, months: readonly Month[]): Promise<Map<string, ItemHistory>> {
  const from = new Date(months[0].start).toISOString();
  const to = new Date(months[months.length - 1].end).toISOString();
  const params: unknown[] = [location, from];
  const only = items ? ` AND item = ANY($${params.push(items)}::text[])` : '';
  const { rows } = await q.query<{ item: string; first: string; opening: string }>(
    `SELECT item, (extract(epoch FROM min(occurred)) * 1000)::text AS first, COALESCE(sum(delta) FILTER (WHERE occurred < $2::timestamptz), 0)::text AS opening
     FROM stock_movement WHERE location = $1${only} GROUP BY item ORDER BY item`,
    params,
  );
  const out = new Map<string, ItemHistory>();
  for (const r of rows) out.set(r.item, { item: r.item, first: Number(r.first), opening: Number(r.opening), movements: [] });
  if (out.size === 0) return out;
  params.push(to);
  const { rows: moves } = await q.query<{ item: string; at: string; delta: string; reason: string }>(
    `SELECT item, (extract(epoch FROM occurred) * 1000)::text AS at, delta::text AS delta, reason FROM stock_movement
     WHERE location = $1 AND occurred >= $2::timestamptz AND occurred < $${params.length}::timestamptz${only}
     ORDER BY item, occurred, seq LIMIT ${MAX_MOVEMENTS + 1}`,
    params,
  );
  if (moves.length > MAX_MOVEMENTS) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_MOVEMENTS]);
  for (const m of moves) out.get(m.item)?.movements.push({ at: Number(m.at), delta: Number(m.delta), reason: m.reason });
  return out;
}

/** Stock on hand per item at a place (all lots). */
export async function onHand(q: Queryable, location: string, items: readonly string[] | undefined): Promise<Map<string, number>> {
  const params: unknown[] = [location];
  const only = items ? ` AND item = ANY($2::text[])` : '';
  if (items) params.push(items);
  const { rows } = await q.query<{ item: string; quantity: string }>(
    `SELECT item, sum(quantity)::text AS quantity FROM stock_balance WHERE location = $1${only} GROUP BY item`,
    params,
  );
  return new Map(rows.map((r) => [r.item, Number(r.quantity)]));
}
