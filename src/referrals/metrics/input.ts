import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { paramString, paramValues, type OperationCall } from '../../operations/registry.js';

/** The inputs of the referral metrics ($referral-metrics, $evaluate-measure), checked here in one place. */
export interface MetricsInput {
  /** [start, end) as epoch ms. */
  start: number;
  end: number;
  /** Which facility a referral counts for: where it was sent from (origin) or to (destination). */
  side: 'origin' | 'destination';
  /** Only these facilities of `side` (`Organization/id`, or a healer's `Practitioner/id`). */
  facilities: string[];
  /** Only facilities of `side` in this health region (py-region-sanitaria code). */
  region?: string;
  groupBy: 'facility' | 'region' | 'none';
  /** The requester's own binding: only referrals from or to its facility, or its region. */
  boundFacility?: string;
  boundRegion?: string;
}

/** Longest period one call covers (5 years of referrals). */
export const MAX_PERIOD_DAYS = 5 * 366;
/** Most facilities one call names. */
export const MAX_FACILITIES = 100;
/** Paraguay's offset from UTC (no daylight saving time since 2024): a date is a day in Paraguay. */
const PY_OFFSET_MS = -3 * 3_600_000;
const DAY = 86_400_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const REF = /^(Organization|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/;

const bad = (name: string, value: string): FhirError => new FhirError(400, 'invalid', 'badParam', [name, value]);

/** A date (the whole day in Paraguay; `end` inclusive) or a dateTime with its offset. */
function instant(call: OperationCall, name: string, end: boolean): number {
  const v = paramString(call.params, name);
  if (v === undefined || v === '') throw new FhirError(400, 'required', 'referrals.missingParam', [name]);
  const d = DATE.exec(v);
  if (d) {
    const t = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    if (new Date(t).toISOString().slice(0, 10) !== v) throw bad(name, v);
    return t - PY_OFFSET_MS + (end ? DAY : 0);
  }
  const t = DATE_TIME.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw bad(name, v);
  return t;
}

function oneOf<T extends string>(call: OperationCall, name: string, allowed: readonly T[], fallback: T): T {
  const v = paramString(call.params, name);
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw bad(name, v);
  return v as T;
}

/**
 * The period (`start`/`end`: required, end after start, at most MAX_PERIOD_DAYS), the side, the facilities (at
 * most MAX_FACILITIES), the region and the grouping; 400 naming the parameter otherwise. $evaluate-measure gives
 * the period and the facility (its `reporter`) as the measure registry checked them (`given`). The requester's
 * facility or region binding comes from its context.
 */
export function metricsInput(call: OperationCall, ctx: RequestContext, given?: { start: number; end: number; facilities: string[] }): MetricsInput {
  const start = given?.start ?? instant(call, 'start', false);
  const end = given?.end ?? instant(call, 'end', true);
  if (end <= start) throw new FhirError(400, 'invalid', 'referrals.endBeforeStart', [paramString(call.params, 'start')!, paramString(call.params, 'end')!]);
  if (end - start > MAX_PERIOD_DAYS * DAY) throw new FhirError(400, 'too-costly', 'referrals.periodTooLong', [MAX_PERIOD_DAYS]);
  const facilities = given?.facilities ?? paramValues(call.params, 'facility');
  if (facilities.length > MAX_FACILITIES) throw new FhirError(400, 'too-costly', 'referrals.tooManyFacilities', [MAX_FACILITIES]);
  for (const f of facilities) if (!REF.test(f)) throw bad('facility', f);
  const region = paramString(call.params, 'region');
  if (region !== undefined && !/^[A-Za-z0-9-]{1,16}$/.test(region)) throw bad('region', region);
  return {
    start,
    end,
    side: oneOf(call, 'side', ['origin', 'destination'] as const, 'origin'),
    facilities,
    ...(region ? { region } : {}),
    groupBy: oneOf(call, 'group-by', ['facility', 'region', 'none'] as const, 'facility'),
    ...(ctx.facility ? { boundFacility: `Organization/${ctx.facility}` } : {}),
    ...(ctx.region ? { boundRegion: ctx.region } : {}),
  };
}

/** Aggregates over other patients are not for a patient-context client (patient/ scopes only): 403. */
export function assertPopulationAccess(ctx: RequestContext): void {
  if (ctx.scopes.length > 0 && ctx.scopes.every((s) => s.startsWith('patient/'))) throw new FhirError(403, 'forbidden', 'referrals.metricsForbidden', []);
}
