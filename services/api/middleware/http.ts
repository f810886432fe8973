/**
 * Request ids, body parsing with clear errors (size, content type, malformed JSON) and the one
 * error handler that turns everything into `{ error: { code, message, details?, requestId } }`.
 */
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { isMongoUnavailable } from '../../../shared/db/mongo';
import { AppError, Errors } from '../../../shared/errors';
import type { Logger } from '../../../shared/logger';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  req.id = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
};

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
    if (res.headersSent) return;
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
