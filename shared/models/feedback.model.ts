/**
 * Feedback: one document per citizen message or survey answer, keyed by (channel, externalId).
 * Raw text is kept verbatim beside the normalized text; personal data is sealed (PiiVault).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import type { Channel } from '../intake-envelope.schema';
import { STAFF_STATUSES, type StaffStatus } from '../staff/staff-status';
import { VIENTIANE_OFFSET_MS } from '../staff/vientiane-days';
import type { CountState } from './rollup.model';

export const FEEDBACK_STATUSES = ['received', 'in_review', 'resolved', 'closed'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];
export const FEEDBACK_KINDS = ['complaint', 'suggestion', 'praise', 'question', 'other'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
/** `model`: the learned model (shared/classify/model.ts) decided where the rules were silent or weak. */
export type ClassifyMethod =
  'explicit' | 'keyword' | 'fuzzy' | 'learned' | 'model' | 'rating' | 'none';

/** A classified field: the code (or null), how sure we are, and what decided it. */
export interface Classified {
  code: string | null;
  confidence: number;
  method: ClassifyMethod;
}

export interface FeedbackDoc {
  /**
   * The tracking code. Being the _id makes the intake upsert and the citizen's status look-up
   * primary-key operations on every backend (FerretDB 1.x's SQLite backend pushes down only _id).
   */
  _id: string;
  trackingCode: string;
  channel: Channel;
  externalId: string;
  status: FeedbackStatus;
  receivedAt: Date;
  /** Bucket fields, Asia/Vientiane local time, stored at write time for rollups and reports. */
  day: string;
  month: string;
  sender: {
    kind: 'phone' | 'telegram' | 'anonymous' | 'kiosk';
    /** Sealed with PII_KEY; absent for anonymous feedback. */
    idSealed?: string;
    /** Keyed hash for "all feedback from this sender" look-ups. */
    idHash?: string;
    consentToContact: boolean;
    /**
     * false: a number typed into the web form or a kiosk, which proves nothing about who typed it.
     * Its idHash is taken in another namespace, so it is never merged with a number that texted us.
     */
    verified?: boolean;
  };
  text?: {
    raw: string;
    normalized: string;
    script: string;
    truncated: boolean;
    amountsKip?: number[];
  };
  rating?: number;
  center: Classified;
  service: Classified;
  topics: Classified[];
  kind: Classified;
  sentiment: number;
  needsTriage: boolean;
  locale?: 'lo' | 'en';
  source?: string;
  meta: Record<string, unknown>;
  slaDueAt?: Date;
  /** Later messages appended to this feedback (an SMS complaint that arrives in pieces). */
  parts?: string[];
  /**
   * Held (over a rate limit, or flagged): stored and shown to staff, but counted in no official
   * figure — no rollup, no case — until a staff member releases it (shared/abuse/hold.ts).
   */
  held?: { reason: string; at: Date };
  /** The batch this document was stored with (one insertMany of the intake worker). */
  rollupBatch: string;
  /**
   * How this document is counted in the rollups: a count version and what that version counts
   * (workers/intake/rollup-writer.ts). Absent on documents stored before versions existed.
   */
  counted?: CountState;
  /** The staff workflow (shared/staff/staff-status.ts); `status` is the citizen's view of it. */
  staffStatus?: StaffStatus;
  /** When the staff status last changed (also the queue index's retention clock). */
  statusAt?: Date;
  assigneeId?: string | null;
  resolutionNote?: string;
  duplicateOf?: string;
  firstReplyAt?: Date;
  resolvedAt?: Date;
  /** How far an overdue complaint has been escalated: 0 none, 1 assignee, 2 manager, 3 taskforce. */
  escalationTier?: number;
  /** Internal notes, never shown to the citizen. */
  notes?: StaffNote[];
  /** Every change staff (or the system) made, oldest first. */
  history?: HistoryEntry[];
  /** Messages staff sent to the citizen (delivery status in outbound_messages, by _id). */
  replies?: ReplyRef[];
  /** The citizen's satisfaction with the resolution, 1–5, when they answered the survey. */
  satisfaction?: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StaffNote {
  id: string;
  at: Date;
  byId: string;
  byEmail: string;
  text: string;
}

export interface ReplyRef {
  /** The outbound message's _id. */
  id: string;
  at: Date;
  byId: string | null;
  byEmail: string | null;
  purpose: 'reply' | 'survey';
}

export interface HistoryEntry {
  at: Date;
  /** null: the system (intake, escalation job). */
  byId: string | null;
  byEmail: string | null;
  action: string;
  field?: string;
  from?: unknown;
  to?: unknown;
}

const classifiedSchema = new Schema<Classified>(
  { code: { type: String, default: null }, confidence: Number, method: String },
  { _id: false },
);

const feedbackSchema = new Schema<FeedbackDoc>(
  {
    _id: { type: String, required: true },
    trackingCode: { type: String, required: true },
    channel: { type: String, required: true },
    externalId: { type: String, required: true },
    status: { type: String, enum: FEEDBACK_STATUSES, default: 'received' },
    receivedAt: { type: Date, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    sender: {
      kind: { type: String, required: true },
      idSealed: String,
      idHash: String,
      consentToContact: { type: Boolean, default: false },
      verified: { type: Boolean, default: undefined },
    },
    text: {
      raw: String,
      normalized: String,
      script: String,
      truncated: Boolean,
      amountsKip: [Number],
    },
    rating: Number,
    center: classifiedSchema,
    service: classifiedSchema,
    topics: { type: [classifiedSchema], default: [] },
    kind: classifiedSchema,
    sentiment: { type: Number, default: 0 },
    needsTriage: { type: Boolean, default: false },
    locale: String,
    source: String,
    meta: { type: Schema.Types.Mixed, default: {} },
    slaDueAt: Date,
    parts: { type: [String], default: undefined },
    rollupBatch: { type: String, required: true },
    held: { type: Schema.Types.Mixed, default: undefined },
    counted: { type: Schema.Types.Mixed, default: undefined },
    staffStatus: { type: String, enum: STAFF_STATUSES },
    statusAt: Date,
    assigneeId: { type: String, default: undefined },
    resolutionNote: String,
    duplicateOf: String,
    firstReplyAt: Date,
    resolvedAt: Date,
    escalationTier: Number,
    notes: { type: [Schema.Types.Mixed], default: undefined },
    history: { type: [Schema.Types.Mixed], default: undefined },
    replies: { type: [Schema.Types.Mixed], default: undefined },
    satisfaction: Number,
  },
  { timestamps: true, minimize: false },
);

// The intake upsert and the status look-up go by _id (the tracking code). This unique index is the
// guarantee behind them: one document per (channel, externalId), whatever the code derivation does.
feedbackSchema.index({ channel: 1, externalId: 1 }, { unique: true });
// Staff review queue: served by the Redis queue index (shared/staff/queue-index.ts), which is
// rebuilt from this scan when needed (npm run queue:reindex): staff status, then newest first.
feedbackSchema.index({ staffStatus: 1, receivedAt: -1 });
// "All feedback from this sender" (threading, STATUS by SMS) without decrypting anything.
feedbackSchema.index({ 'sender.idHash': 1, receivedAt: -1 });
// Triage queue: items the classifier left for people.
feedbackSchema.index({ needsTriage: 1, receivedAt: -1 });

export type FeedbackModel = Model<FeedbackDoc>;

export function feedbackModel(conn: Connection): FeedbackModel {
  return modelOn<FeedbackDoc>(conn, 'Feedback', feedbackSchema, 'feedback');
}

/** The local day and month a moment falls in, in Vientiane. */
export function localBuckets(at: Date): { day: string; month: string } {
  const iso = new Date(at.getTime() + VIENTIANE_OFFSET_MS).toISOString();
  return { day: iso.slice(0, 10), month: iso.slice(0, 7) };
}
