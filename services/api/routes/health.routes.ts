/**
 * Liveness (the process answers) and readiness (it should get traffic).
 *
 * Readiness follows what the channels need, not every store: intake (SMS, web form, kiosk,
 * Telegram) only has to put a job on the queue, so `/readyz` is 200 while Redis answers, with
 * `status: 'degraded'` and `checks.mongo: 'down'` when MongoDB does not (staff pages and status
 * look-ups then answer 503 on their own). Redis down, or the process draining after SIGTERM, is a
 * 503, so the load balancer sends new requests elsewhere while in-flight ones finish.
 */
import { Router, type Express } from 'express';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { pingMongo } from '../../../shared/db/mongo';

/** What `/readyz` answers in `status`. */
export type ReadyStatus = 'ready' | 'degraded' | 'not_ready' | 'draining';

async function pingRedis(redis: IORedis, timeoutMs = 1500): Promise<boolean> {
  const ping = redis.ping().then(
    (r) => r === 'PONG',
    () => false,
  );
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}

/**
 * Marks the app as shutting down: from now on `/readyz` answers 503 `draining`. Kept in
 * app.locals, the app's own state, so the process that owns the app decides (services/api/main.ts).
 */
export function markDraining(app: Express): void {
  app.locals.draining = true;
}

export function healthRoutes(deps: { conn: Connection; redis: IORedis }): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (req, res) => {
    const [mongo, redis] = await Promise.all([pingMongo(deps.conn), pingRedis(deps.redis)]);
    const draining = req.app.locals.draining === true;
    const status: ReadyStatus = draining
      ? 'draining'
      : !redis
        ? 'not_ready'
        : mongo
          ? 'ready'
          : 'degraded';
    res.setHeader('Cache-Control', 'no-store');
    res.status(draining || !redis ? 503 : 200).json({
      status,
      checks: { mongo: mongo ? 'ok' : 'down', redis: redis ? 'ok' : 'down' },
    });
  });
  return r;
}
