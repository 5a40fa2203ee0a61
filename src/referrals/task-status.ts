import type { Task } from '@medplum/fhirtypes';

type Status = Task['status'];

/**
 * FHIR Workflow's Task state machine (R4 task.html#statemachine), as the server enforces it on every write of
 * a Task (PUT, PATCH, transaction): the states each state may move to. Terminal states (completed, failed,
 * cancelled, rejected, entered-in-error) move nowhere, except that a record made in error is marked
 * entered-in-error from any state but that one.
 */
const NEXT: Record<Status, Status[]> = {
  draft: ['requested', 'cancelled'],
  requested: ['received', 'accepted', 'rejected', 'ready', 'cancelled'],
  received: ['accepted', 'rejected', 'cancelled'],
  accepted: ['ready', 'in-progress', 'on-hold', 'cancelled', 'failed'],
  ready: ['in-progress', 'on-hold', 'cancelled', 'failed'],
  'in-progress': ['completed', 'on-hold', 'failed', 'cancelled'],
  'on-hold': ['in-progress', 'cancelled', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
  rejected: [],
  'entered-in-error': [],
};

/** The states `from` may move to (entered-in-error included). */
export function nextStates(from: Status): Status[] {
  return from === 'entered-in-error' ? [] : [...NEXT[from], 'entered-in-error'];
}

export function isLegal(from: Status, to: Status): boolean {
  return from === to || nextStates(from).includes(to);
}

/** The moves of whoever performs the task (Task.owner): taking it, accepting or refusing it, doing it. */
export const OWNER_MOVES = new Set<Status>(['received', 'accepted', 'rejected', 'ready', 'in-progress', 'completed', 'failed']);

/** A referral whose Task is in one of these states may be booked (the destination has accepted it). */
export const BOOKABLE = new Set<Status>(['accepted', 'ready', 'in-progress']);
