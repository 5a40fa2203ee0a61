import type { Parameters } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { paramString, type OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { items, places, required } from './input.js';

/**
 * Location/[id]/$fefo?item=…&quantity=N[&date=]: which lots to issue, first expiry first out — the lots of the
 * item in stock at the place, not in quarantine, that have not expired by `date` (today by default), earliest expiry first (lots
 * without expiry last), each with what to take from it; `shortfall` when they do not cover the quantity.
 */
export async function fefo(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  if (!call.id) throw new FhirError(400, 'required', 'supply.missingParam', ['Location/[id]']);
  required(call, 'item');
  const [item, ...more] = items(call);
  if (more.length) throw new FhirError(400, 'invalid', 'badParam', ['item', [item, ...more].join(',')]);
  const q = required(call, 'quantity');
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(q) || Number(q) <= 0) throw new FhirError(400, 'invalid', 'badParam', ['quantity', q]);
  const date = paramString(call.params, 'date') ?? new Date(Date.now() - 3 * 3_600_000).toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) throw new FhirError(400, 'invalid', 'badParam', ['date', date]);
  const [location] = (await places(s, ctx, call))!;
  const { rows } = await s.db.query<{ lot: string; expiry: string | null; quantity: string }>(
    `SELECT lot, expiry::text AS expiry, quantity::text AS quantity FROM stock_balance
     WHERE location = $1 AND item = $2 AND quantity > 0 AND quarantine IS NULL AND (expiry IS NULL OR expiry > $3::date)
     ORDER BY expiry NULLS LAST, lot LIMIT 1000`,
    [location, item, date],
  );
  let left = Number(q);
  const out: Parameters = { resourceType: 'Parameters', parameter: [] };
  for (const r of rows) {
    if (left <= 0) break;
    const take = Math.min(left, Number(r.quantity));
    left -= take;
    out.parameter!.push({
      name: 'lot',
      part: [
        ...(r.lot ? [{ name: 'lot', valueString: r.lot }] : []),
        ...(r.expiry ? [{ name: 'expiry', valueDate: r.expiry }] : []),
        { name: 'available', valueDecimal: Number(r.quantity) },
        { name: 'take', valueDecimal: take },
      ],
    });
  }
  if (left > 0) out.parameter!.push({ name: 'shortfall', valueDecimal: left });
  return { status: 200, headers: {}, body: out };
}
