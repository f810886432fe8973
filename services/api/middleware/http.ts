/**
 * Request ids, body parsing with clear errors (size, content type, malformed JSON) and the one
 * error handler that turns everything into `{ error: { code, message, details?, requestId } }`.
 */
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { isMongoUnavailable } from '../../../shared/db/mongo';
import { AppError, Errors } from '../../../shared/errors';
import { withLogContext } from '../../../shared/log-context';
import type { Logger } from '../../../shared/logger';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

/**
 * Gives every request an id (a well-formed incoming X-Request-Id, or a new UUID), answers it in
 * X-Request-Id, and runs the rest of the request inside a log context holding it: every log line
 * written for the request, and the job it queues (IntakeEnvelope.requestId), carry it.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  req.id = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  withLogContext({ requestId: req.id }, next);
};

/** The Content-Security-Policy of every page: same-origin everything, no framing, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Browser features no page of the platform uses, switched off for it and anything it embeds. */
export const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'hid=()',
  'midi=()',
  'magnetometer=()',
  'gyroscope=()',
  'accelerometer=()',
  'browsing-topics=()',
].join(', ');

/** One year, subdomains included: the platform is HTTPS-only once deployed (docs/deploy.md). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every response. HSTS goes on requests that came over HTTPS (directly or
 * through the trusted proxy) and on every response in production, where only HTTPS reaches us.
 */
export function securityHeaders(opts: { production: boolean }): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    if (req.secure || opts.production) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
}

/**
 * Refuses a cross-site POST of an HTML form (403): the browser's Origin header (or, when a browser
 * sends none, the Referer) must be this site, by PUBLIC_BASE_URL or by the Host the request came
 * to. A request with neither header (not a browser: curl, a test client) passes; SameSite and the
 * form's own idempotency key still apply.
 */
export function sameOriginForm(publicBaseUrl: string): RequestHandler {
  const allowed = new Set([new URL(publicBaseUrl).origin]);
  return (req, _res, next) => {
    const origin = req.get('origin') ?? refererOrigin(req.get('referer'));
    if (origin === undefined) return next();
    const own = `${req.protocol}://${req.get('host') ?? ''}`;
    if (origin !== 'null' && (allowed.has(origin) || origin === own)) return next();
    next(
      new AppError(
        'CROSS_ORIGIN',
        'ຟອມນີ້ຕ້ອງສົ່ງຈາກໜ້າເວັບຂອງພວກເຮົາ. / This form must be sent from our own page.',
        403,
      ),
    );
  };
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/** JSON body for API routes: wrong content type is a 415, not an empty body. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD') return next();
      if (!req.is('application/json')) return next(Errors.unsupportedMediaType('application/json'));
      next();
    },
    express.json({ limit: limitBytes, strict: true }),
  ];
}

/** Form body for the no-JavaScript HTML form. */
export function formBody(limitBytes: number): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (!req.is('application/x-www-form-urlencoded')) {
        return next(Errors.unsupportedMediaType('application/x-www-form-urlencoded'));
      }
      next();
    },
    // extended: false keeps a[b]=c as a flat key, so no nested operators can be smuggled in.
    express.urlencoded({ extended: false, limit: limitBytes, parameterLimit: 100 }),
  ];
}

/** Maps body-parser and other errors to AppErrors. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isMongoUnavailable(err)) return Errors.unavailable('The database');
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  if (e?.type === 'entity.too.large') return Errors.payloadTooLarge(e.limit ?? 0);
  if (e?.type === 'entity.parse.failed') return Errors.badRequest('The body is not valid JSON.');
  if (e?.type === 'parameters.too.many') return Errors.badRequest('Too many form fields.');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding.', 415);
  }
  if (e?.status && e.status >= 400 && e.status < 500)
    return new AppError('BAD_REQUEST', e.message ?? 'Bad request.', e.status);
  return new AppError('INTERNAL', 'Something went wrong on our side; it has been logged.', 500);
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const app = toAppError(err);
    if (app.status >= 500) {
      log.error('request failed', {
        requestId: req.id,
        path: req.path,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error && app.code === 'INTERNAL' ? err.stack : undefined,
      });
    }
    // Part of the answer is out: the honest signal left is a cut connection (as express does).
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(app.status).json({
      error: {
        code: app.code,
        message: app.message,
        ...(app.details ? { details: app.details } : {}),
        requestId: req.id,
      },
    });
  };
}
