/**
 * Creating and changing staff accounts: one path for `npm run user:create` and the admin screens,
 * so both validate the same way (role, centers that exist, password rules, one account per e-mail).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, Errors } from '../errors';
import { isDuplicateKey } from '../db/mongo';
import type { StaffUserDoc, StaffUserModel } from '../models/staff-user.model';
import { hashPassword, passwordProblem } from './passwords';
import { ROLES, type Role } from './roles';

export const NewUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: 'must be an e-mail address' })),
  role: z.enum(ROLES),
  centers: z.array(z.string().max(60)).max(200).default([]),
  password: z.string(),
});
export type NewUser = z.input<typeof NewUserSchema>;

/** What staff screens and the CLI show of an account (never the hash). */
export interface StaffUserView {
  id: string;
  email: string;
  role: Role;
  centers: string[];
  disabled: boolean;
  telegramChatId: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export function userView(u: StaffUserDoc): StaffUserView {
  return {
    id: u._id,
    email: u.email,
    role: u.role,
    centers: u.centers ?? [],
    disabled: !!u.disabled,
    telegramChatId: u.telegramChatId ?? null,
    createdAt: new Date(u.createdAt).toISOString(),
    lastLoginAt: u.lastLoginAt ? new Date(u.lastLoginAt).toISOString() : null,
  };
}

/** Checks a role/centers pair: a center manager needs centers that exist; others have none. */
export function checkScope(role: Role, centers: string[], knownCenters: Set<string>): string[] {
  const unique = [...new Set(centers)];
  if (role !== 'center_manager') {
    if (unique.length)
      throw Errors.validation([{ field: 'centers', message: `A ${role} covers every center.` }]);
    return [];
  }
  if (!unique.length)
    throw Errors.validation([
      { field: 'centers', message: 'A center manager needs at least one center.' },
    ]);
  const unknown = unique.filter((c) => !knownCenters.has(c));
  if (unknown.length)
    throw Errors.validation([
      { field: 'centers', message: `Unknown centers: ${unknown.join(', ')}` },
    ]);
  return unique;
}

export async function createStaffUser(
  Users: StaffUserModel,
  input: NewUser,
  knownCenters: Set<string>,
): Promise<StaffUserDoc> {
  const parsed = NewUserSchema.safeParse(input);
  if (!parsed.success)
    throw Errors.validation(
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  const u = parsed.data;
  const problem = passwordProblem(u.password);
  if (problem) throw Errors.validation([{ field: 'password', message: problem }]);
  const centers = checkScope(u.role, u.centers, knownCenters);
  const now = new Date();
  const doc = {
    _id: randomUUID(),
    email: u.email,
    role: u.role,
    centers,
    passwordHash: await hashPassword(u.password),
    disabled: false,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
  };
  // The unique index refuses a second account on MongoDB; FerretDB's SQLite backend enforces
  // unique indexes too, and the look-up first gives a clear message either way.
  if (await Users.exists({ email: u.email })) throw emailTaken(u.email);
  try {
    await Users.collection.insertOne(doc as never);
  } catch (err) {
    if (isDuplicateKey(err)) throw emailTaken(u.email);
    throw err;
  }
  return doc as StaffUserDoc;
}

function emailTaken(email: string): AppError {
  return Errors.conflict('EMAIL_TAKEN', `An account for ${email} exists already.`);
}
