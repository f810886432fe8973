/**
 * The audit log: who did what, when, from which address. Append-only: the code only ever inserts,
 * and no route updates or deletes an entry.
 */
import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

import { AUDIT_ACTIONS, type AuditAction } from '../staff/audit-actions';

export { AUDIT_ACTIONS, type AuditAction };

export interface AuditDoc {
  /** Time-ordered: the moment in base36 (fixed width) and random bytes, so _id order is time order. */
  _id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: AuditAction;
  /** What was acted on: a tracking code, a user id, a device id, an e-mail for a failed login. */
  target: string;
  ip: string | null;
  details?: Record<string, unknown>;
}

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, default: null },
    actorEmail: { type: String, default: null },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    target: { type: String, required: true },
    ip: { type: String, default: null },
    details: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
// Admin audit browser, newest first, by person and by action (paging goes by _id, time-ordered).
auditSchema.index({ actorId: 1, _id: -1 });
auditSchema.index({ action: 1, _id: -1 });

export type AuditModel = Model<AuditDoc>;

export function auditModel(conn: Connection): AuditModel {
  return modelOn<AuditDoc>(conn, 'Audit', auditSchema, 'audit');
}

/** A new audit id for a moment: sorts by time as a string. */
export function auditId(at: Date): string {
  return `${at.getTime().toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}
