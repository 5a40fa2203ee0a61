/**
 * The exchange contract's codes and systems as the outbound side writes them, and the outbox's settings.
 */
export const EVENT_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-evento-intercambio';
export const EVENTS = {
  'derivacion-solicitud': 'Solicitud de derivación',
  contrarreferencia: 'Contrarreferencia',
} as const;
export type ExchangeEvent = keyof typeof EVENTS;

export const BUNDLE_ID_SYSTEM = 'https://fhir.mspbs.gov.py/sid/bundle';
export const MSG_CONNECTION = { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-msg' };
export const KEY_EXTENSION = 'https://fhir.mspbs.gov.py/StructureDefinition/py-clave-intercambio';
export const REFERRAL_CATEGORY = { system: 'http://snomed.info/sct', code: '103696004', display: 'Patient referral to specialist' };

/** Task.code.text of the delivery Task the server keeps for each message it sends. */
export const DELIVERY_TASK_CODE = 'exchange-delivery';
/** Its businessStatus.text: queued → sent, or retrying → sent | failed, or failed at once. */
export type DeliveryStatus = 'queued' | 'retrying' | 'sent' | 'failed';

type Priority = 'stat' | 'asap' | 'urgent' | 'routine';
/** The outbox's order: emergencies first (then the oldest). */
export const PRIORITY_RANK: Record<Priority, number> = { stat: 0, asap: 1, urgent: 2, routine: 3 };
export function priorityRank(p: string | undefined): number {
  return PRIORITY_RANK[(p ?? 'routine') as Priority] ?? PRIORITY_RANK.routine;
}

/** The outbox's settings (EXCHANGE_OUTBOX_*, EXCHANGE_ORGANIZATION). */
export interface OutboxSettings {
  /** How often the worker looks for messages due (it is also woken by each $send of its process). */
  checkMs: number;
  /** Timeout of one POST to a partner. */
  timeoutMs: number;
  /** First wait after a partner failed (network, 5xx, 408, 429), doubled per further failure, at most retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts after which a message is failed. */
  maxAttempts: number;
  /** This facility (`Organization/{id}`), when a ServiceRequest's requester does not name one. */
  organization?: string;
}
