import type { Measure, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { readGuideResources } from '../../ig/index.js';
import { paramString, type OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import { assertPopulationAccess, metricsInput } from './input.js';
import { referralMetrics, type MetricsRow } from './query.js';
import { REGION_SYSTEM } from './report.js';

/**
 * Measure/$evaluate-measure (R4) for the guide's referral Measures: a summary MeasureReport (reportType
 * `population`) of the referrals made in [periodStart, periodEnd], of one facility (`reporter`), of a health
 * region (`region`) or of the country. Each Measure is one metric of referral_fact (query.ts).
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
function measuresOfGuide(s: Services): Measure[] {
  guideMeasures ??= readGuideResources(s.config).filter((r) => r.resourceType === 'Measure') as unknown as Measure[];
  return guideMeasures;
}

/** The Measure asked for: the instance (a guide Measure's id, or a stored Measure), or `measure` (canonical) at type level. */
async function measureOf(s: Services, ctx: RequestContext, call: OperationCall): Promise<Measure> {
  if (call.id) {
    const own = measuresOfGuide(s).find((m) => m.id === call.id);
    if (own) return own;
    const row = await s.store.read(ctx, 'Measure', call.id);
    if (!row?.content || row.deleted) throw new FhirError(404, 'not-found', 'notFound', [`Measure/${call.id}`]);
    return JSON.parse(row.content) as Measure;
  }
  const url = paramString(call.params, 'measure');
  if (!url) throw new FhirError(400, 'required', 'referrals.missingParam', ['measure']);
  const canonical = url.split('|')[0];
  const m = measuresOfGuide(s).find((x) => x.url === canonical);
  if (!m) throw new FhirError(422, 'not-supported', 'referrals.unknownMeasure', [url, Object.keys(METRICS).join(', ')]);
  return m;
}

export async function evaluateMeasure(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  assertPopulationAccess(ctx);
  const measure = await measureOf(s, ctx, call);
  const metric = measure.url ? METRICS[measure.url] : undefined;
  if (!metric) throw new FhirError(422, 'not-supported', 'referrals.unknownMeasure', [measure.url ?? `Measure/${measure.id}`, Object.keys(METRICS).join(', ')]);
  const reportType = paramString(call.params, 'reportType') ?? 'population';
  if (reportType !== 'population') throw new FhirError(400, 'not-supported', 'referrals.reportType', [reportType]);
  for (const unsupported of ['subject', 'practitioner', 'lastReceivedOn']) {
    if (paramString(call.params, unsupported) !== undefined) throw new FhirError(400, 'not-supported', 'referrals.measureParam', [unsupported]);
  }
  const input = { ...metricsInput(call, ctx, { start: 'periodStart', end: 'periodEnd', facility: 'reporter' }), groupBy: 'none' as const };
  if (input.facilities.length > 1) throw new FhirError(400, 'invalid', 'badParam', ['reporter', input.facilities.join(',')]);
  const { total } = await referralMetrics(s.db, input);

  const code = (c: string) => ({ coding: [{ system: POPULATION, code: c }] });
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
  if (measure.group?.[0]?.code) group.code = measure.group[0].code;
  const report: MeasureReport = {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: measure.version ? `${measure.url}|${measure.version}` : measure.url!,
    date: new Date().toISOString(),
    period: { start: new Date(input.start).toISOString(), end: new Date(input.end - 1).toISOString() },
    ...(input.facilities[0]
      ? { reporter: { reference: input.facilities[0] } }
      : input.region ? { reporter: { identifier: { system: REGION_SYSTEM, value: input.region }, display: `Región Sanitaria ${input.region}` } } : {}),
    extension: [{ url: 'https://fhir.mspbs.gov.py/StructureDefinition/py-lado-derivacion', valueCode: input.side }],
    group: [group],
  };
  return { status: 200, headers: {}, body: report };
}
