/**
 * OpenLMIS's requisition formulas (openlmis-requisition LineItemFieldsCalculator), pure.
 *
 * Rounding, as OpenLMIS: N, P and H are rounded up to whole units (ceil), so a fraction of demand is never
 * dropped; I is rounded up too (quantities on hand may be decimal). Each ceil forgives 1e-9 of floating-point
 * noise (30 × 100 / 20 is 150, not 151). Months of stock is not rounded (the operations show it to 2 decimals).
 */
export const DAYS_PER_MONTH = 30;
const ceil = (x: number): number => Math.ceil(x - 1e-9);

/**
 * N, adjusted consumption of a period: C × (M·30) / ((M·30) − X), rounded up, with C the consumption in the
 * period, M its months and X its stock-out days. A period out of stock the whole time (X ≥ M·30) gives C.
 */
export function adjustedConsumption(consumed: number, stockoutDays: number, months = 1): number {
  const days = months * DAYS_PER_MONTH;
  const inStock = days - stockoutDays;
  if (inStock <= 0) return consumed;
  return ceil((consumed * days) / inStock);
}

/** P, average monthly consumption (AMC): the mean of N over the periods (the last 3 by default), rounded up; 0 without periods. */
export function averageMonthlyConsumption(adjusted: readonly number[]): number {
  if (adjusted.length === 0) return 0;
  return ceil(adjusted.reduce((a, b) => a + b, 0) / adjusted.length);
}

/** H, maximum stock: P × maxPeriodsOfStock (months), rounded up. */
export function maximumStock(amc: number, maxPeriodsOfStock: number): number {
  return ceil(amc * maxPeriodsOfStock);
}

/** I, order quantity: max(0, H − E − O), rounded up, with E the stock on hand and O what is on order. */
export function orderQuantity(maximum: number, stockOnHand: number, onOrder = 0): number {
  return Math.max(0, ceil(maximum - stockOnHand - onOrder));
}

/** Months of stock: E / P; undefined when nothing is consumed (P = 0). */
export function monthsOfStock(stockOnHand: number, amc: number): number | undefined {
  return amc > 0 ? stockOnHand / amc : undefined;
}
