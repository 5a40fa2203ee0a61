import type { Feature } from '../features.js';
import { defineOperation } from '../operations/registry.js';
import { coldChainDerivation } from './cold-chain/excursions.js';
import { ingestReadings } from './cold-chain/ingest.js';
import { fefo } from './fefo.js';
import { forecastOperation } from './forecast/operation.js';
import { registerKpis } from './kpis/index.js';
import { ledgerDerivation } from './ledger.js';
import './messages.js';
import { stockAlerts } from './replenishment/alerts.js';
import { approvalDerivation } from './replenishment/approval.js';
import { replenish } from './replenishment/operation.js';
import { stockCard } from './stock-card.js';
import { stockOnHand } from './stock-on-hand.js';

/**
 * Supply (the stock ledger on the Paraguay profiles): every stock movement — a completed SupplyDelivery
 * (receipt, transfer), a completed MedicationDispense, a py-movimiento-stock Basic (adjustment, count) — kept
 * as ledger lines and balances in the transaction of its write (ledger.ts), and read back as stock on hand,
 * the stock card and first-expiry-first-out suggestions; replenishment by OpenLMIS's formulas with an approval
 * Task, and early-warning alerts as Flags (replenishment/); demand forecasts (forecast/); the vaccine cold chain
 * (cold-chain/).
 */
const OD = 'https://fhir.mspbs.gov.py/OperationDefinition/';
let registered = false;

export function supplyFeature(): Feature {
  return {
    name: 'supply',
    start(s) {
      s.store.addDerivation((t, changes) => ledgerDerivation(t, changes));
      s.store.addDerivation((t, changes) => approvalDerivation(t, changes));
      s.store.addDerivation(coldChainDerivation(s.config.coldChainOutOfRangeMinutes));
      if (registered) return;
      registered = true;
      registerKpis();
      defineOperation({
        name: 'stock-on-hand',
        levels: ['type', 'instance'],
        types: ['Location'],
        definition: `${OD}location-stock-on-hand`,
        affectsState: false,
        documentation: 'Stock on hand per place, item and lot (with expiry): of one Location, of some, of an organization\'s, or of all the requester may see.',
        handler: (s, ctx, call) => stockOnHand(s, ctx, call),
      });
      defineOperation({
        name: 'stock-card',
        levels: ['instance'],
        types: ['Location'],
        definition: `${OD}location-stock-card`,
        affectsState: false,
        documentation: 'The stock card of an item at a place: every movement in order with its running balance.',
        handler: (s, ctx, call) => stockCard(s, ctx, call),
      });
      defineOperation({
        name: 'fefo',
        levels: ['instance'],
        types: ['Location'],
        definition: `${OD}location-fefo`,
        affectsState: false,
        documentation: 'Which lots of an item to issue at a place, first expiry first out, for a quantity.',
        handler: (s, ctx, call) => fefo(s, ctx, call),
      });
      defineOperation({
        name: 'forecast',
        levels: ['type', 'instance'],
        types: ['Location'],
        definition: `${OD}location-forecast`,
        affectsState: false,
        documentation: 'Monthly demand forecast of an item at a place (or several, summed): Croston-SBA, SES or seasonal, with 80 %/95 % intervals and the backtest MASE.',
        handler: (s, ctx, call) => forecastOperation(s, ctx, call),
      });
      defineOperation({
        name: 'ingest-readings',
        levels: ['type'],
        types: ['Observation'],
        definition: `${OD}observation-ingest-readings`,
        affectsState: true,
        documentation: 'Temperature readings of fridges and freezers (py-cadena-frio temperatura-equipo), a logger\'s batch as one transaction: a readings Bundle in, the transaction-response out; readings in their plain form are validated in full once per shape.',
        handler: (s, ctx, call, t) => ingestReadings(s, ctx, call, t),
      });
      defineOperation({
        name: 'replenish',
        levels: ['instance'],
        types: ['Location'],
        definition: `${OD}location-replenish`,
        affectsState: true,
        documentation: 'Replenishment by OpenLMIS\'s formulas (AMC adjusted for stock-out days, maximum stock, order quantity less stock on hand and on order): a draft SupplyRequest per item to order and one approval Task; dry-run=true only computes.',
        handler: (s, ctx, call, t) => replenish(s, ctx, call, t),
      });
      defineOperation({
        name: 'stock-alerts',
        levels: ['instance'],
        types: ['Location'],
        definition: `${OD}location-stock-alerts`,
        affectsState: false,
        documentation: 'Early warnings of a store: items below `mos` months of stock, lots expiring within `days`; with raise=true (POST) a Flag per alert, once while active.',
        handler: (s, ctx, call, t) => stockAlerts(s, ctx, call, t),
      });
    },
  };
}
