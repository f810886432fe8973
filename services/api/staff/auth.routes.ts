/**
 * Sign-in, sign-out, who am I, and password change (docs/staff-api.md "Sessions").
 */
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { AppError, Errors } from '../../../shared/errors';
import type { StaffUserModel } from '../../../shared/models/staff-user.model';
import type { AuditLog } from '../../../shared/staff/audit-log';
import {
  dummyHash,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from '../../../shared/staff/passwords';
import type { StaffPrincipal } from '../../../shared/staff/roles';
import type { LoginThrottle } from './login-throttle';
import { me, newCsrfToken, requireStaff, SESSION_COOKIE, StaffErrors } from './staff-session';
import { parseBody } from './validate';

export const LoginSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(200),
});

export const PasswordSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().max(200),
});

export interface AuthDeps {
  Users: StaffUserModel;
  audit: AuditLog;
  throttle: LoginThrottle;
}

function loginPseudonym(typed: string): string {
  return createHash('sha256').update(typed).digest('hex').slice(0, 16);
}

function loginBody(user: StaffPrincipal, csrfToken: string) {
  return {
    user: { id: user.id, email: user.email, role: user.role, centers: user.centers },
    csrfToken,
  };
}

export function authRoutes(deps: AuthDeps): Router {
  const r = Router();

  r.post('/api/v1/auth/login', async (req, res) => {
    const { email, password } = parseBody(LoginSchema, req.body);
    const ip = req.ip ?? 'unknown';
    const wait = await deps.throttle.attempt(email, ip);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new AppError(
        'TOO_MANY_ATTEMPTS',
        `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minutes.`,
        429,
      );
    }
    const user = await deps.Users.findOne({ email }).lean();
    const ok = user
      ? await verifyPassword(user.passwordHash, password)
      : await verifyPassword(await dummyHash(), password);
    if (!user || !ok || user.disabled) {
      await deps.audit.record({
        actor: null,
        action: 'login_failed',
        // The account's id when there is one; else a pseudonym of what was typed (people type
        // passwords into the e-mail field too).
        target: user?._id ?? `unknown:${loginPseudonym(email)}`,
        ip,
        details: { reason: !user ? 'unknown' : !ok ? 'password' : 'disabled' },
      });
      throw new AppError('INVALID_CREDENTIALS', 'Wrong e-mail or password.', 401);
    }
    await deps.throttle.succeeded(email, ip);
    // A fresh session id at sign-in: a session id planted before it is worth nothing.
    await new Promise<void>((resolve, reject) =>
      req.session.regenerate((err) => (err ? reject(err) : resolve())),
    );
    const csrf = newCsrfToken();
    req.session.userId = user._id;
    req.session.csrf = csrf;
    req.session.authAt = Date.now();
    await deps.Users.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
    const principal = { id: user._id, email: user.email, role: user.role, centers: user.centers };
    await deps.audit.record({ actor: principal, action: 'login', target: user._id, ip });
    res.json(loginBody(principal, csrf));
  });

  r.get('/api/v1/auth/me', (req, res) => {
    if (!req.staff) throw StaffErrors.unauthenticated();
    res.setHeader('Cache-Control', 'no-store');
    res.json(loginBody(req.staff, req.session.csrf!));
  });

  r.post('/api/v1/auth/logout', requireStaff('read'), async (req, res) => {
    const who = me(req);
    await deps.audit.record({ actor: who, action: 'logout', target: who.id, ip: req.ip });
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.post('/api/v1/auth/password', requireStaff('read'), async (req, res) => {
    const who = me(req);
    const body = parseBody(PasswordSchema, req.body);
    const user = await deps.Users.findById(who.id).lean();
    if (!user || !(await verifyPassword(user.passwordHash, body.currentPassword)))
      throw Errors.validation([
        { field: 'currentPassword', message: 'The current password is wrong.' },
      ]);
    const problem = passwordProblem(body.newPassword);
    if (problem) throw Errors.validation([{ field: 'newPassword', message: problem }]);
    const now = new Date();
    await deps.Users.updateOne(
      { _id: who.id },
      { $set: { passwordHash: await hashPassword(body.newPassword), passwordChangedAt: now } },
    );
    // Other sessions of this person end (they signed in before the change); this one goes on.
    req.session.authAt = now.getTime() + 1;
    await deps.audit.record({ actor: who, action: 'password_change', target: who.id, ip: req.ip });
    res.status(204).end();
  });

  return r;
}
