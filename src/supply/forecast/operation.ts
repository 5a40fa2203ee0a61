import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { paramString, type OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import '../forecast-messages.js';
import { items, places, required } from '../input.js';
import { forecast, METHODS, SEASON, type Method } from './methods.js';
import { consumptionSeries, label } from './series.js';

export const MAX_HORIZON = 24;
export const DEFAULT_HORIZON = 6;
export const MAX_HISTORY = 120;
export const DEFAULT_HISTORY = 36;
/** Fewest months with consumption a forecast rests on. */
export const MIN_DEMAND_MONTHS = 3;

export interface ForecastInput {
  item: string;
  horizon: number;
  method: Method | 'auto';
  history: number;
}

function integer(call: OperationCall, name: string, min: number, max: number, fallback: number): number {
  const v = paramString(call.params, name);
  if (v === undefined || v === '') return fallback;
  if (!/^\d{1,4}$/.test(v) || Number(v) < min || Number(v) > max) throw new FhirError(400, 'invalid', 'supply.forecastRange', [name, v, min, max]);
  return Number(v);
}

/** The inputs of $forecast, checked here in one place (400 naming the parameter). */
export function forecastInput(call: OperationCall): ForecastInput {
  required(call, 'item');
  const [item, ...more] = items(call);
  if (more.length) throw new FhirError(400, 'invalid', 'badParam', ['item', [item, ...more].join(',')]);
  const horizon = integer(call, 'horizon', 1, MAX_HORIZON, DEFAULT_HORIZON);
  const history = integer(call, 'history', MIN_DEMAND_MONTHS, MAX_HISTORY, DEFAULT_HISTORY);
  const m = paramString(call.params, 'method') ?? 'auto';
  if (m !== 'auto' && !(METHODS as readonly string[]).includes(m)) throw new FhirError(400, 'invalid', 'badParam', ['method', `${m} (auto | ${METHODS.join(' | ')})`]);
  return { item, horizon, method: m as Method | 'auto', history };
}

const round = (v: number): number => Math.round(v * 10_000) / 10_000;

/**
 * Location/[id]/$forecast (and Location/$forecast over `location`s, summed): the monthly consumption of an item
 * (series.ts) forecast `horizon` months ahead by the method `auto` picks or the one asked for (methods.ts), with
 * its demand class, ADI, CV², the rolling-origin one-step MASE on the history and 80 %/95 % intervals.
 */
export async function forecastOperation(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  const input = forecastInput(call);
  const at = await places(s, ctx, call);
  const series = await consumptionSeries(s, at, input.item, input.history);
  const y = series.values;
  const demandMonths = y.filter((v) => v > 0).length;
  const lastMonth = series.first + y.length - 1;
  if (demandMonths < MIN_DEMAND_MONTHS) {
    throw new FhirError(422, 'business-rule', 'supply.forecastTooShort', [input.item, demandMonths, y.length, y.length ? label(series.first) : '—', y.length ? label(lastMonth) : '—', MIN_DEMAND_MONTHS]);
  }
  if (input.method === 'seasonal' && y.length < 2 * SEASON) throw new FhirError(422, 'business-rule', 'supply.forecastSeasonalTooShort', [2 * SEASON, input.item, y.length]);
  const f = forecast(y, input.horizon, input.method);
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'method', valueCode: f.method },
      { name: 'class', valueCode: f.class },
      { name: 'adi', valueDecimal: round(f.adi) },
      { name: 'cv2', valueDecimal: round(f.cv2) },
      ...(f.mase !== undefined ? [{ name: 'mase', valueDecimal: round(f.mase) }] : []),
      ...(f.alpha !== undefined ? [{ name: 'alpha', valueDecimal: round(f.alpha) }] : []),
      { name: 'history', part: [{ name: 'start', valueString: label(series.first) }, { name: 'end', valueString: label(lastMonth) }, { name: 'months', valueInteger: y.length }, { name: 'monthsWithDemand', valueInteger: demandMonths }] },
      ...f.points.map((p): ParametersParameter => ({
        name: 'forecast',
        part: [
          { name: 'month', valueString: label(lastMonth + p.h) },
          { name: 'value', valueDecimal: round(p.value) },
          { name: 'lo80', valueDecimal: round(p.lo80) },
          { name: 'hi80', valueDecimal: round(p.hi80) },
          { name: 'lo95', valueDecimal: round(p.lo95) },
          { name: 'hi95', valueDecimal: round(p.hi95) },
        ],
      })),
    ],
  };
  return { status: 200, headers: {}, body: out };
}
