import type { Coding } from '@medplum/fhirtypes';

/** The replenishment codes of the Paraguay guide (terminology/suministros-reposicion.fsh). */
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const SID = 'https://fhir.mspbs.gov.py/sid/';
/** Task.code and Task.input.type of a replenishment's approval. */
export const REPLENISHMENT_SYSTEM = `${CS}py-reposicion`;
/** SupplyRequest.parameter.code: the numbers an order was computed from. */
export const VARIABLE_SYSTEM = `${CS}py-variable-reposicion`;
/** Flag.category of a stock alert. */
export const ALERT_SYSTEM = `${CS}py-alerta-stock`;
/**
 * The requisition number: the id of the approval Task, on the Task and on each of its SupplyRequests. The
 * approval acts only on the SupplyRequests that carry its own number.
 */
export const REQUISITION_SID = `${SID}pedido-reposicion`;
/** A stock alert Flag's key (kind, place, item, lot), so the same alert is raised once while active. */
export const ALERT_SID = `${SID}alerta-stock`;

export const APPROVE: Coding = { system: REPLENISHMENT_SYSTEM, code: 'aprobar-pedido', display: 'Aprobar pedido de reposición' };
export const ORDER_LINE: Coding = { system: REPLENISHMENT_SYSTEM, code: 'pedido', display: 'Pedido de un artículo' };

export const VARIABLES = {
  amc: 'Consumo mensual promedio',
  mos: 'Meses de stock',
  max: 'Stock máximo',
  onHand: 'Stock disponible',
  onOrder: 'En pedido',
  stockoutDays: 'Días sin stock',
  coverMonths: 'Meses de cobertura',
} as const;
export const VARIABLE_CODES: Record<keyof typeof VARIABLES, string> = {
  amc: 'cmp',
  mos: 'meses-stock',
  max: 'stock-maximo',
  onHand: 'stock-disponible',
  onOrder: 'en-pedido',
  stockoutDays: 'dias-sin-stock',
  coverMonths: 'meses-cobertura',
};

export type AlertKind = 'stock-bajo' | 'vencimiento-proximo';
export const ALERT_DISPLAY: Record<AlertKind, string> = { 'stock-bajo': 'Stock bajo', 'vencimiento-proximo': 'Vencimiento próximo' };

/** A Task's approval code. */
export const isApproval = (code: { coding?: Coding[] } | undefined): boolean =>
  Array.isArray(code?.coding) && code.coding.some((c) => c?.system === APPROVE.system && c.code === APPROVE.code);
