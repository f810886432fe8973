/**
 * Liveness (the process answers) and readiness (it should get traffic).
 *
 * Readiness follows what the channels need, not every store: intake (SMS, web form, kiosk,
 * Telegram) only has to put a job on the queue, so `/readyz` is 200 while Redis answers, with
 * `status: 'degraded'` and `checks.mongo: 'down'` when MongoDB does not (staff pages and status
 * look-ups then answer 503 on their own). Redis down, or the process draining after SIGTERM, is a
 * 503, so the load balancer sends new requests elsewhere while in-flight ones finish. Which store
 * is down (`checks`) is told only on the internal listener and to a direct local caller.
 */
import { Router, type Express, type Request } from 'express';
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

/** The readiness of the api: what `/readyz` answers, with the check of each store. */
export async function readiness(
  deps: { conn: Connection; redis: IORedis },
  draining: boolean,
): Promise<{ code: number; body: { status: ReadyStatus; checks: Record<string, string> } }> {
  const [mongo, redis] = await Promise.all([pingMongo(deps.conn), pingRedis(deps.redis)]);
  const status: ReadyStatus = draining
    ? 'draining'
    : !redis
      ? 'not_ready'
      : mongo
        ? 'ready'
        : 'degraded';
  return {
    code: draining || !redis ? 503 : 200,
    body: { status, checks: { mongo: mongo ? 'ok' : 'down', redis: redis ? 'ok' : 'down' } },
  };
}

/**
 * A caller on this machine talking to the process directly (a container health check, a test), not
 * through the proxy: it may see which store is down. Everyone else gets the status word only; the
 * internal listener always answers in full (shared/internal-server.ts).
 */
export function isDirectLocal(req: Request): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const local = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
  return local && req.get('x-forwarded-for') === undefined;
}

export function healthRoutes(deps: { conn: Connection; redis: IORedis }): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (req, res) => {
    const { code, body } = await readiness(deps, req.app.locals.draining === true);
    res.setHeader('Cache-Control', 'no-store');
    res.status(code).json(isDirectLocal(req) ? body : { status: body.status });
  });
  return r;
}
