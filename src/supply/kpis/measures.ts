import type { Measure, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import type { Config } from '../../config.js';
import { readGuideResources } from '../../ig/index.js';
import { defineMeasure, type MeasureEvaluator } from '../../measures/registry.js';
import { addSums, emptySums, kpis, type KpiSums } from './formulas.js';
import { kpiInput, MAX_PERIOD_DAYS, population, REGION_SYSTEM, reporterCall } from './input.js';
import { round } from './operation.js';
import { kpiSums } from './query.js';

/**
 * The guide's supply Measures (profiles/suministros-indicadores.fsh) for Measure/$evaluate-measure: the KPIs of
 * Location/$supply-kpis (formulas.ts) over every store covered — the stores of the `reporter` (an Organization,
 * or one Location), of a `region`, or every store the requester sees — and the items named (`item`, all if
 * none), as summary MeasureReports. The registry (src/measures/registry.ts) checks the period (dates, at most
 * two years) and the shared parameters.
 */
const MEASURE = 'https://fhir.mspbs.gov.py/Measure/';
const POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
const UCUM = 'http://unitsofmeasure.org';

const code = (c: string) => ({ coding: [{ system: POPULATION, code: c }] });
const pop = (c: string, count: number) => ({ code: code(c), count: Math.round(count) });

type Group = (x: KpiSums, days: number, months: number) => MeasureReportGroup;

/** Each Measure's populations and score from the sums of the stores covered. */
const GROUPS: Record<string, Group> = {
  // proportion of store-item-days: numerator the days at zero
  [`${MEASURE}py-suministro-quiebre-stock`]: (x, days, months) => {
    const k = kpis(x, days, months);
    return {
      population: [pop('initial-population', x.itemDays), pop('denominator', x.itemDays), pop('numerator', x.zeroDays)],
      ...(k.stockoutRate !== undefined ? { measureScore: { value: round(k.stockoutRate, 4) } } : {}),
    };
  },
  // ratio of Σ stock on hand at the end to Σ average monthly consumption; the counts are store-item pairs
  [`${MEASURE}py-suministro-meses-stock`]: (x, days, months) => {
    const k = kpis(x, days, months);
    return {
      population: [pop('initial-population', x.pairs), pop('numerator', x.pairsStockedAtEnd), pop('denominator', x.pairsConsuming)],
      ...(k.monthsOfStock !== undefined ? { measureScore: { value: round(k.monthsOfStock, 2), unit: 'mo', system: UCUM, code: 'mo' } } : {}),
    };
  },
  // proportion of quantities (units of the items): numerator written off, denominator written off + consumed
  [`${MEASURE}py-suministro-merma`]: (x, days, months) => {
    const k = kpis(x, days, months);
    return {
      population: [pop('initial-population', x.wasted + x.consumed), pop('denominator', x.wasted + x.consumed), pop('numerator', x.wasted)],
      ...(k.wastageRate !== undefined ? { measureScore: { value: round(k.wastageRate, 4) } } : {}),
    };
  },
  // ratio of Σ consumption to Σ average daily stock on hand; the counts are store-item pairs
  [`${MEASURE}py-suministro-rotacion`]: (x, days, months) => {
    const k = kpis(x, days, months);
    return {
      population: [pop('initial-population', x.pairs), pop('numerator', x.pairsConsuming), pop('denominator', x.pairsStocked)],
      ...(k.turnover !== undefined ? { measureScore: { value: round(k.turnover, 2) } } : {}),
    };
  },
};

let guideMeasures: Measure[] | undefined;
function measureOfGuide(config: Config, url: string): Measure | undefined {
  guideMeasures ??= readGuideResources(config).filter((r) => r.resourceType === 'Measure') as unknown as Measure[];
  return guideMeasures.find((m) => m.url === url);
}

function evaluator(group: Group): MeasureEvaluator {
  return async (s, ctx, { period, reporter, call }) => {
    const input = { ...kpiInput(call, period), groupBy: 'none' as const };
    const stores = await population(s, ctx, reporterCall(call, reporter), input.region);
    let total = emptySums();
    for (const x of (await kpiSums(s.db.costly, input.period, input.days, stores, input.items)).values()) total = addSums(total, x);
    const by: MeasureReport['reporter'] = reporter
      ? { reference: reporter }
      : input.region ? { identifier: { system: REGION_SYSTEM, value: input.region }, display: `Región Sanitaria ${input.region}` } : undefined;
    return { ...(by ? { reporter: by } : {}), group: [group(total, input.days, input.months)] };
  };
}

/** Registers the four supply Measures with Measure/$evaluate-measure. */
export function defineSupplyMeasures(): void {
  for (const [url, group] of Object.entries(GROUPS)) {
    defineMeasure(url, evaluator(group), { published: (s) => measureOfGuide(s.config, url), maxPeriodDays: MAX_PERIOD_DAYS, datesOnly: true, reporterTypes: ['Organization', 'Location'] });
  }
}
