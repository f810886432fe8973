/**
 * Staff sessions, kept in Redis through express-session and connect-redis so every api replica
 * shares them: cookie `odsc.sid` (httpOnly, SameSite=Lax, Secure in production), ending after
 * STAFF_SESSION_IDLE_MIN without a request (rolling). Each request reloads the account by id, so
 * a disabled account, a changed role or a password change takes effect at once. State-changing
 * requests carry the session's CSRF token in X-CSRF-Token (a synchronizer token, compared in
 * constant time).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { RedisStore } from 'connect-redis';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type IORedis from 'ioredis';
import type { Config } from '../../../shared/config';
import { AppError } from '../../../shared/errors';
import type { StaffUserModel } from '../../../shared/models/staff-user.model';
import { can, type Ability, type StaffPrincipal } from '../../../shared/staff/roles';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    csrf: string;
    /** When this session signed in (ms): sessions older than a password change end. */
    authAt: number;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffPrincipal;
  }
}

export const SESSION_COOKIE = 'odsc.sid';

export const StaffErrors = {
  unauthenticated: () => new AppError('UNAUTHENTICATED', 'Please sign in.', 401),
  forbidden: () => new AppError('FORBIDDEN', 'Your role may not do this.', 403),
  csrf: () =>
    new AppError('CSRF_FAILED', 'Missing or wrong X-CSRF-Token; reload the page and retry.', 403),
};

export function staffSession(config: Config, redis: IORedis): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    store: new RedisStore({
      client: redis,
      prefix: `${config.queuePrefix}:sess:`,
      ttl: config.staff.sessionIdleS,
    }),
    secret: config.staff.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.staff.secureCookie,
      maxAge: config.staff.sessionIdleS * 1000,
      path: '/',
    },
  });
}

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Loads the signed-in account into req.staff (or leaves it unset); ends stale sessions. */
export function loadStaff(Users: StaffUserModel): RequestHandler {
  return async (req, _res, next) => {
    const id = req.session?.userId;
    if (!id) return next();
    const user = await Users.findById(id).lean();
    const changed = user?.passwordChangedAt ? new Date(user.passwordChangedAt).getTime() : 0;
    if (!user || user.disabled || (req.session.authAt ?? 0) < changed) {
      // A fresh, empty session (not destroy: the request may be a sign-in that needs one).
      await new Promise<void>((r) => req.session.regenerate(() => r()));
      return next();
    }
    req.staff = { id: user._id, email: user.email, role: user.role, centers: user.centers ?? [] };
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A signed-in person whose role has the ability; CSRF checked on state-changing methods. */
export function requireStaff(ability: Ability): RequestHandler {
  return (req, _res, next) => {
    if (!req.staff) return next(StaffErrors.unauthenticated());
    if (!SAFE.has(req.method) && !csrfMatches(req.session.csrf, req.get('x-csrf-token')))
      return next(StaffErrors.csrf());
    if (!can(req.staff.role, ability)) return next(StaffErrors.forbidden());
    next();
  };
}

function csrfMatches(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The caller (after requireStaff). */
export function me(req: { staff?: StaffPrincipal }): StaffPrincipal {
  if (!req.staff) throw StaffErrors.unauthenticated();
  return req.staff;
}
