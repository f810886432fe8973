/** The shapes of the staff API (docs/staff-api.md) as the dashboard reads them. */

// The same lists the server validates with (plain modules, bundled into the app).
import { ROLES as SERVER_ROLES, type Role } from '../../../shared/staff/roles';
import {
  OPEN_STATUSES as SERVER_OPEN,
  STAFF_STATUSES,
  type StaffStatus,
} from '../../../shared/staff/staff-status';

export type { Role, StaffStatus };
export { AUDIT_ACTIONS } from '../../../shared/staff/audit-actions';
export const ROLES: Role[] = [...SERVER_ROLES];
export const STATUSES: StaffStatus[] = [...STAFF_STATUSES];
export const OPEN_STATUSES: StaffStatus[] = [...SERVER_OPEN];

export const CHANNELS = ['sms', 'telegram', 'web', 'kiosk'] as const;
export const KINDS = ['complaint', 'suggestion', 'praise', 'question', 'other'] as const;

export interface Me {
  user: { id: string; email: string; role: Role; centers: string[] };
  csrfToken: string;
}

export interface Named {
  code: string;
  name: { lo: string; en: string };
}
export interface Center extends Named {
  province: string;
  level: string;
  active: boolean;
}
export interface Catalog {
  centers: Center[];
  services: Named[];
  topics: Named[];
}

export interface Person {
  id: string;
  email: string;
}

export interface QueueItem {
  trackingCode: string;
  centerCode: string | null;
  serviceCode: string | null;
  channel: string;
  kind: string | null;
  topics: string[];
  status: StaffStatus;
  rating: number | null;
  receivedAt: string;
  dueAt: string | null;
  overdue: boolean;
  needsTriage: boolean;
  assignee: Person | null;
  excerpt: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Counts {
  byStatus: Record<StaffStatus, number>;
  open: number;
  overdue: number;
  /** Held items under the same filters (all statuses): in no official figure until released. */
  held?: number;
}

export interface Classified {
  code: string | null;
  confidence: number;
  method: string;
}

export interface ThreadEntry {
  type: 'message' | 'part' | 'note' | 'reply' | 'survey';
  at: string;
  text: string;
  by?: Person | null;
  delivery?: string;
  replyId?: string;
}

export interface HistoryEntry {
  at: string;
  by: Person | null;
  action: string;
  field?: string;
  from?: unknown;
  to?: unknown;
}

export interface FeedbackItem extends QueueItem {
  citizenStatus: string;
  /** The moves the workflow allows from the current status (the backend sends it). */
  allowedStatuses?: StaffStatus[];
  text: { raw: string; normalized: string } | null;
  classification: {
    center: Classified;
    service: Classified;
    topics: Classified[] | Classified;
    kind: Classified;
    sentiment: Classified | number;
  };
  amountsKip?: number[];
  thread: ThreadEntry[];
  history: HistoryEntry[];
  contact: { kind: 'phone' | 'telegram'; value: string } | null;
  resolutionNote: string | null;
  duplicateOf: string | null;
  /** The citizen's 1–5 answer to the satisfaction question, once they gave it. */
  satisfaction?: number | null;
  replyable: boolean;
  /** Why the item is held out of every figure and since when; null when it counts. */
  hold?: { reason: string; at: string } | null;
}

export interface ReplyTemplate {
  id: string;
  title: { lo: string; en: string };
  text: { lo: string; en: string };
}

export interface StaffMember extends Person {
  role: Role;
  /** The centers of a center manager (the backend sends them; empty for everyone else). */
  centers?: string[];
}

export interface User extends StaffMember {
  centers: string[];
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface AuditEntry {
  at: string;
  actor: Person | null;
  action: string;
  target: string | null;
  ip: string | null;
  details?: unknown;
}
