import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { paramString, type OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { items, places, required } from './input.js';
import { REASON_SYSTEM } from './model.js';
import { MAX_LINES } from './stock-on-hand.js';

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Location/[id]/$stock-card?item=…[&lot=][&start=][&end=]: every movement of the item (of one lot, or all its
 * lots) at the place in the order they happened, each with its running balance (the sum of the movements up to
 * it, whatever the period shown), the movement's reason, lot and the resource that made it.
 */
export async function stockCard(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  if (!call.id) throw new FhirError(400, 'required', 'supply.missingParam', ['Location/[id]']);
  required(call, 'item');
  const [item, ...more] = items(call);
  if (more.length) throw new FhirError(400, 'invalid', 'badParam', ['item', [item, ...more].join(',')]);
  const lot = paramString(call.params, 'lot');
  const period: Record<'start' | 'end', string | undefined> = { start: paramString(call.params, 'start'), end: paramString(call.params, 'end') };
  for (const [k, v] of Object.entries(period)) if (v !== undefined && (!INSTANT.test(v) || Number.isNaN(Date.parse(v)))) throw new FhirError(400, 'invalid', 'badParam', [k, v]);
  const [location] = (await places(s, ctx, call))!;
  const params: unknown[] = [location, item];
  const lotFilter = lot !== undefined ? ` AND lot = $${params.push(lot)}` : '';
  const shown: string[] = [];
  if (period.start) shown.push(`occurred >= $${params.push(period.start)}::timestamptz`);
  if (period.end) shown.push(`occurred < $${params.push(period.end)}::timestamptz${/T/.test(period.end) ? '' : ` + interval '1 day'`}`);
  const { rows } = await s.db.query<{ occurred: string; reason: string; lot: string; delta: string; counted: string | null; balance: string; res_type: string; res_id: string }>(
    `SELECT * FROM (SELECT to_char(occurred AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred, reason, lot, delta::text AS delta, counted::text AS counted,
       (sum(delta) OVER (ORDER BY occurred, seq))::text AS balance, res_type, res_id, occurred AS at
     FROM stock_movement WHERE location = $1 AND item = $2${lotFilter}) m
     ${shown.length ? `WHERE ${shown.map((x) => x.replace('occurred', 'at')).join(' AND ')}` : ''} ORDER BY at LIMIT ${MAX_LINES + 1}`,
    params,
  );
  if (rows.length > MAX_LINES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_LINES]);
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: rows.map((r): ParametersParameter => ({
      name: 'movement',
      part: [
        { name: 'date', valueDateTime: r.occurred },
        { name: 'reason', valueCoding: { system: REASON_SYSTEM, code: r.reason } },
        ...(r.lot ? [{ name: 'lot', valueString: r.lot }] : []),
        { name: 'quantity', valueDecimal: Number(r.delta) },
        ...(r.counted !== null ? [{ name: 'counted', valueDecimal: Number(r.counted) }] : []),
        { name: 'balance', valueDecimal: Number(r.balance) },
        { name: 'source', valueReference: { reference: `${r.res_type}/${r.res_id}` } },
      ],
    })),
  };
  return { status: 200, headers: {}, body: out };
}
