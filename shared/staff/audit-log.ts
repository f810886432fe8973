/**
 * Writing and reading the audit log. Every staff action goes through `record`; admins browse with
 * `query`, newest first, paged by the time-ordered _id (docs/staff-api.md).
 */
import mongoose from 'mongoose';
import { auditId, type AuditAction, type AuditDoc, type AuditModel } from '../models/audit.model';
import { vientianeDayRange } from './vientiane-days';

export interface AuditActor {
  id: string;
  email: string;
}

export interface AuditEntry {
  actor: AuditActor | null;
  action: AuditAction;
  target: string;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

export interface AuditView {
  at: string;
  actor: AuditActor | null;
  action: AuditAction;
  target: string;
  ip: string | null;
  details?: Record<string, unknown>;
}

export class AuditLog {
  constructor(private readonly Audit: AuditModel) {}

  async record(e: AuditEntry): Promise<void> {
    const at = new Date();
    await this.Audit.collection.insertOne({
      _id: auditId(at) as never,
      at,
      actorId: e.actor?.id ?? null,
      actorEmail: e.actor?.email ?? null,
      action: e.action,
      target: e.target,
      ip: e.ip ?? null,
      ...(e.details ? { details: e.details } : {}),
    });
  }

  async query(q: AuditQuery): Promise<{ items: AuditView[]; nextCursor: string | null }> {
    const idRange: Record<string, string> = {};
    if (q.from) idRange.$gte = auditId0(vientianeDayRange(q.from).start);
    if (q.to) idRange.$lt = auditId0(vientianeDayRange(q.to).end);
    if (q.cursor && (!idRange.$lt || q.cursor < idRange.$lt)) idRange.$lt = q.cursor;
    const filter: Record<string, unknown> = {};
    // Operators built here, from validated values only (sanitizeFilter would neutralise them).
    if (Object.keys(idRange).length) filter._id = mongoose.trusted(idRange);
    if (q.actor) filter.actorId = q.actor;
    if (q.action) filter.action = q.action;
    const docs = await this.Audit.find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean<AuditDoc[]>();
    const page = docs.slice(0, q.limit);
    return {
      items: page.map((d) => ({
        at: d.at.toISOString(),
        actor: d.actorId ? { id: d.actorId, email: d.actorEmail ?? '' } : null,
        action: d.action,
        target: d.target,
        ip: d.ip,
        ...(d.details ? { details: d.details } : {}),
      })),
      nextCursor: docs.length > q.limit ? page[page.length - 1]!._id : null,
    };
  }
}

/** The smallest audit id of a moment (for range bounds). */
function auditId0(at: Date): string {
  return at.getTime().toString(36).padStart(9, '0');
}
