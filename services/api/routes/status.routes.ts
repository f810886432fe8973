/** Citizen status look-up by tracking code: the status and two dates, never personal data. */
import { Router } from 'express';
import { AppError, Errors } from '../../../shared/errors';
import type { FeedbackModel } from '../../../shared/models/feedback.model';
import { formatTrackingCode, parseTrackingCode } from '../../../shared/tracking-code';
import type { IntakeProducer } from '../intake-producer';

export function statusRoutes(deps: { Feedback: FeedbackModel; producer: IntakeProducer }): Router {
  const r = Router();
  r.get('/api/v1/status/:trackingCode', async (req, res) => {
    const code = parseTrackingCode(String(req.params.trackingCode));
    if (!code) {
      throw new AppError(
        'INVALID_TRACKING_CODE',
        'A tracking code is 10 letters and digits, like K7M2Q-9XDR4.',
        400,
      );
    }
    const doc = await deps.Feedback.findOne(
      { _id: code },
      { status: 1, receivedAt: 1, updatedAt: 1 },
    ).lean();
    if (doc) {
      res.json({
        trackingCode: formatTrackingCode(code),
        status: doc.status,
        receivedAt: doc.receivedAt.toISOString(),
        updatedAt: doc.updatedAt.toISOString(),
      });
      return;
    }
    // Queued but not yet stored by a worker: it is received all the same.
    const pending = await deps.producer.pendingReceivedAt(code);
    if (pending) {
      res.json({
        trackingCode: formatTrackingCode(code),
        status: 'received',
        receivedAt: pending,
        updatedAt: pending,
      });
      return;
    }
    throw Errors.notFound('This tracking code');
  });
  return r;
}
