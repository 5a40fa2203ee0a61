/**
 * HMS-OPS demand forecasting backtest (no server: the pure functions of src/supply/forecast/methods.ts).
 *
 *   npm run bench:forecast
 *   npm run bench:forecast -- --series=1000 --seed=7
 *
 * Options: --series [300] (facility-item series, split evenly over the five kinds), --months [48], --holdout [12],
 * --seed [20250601].
 *
 * A generated but realistic data set: monthly consumption of facility-item pairs from January 2022, a fixed
 * seed (mulberry32), five kinds in equal shares:
 *   - smooth: a health post's paracetamol or ORS — every month, around a level of 40–400 units (noise CV 0.1–0.3,
 *     a drift of ±0.5 %/month);
 *   - erratic: every month (95 %) but the quantity varies a lot (log-normal, σ 0.8–1.1): a hospital's antibiotics;
 *   - intermittent: a month with demand 20–55 % of the time, 1 + Poisson(3–12) units: a rural post's insulin;
 *   - lumpy: a month with demand 15–50 % of the time, log-normal sizes (σ 0.9–1.3) around 5–40 units;
 *   - seasonal: a respiratory medicine (salbutamol, amoxicillin) around a level of 30–300 units, ×(1 + A·cos)
 *     with A 0.35–0.7 peaking in July (Paraguay's winter, June–August), noise CV 0.1–0.2.
 * The last --holdout months are held out; the rest is the history `auto` classifies and forecasts (as
 * Location/$forecast does). Out-of-sample MASE = MAE over the held-out months / the in-sample naive one-step MAE
 * (lag 12 when `auto` picked the seasonal method, as the operation scales it); the naive (last month repeated)
 * and the seasonal naive (the same month a year before) are scaled the same way. Coverage: the share of held-out
 * months inside the 80 % and 95 % intervals. Prints markdown tables.
 */
import { arg } from './run.js';
import { classify, forecast, naiveScale, SEASON, type DemandClass, type Method } from '../src/supply/forecast/methods.js';

const SERIES = Number(arg('series', '300'));
const MONTHS = Number(arg('months', '48'));
const HOLDOUT = Number(arg('holdout', '12'));
const SEED = Number(arg('seed', '20250601'));
const KINDS = ['smooth', 'erratic', 'intermittent', 'lumpy', 'seasonal'] as const;
type Kind = (typeof KINDS)[number];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const uniform = (a: number, b: number): number => a + (b - a) * rand();
function normal(): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
function poisson(lambda: number): number {
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}
const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * normal());

/** One facility-item series of `kind`, month 0 = January 2022. */
function generate(kind: Kind): number[] {
  const y: number[] = [];
  if (kind === 'smooth') {
    const level = uniform(40, 400);
    const cv = uniform(0.1, 0.3);
    const drift = uniform(-0.005, 0.005);
    for (let t = 0; t < MONTHS; t++) y.push(Math.max(0, Math.round(level * (1 + drift) ** t * (1 + cv * normal()))));
  } else if (kind === 'erratic') {
    const median = uniform(20, 200);
    const sigma = uniform(0.8, 1.1);
    for (let t = 0; t < MONTHS; t++) y.push(rand() < 0.95 ? Math.max(1, Math.round(logNormal(median, sigma))) : 0);
  } else if (kind === 'intermittent') {
    const p = uniform(0.2, 0.55);
    const lambda = uniform(3, 12);
    for (let t = 0; t < MONTHS; t++) y.push(rand() < p ? 1 + poisson(lambda) : 0);
  } else if (kind === 'lumpy') {
    const p = uniform(0.15, 0.5);
    const median = uniform(5, 40);
    const sigma = uniform(0.9, 1.3);
    for (let t = 0; t < MONTHS; t++) y.push(rand() < p ? Math.max(1, Math.round(logNormal(median, sigma))) : 0);
  } else {
    const level = uniform(30, 300);
    const amplitude = uniform(0.35, 0.7);
    const cv = uniform(0.1, 0.2);
    for (let t = 0; t < MONTHS; t++) {
      const cycle = 1 + amplitude * Math.cos((2 * Math.PI * ((t % 12) - 6)) / 12);
      y.push(Math.max(0, Math.round(level * cycle * (1 + cv * normal()))));
    }
  }
  return y;
}

interface Result {
  kind: Kind;
  class: DemandClass;
  method: Method;
  mase: number;
  naive: number;
  snaive: number;
  inSample?: number;
  in80: number;
  in95: number;
}

const results: Result[] = [];
let skipped = 0;
const started = performance.now();
for (let i = 0; i < SERIES; i++) {
  const kind = KINDS[i % KINDS.length];
  const y = generate(kind);
  const train = y.slice(0, MONTHS - HOLDOUT);
  const test = y.slice(MONTHS - HOLDOUT);
  if (classify(train).nonZero < 3) {
    skipped++;
    continue;
  }
  const f = forecast(train, HOLDOUT, 'auto');
  const scale = naiveScale(train, f.method === 'seasonal' ? SEASON : 1);
  if (!(scale > 0)) {
    skipped++;
    continue;
  }
  const mae = (pred: (h: number) => number): number => test.reduce((a, v, h) => a + Math.abs(v - pred(h)), 0) / test.length;
  results.push({
    kind,
    class: f.class,
    method: f.method,
    mase: mae((h) => f.points[h].value) / scale,
    naive: mae(() => train[train.length - 1]) / scale,
    snaive: mae((h) => train[train.length - SEASON + (h % SEASON)]) / scale,
    inSample: f.mase,
    in80: test.filter((v, h) => v >= f.points[h].lo80 && v <= f.points[h].hi80).length / test.length,
    in95: test.filter((v, h) => v >= f.points[h].lo95 && v <= f.points[h].hi95).length / test.length,
  });
}
const ms = performance.now() - started;

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');
const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
function row(name: string, rs: Result[]): string {
  const picked = (['croston-sba', 'ses', 'seasonal'] as const).map((m) => rs.filter((r) => r.method === m).length).join(' / ');
  return `| ${name} | ${rs.length} | ${picked} | ${f2(mean(rs.map((r) => r.mase)))} | ${f2(median(rs.map((r) => r.mase)))} | ${f2(mean(rs.map((r) => r.naive)))} | ${f2(median(rs.map((r) => r.naive)))} | ${f2(mean(rs.map((r) => r.snaive)))} | ${f2(median(rs.map((r) => r.inSample ?? NaN).filter(Number.isFinite)))} | ${pct(mean(rs.map((r) => r.in80)))} | ${pct(mean(rs.map((r) => r.in95)))} |`;
}
const head = [
  '| series | n | auto picked (Croston-SBA / SES / seasonal) | MASE auto, mean | MASE auto, median | MASE naive, mean | MASE naive, median | MASE seasonal naive, mean | in-sample MASE, median | inside 80 % | inside 95 % |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
console.log(`HMS-OPS forecast backtest: ${SERIES} series × ${MONTHS} months (seed ${SEED}), last ${HOLDOUT} held out; ${skipped} skipped (fewer than 3 months with demand or a flat history); ${ms.toFixed(0)} ms\n`);
console.log('By generated kind:\n');
console.log([...head, ...KINDS.map((k) => row(k, results.filter((r) => r.kind === k))), row('**all**', results)].join('\n'));
console.log('\nBy ADI/CV² class of the history (what `auto` sees):\n');
const classes: DemandClass[] = ['smooth', 'erratic', 'intermittent', 'lumpy'];
console.log([...head, ...classes.map((c) => row(c, results.filter((r) => r.class === c))), row('**all**', results)].join('\n'));
