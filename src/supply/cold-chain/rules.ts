/**
 * The excursion rules of the cold chain (WHO 30-day temperature recorders and PQS shipping indicators), over a
 * fridge's readings in time order. A reading's condition holds from it to the next reading; two readings more
 * than MAX_GAP apart break a run (the time between them is unknown).
 *   - congelamiento: at or below −0.5 °C for 60 minutes in a row;
 *   - calor-agudo: at or above 45 °C for 60 minutes in a row;
 *   - fuera-de-rango: outside 2–8 °C for COLD_CHAIN_OUT_OF_RANGE_MINUTES in a row (60 by default);
 *   - calor-acumulado: above 8 °C for 10 hours in all, counted over the last 30 days since the previous such
 *     alarm (cumulative.ts).
 * A run's length is from its first reading to the last reading in the condition: what was seen, not guessed.
 */
export type RunKind = 'congelamiento' | 'calor-agudo' | 'fuera-de-rango';
export type Kind = RunKind | 'calor-acumulado';

export interface Reading {
  at: number;
  celsius: number;
}
export interface Episode {
  start: number;
  end: number;
  /** The reading furthest from the range in the episode. */
  extreme: number;
}

export const MAX_GAP_MS = 30 * 60_000;
const MINUTE = 60_000;

export function runRules(outOfRangeMinutes: number): Record<RunKind, { test: (c: number) => boolean; minMs: number; extreme: (a: number, b: number) => number }> {
  return {
    congelamiento: { test: (c) => c <= -0.5, minMs: 60 * MINUTE, extreme: Math.min },
    'calor-agudo': { test: (c) => c >= 45, minMs: 60 * MINUTE, extreme: Math.max },
    'fuera-de-rango': { test: (c) => c < 2 || c > 8, minMs: outOfRangeMinutes * MINUTE, extreme: (a, b) => (Math.abs(b - 5) > Math.abs(a - 5) ? b : a) },
  };
}

/** The maximal runs of readings in a condition lasting at least minMs. */
export function episodes(readings: Reading[], test: (c: number) => boolean, minMs: number, extreme: (a: number, b: number) => number): Episode[] {
  const out: Episode[] = [];
  let run: Episode | undefined;
  let last = -Infinity;
  const close = (): void => {
    if (run && run.end - run.start >= minMs) out.push(run);
    run = undefined;
  };
  for (const r of readings) {
    if (!test(r.celsius) || r.at - last > MAX_GAP_MS) close();
    if (test(r.celsius)) {
      if (run) {
        run.end = r.at;
        run.extreme = extreme(run.extreme, r.celsius);
      } else run = { start: r.at, end: r.at, extreme: r.celsius };
    }
    last = r.at;
  }
  close();
  return out;
}

/** Heat in all: the first moment the time above 8 °C (pairs of readings both above, at most MAX_GAP apart) reaches limitMs. */
export function cumulativeCrossing(readings: Reading[], limitMs = 10 * 60 * MINUTE): Episode | undefined {
  let total = 0;
  let first: number | undefined;
  let extreme = -Infinity;
  for (let i = 0; i + 1 < readings.length; i++) {
    const [a, b] = [readings[i], readings[i + 1]];
    if (a.celsius > 8 && b.celsius > 8 && b.at - a.at <= MAX_GAP_MS) {
      first ??= a.at;
      extreme = Math.max(extreme, a.celsius, b.celsius);
      total += b.at - a.at;
      if (total >= limitMs) return { start: first, end: b.at, extreme };
    }
  }
  return undefined;
}
