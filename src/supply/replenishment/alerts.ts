import { createHash } from 'node:crypto';
import type { Flag, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { FhirError } from '../../fhir/outcome.js';
import { create, update } from '../../interactions/write.js';
import { paramString, type OperationCall } from '../../operations/registry.js';
import type { FhirResponse } from '../../rest/request.js';
import { inTransaction, type Services } from '../../rest/services.js';
import type { StoreTransaction } from '../../store/store.js';
import './messages.js';
import { items, places } from '../input.js';
import { coding, MAX_LINES } from '../stock-on-hand.js';
import { monthsBefore, PY_OFFSET_MS, type Month } from './consumption.js';
import { ALERT_DISPLAY, ALERT_SID, ALERT_SYSTEM, type AlertKind } from './model.js';
import { booleanParam, itemNumbers, periodsParam, readerOf, searchAll } from './operation.js';
import { policyFor } from './policy.js';

/** Most alert Flags of one place read at once. */
const MAX_FLAGS = 5_000;

interface Alert {
  kind: AlertKind;
  item: string;
  lot?: string;
  expiry?: string;
  quantity: number;
  amc?: number;
  mos?: number;
  daysToExpiry?: number;
  /** The Flag's identifier value: kind, then a hash of place and item, then of the lot. */
  key: string;
}

const hash = (x: string): string => createHash('sha256').update(x).digest('hex').slice(0, 16);
const keyOf = (kind: AlertKind, location: string, item: string, lot = ''): string => `${kind}.${hash(`${location}|${item}`)}.${hash(lot)}`;
const fmt = (x: number): string => String(Math.round(x * 100) / 100).replace('.', ',');

function decimalParam(call: OperationCall, name: string, dflt: number, max: number, integer = false): number {
  const v = paramString(call.params, name);
  if (v === undefined) return dflt;
  const ok = integer ? /^\d{1,4}$/.test(v) : /^\d{1,4}(\.\d{1,4})?$/.test(v);
  if (!ok || Number(v) > max || (!integer && Number(v) <= 0)) throw new FhirError(400, 'invalid', 'badParam', [name, v]);
  return Number(v);
}

function flagOf(a: Alert, location: string, author: string | undefined, threshold: number, now: string): Flag {
  const code = coding(a.item).code;
  const text = a.kind === 'stock-bajo'
    ? `Stock bajo de ${code}: ${fmt(a.mos!)} meses de stock (stock ${fmt(a.quantity)}, consumo mensual promedio ${a.amc}; umbral ${fmt(threshold)} meses)`
    : `El lote ${a.lot || '—'} de ${code} vence el ${a.expiry} (${fmt(a.quantity)} en stock; ${a.daysToExpiry! < 0 ? `vencido hace ${-a.daysToExpiry!} días` : `faltan ${a.daysToExpiry} días`})`;
  return {
    resourceType: 'Flag',
    identifier: [{ system: ALERT_SID, value: a.key }],
    status: 'active',
    category: [{ coding: [{ system: ALERT_SYSTEM, code: a.kind, display: ALERT_DISPLAY[a.kind] }] }],
    code: { coding: [coding(a.item)], text },
    subject: { reference: `Location/${location}` },
    period: { start: now },
    ...(author ? { author: { reference: author } } : {}),
  };
}

function alertPart(a: Alert, flag?: string): ParametersParameter {
  return {
    name: 'alert',
    part: [
      { name: 'kind', valueCoding: { system: ALERT_SYSTEM, code: a.kind, display: ALERT_DISPLAY[a.kind] } },
      { name: 'item', valueCoding: coding(a.item) },
      ...(a.lot ? [{ name: 'lot', valueString: a.lot }] : []),
      ...(a.expiry ? [{ name: 'expiry', valueDate: a.expiry }] : []),
      ...(a.daysToExpiry !== undefined ? [{ name: 'daysToExpiry', valueInteger: a.daysToExpiry }] : []),
      { name: 'quantity', valueDecimal: a.quantity },
      ...(a.amc !== undefined ? [{ name: 'amc', valueDecimal: a.amc }] : []),
      ...(a.mos !== undefined ? [{ name: 'mos', valueDecimal: Math.round(a.mos * 100) / 100 }] : []),
      ...(flag ? [{ name: 'flag', valueReference: { reference: flag } }] : []),
    ],
  };
}

/** The alerts of a place, read in q: low months of stock first (item order), then lots by expiry. */
async function findAlerts(q: Queryable, location: string, only: string[] | undefined, months: Month[], coverMonths: number, threshold: number, days: number, now: number): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const n of await itemNumbers(q, location, only, months, coverMonths, new Map())) {
    if (n.mos !== undefined && n.mos < threshold) alerts.push({ kind: 'stock-bajo', item: n.item, quantity: n.onHand, amc: n.amc, mos: n.mos, key: keyOf('stock-bajo', location, n.item) });
  }
  const today = new Date(now - PY_OFFSET_MS).toISOString().slice(0, 10);
  const params: unknown[] = [location, today, days];
  const { rows } = await q.query<{ item: string; lot: string; expiry: string; quantity: string; left: number }>(
    `SELECT item, lot, expiry::text AS expiry, quantity::text AS quantity, (expiry - $2::date)::int AS left FROM stock_balance
     WHERE location = $1 AND quantity > 0 AND expiry IS NOT NULL AND expiry <= $2::date + $3::int${only ? ` AND item = ANY($${params.push(only)}::text[])` : ''}
     ORDER BY expiry, item, lot LIMIT ${MAX_LINES + 1}`,
    params,
  );
  if (rows.length > MAX_LINES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_LINES]);
  for (const r of rows) {
    alerts.push({ kind: 'vencimiento-proximo', item: r.item, lot: r.lot, expiry: r.expiry, quantity: Number(r.quantity), daysToExpiry: Number(r.left), key: keyOf('vencimiento-proximo', location, r.item, r.lot) });
  }
  return alerts;
}

/**
 * Location/[id]/$stock-alerts: the store's early warnings —
 *   - `stock-bajo`: an item whose months of stock (stock on hand / AMC, the AMC of $replenish) are below `mos`
 *     (default 1); an item not consumed (AMC 0) never is;
 *   - `vencimiento-proximo`: a lot in stock whose expiry is within `days` (default 90) of today in Paraguay, or
 *     past (daysToExpiry negative).
 * With `raise=true` (POST only), in one transaction: a Flag per alert (category py-alerta-stock, subject the
 * Location, author its facility, status active, period.start now) unless one is active already for the same
 * place, item, lot and kind (identifier alerta-stock); the place's active alert Flags whose condition no
 * longer holds (among the items looked at) become inactive with period.end. Subscriptions (`Flag?subject=…`, or
 * a topic on Flag) deliver them as any other write.
 */
export async function stockAlerts(s: Services, ctx: RequestContext, call: OperationCall, t?: StoreTransaction): Promise<FhirResponse> {
  if (!call.id) throw new FhirError(400, 'required', 'supply.missingParam', ['Location/[id]']);
  const wanted = items(call);
  const threshold = decimalParam(call, 'mos', 1, 120);
  const days = decimalParam(call, 'days', 90, 3650, true);
  const raise = booleanParam(call, 'raise');
  if (raise && call.req.method !== 'POST') throw new FhirError(405, 'not-supported', 'supply.replenishmentRaiseNeedsPost', []);
  const months = monthsBefore(Date.now(), periodsParam(call));
  await places(s, ctx, call);
  const location = call.id;
  const now = Date.now();
  const policy = await policyFor(s, ctx, location, now, t);
  const only = wanted.length ? wanted : undefined;
  const find = (q: Queryable): Promise<Alert[]> => findAlerts(q, location, only, months, policy.coverMonths, threshold, days, now);
  const out: Parameters = { resourceType: 'Parameters', parameter: [] };
  if (!raise) {
    out.parameter = (await find(await readerOf(s, t))).map((a) => alertPart(a));
    return { status: 200, headers: {}, body: out };
  }
  await inTransaction(s, ctx, t, async (t) => {
    await t.lock([`stock-alerts:Location/${location}`]);
    await t.derive();
    const alerts = await find(t.tx);
    const flags = await searchAll<Flag>(t.tx, t.baseUrl, 'Flag', { subject: `Location/${location}`, identifier: `${ALERT_SID}|` }, MAX_FLAGS);
    const active = new Map<string, Flag>();
    for (const f of flags) {
      const key = f.identifier?.find((i) => i.system === ALERT_SID)?.value;
      if (key && f.status === 'active') active.set(key, f);
    }
    const at = new Date(now).toISOString();
    for (const a of alerts) {
      const open = active.get(a.key);
      let ref = open ? `Flag/${open.id}` : undefined;
      if (!ref) ref = `Flag/${(await create(t, flagOf(a, location, policy.facility, threshold, at))).id}`;
      out.parameter!.push(alertPart(a, ref));
    }
    // What no longer holds ends: only among the items looked at (all of the place's without `item`).
    const current = new Set(alerts.map((a) => a.key));
    const looked = only ? new Set(only.map((i) => hash(`${location}|${i}`))) : undefined;
    for (const [key, f] of active) {
      if (current.has(key) || (looked && !looked.has(key.split('.')[1]))) continue;
      await update(t, 'Flag', f.id!, { ...f, status: 'inactive', period: { ...f.period, end: at } });
      out.parameter!.push({ name: 'resolved', valueReference: { reference: `Flag/${f.id}` } });
    }
  });
  return { status: 200, headers: {}, body: out };
}
