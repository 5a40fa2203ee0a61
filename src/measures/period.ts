import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { paramString, type OperationCall } from '../operations/registry.js';
import './messages.js';

/**
 * The period of a population measure or metric, as operations give it: `start`/`end` (or `periodStart`/
 * `periodEnd`), each a date — a whole day in Paraguay, UTC−03:00 all year since 2024; the end date includes its
 * day — or, unless `datesOnly`, a dateTime with its offset. Checked once here: required, valid, end after start,
 * at most `maxDays` days long (400 naming the parameter otherwise).
 */
export interface Period {
  /** [start, end) as epoch ms. */
  start: number;
  end: number;
}

/** Paraguay's offset from UTC in ms (UTC−03:00: a Paraguay day starts at 03:00 UTC). */
export const PY_OFFSET_MS = 3 * 3_600_000;
export const DAY_MS = 86_400_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(call: OperationCall, name: string, end: boolean, datesOnly: boolean): number {
  const v = paramString(call.params, name);
  if (v === undefined || v === '') throw new FhirError(400, 'required', 'measures.missingParam', [name]);
  const d = DATE.exec(v);
  if (d) {
    const t = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    if (new Date(t).toISOString().slice(0, 10) !== v) throw new FhirError(400, 'invalid', 'badParam', [name, v]);
    return t + PY_OFFSET_MS + (end ? DAY_MS : 0);
  }
  if (datesOnly) throw new FhirError(400, 'invalid', 'measures.notADate', [name, v]);
  const t = DATE_TIME.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new FhirError(400, 'invalid', 'badParam', [name, v]);
  return t;
}

export function periodOf(call: OperationCall, names: { start: string; end: string }, limits: { maxDays: number; datesOnly?: boolean }): Period {
  const start = instant(call, names.start, false, !!limits.datesOnly);
  const end = instant(call, names.end, true, !!limits.datesOnly);
  if (end <= start) throw new FhirError(400, 'invalid', 'measures.endBeforeStart', [paramString(call.params, names.start)!, paramString(call.params, names.end)!]);
  if (end - start > limits.maxDays * DAY_MS) throw new FhirError(400, 'too-costly', 'measures.periodTooLong', [limits.maxDays]);
  return { start, end };
}

/** Aggregates over other patients are not for a patient-context client (patient/ scopes only): 403. */
export function assertPopulationAccess(ctx: RequestContext): void {
  if (ctx.scopes.length > 0 && ctx.scopes.every((s) => s.startsWith('patient/'))) throw new FhirError(403, 'forbidden', 'measures.forbidden', []);
}
