import type { Parameters, ParametersParameter, Reference, Resource, SupplyRequest, Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { FhirError } from '../../fhir/outcome.js';
import { newId } from '../../interactions/resource.js';
import { create } from '../../interactions/write.js';
import { paramString, type OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import { inTransaction, type Services } from '../../rest/services.js';
import { executeSearch } from '../../search/engine.js';
import { parseSearch } from '../../search/parse.js';
import type { StoreTransaction } from '../../store/store.js';
import './messages.js';
import { items, places } from '../input.js';
import { itemOf } from '../model.js';
import { coding } from '../stock-on-hand.js';
import { itemHistories, monthsBefore, onHand, usageByMonth, type Month, type MonthUsage } from './consumption.js';
import { adjustedConsumption, averageMonthlyConsumption, maximumStock, monthsOfStock, orderQuantity } from './formulas.js';
import { MAX_ORDER_LINES } from './approval.js';
import { APPROVE, ORDER_LINE, REQUISITION_SID, VARIABLE_CODES, VARIABLE_SYSTEM, VARIABLES } from './model.js';
import { policyFor, type Policy } from './policy.js';

/** Most SupplyRequests read for what a place has on order or pending. */
const MAX_REQUESTS = 5_000;
const ENDED = new Set<Task['status']>(['completed', 'failed', 'cancelled', 'rejected', 'entered-in-error']);

export interface ItemNumbers {
  item: string;
  periods: (MonthUsage & { adjusted: number })[];
  /** X summed over the periods. */
  stockoutDays: number;
  amc: number;
  mos?: number;
  max: number;
  onHand: number;
  onOrder: number;
  quantity: number;
}

/**
 * Where an operation reads: the caller's transaction, else the pool. In a transaction bundle, what the bundle
 * wrote so far is written first with what follows from it (the derivations: the stock ledger of its movements).
 */
export async function readerOf(s: Services, t: StoreTransaction | undefined): Promise<Queryable> {
  if (!t) return s.db;
  await t.derive();
  return t.tx;
}

/** `periods`: how many complete months the average covers (1–12, default 3). */
export function periodsParam(call: OperationCall): number {
  const v = paramString(call.params, 'periods');
  if (v === undefined) return 3;
  if (!/^\d{1,2}$/.test(v) || Number(v) < 1 || Number(v) > 12) throw new FhirError(400, 'invalid', 'badParam', ['periods', v]);
  return Number(v);
}

export function booleanParam(call: OperationCall, name: string): boolean {
  const v = paramString(call.params, name);
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw new FhirError(400, 'invalid', 'badParam', [name, v]);
  return v === 'true';
}

/** A search of the store as the server (the numbers of a place the requester may see), at most `max`. */
export async function searchAll<T extends Resource>(q: Queryable, baseUrl: string, type: string, query: Record<string, string>, max: number): Promise<T[]> {
  const params = new URLSearchParams(query);
  params.set('_count', String(max + 1));
  const r = await executeSearch(q, parseSearch([type], params, { count: max + 1, maxCount: max + 1 }), baseUrl);
  if (r.rows.length > max) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [max]);
  return r.rows.map((row) => JSON.parse(row.content) as T);
}

/**
 * The numbers of each item of a place (the named ones, or every item that ever moved there): C, X and N per
 * period, AMC, months of stock, maximum (AMC × coverMonths), stock on hand, on order and the order quantity.
 */
export async function itemNumbers(q: Queryable, location: string, wanted: readonly string[] | undefined, months: readonly Month[], coverMonths: number, onOrder: Map<string, number>): Promise<ItemNumbers[]> {
  const histories = await itemHistories(q, location, wanted, months);
  const list = wanted ?? [...histories.keys()];
  if (list.length > MAX_ORDER_LINES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_ORDER_LINES]);
  const stock = await onHand(q, location, wanted);
  return list.map((item) => {
    const h = histories.get(item);
    const periods = h ? usageByMonth(h, months).map((p) => ({ ...p, adjusted: adjustedConsumption(p.consumption, p.stockoutDays) })) : [];
    const amc = averageMonthlyConsumption(periods.map((p) => p.adjusted));
    const e = stock.get(item) ?? 0;
    const o = onOrder.get(item) ?? 0;
    const max = maximumStock(amc, coverMonths);
    const mos = monthsOfStock(e, amc);
    return {
      item,
      periods,
      stockoutDays: periods.reduce((a, p) => a + p.stockoutDays, 0),
      amc,
      ...(mos !== undefined ? { mos } : {}),
      max,
      onHand: e,
      onOrder: o,
      quantity: orderQuantity(max, e, o),
    };
  });
}

/** What the place has on order: the quantities of the active SupplyRequests delivered to it, per item. */
async function onOrderAt(q: Queryable, baseUrl: string, location: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const sr of await searchAll<SupplyRequest>(q, baseUrl, 'SupplyRequest', { subject: `Location/${location}`, status: 'active' }, MAX_REQUESTS)) {
    const item = itemOf(sr.itemCodeableConcept);
    const qty = sr.quantity?.value;
    if (item && typeof qty === 'number' && qty > 0) out.set(item, (out.get(item) ?? 0) + qty);
  }
  return out;
}

/** A proposal of the place still awaiting its approval (a draft SupplyRequest whose Task has not ended): 409. */
async function refusePending(t: StoreTransaction, location: string): Promise<void> {
  const drafts = await searchAll<SupplyRequest>(t.tx, t.baseUrl, 'SupplyRequest', { subject: `Location/${location}`, status: 'draft', identifier: `${REQUISITION_SID}|` }, MAX_REQUESTS);
  const tasks = new Set(drafts.flatMap((d) => (d.identifier ?? []).filter((i) => i.system === REQUISITION_SID && i.value).map((i) => i.value!)));
  if (tasks.size === 0) return;
  const rows = await t.readMany('Task', [...tasks]);
  for (const [id, row] of rows) {
    const task = row.content && !row.deleted ? (JSON.parse(row.content) as Task) : undefined;
    if (task && !ENDED.has(task.status)) throw new FhirError(409, 'conflict', 'supply.replenishmentPending', [`Location/${location}`, `Task/${id}`, task.status]);
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const fmt = (x: number): string => String(round2(x)).replace('.', ',');

function describe(n: ItemNumbers, p: Policy): string {
  const closure = p.closure ? ` (${p.maxPeriodsOfStock} + ${p.closure.months.length} del cierre estacional desde ${p.closure.from})` : '';
  return `Reposición (fórmulas de OpenLMIS): CMP ${n.amc} por mes (${n.periods.length} meses, ${n.stockoutDays} días sin stock) × ${p.coverMonths} meses${closure} = máximo ${n.max}; `
    + `stock ${fmt(n.onHand)}${n.mos !== undefined ? ` (${fmt(n.mos)} meses)` : ''}, en pedido ${fmt(n.onOrder)} → pedido ${n.quantity}`;
}

function supplyRequest(n: ItemNumbers, p: Policy, location: string, requisition: string, now: string): SupplyRequest {
  const variable = (k: keyof typeof VARIABLES, value: number): NonNullable<SupplyRequest['parameter']>[number] => ({
    code: { coding: [{ system: VARIABLE_SYSTEM, code: VARIABLE_CODES[k], display: VARIABLES[k] }] },
    valueQuantity: { value: round2(value) },
  });
  return {
    resourceType: 'SupplyRequest',
    identifier: [{ system: REQUISITION_SID, value: requisition }],
    status: 'draft',
    priority: p.closure ? 'urgent' : 'routine',
    itemCodeableConcept: { coding: [coding(n.item)] },
    quantity: { value: n.quantity },
    parameter: [
      variable('amc', n.amc),
      ...(n.mos !== undefined ? [variable('mos', n.mos)] : []),
      variable('max', n.max),
      variable('onHand', n.onHand),
      variable('onOrder', n.onOrder),
      variable('stockoutDays', n.stockoutDays),
      variable('coverMonths', p.coverMonths),
    ],
    ...(p.closure ? { occurrencePeriod: { start: now, end: p.closure.from } } : {}),
    authoredOn: now,
    ...(p.facility ? { requester: { reference: p.facility } } : {}),
    ...(p.supplier ? { supplier: [{ reference: p.supplier }] } : {}),
    reasonCode: [{ text: describe(n, p) }],
    deliverTo: { reference: `Location/${location}` },
  };
}

function approvalTask(p: Policy, location: string, id: string, lines: Reference[], now: string): Task {
  const name = p.location.name ? `${p.location.name} (Location/${location})` : `Location/${location}`;
  return {
    resourceType: 'Task',
    identifier: [{ system: REQUISITION_SID, value: id }],
    status: 'requested',
    intent: 'order',
    priority: p.closure ? 'urgent' : 'routine',
    code: { coding: [APPROVE] },
    description: `Aprobar el pedido de reposición de ${name}: ${lines.length} artículo(s)${p.closure ? `, adelantado por el cierre estacional desde ${p.closure.from}` : ''}`,
    focus: lines[0],
    for: { reference: p.facility ?? `Location/${location}` },
    authoredOn: now,
    ...(p.facility ? { requester: { reference: p.facility } } : {}),
    ...(p.supplier ?? p.facility ? { owner: { reference: (p.supplier ?? p.facility)! } } : {}),
    ...(p.closure ? { restriction: { period: { end: p.closure.from } } } : {}),
    input: lines.map((valueReference) => ({ type: { coding: [ORDER_LINE] }, valueReference })),
  };
}

function policyPart(p: Policy): ParametersParameter {
  return {
    name: 'policy',
    part: [
      ...(p.facility ? [{ name: 'facility', valueReference: { reference: p.facility } }] : []),
      ...(p.supplier ? [{ name: 'supplier', valueReference: { reference: p.supplier } }] : []),
      ...(p.facilityType ? [{ name: 'facilityType', valueCoding: p.facilityType }] : []),
      { name: 'rural', valueBoolean: p.rural },
      { name: 'maxPeriodsOfStock', valueDecimal: p.maxPeriodsOfStock },
      { name: 'reviewCycle', valueInteger: p.reviewCycle },
      ...(p.closure ? [{ name: 'closure', part: [{ name: 'start', valueDate: p.closure.from }, ...p.closure.months.map((m) => ({ name: 'month', valueInteger: m }))] }] : []),
      { name: 'broughtForward', valueBoolean: !!p.closure },
      { name: 'coverMonths', valueDecimal: p.coverMonths },
    ],
  };
}

export function itemPart(n: ItemNumbers, ref?: string): ParametersParameter {
  return {
    name: 'item',
    part: [
      { name: 'item', valueCoding: coding(n.item) },
      { name: 'amc', valueDecimal: n.amc },
      ...(n.mos !== undefined ? [{ name: 'mos', valueDecimal: round2(n.mos) }] : []),
      { name: 'max', valueDecimal: n.max },
      { name: 'onHand', valueDecimal: n.onHand },
      { name: 'onOrder', valueDecimal: n.onOrder },
      { name: 'stockoutDays', valueDecimal: n.stockoutDays },
      { name: 'quantity', valueDecimal: n.quantity },
      ...(ref ? [{ name: 'supplyRequest', valueReference: { reference: ref } }] : []),
      ...n.periods.map((x) => ({
        name: 'period',
        part: [{ name: 'month', valueString: x.month }, { name: 'consumption', valueDecimal: x.consumption }, { name: 'stockoutDays', valueDecimal: x.stockoutDays }, { name: 'adjusted', valueDecimal: x.adjusted }],
      })),
    ],
  };
}

/**
 * Location/[id]/$replenish (POST): the order each item of the store needs, by OpenLMIS's formulas (formulas.ts)
 * on the ledger's consumption and stock-out days (consumption.ts) and the facility's policy (policy.ts). Unless
 * `dry-run=true`, in one transaction: a draft SupplyRequest per item to order (quantity > 0) and one approval
 * Task (requested) naming them all; completing the Task makes them active (approval.ts). A store whose last
 * proposal still awaits approval is a 409 (approve, reject or cancel it first); so is a concurrent call.
 */
export async function replenish(s: Services, ctx: RequestContext, call: OperationCall, t?: StoreTransaction): Promise<FhirResponse> {
  if (!call.id) throw new FhirError(400, 'required', 'supply.missingParam', ['Location/[id]']);
  const wanted = items(call);
  const dryRun = booleanParam(call, 'dry-run');
  const months = monthsBefore(Date.now(), periodsParam(call));
  await places(s, ctx, call);
  const location = call.id;
  const now = Date.now();
  const policy = await policyFor(s, ctx, location, now, t);
  const only = wanted.length ? wanted : undefined;
  const out: Parameters = { resourceType: 'Parameters', parameter: [policyPart(policy)] };
  if (dryRun) {
    const q = await readerOf(s, t);
    const lines = await itemNumbers(q, location, only, months, policy.coverMonths, await onOrderAt(q, s.store.baseUrl, location));
    out.parameter!.push(...lines.map((n) => itemPart(n)));
    return { status: 200, headers: {}, body: out };
  }
  await inTransaction(s, ctx, t, async (t) => {
    await t.lock([`replenish:Location/${location}`]);
    await t.derive();
    await refusePending(t, location);
    const lines = await itemNumbers(t.tx, location, only, months, policy.coverMonths, await onOrderAt(t.tx, t.baseUrl, location));
    const taskId = newId();
    const at = new Date(now).toISOString();
    const refs = new Map<string, string>();
    for (const n of lines) {
      if (n.quantity <= 0) continue;
      const r = await create(t, supplyRequest(n, policy, location, taskId, at));
      refs.set(n.item, `SupplyRequest/${r.id}`);
    }
    out.parameter!.push(...lines.map((n) => itemPart(n, refs.get(n.item))));
    if (refs.size === 0) return;
    await create(t, approvalTask(policy, location, taskId, [...refs.values()].map((reference) => ({ reference })), at), { id: taskId });
    out.parameter!.push({ name: 'task', valueReference: { reference: `Task/${taskId}` } });
  });
  return { status: 200, headers: {}, body: out };
}
