import type { Queryable } from '../../db/database.js';
import { FhirError } from '../../fhir/outcome.js';
import type { MetricsInput } from './input.js';

/** The numbers of one group of referrals (a facility, a region, or all of them). */
export interface MetricsRow {
  /** The facility (`Type/id`) or region code; undefined for the total, null for referrals without one. */
  key?: string | null;
  referrals: number;
  accepted: number;
  rejected: number;
  completed: number;
  booked: number;
  escalated: number;
  counterReferral: number;
  /** Hours from the referral to its acceptance (accepted ones); null when none. */
  acceptanceHoursMedian: number | null;
  acceptanceHoursMean: number | null;
  /** Days from the referral to the start of its appointment (booked ones); null when none. */
  appointmentDaysMedian: number | null;
  appointmentDaysMean: number | null;
}

/** Most groups one call returns (about 1,100 facilities in the country); past it, 422 too-costly. */
export const MAX_GROUPS = 5_000;

/**
 * One aggregate over referral_fact: the referrals authored in [start, end) (not entered-in-error), within the
 * filters and the requester's binding, per group and in total. Medians are PostgreSQL's percentile_cont.
 */
export async function referralMetrics(q: Queryable, input: MetricsInput): Promise<{ total: MetricsRow; groups: MetricsRow[] }> {
  const params: unknown[] = [new Date(input.start).toISOString(), new Date(input.end).toISOString()];
  const add = (v: unknown): string => `$${params.push(v)}`;
  const side = input.side; // 'origin' | 'destination', checked by metricsInput
  const where = ['authored >= $1', 'authored < $2', `status <> 'entered-in-error'`];
  if (input.facilities.length) where.push(`${side} = ANY(${add(input.facilities)}::text[])`);
  if (input.region) where.push(`${side}_region = ${add(input.region)}`);
  if (input.boundFacility) {
    const p = add(input.boundFacility);
    where.push(`(origin = ${p} OR destination = ${p})`);
  }
  if (input.boundRegion) {
    const p = add(input.boundRegion);
    where.push(`(origin_region = ${p} OR destination_region = ${p})`);
  }
  const key = input.groupBy === 'facility' ? side : input.groupBy === 'region' ? `${side}_region` : `NULL::text`;
  const none = input.groupBy === 'none';
  const sql = `SELECT ${none ? 'NULL::text AS grp, 1' : 'grp, GROUPING(grp)'} AS is_total, count(*) AS referrals, count(accepted) AS accepted,
  count(*) FILTER (WHERE status = 'rejected') AS rejected, count(*) FILTER (WHERE status = 'completed') AS completed,
  count(appointment) AS booked, count(*) FILTER (WHERE escalated) AS escalated, count(counter_referral) AS counter_referral,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY acc) AS acc_median, avg(acc) AS acc_mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY appt) AS appt_median, avg(appt) AS appt_mean
FROM (SELECT ${key} AS grp, status, accepted, appointment, escalated, counter_referral,
        CASE WHEN accepted IS NOT NULL THEN GREATEST(0, extract(epoch FROM accepted - authored))::float8 / 3600 END AS acc,
        CASE WHEN appointment IS NOT NULL THEN GREATEST(0, extract(epoch FROM appointment - authored))::float8 / 86400 END AS appt
      FROM referral_fact WHERE ${where.join(' AND ')}) f
${none ? '' : 'GROUP BY GROUPING SETS ((grp), ())\nORDER BY is_total DESC, grp NULLS LAST'}
LIMIT ${MAX_GROUPS + 2}`;
  const { rows } = await q.query<Record<string, unknown>>(sql, params);
  if (rows.length > MAX_GROUPS + 1) throw new FhirError(422, 'too-costly', 'referrals.tooManyGroups', [MAX_GROUPS]);
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const toRow = (r: Record<string, unknown>): MetricsRow => ({
    ...(Number(r.is_total) === 1 ? {} : { key: (r.grp as string | null) ?? null }),
    referrals: Number(r.referrals),
    accepted: Number(r.accepted),
    rejected: Number(r.rejected),
    completed: Number(r.completed),
    booked: Number(r.booked),
    escalated: Number(r.escalated),
    counterReferral: Number(r.counter_referral),
    acceptanceHoursMedian: num(r.acc_median),
    acceptanceHoursMean: num(r.acc_mean),
    appointmentDaysMedian: num(r.appt_median),
    appointmentDaysMean: num(r.appt_mean),
  });
  const total = rows.find((r) => Number(r.is_total) === 1);
  const empty: MetricsRow = { referrals: 0, accepted: 0, rejected: 0, completed: 0, booked: 0, escalated: 0, counterReferral: 0, acceptanceHoursMedian: null, acceptanceHoursMean: null, appointmentDaysMedian: null, appointmentDaysMean: null };
  return {
    total: total ? toRow(total) : empty,
    groups: input.groupBy === 'none' ? [] : rows.filter((r) => Number(r.is_total) !== 1).map(toRow),
  };
}
