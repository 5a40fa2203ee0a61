import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import type { OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import { assertPopulationAccess, metricsInput, type MetricsInput } from './input.js';
import { referralMetrics, type MetricsRow } from './query.js';

export const REGION_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria';

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** The numbers of one group as Parameters parts (shares and times only where they have a denominator). */
export function numberParts(r: MetricsRow): ParametersParameter[] {
  const parts: ParametersParameter[] = [
    { name: 'referrals', valueInteger: r.referrals },
    { name: 'accepted', valueInteger: r.accepted },
    { name: 'rejected', valueInteger: r.rejected },
    { name: 'completed', valueInteger: r.completed },
    { name: 'booked', valueInteger: r.booked },
    { name: 'escalated', valueInteger: r.escalated },
    { name: 'counterReferral', valueInteger: r.counterReferral },
  ];
  if (r.referrals > 0) {
    parts.push(
      { name: 'completionRate', valueDecimal: round(r.completed / r.referrals, 4) },
      { name: 'escalatedShare', valueDecimal: round(r.escalated / r.referrals, 4) },
      { name: 'counterReferralShare', valueDecimal: round(r.counterReferral / r.referrals, 4) },
    );
  }
  const times: [string, number | null][] = [
    ['acceptanceHoursMedian', r.acceptanceHoursMedian],
    ['acceptanceHoursMean', r.acceptanceHoursMean],
    ['appointmentDaysMedian', r.appointmentDaysMedian],
    ['appointmentDaysMean', r.appointmentDaysMean],
  ];
  for (const [name, v] of times) if (v !== null) parts.push({ name, valueDecimal: round(v, 2) });
  return parts;
}

function groupPart(input: MetricsInput, r: MetricsRow): ParametersParameter {
  const key: ParametersParameter[] =
    r.key === null || r.key === undefined ? []
    : input.groupBy === 'region' ? [{ name: 'region', valueCoding: { system: REGION_SYSTEM, code: r.key } }]
    : [{ name: 'facility', valueReference: { reference: r.key } }];
  return { name: 'group', part: [...key, ...numberParts(r)] };
}

/**
 * Task/$referral-metrics: per facility (of origin or destination) or health region, and in total, over the
 * referrals made in a period: how many, accepted, rejected, completed, booked, escalated and with a
 * counter-referral; the completion rate and the shares escalated and with a counter-referral; the median and
 * mean hours to acceptance and days to the appointment.
 */
export async function referralMetricsOperation(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  assertPopulationAccess(ctx);
  const input = metricsInput(call, ctx);
  const { total, groups } = await referralMetrics(s.db, input);
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'period', valuePeriod: { start: new Date(input.start).toISOString(), end: new Date(input.end - 1).toISOString() } },
      { name: 'side', valueCode: input.side },
      { name: 'total', part: numberParts(total) },
      ...groups.map((g) => groupPart(input, g)),
    ],
  };
  return { status: 200, headers: {}, body: out };
}
