import { defineOperation } from '../../operations/registry.js';
import { defineSupplyMeasures } from './measures.js';
import { supplyKpis } from './operation.js';

/**
 * Supply KPIs per store, organization and region over a period — stockout rate, months of stock, wastage rate,
 * inventory turnover (formulas.ts) — from the stock ledger (query.ts): as Location/$supply-kpis (operation.ts)
 * and as the guide's four supply Measures of Measure/$evaluate-measure (measures.ts). Registered once, by the
 * supply feature.
 */
export function registerKpis(): void {
  defineOperation({
    name: 'supply-kpis',
    levels: ['type', 'instance'],
    types: ['Location'],
    definition: 'https://fhir.mspbs.gov.py/OperationDefinition/location-supply-kpis',
    affectsState: false,
    documentation: 'Supply KPIs over a period per store, organization or region and in total: stockout rate (store-item-days at zero), months of stock, wastage rate and inventory turnover.',
    handler: (s, ctx, call) => supplyKpis(s, ctx, call),
  });
  defineSupplyMeasures();
}
