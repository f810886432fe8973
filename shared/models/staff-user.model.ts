/**
 * Staff accounts: who may sign in to the workspace, with which role and over which centers.
 * The password is kept only as an argon2id hash (shared/staff/passwords.ts).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import { ROLES, type Role } from '../staff/roles';

export interface StaffUserDoc {
  /** A random id (UUID); the session holds it, so a look-up is a primary-key read. */
  _id: string;
  /** Lower-cased. */
  email: string;
  role: Role;
  /** Center codes a center manager answers for; empty for the other roles. */
  centers: string[];
  passwordHash: string;
  disabled: boolean;
  /** A Telegram chat (the person's own, with the bot) for overdue notices; in clear, as staff set it. */
  telegramChatId?: string;
  lastLoginAt?: Date;
  passwordChangedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const staffUserSchema = new Schema<StaffUserDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    centers: { type: [String], default: [] },
    passwordHash: { type: String, required: true },
    disabled: { type: Boolean, default: false },
    telegramChatId: String,
    lastLoginAt: Date,
    passwordChangedAt: Date,
  },
  { timestamps: true, versionKey: false },
);
// Login and user:create look a person up by e-mail; one account per address.
staffUserSchema.index({ email: 1 }, { unique: true });

export type StaffUserModel = Model<StaffUserDoc>;

export function staffUserModel(conn: Connection): StaffUserModel {
  return modelOn<StaffUserDoc>(conn, 'StaffUser', staffUserSchema, 'staff_users');
}
