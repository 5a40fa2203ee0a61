import type { Measure, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { defineOperation, paramString, paramValues, type OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { searchStore } from '../store/search-in.js';
import './messages.js';
import { assertPopulationAccess, periodOf, type Period } from './period.js';

/**
 * Measure/$evaluate-measure (R4) for the Measures features define: each feature registers the Measures it can
 * evaluate with defineMeasure (its canonical URL, an evaluator, where its published Measure is), and the first
 * definition registers the operation, so the core names no feature. The operation finds the Measure — the
 * instance (a published Measure's id, or a stored Measure), or `measure` (a canonical, `|version` ignored) at
 * type level —, checks what every evaluation shares once (a patient-context client gets 403; only
 * `reportType=population`; `subject`, `practitioner` and `lastReceivedOn` are not supported; the period
 * `periodStart`–`periodEnd`; at most one `reporter` of the types the Measure allows) and hands the rest of the
 * parameters to the Measure's evaluator, which answers the groups (and its reporter, extensions) of a summary
 * MeasureReport. The report is not stored: the client may POST it.
 */
export interface MeasureRequest {
  measure: Measure;
  period: Period;
  /** `Type/id`, one of the types the definition allows. */
  reporter?: string;
  /** Every parameter, for those only this Measure reads (`region`, `item`, …). */
  call: OperationCall;
}

export type MeasureResult = Pick<MeasureReport, 'reporter' | 'extension'> & { group: MeasureReportGroup[] };

export type MeasureEvaluator = (s: Services, ctx: RequestContext, req: MeasureRequest) => Promise<MeasureResult>;

export interface MeasureOptions {
  /** The Measure as published (the guide's), found by its id or canonical; a stored Measure of the same URL is read otherwise. */
  published?: (s: Services) => Measure | undefined;
  /** Longest period, in days (default 1830: five years). */
  maxPeriodDays?: number;
  /** periodStart and periodEnd only as dates (whole days in Paraguay). */
  datesOnly?: boolean;
  /** The resource types `reporter` may name (default Organization). */
  reporterTypes?: string[];
}

interface Definition extends MeasureOptions {
  url: string;
  evaluate: MeasureEvaluator;
}

export const DEFAULT_MAX_PERIOD_DAYS = 5 * 366;
const definitions = new Map<string, Definition>();
let operationDefined = false;

/** Registers (or replaces) the evaluator of a Measure by its canonical URL; the first one registers Measure/$evaluate-measure. */
export function defineMeasure(url: string, evaluate: MeasureEvaluator, options: MeasureOptions = {}): void {
  definitions.set(url, { ...options, url, evaluate });
  if (operationDefined) return;
  operationDefined = true;
  defineOperation({
    name: 'evaluate-measure',
    levels: ['type', 'instance'],
    types: ['Measure'],
    definition: 'http://hl7.org/fhir/OperationDefinition/Measure-evaluate-measure',
    affectsState: false,
    documentation: 'A summary MeasureReport of one of the guide\'s Measures (referrals, supply) for a period, a reporter (facility or store) or a health region.',
    handler: (s, ctx, call) => evaluateMeasure(s, ctx, call),
  });
}

/** The canonical URLs of the Measures this server evaluates. */
export function definedMeasures(): string[] {
  return [...definitions.keys()];
}

const unknown = (what: string): FhirError => new FhirError(422, 'not-supported', 'measures.unknownMeasure', [what, definedMeasures().join(', ')]);

/** The Measure asked for and its definition: 404 for an unknown instance, 422 for a Measure no feature evaluates. */
async function measureOf(s: Services, ctx: RequestContext, call: OperationCall): Promise<[Measure, Definition]> {
  if (call.id) {
    for (const d of definitions.values()) {
      const m = d.published?.(s);
      if (m?.id === call.id) return [m, d];
    }
    const row = await s.store.read(ctx, 'Measure', call.id);
    if (!row?.content || row.deleted) throw new FhirError(404, 'not-found', 'notFound', [`Measure/${call.id}`]);
    const stored = JSON.parse(row.content) as Measure;
    const d = stored.url ? definitions.get(stored.url) : undefined;
    if (!d) throw unknown(stored.url ?? `Measure/${call.id}`);
    return [stored, d];
  }
  const url = paramString(call.params, 'measure');
  if (!url) throw new FhirError(400, 'required', 'measures.missingParam', ['measure']);
  const d = definitions.get(url.split('|')[0]);
  if (!d) throw unknown(url);
  const m = d.published?.(s) ?? (await searchStore<Measure>(s, ctx, 'Measure', [['url', d.url]], 1))[0];
  if (!m) throw unknown(url);
  return [m, d];
}

async function evaluateMeasure(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  assertPopulationAccess(ctx);
  const [measure, d] = await measureOf(s, ctx, call);
  const reportType = paramString(call.params, 'reportType') ?? 'population';
  if (reportType !== 'population') throw new FhirError(400, 'not-supported', 'measures.reportType', [reportType]);
  for (const unsupported of ['subject', 'practitioner', 'lastReceivedOn']) {
    if (paramString(call.params, unsupported) !== undefined) throw new FhirError(400, 'not-supported', 'measures.param', [unsupported]);
  }
  const period = periodOf(call, { start: 'periodStart', end: 'periodEnd' }, { maxDays: d.maxPeriodDays ?? DEFAULT_MAX_PERIOD_DAYS, datesOnly: d.datesOnly });
  const types = d.reporterTypes ?? ['Organization'];
  const reporters = paramValues(call.params, 'reporter');
  const reporter = reporters[0];
  if (reporters.length > 1 || (reporter !== undefined && !types.some((t) => new RegExp(`^${t}/[A-Za-z0-9\\-.]{1,64}$`).test(reporter)))) {
    throw new FhirError(400, 'invalid', 'measures.reporter', [reporters.join(','), types.join(', ')]);
  }
  const result = await d.evaluate(s, ctx, { measure, period, ...(reporter ? { reporter } : {}), call });
  result.group.forEach((g, i) => {
    const code = measure.group?.[i]?.code;
    if (!g.code && code) g.code = code;
  });
  const report: MeasureReport = {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: measure.version ? `${measure.url}|${measure.version}` : measure.url!,
    date: new Date().toISOString(),
    period: { start: new Date(period.start).toISOString(), end: new Date(period.end - 1).toISOString() },
    ...(result.reporter ? { reporter: result.reporter } : {}),
    ...(result.extension ? { extension: result.extension } : {}),
    group: result.group,
  };
  return { status: 200, headers: {}, body: report };
}
