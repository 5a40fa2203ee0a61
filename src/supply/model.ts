import type { Basic, CodeableConcept, Extension, MedicationDispense, Resource, SupplyDelivery } from '@medplum/fhirtypes';
import { refKey } from '../fhir/references.js';

/** The supply profiles of the Paraguay guide (profiles/suministros.fsh) as the ledger reads them. */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
export const EXT = {
  lot: `${SD}py-lote`,
  origin: `${SD}py-origen`,
  movement: `${SD}py-movimiento-stock`,
} as const;
export const REASON_SYSTEM = `${CS}py-motivo-movimiento-stock`;
export const MOVEMENT_TYPE_SYSTEM = `${CS}py-tipo-movimiento-stock`;
/**
 * The item catalogues: a movement's item is its first coding from one of them, else its first coding. A movement
 * names its item by that code only (SupplyDelivery.suppliedItem.itemCodeableConcept,
 * MedicationDispense.medicationCodeableConcept, py-movimiento-stock.articulo): the item resources of the guide
 * (Medication py-medicamento, py-vacuna — one per lot — and py-remedio-tradicional, DeviceDefinition py-insumo)
 * carry the same code and are never read by the ledger. A dispense that names its medicine only by
 * medicationReference (even to a contained Medication) has no item here and is refused: its lot would have two
 * sources (py-lote and Medication.batch) and a search by code would not find it.
 */
export const ITEM_SYSTEMS = [`${CS}py-medicamento-esencial`, `${CS}py-vacuna`, `${CS}py-insumo`, `${CS}py-remedio-tradicional`];

/** Reasons that add (credito), take away (debito) or set the balance (recuento). */
const CREDIT = new Set(['recepcion', 'transferencia-entrada', 'hallazgo', 'devolucion']);
const DEBIT = new Set(['transferencia-salida', 'dispensacion', 'consumo', 'vencimiento', 'dano', 'perdida', 'robo', 'excursion-temperatura', 'vvm-descarte']);
export const REASONS = [...CREDIT, ...DEBIT, 'recuento'];

/** One line of a movement: what it does to one balance. */
export interface Line {
  location: string;
  item: string;
  lot: string;
  expiry?: string;
  occurred: string;
  reason: string;
  /** Added (credit) or taken (debit, negative); undefined for a count. */
  delta?: number;
  /** A count: the balance counted. */
  counted?: number;
}

export const isMovementType = (type: string): boolean => type === 'SupplyDelivery' || type === 'MedicationDispense' || type === 'Basic';

/** A bad movement: what is wrong, for a 422 naming it. */
export class MovementError extends Error {
  constructor(readonly key: `supply.${string}`, readonly args: (string | number)[]) {
    super(key);
  }
}

export function itemOf(cc: CodeableConcept | undefined): string | undefined {
  const codings = Array.isArray(cc?.coding) ? cc.coding.filter((c) => typeof c?.system === 'string' && typeof c.code === 'string') : [];
  const c = codings.find((x) => ITEM_SYSTEMS.includes(x.system!)) ?? codings[0];
  return c ? `${c.system}|${c.code}` : undefined;
}

function lotOf(extensions: Extension[] | undefined): { lot: string; expiry?: string } {
  const e = (Array.isArray(extensions) ? extensions : []).find((x) => x?.url === EXT.lot);
  const sub = (url: string): Extension | undefined => (Array.isArray(e?.extension) ? e.extension : []).find((x) => x?.url === url);
  const lot = sub('numero')?.valueString;
  const expiry = sub('vencimiento')?.valueDate;
  return { lot: typeof lot === 'string' ? lot : '', ...(typeof expiry === 'string' ? { expiry } : {}) };
}

const locationId = (r: { reference?: string } | undefined): string | undefined => refKey(r, 'Location')?.slice('Location/'.length);
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The ledger lines of a movement resource as stored now (none for one that does not count: a delivery or a
 * dispense not completed, a Basic that is not a stock movement). Throws MovementError for a movement that
 * counts but cannot be read (no place, item or quantity).
 */
export function linesOf(r: Resource | undefined, lastUpdated: string): Line[] {
  if (!r) return [];
  if (r.resourceType === 'SupplyDelivery') return deliveryLines(r, lastUpdated);
  if (r.resourceType === 'MedicationDispense') return dispenseLines(r, lastUpdated);
  if (r.resourceType === 'Basic') return basicLines(r, lastUpdated);
  return [];
}

function deliveryLines(d: SupplyDelivery, lastUpdated: string): Line[] {
  if (d.status !== 'completed') return [];
  const key = `SupplyDelivery/${d.id}`;
  const to = locationId(d.destination);
  const from = locationId((Array.isArray(d.extension) ? d.extension : []).find((e) => e?.url === EXT.origin)?.valueReference);
  // A delivery to no store of ours (to a patient, to an address) moves no stock the ledger keeps.
  if (!to && !from) return [];
  const item = itemOf(d.suppliedItem?.itemCodeableConcept);
  const qty = d.suppliedItem?.quantity?.value;
  if (!to) throw new MovementError('supply.noPlace', [key, 'SupplyDelivery.destination']);
  if (!item) throw new MovementError('supply.noItem', [key, 'SupplyDelivery.suppliedItem.itemCodeableConcept']);
  if (!positive(qty)) throw new MovementError('supply.badQuantity', [key, 'SupplyDelivery.suppliedItem.quantity.value', String(qty)]);
  const { lot, expiry } = lotOf(d.suppliedItem?.extension);
  const occurred = typeof d.occurrenceDateTime === 'string' ? d.occurrenceDateTime : lastUpdated;
  const lines: Line[] = [{ location: to, item, lot, expiry, occurred, reason: from ? 'transferencia-entrada' : 'recepcion', delta: qty }];
  if (from) lines.push({ location: from, item, lot, expiry, occurred, reason: 'transferencia-salida', delta: -qty });
  return lines;
}

function dispenseLines(m: MedicationDispense, lastUpdated: string): Line[] {
  if (m.status !== 'completed') return [];
  const key = `MedicationDispense/${m.id}`;
  const at = locationId(m.location);
  // A dispense from no store of ours (an outside pharmacy, a record of history) moves no stock the ledger keeps.
  if (!at) return [];
  const item = itemOf(m.medicationCodeableConcept);
  const qty = m.quantity?.value;
  if (!item) throw new MovementError('supply.noItem', [key, 'MedicationDispense.medicationCodeableConcept']);
  if (!positive(qty)) throw new MovementError('supply.badQuantity', [key, 'MedicationDispense.quantity.value', String(qty)]);
  const { lot, expiry } = lotOf(m.extension);
  const occurred = typeof m.whenHandedOver === 'string' ? m.whenHandedOver : lastUpdated;
  return [{ location: at, item, lot, expiry, occurred, reason: 'dispensacion', delta: -qty }];
}

function basicLines(b: Basic, lastUpdated: string): Line[] {
  const e = (Array.isArray(b.extension) ? b.extension : []).find((x) => x?.url === EXT.movement);
  if (!e) return [];
  const key = `Basic/${b.id}`;
  const sub = (url: string): Extension | undefined => (Array.isArray(e.extension) ? e.extension : []).find((x) => x?.url === url);
  const at = locationId(sub('ubicacion')?.valueReference);
  const item = itemOf(sub('articulo')?.valueCodeableConcept);
  const qty = sub('cantidad')?.valueDecimal;
  const reason = sub('motivo')?.valueCoding;
  const when = sub('fecha')?.valueDateTime;
  if (!at) throw new MovementError('supply.noPlace', [key, 'py-movimiento-stock.ubicacion']);
  if (!item) throw new MovementError('supply.noItem', [key, 'py-movimiento-stock.articulo']);
  if (reason?.system !== REASON_SYSTEM || !reason.code || !REASONS.includes(reason.code)) {
    throw new MovementError('supply.badReason', [key, `${reason?.system ?? ''}|${reason?.code ?? ''}`, REASONS.join(', ')]);
  }
  const count = reason.code === 'recuento';
  if (typeof qty !== 'number' || !Number.isFinite(qty) || qty < 0 || (!count && qty === 0)) throw new MovementError('supply.badQuantity', [key, 'py-movimiento-stock.cantidad', String(qty)]);
  const { lot, expiry } = lotOf(b.extension);
  const occurred = typeof when === 'string' ? when : lastUpdated;
  if (count) return [{ location: at, item, lot, expiry, occurred, reason: 'recuento', counted: qty }];
  return [{ location: at, item, lot, expiry, occurred, reason: reason.code, delta: CREDIT.has(reason.code) ? qty : -qty }];
}
