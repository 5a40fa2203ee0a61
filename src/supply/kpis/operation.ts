import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { assertPopulationAccess } from '../../measures/period.js';
import type { OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import { addSums, emptySums, kpis, type KpiSums } from './formulas.js';
import { groupKeys, kpiInput, population, REGION_SYSTEM, type KpiInput } from './input.js';
import { kpiSums } from './query.js';

export const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** The numbers of one group (or the total) as Parameters parts: the sums, then each KPI that has a denominator. */
export function kpiParts(x: KpiSums, input: Pick<KpiInput, 'days' | 'months'>): ParametersParameter[] {
  const k = kpis(x, input.days, input.months);
  const decimal = (name: string, v: number | undefined, digits: number): ParametersParameter[] => (v === undefined ? [] : [{ name, valueDecimal: round(v, digits) }]);
  return [
    { name: 'stores', valueInteger: x.stores },
    { name: 'storeItems', valueInteger: x.pairs },
    { name: 'storeItemDays', valueInteger: x.itemDays },
    { name: 'stockoutDays', valueInteger: x.zeroDays },
    ...decimal('stockoutRate', k.stockoutRate, 4),
    { name: 'consumption', valueDecimal: x.consumed },
    ...decimal('amc', k.amc, 2),
    { name: 'stockOnHand', valueDecimal: x.closing },
    ...decimal('monthsOfStock', k.monthsOfStock, 2),
    { name: 'writtenOff', valueDecimal: x.wasted },
    ...decimal('wastageRate', k.wastageRate, 4),
    ...decimal('averageStock', k.averageStock, 2),
    ...decimal('turnover', k.turnover, 2),
  ];
}

function keyPart(input: KpiInput, key: string | null): ParametersParameter[] {
  if (key === null) return [];
  if (input.groupBy === 'region') return [{ name: 'region', valueCoding: { system: REGION_SYSTEM, code: key } }];
  return [{ name: input.groupBy, valueReference: { reference: key } }];
}

/**
 * Location/$supply-kpis (type or instance level): over the period [periodStart, periodEnd] (dates, Paraguay),
 * for the stores covered (input.ts) and the items named (all if none), the stockout rate, months of stock,
 * wastage rate and inventory turnover (formulas.ts), per store, organization or region (`groupBy`) and in
 * total, from one statement over the ledger (query.ts).
 */
export async function supplyKpis(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  assertPopulationAccess(ctx);
  const input = kpiInput(call);
  const stores = await population(s, ctx, call, input.region);
  const perStore = await kpiSums(s.db.costly, input.period, input.days, stores, input.items);
  let total = emptySums();
  for (const x of perStore.values()) total = addSums(total, x);
  const keys = await groupKeys(s, ctx, [...perStore.keys()], input.groupBy);
  const groups = new Map<string | null, KpiSums>();
  for (const [store, x] of perStore) {
    if (input.groupBy === 'none') break;
    const key = keys.get(store) ?? null;
    groups.set(key, addSums(groups.get(key) ?? emptySums(), x));
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'period', valuePeriod: { start: new Date(input.period.start).toISOString(), end: new Date(input.period.end - 1).toISOString() } },
      { name: 'days', valueInteger: input.days },
      { name: 'months', valueDecimal: round(input.months, 4) },
      { name: 'total', part: kpiParts(total, input) },
      ...ordered.map(([key, x]): ParametersParameter => ({ name: 'group', part: [...keyPart(input, key), ...kpiParts(x, input)] })),
    ],
  };
  return { status: 200, headers: {}, body: out };
}
