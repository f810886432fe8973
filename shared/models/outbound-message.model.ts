/**
 * Every message we send or would send to a citizen, and what became of it: queued, sent (with the
 * provider's id), delivered or failed (from Twilio's status callback), suppressed (the number opted
 * out, or the chat blocked the bot) or logged (no provider configured — staff see here what would have been sent).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export const OUTBOUND_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'suppressed',
  'logged',
] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

export interface OutboundMessageDoc {
  /** Our id; also in the status callback URL, so the callback is an _id look-up. */
  _id: string;
  channel: 'sms' | 'telegram';
  /** Keyed hash of the recipient (the sealed number travels in the job only). */
  toHash: string;
  body: string;
  purpose: 'reply' | 'status' | 'followup' | 'survey';
  feedbackId?: string;
  status: OutboundStatus;
  transport?: 'twilio' | 'telegram' | 'log';
  /** How many times the provider told us to wait (Telegram 429 retry_after). */
  rateLimited?: number;
  providerSid?: string;
  attempts: number;
  lastError?: string;
  errorCode?: string;
  createdAt: Date;
  updatedAt: Date;
}

const outboundSchema = new Schema<OutboundMessageDoc>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    toHash: { type: String, required: true },
    body: { type: String, required: true },
    purpose: { type: String, required: true },
    feedbackId: String,
    status: { type: String, enum: OUTBOUND_STATUSES, required: true },
    transport: String,
    providerSid: String,
    rateLimited: Number,
    attempts: { type: Number, default: 0 },
    lastError: String,
    errorCode: String,
  },
  { timestamps: true, versionKey: false },
);
// Staff view of a feedback's conversation: its messages, newest first.
outboundSchema.index({ feedbackId: 1, createdAt: -1 });

export type OutboundMessageModel = Model<OutboundMessageDoc>;

export function outboundMessageModel(conn: Connection): OutboundMessageModel {
  return modelOn<OutboundMessageDoc>(conn, 'OutboundMessage', outboundSchema, 'outbound_messages');
}
