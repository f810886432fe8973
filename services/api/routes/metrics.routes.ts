/**
 * `GET /metrics` on the public port, only when METRICS_TOKEN is set and only to
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); otherwise 404, as if the
 * route did not exist. The internal listener (shared/internal-server.ts) serves it without a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { metricsText } from '../../../shared/metrics';
import { Errors } from '../../../shared/errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsRoutes(token: string | undefined): Router {
  const r = Router();
  if (!token) return r;
  const want = digest(`Bearer ${token}`);
  r.get('/metrics', async (req, res, next) => {
    const given = req.get('authorization');
    if (!given || !timingSafeEqual(digest(given), want))
      return next(Errors.notFound('GET /metrics'));
    const m = await metricsText();
    res.setHeader('Cache-Control', 'no-store');
    res.type(m.contentType).send(m.body);
  });
  return r;
}
