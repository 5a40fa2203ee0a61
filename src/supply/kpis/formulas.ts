/**
 * The supply KPIs from the sums of a group of store-item pairs (query.ts), pure. Definitions (the guide's page
 * "Suministros y stock", section "Indicadores"):
 *
 * - stockout rate = store-item-days at zero ÷ store-item-days. A store-item pair counts from the day of its
 *   first movement in the ledger (any reason) to the period's last day; the balance of the item is the sum over
 *   its lots; a day is at zero when the balance at the end of that day (Paraguay time) is ≤ 0.
 * - months of stock = stock on hand at the end of the period ÷ average monthly consumption, where the average
 *   monthly consumption = consumption in the period ÷ months in the period (calendar months, a partial month
 *   counting its share of days).
 * - wastage rate = quantity written off (expiry, damage, loss, theft, temperature excursion, VVM discard) ÷
 *   (that + consumption).
 * - inventory turnover = consumption in the period ÷ average daily stock on hand (the end-of-day balances of
 *   every day of the period summed over the pairs, ÷ days in the period).
 *
 * Consumption is what left by the reasons `dispensacion` and `consumo`. A ratio without a denominator (no
 * consumption, no stock) is left out.
 */
export const CONSUMPTION_REASONS = ['dispensacion', 'consumo'];
export const WASTAGE_REASONS = ['vencimiento', 'dano', 'perdida', 'robo', 'excursion-temperatura', 'vvm-descarte'];

/** What query.ts sums over a group of store-item pairs. */
export interface KpiSums {
  /** Stores (Locations) with at least one pair. */
  stores: number;
  /** Store-item pairs that moved before the period's end. */
  pairs: number;
  /** … of them with consumption in the period, with stock at its end, with stock on some day of it. */
  pairsConsuming: number;
  pairsStockedAtEnd: number;
  pairsStocked: number;
  itemDays: number;
  zeroDays: number;
  /** Σ over the pairs and the days they count of max(0, balance at the end of the day). */
  stockDays: number;
  consumed: number;
  wasted: number;
  /** Σ over the pairs of max(0, balance at the end of the period). */
  closing: number;
}

export const emptySums = (): KpiSums => ({ stores: 0, pairs: 0, pairsConsuming: 0, pairsStockedAtEnd: 0, pairsStocked: 0, itemDays: 0, zeroDays: 0, stockDays: 0, consumed: 0, wasted: 0, closing: 0 });

export function addSums(a: KpiSums, b: KpiSums): KpiSums {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof KpiSums)[]) out[k] += b[k];
  return out;
}

export interface Kpis {
  stockoutRate?: number;
  amc: number;
  monthsOfStock?: number;
  wastageRate?: number;
  averageStock: number;
  turnover?: number;
}

/** The KPIs of a group over a period of `days` days and `months` months. */
export function kpis(x: KpiSums, days: number, months: number): Kpis {
  const amc = x.consumed / months;
  const averageStock = x.stockDays / days;
  return {
    ...(x.itemDays > 0 ? { stockoutRate: x.zeroDays / x.itemDays } : {}),
    amc,
    ...(amc > 0 ? { monthsOfStock: x.closing / amc } : {}),
    ...(x.wasted + x.consumed > 0 ? { wastageRate: x.wasted / (x.wasted + x.consumed) } : {}),
    averageStock,
    ...(averageStock > 0 ? { turnover: x.consumed / averageStock } : {}),
  };
}

const DAY_MS = 86_400_000;

/**
 * Months in [start, end) (both at midnight of a day in Paraguay; `offsetMs` is Paraguay's offset, 3 h): each
 * calendar month the period touches counts the share of its days inside the period, so whole months count 1
 * each (January to March: 3) and 15 days of a 30-day month 0.5.
 */
export function monthsIn(start: number, end: number, offsetMs: number): number {
  let months = 0;
  let at = start - offsetMs; // as UTC midnights
  const last = end - offsetMs;
  while (at < last) {
    const d = new Date(at);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const upTo = Math.min(next, last);
    months += (upTo - at) / (next - monthStart);
    at = upTo;
  }
  return months;
}

export const daysIn = (start: number, end: number): number => Math.round((end - start) / DAY_MS);
