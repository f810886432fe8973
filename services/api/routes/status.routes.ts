/**
 * Citizen status look-up by tracking code — the JSON API and a small page in Lao and English.
 * Both show the status and two dates, never personal data.
 */
import { Router } from 'express';
import { AppError, Errors } from '../../../shared/errors';
import type { FeedbackModel, FeedbackStatus } from '../../../shared/models/feedback.model';
import { formatTrackingCode, parseTrackingCode } from '../../../shared/tracking-code';
import type { IntakeProducer } from '../intake-producer';
import { renderStatusPage } from '../views/status.view';
import { pickLang } from '../views/strings';
import { addressLimit } from '../middleware/rate-limit';
import type { RateLimits } from '../../../shared/abuse/rate-limits';

export interface CitizenStatus {
  trackingCode: string;
  status: FeedbackStatus;
  receivedAt: string;
  updatedAt: string;
}

export function statusRoutes(deps: {
  Feedback: FeedbackModel;
  producer: IntakeProducer;
  /** Per-address limit of look-ups (a tracking code cannot be found by trying many). */
  limits?: RateLimits;
}): Router {
  const r = Router();
  const limited = deps.limits
    ? addressLimit(deps.limits, 'status', (req) => req.path === '/status')
    : (_req: unknown, _res: unknown, next: () => void) => next();

  /** The status of a canonical code, or null when nobody sent it. */
  const lookup = async (code: string): Promise<CitizenStatus | null> => {
    const doc = await deps.Feedback.findOne(
      { _id: code },
      { status: 1, receivedAt: 1, updatedAt: 1 },
    ).lean();
    if (doc) {
      return {
        trackingCode: formatTrackingCode(code),
        status: doc.status,
        receivedAt: doc.receivedAt.toISOString(),
        updatedAt: doc.updatedAt.toISOString(),
      };
    }
    // Queued but not yet stored by a worker: it is received all the same.
    const pending = await deps.producer.pendingReceivedAt(code);
    return pending
      ? {
          trackingCode: formatTrackingCode(code),
          status: 'received',
          receivedAt: pending,
          updatedAt: pending,
        }
      : null;
  };

  r.get('/api/v1/status/:trackingCode', limited, async (req, res) => {
    const code = parseTrackingCode(String(req.params.trackingCode));
    // A code that cannot be one is unknown too: 404 as the contract says, the format as a hint.
    if (!code)
      throw new AppError('NOT_FOUND', 'This tracking code was not found.', 404, [
        {
          field: 'trackingCode',
          message: 'A tracking code is 10 letters and digits, like K7M2Q-9XDR4.',
        },
      ]);
    const found = await lookup(code);
    if (!found) throw Errors.notFound('This tracking code');
    res.json(found);
  });

  r.get('/status', limited, async (req, res) => {
    const lang = pickLang(req.query.lang);
    const typed = typeof req.query.code === 'string' ? req.query.code.slice(0, 40) : '';
    res.type('html').setHeader('Cache-Control', 'no-store');
    if (!typed.trim()) {
      res.send(renderStatusPage(lang, { typed }));
      return;
    }
    const code = parseTrackingCode(typed);
    if (!code) {
      res.status(404).send(renderStatusPage(lang, { typed, problem: 'invalid' }));
      return;
    }
    const found = await lookup(code);
    res
      .status(found ? 200 : 404)
      .send(renderStatusPage(lang, found ? { typed, found } : { typed, problem: 'not_found' }));
  });
  return r;
}
