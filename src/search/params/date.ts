import type { TypedValue } from '@medplum/core';

/**
 * date parameters: every value is stored as the interval [lo, hi] it covers (the spec's implicit range of a
 * partial date, or a Period), so every prefix becomes an interval comparison.
 */
export interface DateRange {
  lo: string; // ISO instant, inclusive
  hi: string; // ISO instant, inclusive
}

const MIN = '0001-01-01T00:00:00.000Z';
const MAX = '9999-12-31T23:59:59.999Z';

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The interval a FHIR date, dateTime or instant string covers, or undefined when it is not one. */
export function parseDateRange(text: string): DateRange | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > daysInMonth(year, month ?? 1))) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 60))) return undefined;
  const offsetMs = tz && tz !== 'Z' ? (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000 : 0;
  let start: number;
  let end: number; // exclusive
  if (month === undefined) {
    start = Date.UTC(year, 0, 1);
    end = Date.UTC(year + 1, 0, 1);
  } else if (day === undefined) {
    start = Date.UTC(year, month - 1, 1);
    end = Date.UTC(year, month, 1);
  } else if (h === undefined) {
    start = Date.UTC(year, month - 1, day);
    end = start + 86_400_000;
  } else {
    const base = Date.UTC(year, month - 1, day, Number(h), Number(mi), s ? Number(s) : 0) - offsetMs;
    if (s === undefined) {
      start = base;
      end = base + 60_000;
    } else if (!frac) {
      start = base;
      end = base + 1000;
    } else {
      const digits = frac.length - 1;
      const ms = Math.floor(Number(frac) * 1000);
      start = base + ms;
      end = start + (digits >= 3 ? 1 : 10 ** (3 - digits));
    }
  }
  return { lo: new Date(start).toISOString(), hi: new Date(end - 1).toISOString() };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function extractDates(values: TypedValue[]): DateRange[] {
  const out: DateRange[] = [];
  for (const { type, value } of values) {
    if (value === undefined || value === null) continue;
    switch (type) {
      case 'date':
      case 'dateTime':
      case 'instant':
      case 'string': {
        const r = parseDateRange(String(value));
        if (r) out.push(r);
        break;
      }
      case 'Period': {
        const start = value.start ? parseDateRange(value.start) : undefined;
        const end = value.end ? parseDateRange(value.end) : undefined;
        if (start || end) out.push({ lo: start?.lo ?? MIN, hi: end?.hi ?? MAX });
        break;
      }
      case 'Timing':
        for (const e of value.event ?? []) {
          const r = parseDateRange(e);
          if (r) out.push(r);
        }
        break;
      default:
        break;
    }
  }
  return out;
}
