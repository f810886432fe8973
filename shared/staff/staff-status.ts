/**
 * The staff workflow of a feedback and what the citizen sees of it (docs/staff-api.md):
 * new → triaged → in_progress → resolved → closed, or spam / duplicate from any open status, and
 * back to triaged to reopen. The citizen's status is derived from the staff status, never stored
 * apart from it without this mapping.
 */
import type { FeedbackStatus } from '../models/feedback.model';

export const STAFF_STATUSES = [
  'new',
  'triaged',
  'in_progress',
  'resolved',
  'closed',
  'spam',
  'duplicate',
] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

export const OPEN_STATUSES: readonly StaffStatus[] = ['new', 'triaged', 'in_progress'];

export function isOpen(s: StaffStatus): boolean {
  return OPEN_STATUSES.includes(s);
}

const CITIZEN: Record<StaffStatus, FeedbackStatus> = {
  new: 'received',
  triaged: 'in_review',
  in_progress: 'in_review',
  resolved: 'resolved',
  closed: 'closed',
  spam: 'closed',
  duplicate: 'closed',
};

/** What the citizen's status look-up says for a staff status. */
export function citizenStatus(s: StaffStatus): FeedbackStatus {
  return CITIZEN[s];
}

const MOVES: Record<StaffStatus, readonly StaffStatus[]> = {
  new: ['triaged', 'in_progress', 'resolved', 'spam', 'duplicate'],
  triaged: ['in_progress', 'resolved', 'spam', 'duplicate'],
  in_progress: ['triaged', 'resolved', 'spam', 'duplicate'],
  resolved: ['closed', 'triaged'],
  closed: ['triaged'],
  spam: ['triaged'],
  duplicate: ['triaged'],
};

/** The statuses a person may move an item to from `from`. */
export function allowedMoves(from: StaffStatus): readonly StaffStatus[] {
  return MOVES[from];
}

export function canMove(from: StaffStatus, to: StaffStatus): boolean {
  return MOVES[from].includes(to);
}
