/**
 * Demand forecasting methods for monthly consumption series (pure functions, no I/O).
 *
 * - classify: the Syntetos–Boylan classes by ADI (periods per period with demand: n / non-zero months) and CV²
 *   (squared coefficient of variation of the non-zero sizes, population variance): ADI < 1.32 and CV² < 0.49
 *   smooth, ADI < 1.32 erratic, CV² < 0.49 intermittent, otherwise lumpy.
 * - crostonSba: Croston with the Syntetos–Boylan correction: the demand sizes z and the intervals p between
 *   demands (the first counted from the start of the series) are each smoothed by SES with α (default 0.1),
 *   started at their first value; forecast (1 − α/2)·z/p, flat over the horizon.
 * - ses: simple exponential smoothing, level started at the first month, α picked from 0.05…0.5 (step 0.05)
 *   by the least squared one-step error on the history; flat forecast.
 * - seasonal: "seasonal naive with the mean level", season 12 months: level = mean of the last 12 months,
 *   plus the month's additive seasonal index = mean, over the complete years ending at the last month, of the
 *   month's deviation from its year's mean (with one year it is exactly the seasonal naive). Never below 0.
 * - Every method is run rolling-origin one step ahead over the history (each month forecast from the months
 *   before it only, α fixed): those one-step errors give MASE and the prediction intervals.
 * - Intervals: empirical quantiles of the one-step errors (type 7, linear), 10/90 % for 80 %, 2.5/97.5 % for
 *   95 %, widened for month h by √(1 + (h − 1)α²) (the SES h-step variance) for SES and Croston, flat for the
 *   seasonal method; each bound at least as wide as the point (lo ≤ value ≤ hi) and never below 0.
 * - MASE: mean absolute one-step error / mean absolute in-sample naive one-step error (lag 1; lag 12 for the
 *   seasonal method); undefined when that scale is 0 (a constant history).
 */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy';
export type Method = 'croston-sba' | 'ses' | 'seasonal';
export const METHODS: readonly Method[] = ['croston-sba', 'ses', 'seasonal'];

export const ADI_CUTOFF = 1.32;
export const CV2_CUTOFF = 0.49;
export const SEASON = 12;
/** Autocorrelation at lag 12 above which a series of at least two seasons counts as seasonal. */
export const SEASONAL_ACF = 0.3;
export const CROSTON_ALPHA = 0.1;
const SES_ALPHAS = Array.from({ length: 10 }, (_, i) => (i + 1) * 0.05);
const LEVELS = { lo95: 0.025, lo80: 0.1, hi80: 0.9, hi95: 0.975 } as const;

export interface Classification {
  class: DemandClass;
  adi: number;
  cv2: number;
  /** Months with demand (> 0). */
  nonZero: number;
}

export function classify(y: readonly number[]): Classification {
  const sizes = y.filter((v) => v > 0);
  const adi = sizes.length ? y.length / sizes.length : Infinity;
  const mean = sizes.reduce((a, b) => a + b, 0) / (sizes.length || 1);
  const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length || 1);
  const cv2 = mean > 0 ? variance / mean ** 2 : 0;
  const cls: DemandClass = adi < ADI_CUTOFF ? (cv2 < CV2_CUTOFF ? 'smooth' : 'erratic') : cv2 < CV2_CUTOFF ? 'intermittent' : 'lumpy';
  return { class: cls, adi, cv2, nonZero: sizes.length };
}

/** Sample autocorrelation at `lag` (0 when the series is constant or too short). */
export function acf(y: readonly number[], lag: number): number {
  const n = y.length;
  if (n <= lag) return 0;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    den += (y[t] - mean) ** 2;
    if (t >= lag) num += (y[t] - mean) * (y[t - lag] - mean);
  }
  return den > 0 ? num / den : 0;
}

/** At least two seasons and the lag-12 autocorrelation above SEASONAL_ACF. */
export function isSeasonal(y: readonly number[]): boolean {
  return y.length >= 2 * SEASON && acf(y, SEASON) > SEASONAL_ACF;
}

/** A method's fit: the next months' point forecast and the one-step forecasts of the history (NaN: none). */
interface Fit {
  /** Point forecast of month n + h − 1 (h ≥ 1). */
  next(h: number): number;
  /** oneStep[t]: forecast of y[t] from y[0..t−1]; NaN where the method has none yet. */
  oneStep: number[];
  alpha?: number;
}

/** Croston-SBA; oneStep defined after the first demand. */
export function crostonSba(y: readonly number[], alpha = CROSTON_ALPHA): Fit {
  const oneStep: number[] = [];
  let z = NaN;
  let p = NaN;
  let since = 0;
  const f = (): number => (Number.isNaN(z) ? NaN : (1 - alpha / 2) * (z / p));
  for (const v of y) {
    oneStep.push(f());
    since++;
    if (v > 0) {
      if (Number.isNaN(z)) [z, p] = [v, since];
      else [z, p] = [z + alpha * (v - z), p + alpha * (since - p)];
      since = 0;
    }
  }
  const value = f();
  return { next: () => value, oneStep, alpha };
}

function sesRun(y: readonly number[], alpha: number): { level: number; oneStep: number[]; sse: number } {
  const oneStep: number[] = [NaN];
  let level = y[0];
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    oneStep.push(level);
    sse += (y[t] - level) ** 2;
    level += alpha * (y[t] - level);
  }
  return { level, oneStep, sse };
}

/** SES with α chosen on the history; oneStep defined from the second month. */
export function ses(y: readonly number[], alpha?: number): Fit {
  let best = sesRun(y, alpha ?? SES_ALPHAS[0]);
  let bestAlpha = alpha ?? SES_ALPHAS[0];
  if (alpha === undefined) {
    for (const a of SES_ALPHAS.slice(1)) {
      const r = sesRun(y, a);
      if (r.sse < best.sse - 1e-12) [best, bestAlpha] = [r, a];
    }
  }
  const value = best.level;
  return { next: () => value, oneStep: best.oneStep, alpha: bestAlpha };
}

/** Level + additive seasonal index from the complete seasons ending at the last month of `y` (y.length ≥ SEASON). */
function seasonalPoint(y: readonly number[], h: number): number {
  const n = y.length;
  const years = Math.floor(n / SEASON);
  const start = n - years * SEASON;
  const pos = (h - 1) % SEASON;
  let index = 0;
  for (let b = 0; b < years; b++) {
    const block = y.slice(start + b * SEASON, start + (b + 1) * SEASON);
    const mean = block.reduce((a, v) => a + v, 0) / SEASON;
    index += block[pos] - mean;
  }
  const level = y.slice(n - SEASON).reduce((a, v) => a + v, 0) / SEASON;
  return Math.max(0, level + index / years);
}

/** The seasonal method; oneStep defined from month 12 (one season before it). */
export function seasonal(y: readonly number[]): Fit {
  const oneStep = y.map((_, t) => (t >= SEASON ? seasonalPoint(y.slice(0, t), 1) : NaN));
  return { next: (h) => seasonalPoint(y, h), oneStep };
}

/** Type-7 quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Mean absolute naive error at `lag` over the history (the MASE scale). */
export function naiveScale(y: readonly number[], lag: number): number {
  let sum = 0;
  let k = 0;
  for (let t = lag; t < y.length; t++, k++) sum += Math.abs(y[t] - y[t - lag]);
  return k ? sum / k : NaN;
}

export interface ForecastPoint {
  /** 1 = the month after the history. */
  h: number;
  value: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface Forecast extends Classification {
  method: Method;
  alpha?: number;
  /** Rolling-origin one-step MASE over the history; undefined when the naive scale is 0 or no error exists. */
  mase?: number;
  /** The one-step errors (y − forecast) it rests on. */
  errors: number[];
  points: ForecastPoint[];
}

/** Which method `auto` picks: seasonal for a seasonal series, Croston-SBA for intermittent/lumpy, else SES. */
export function choose(y: readonly number[], cls: DemandClass): Method {
  if (isSeasonal(y)) return 'seasonal';
  return cls === 'intermittent' || cls === 'lumpy' ? 'croston-sba' : 'ses';
}

/** Forecast `horizon` months after `y` with `method` (or the one `auto` picks). */
export function forecast(y: readonly number[], horizon: number, method: Method | 'auto' = 'auto', alpha = CROSTON_ALPHA): Forecast {
  const c = classify(y);
  const used: Method = method === 'auto' ? choose(y, c.class) : method;
  const fit = used === 'croston-sba' ? crostonSba(y, alpha) : used === 'ses' ? ses(y) : seasonal(y);
  const errors: number[] = [];
  for (let t = 0; t < y.length; t++) if (!Number.isNaN(fit.oneStep[t])) errors.push(y[t] - fit.oneStep[t]);
  const scale = naiveScale(y, used === 'seasonal' ? SEASON : 1);
  const mae = errors.reduce((a, e) => a + Math.abs(e), 0) / (errors.length || 1);
  const mase = errors.length && scale > 0 ? mae / scale : undefined;
  const sorted = [...errors].sort((a, b) => a - b);
  const q = Object.fromEntries(Object.entries(LEVELS).map(([k, p]) => [k, quantile(sorted, p)])) as Record<keyof typeof LEVELS, number>;
  const points: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    const value = Math.max(0, fit.next(h));
    const k = used === 'seasonal' ? 1 : Math.sqrt(1 + (h - 1) * (fit.alpha ?? 0) ** 2);
    const lo = (e: number): number => Math.max(0, value + Math.min(0, e) * k);
    const hi = (e: number): number => value + Math.max(0, e) * k;
    points.push({ h, value, lo80: lo(q.lo80), hi80: hi(q.hi80), lo95: Math.min(lo(q.lo95), lo(q.lo80)), hi95: Math.max(hi(q.hi95), hi(q.hi80)) });
  }
  return { ...c, method: used, ...(fit.alpha !== undefined ? { alpha: fit.alpha } : {}), ...(mase !== undefined ? { mase } : {}), errors, points };
}
