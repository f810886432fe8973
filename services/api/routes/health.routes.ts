/** Liveness (the process answers) and readiness (MongoDB and Redis both answer). */
import { Router } from 'express';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { pingMongo } from '../../../shared/db/mongo';

async function pingRedis(redis: IORedis, timeoutMs = 1500): Promise<boolean> {
  const ping = redis.ping().then(
    (r) => r === 'PONG',
    () => false,
  );
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}

export function healthRoutes(deps: { conn: Connection; redis: IORedis }): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const [mongo, redis] = await Promise.all([pingMongo(deps.conn), pingRedis(deps.redis)]);
    const ready = mongo && redis;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: { mongo: mongo ? 'ok' : 'down', redis: redis ? 'ok' : 'down' },
    });
  });
  return r;
}
