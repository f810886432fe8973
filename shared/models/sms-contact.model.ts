/**
 * What a phone number asked of us by SMS keyword: opted out (STOP) or not, and the language it
 * wants. Keyed by the keyed hash of the E.164 number, so no number is stored here in any form.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export interface SmsContactDoc {
  /** PiiVault.hash('phone:+856…'). */
  _id: string;
  optedOut: boolean;
  lang?: 'lo' | 'en';
  updatedAt: Date;
}

const smsContactSchema = new Schema<SmsContactDoc>(
  {
    _id: { type: String, required: true },
    optedOut: { type: Boolean, default: false },
    lang: { type: String, enum: ['lo', 'en'] },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type SmsContactModel = Model<SmsContactDoc>;

export function smsContactModel(conn: Connection): SmsContactModel {
  return modelOn<SmsContactDoc>(conn, 'SmsContact', smsContactSchema, 'sms_contacts');
}
