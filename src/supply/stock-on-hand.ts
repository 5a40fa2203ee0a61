import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { paramString, type OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { items, places } from './input.js';

/** Most lines one call returns (1,000 facilities × a few hundred items fit); past it, 422 too-costly. */
export const MAX_LINES = 200_000;

export const coding = (item: string): { system: string; code: string } => {
  const i = item.indexOf('|');
  return { system: item.slice(0, i), code: item.slice(i + 1) };
};

/**
 * Location/$stock-on-hand (instance or type level): the balances of the places covered (input.ts: the instance,
 * `location`, `organization`, or what the requester may see), per place, item and lot with its expiry,
 * optionally for some `item`s; lots at zero only with `zero=true`. One read of stock_balance.
 */
export async function stockOnHand(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  const wanted = items(call);
  const zero = paramString(call.params, 'zero');
  if (zero !== undefined && zero !== 'true' && zero !== 'false') throw new FhirError(400, 'invalid', 'badParam', ['zero', zero]);
  const at = await places(s, ctx, call);
  const params: unknown[] = [];
  const where: string[] = [];
  if (at) where.push(`location = ANY($${params.push(at)}::text[])`);
  if (wanted.length) where.push(`item = ANY($${params.push(wanted)}::text[])`);
  if (zero !== 'true') where.push('quantity <> 0');
  const { rows } = await s.db.query<{ location: string; item: string; lot: string; expiry: string | null; quantity: string; quarantine: string | null }>(
    `SELECT location, item, lot, expiry::text AS expiry, quantity::text AS quantity, quarantine FROM stock_balance
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY location, item, expiry NULLS LAST, lot LIMIT ${MAX_LINES + 1}`,
    params,
  );
  if (rows.length > MAX_LINES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_LINES]);
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: rows.map((r): ParametersParameter => ({
      name: 'line',
      part: [
        { name: 'location', valueReference: { reference: `Location/${r.location}` } },
        { name: 'item', valueCoding: coding(r.item) },
        ...(r.lot ? [{ name: 'lot', valueString: r.lot }] : []),
        ...(r.expiry ? [{ name: 'expiry', valueDate: r.expiry }] : []),
        { name: 'quantity', valueDecimal: Number(r.quantity) },
        ...(r.quarantine ? [{ name: 'quarantine', valueReference: { reference: `DetectedIssue/${r.quarantine}` } }] : []),
      ],
    })),
  };
  return { status: 200, headers: {}, body: out };
}
