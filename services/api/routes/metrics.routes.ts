/**
 * `GET /metrics` on the public port: to a caller on this machine talking to the process directly
 * (no proxy between: a local Prometheus, an operator's curl, a test), and, when METRICS_TOKEN is set,
 * to `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); to anyone else 404, as if
 * the route did not exist. Through the proxy it is never served (deploy/caddy/Caddyfile answers 404
 * before the api sees it). The internal listener (shared/internal-server.ts) serves it too.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { metricsText } from '../../../shared/metrics';
import { Errors } from '../../../shared/errors';
import { isDirectLocal } from './health.routes';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsRoutes(token: string | undefined): Router {
  const r = Router();
  const want = token ? digest(`Bearer ${token}`) : null;
  r.get('/metrics', async (req, res, next) => {
    const given = req.get('authorization');
    const tokenOk = !!want && !!given && timingSafeEqual(digest(given), want);
    if (!tokenOk && !isDirectLocal(req)) return next(Errors.notFound('GET /metrics'));
    const m = await metricsText();
    res.setHeader('Cache-Control', 'no-store');
    res.type(m.contentType).send(m.body);
  });
  return r;
}
