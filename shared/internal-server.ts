/**
 * The internal listener of a process (api: METRICS_PORT, worker: WORKER_METRICS_PORT), on
 * METRICS_HOST (127.0.0.1 by default; inside a container network, never published):
 * `GET /metrics` (Prometheus text), `GET /readyz` with every check, `GET /healthz`. Nothing
 * here is reachable through the reverse proxy.
 */
import http from 'node:http';
import type { Logger } from './logger';
import { metricsText } from './metrics';

/** What `/readyz` answers: a status code and a body naming each check. */
export type ReadinessProbe = () => Promise<{ code: number; body: unknown }>;

/** The readiness of a process that needs MongoDB and Redis (the worker, the polling bot). */
export function storesReadiness(
  redis: { ping(): Promise<string> },
  conn: { readyState: number },
): ReadinessProbe {
  return async () => {
    const redisOk = await redis.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    const mongoOk = conn.readyState === 1;
    return {
      code: redisOk && mongoOk ? 200 : 503,
      body: {
        status: redisOk && mongoOk ? 'ready' : 'not_ready',
        checks: { mongo: mongoOk ? 'ok' : 'down', redis: redisOk ? 'ok' : 'down' },
      },
    };
  };
}

export interface InternalServer {
  /** The port it listens on (useful when asked for port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startInternalServer(opts: {
  host: string;
  port: number;
  log: Logger;
  readiness?: ReadinessProbe;
}): Promise<InternalServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'GET only\n');
    if (path === '/metrics') {
      metricsText().then(
        (m) => send(200, m.contentType, m.body),
        (err: unknown) => {
          opts.log.error('metrics collection failed', {
            error: err instanceof Error ? err.message : String(err),
          });
          send(500, 'text/plain', 'metrics collection failed\n');
        },
      );
      return;
    }
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz' && opts.readiness) {
      opts.readiness().then(
        (r) => send(r.code, 'application/json', JSON.stringify(r.body)),
        () => send(503, 'application/json', '{"status":"not_ready"}'),
      );
      return;
    }
    send(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  opts.log.info('internal listener (metrics, readiness) ready', { host: opts.host, port });
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * The internal listener as every process starts it: none when its port is 0, and when the port
 * cannot be taken the process runs on without it (logged), since metrics are not worth an outage.
 */
export async function startOptionalInternalServer(opts: {
  host: string;
  port: number;
  log: Logger;
  readiness?: ReadinessProbe;
}): Promise<InternalServer | null> {
  if (opts.port <= 0) return null;
  return startInternalServer(opts).catch((err: Error) => {
    opts.log.error('internal listener (metrics) cannot listen: running without it', {
      port: opts.port,
      error: err.message,
    });
    return null;
  });
}
