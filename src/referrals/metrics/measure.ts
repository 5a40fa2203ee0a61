import type { Measure, MeasureReportGroup } from '@medplum/fhirtypes';
import type { Config } from '../../config.js';
import { readGuideResources } from '../../ig/index.js';
import { defineMeasure, type MeasureEvaluator, type MeasureResult } from '../../measures/registry.js';
import { metricsInput } from './input.js';
import { referralMetrics, type MetricsRow } from './query.js';
import { REGION_SYSTEM } from './report.js';

/**
 * The guide's referral Measures for Measure/$evaluate-measure (src/measures/registry.ts: the period, reporter and
 * the parameters every Measure shares are checked there): a summary MeasureReport (reportType `population`) of
 * the referrals made in [periodStart, periodEnd], of one facility (`reporter`), of a health region (`region`) or
 * of the country, on the side `side`. Each Measure is one metric of referral_fact (query.ts).
 */
const MEASURE = 'https://fhir.mspbs.gov.py/Measure/';
const POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
const UCUM = 'http://unitsofmeasure.org';

type Metric =
  | { scoring: 'proportion'; numerator: (r: MetricsRow) => number }
  | { scoring: 'continuous-variable'; population: (r: MetricsRow) => number; median: (r: MetricsRow) => number | null; unit: 'h' | 'd' };

/** The metric each guide Measure (profiles/derivaciones-indicadores.fsh) stands for, by canonical URL. */
const METRICS: Record<string, Metric> = {
  [`${MEASURE}py-derivacion-completada`]: { scoring: 'proportion', numerator: (r) => r.completed },
  [`${MEASURE}py-derivacion-escalada`]: { scoring: 'proportion', numerator: (r) => r.escalated },
  [`${MEASURE}py-derivacion-contrarreferencia`]: { scoring: 'proportion', numerator: (r) => r.counterReferral },
  [`${MEASURE}py-derivacion-tiempo-aceptacion`]: { scoring: 'continuous-variable', population: (r) => r.accepted, median: (r) => r.acceptanceHoursMedian, unit: 'h' },
  [`${MEASURE}py-derivacion-tiempo-cita`]: { scoring: 'continuous-variable', population: (r) => r.booked, median: (r) => r.appointmentDaysMedian, unit: 'd' },
};

let guideMeasures: Measure[] | undefined;
function measureOfGuide(config: Config, url: string): Measure | undefined {
  guideMeasures ??= readGuideResources(config).filter((r) => r.resourceType === 'Measure') as unknown as Measure[];
  return guideMeasures.find((m) => m.url === url);
}

const code = (c: string) => ({ coding: [{ system: POPULATION, code: c }] });

function evaluator(metric: Metric): MeasureEvaluator {
  return async (s, ctx, { period, reporter, call }): Promise<MeasureResult> => {
    const input = { ...metricsInput(call, ctx, { start: period.start, end: period.end, facilities: reporter ? [reporter] : [] }), groupBy: 'none' as const };
    const { total } = await referralMetrics(s.db, input);
    const group: MeasureReportGroup =
      metric.scoring === 'proportion'
        ? {
            population: [
              { code: code('initial-population'), count: total.referrals },
              { code: code('denominator'), count: total.referrals },
              { code: code('numerator'), count: metric.numerator(total) },
            ],
            ...(total.referrals > 0 ? { measureScore: { value: Math.round((metric.numerator(total) / total.referrals) * 10_000) / 10_000 } } : {}),
          }
        : {
            population: [
              { code: code('initial-population'), count: total.referrals },
              { code: code('measure-population'), count: metric.population(total) },
              { code: code('measure-observation'), count: metric.population(total) },
            ],
            ...(metric.median(total) !== null ? { measureScore: { value: Math.round(metric.median(total)! * 100) / 100, unit: metric.unit, system: UCUM, code: metric.unit } } : {}),
          };
    return {
      ...(input.facilities[0]
        ? { reporter: { reference: input.facilities[0] } }
        : input.region ? { reporter: { identifier: { system: REGION_SYSTEM, value: input.region }, display: `Región Sanitaria ${input.region}` } } : {}),
      extension: [{ url: 'https://fhir.mspbs.gov.py/StructureDefinition/py-lado-derivacion', valueCode: input.side }],
      group: [group],
    };
  };
}

/** Registers the five referral Measures with Measure/$evaluate-measure. */
export function defineReferralMeasures(): void {
  for (const [url, metric] of Object.entries(METRICS)) {
    defineMeasure(url, evaluator(metric), { published: (s) => measureOfGuide(s.config, url), reporterTypes: ['Organization', 'Practitioner'] });
  }
}
