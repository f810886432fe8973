/**
 * The api process. It listens at once, without waiting for MongoDB: intake only needs Redis, so
 * SMS, web, kiosk and Telegram keep being answered while MongoDB is down or starting (it is
 * connected in the background; see connectMongoInBackground).
 *
 * Deploys and restarts refuse nothing: on SIGTERM / SIGINT `/readyz` answers 503 `draining` at
 * once while requests are still served for SHUTDOWN_READY_GRACE_MS (the load balancer takes the
 * instance out), then the server stops accepting, closes idle keep-alive connections and lets
 * in-flight requests finish (those whose client has gone too: their handler still finishes putting
 * the item on the queue); queue, Redis and MongoDB close last and the process exits 0. Past
 * SHUTDOWN_TIMEOUT_MS from the signal it exits 1, saying so.
 */
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from '../../shared/config';
import { connectMongoInBackground } from '../../shared/db/mongo';
import { createLogger, type Logger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import { telegramChatModel } from '../../shared/models/telegram-chat.model';
import { checkPublicBaseUrl } from '../../shared/public-base-url';
import { createIntakeQueue, redisConnection } from '../../shared/queues';
import {
  checkRedisForIntake,
  claimQueuePrefix,
  QueuePrefixTakenError,
} from '../../shared/redis-checks';
import { createApp } from './app';
import { twilioSignatureSelfTest, twilioWebhookUrls } from './channels/twilio-sms.self-test';
import { markDraining, readiness } from './routes/health.routes';
import { startOptionalInternalServer } from '../../shared/internal-server';
import { closePdf } from '../../shared/reports/pdf';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where Twilio and Telegram must call, and whether a signed SMS would be accepted. */
function logWebhooks(config: Config, log: Logger, port: number): void {
  const check = checkPublicBaseUrl(config.publicBaseUrl, {
    production: config.nodeEnv === 'production',
    port: config.port,
    twilio: Boolean(config.twilio.authToken),
    telegramWebhook: Boolean(config.telegram.webhookSecret),
  });
  for (const w of check.warnings) log.warn(w);
  const urls = twilioWebhookUrls(config.publicBaseUrl);
  const signatures = config.twilio.authToken
    ? 'checked'
    : config.sms.signatureBypass
      ? 'bypassed (SMS_SIGNATURE_BYPASS, local use only)'
      : 'no TWILIO_AUTH_TOKEN: every SMS webhook is refused (403)';
  log.info('twilio sms webhook: set "A message comes in" (HTTP POST) to this URL', {
    url: urls.inbound,
    statusCallback: urls.statusCallback,
    signatures,
  });
  if (config.twilio.authToken) {
    void twilioSignatureSelfTest({
      publicBaseUrl: config.publicBaseUrl,
      authToken: config.twilio.authToken,
      port,
    }).then((r) =>
      r.ok
        ? log.info('twilio signature self-test passed', { url: urls.inbound })
        : log.error('twilio signature self-test FAILED: SMS from Twilio will be refused', {
            url: urls.inbound,
            reason: r.reason,
          }),
    );
  }
  const tg = config.telegram;
  if (!tg.botToken) log.info('telegram bot is off: TELEGRAM_BOT_TOKEN is not set');
  else if (tg.webhookSecret)
    log.info('telegram webhook ready', { url: `${config.publicBaseUrl}/webhooks/telegram` });
  else log.info('telegram webhook off (no TELEGRAM_WEBHOOK_SECRET): run `npm run bot` to poll');
}

/** Resolves when the server has stopped accepting and every connection is closed. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // Keep-alive sockets go idle once their last response is written; close them as they do.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Counts the requests whose handler has not answered yet: a request counts until its response is
 * ended or destroyed (`res.end`, which a handler calls even when its client has gone, or
 * `res.destroy`), not until its socket closes.
 */
function trackHandlers(server: Server): {
  running(): number;
  /** Resolves when none is running, or after `ms` (with how many were left). */
  idle(ms: number): Promise<number>;
} {
  let running = 0;
  let waiters: (() => void)[] = [];
  // Before the app's own listener, which may answer at once (a 404, /healthz).
  server.prependListener('request', (_req, res) => {
    running++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      running--;
      if (running === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    };
    const end = res.end;
    res.end = function (this: typeof res, ...args: Parameters<typeof end>) {
      finish();
      return end.apply(this, args);
    } as typeof end;
    const destroy = res.destroy;
    res.destroy = function (this: typeof res, ...args: Parameters<typeof destroy>) {
      finish();
      return destroy.apply(this, args);
    } as typeof destroy;
  });
  return {
    running: () => running,
    idle: (ms) =>
      running === 0
        ? Promise.resolve(0)
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve(running), ms);
            waiters.push(() => {
              clearTimeout(timer);
              resolve(0);
            });
          }),
  };
}

async function main() {
  const config = loadConfig();
  const log = createLogger('api', config.logLevel);
  const redis = redisConnection(config.redisUrl, 'producer');
  redis.on('error', (err) => log.warn('redis connection error', { error: err.message }));
  const mongo = connectMongoInBackground(config.mongoUrl, {
    log,
    async onConnected(conn) {
      void claimPrefix(conn);
      const cat = catalogModels(conn);
      await Promise.all([
        feedbackModel(conn).init(),
        cat.Center.init(),
        cat.Service.init(),
        cat.Topic.init(),
        telegramChatModel(conn).init(),
      ]);
      log.info('mongodb ready: indexes in place');
    },
  });
  const conn = mongo.conn;
  /** Another deployment's queues on this Redis under the same prefix: stop (retried while Redis is down). */
  async function claimPrefix(c: typeof conn): Promise<void> {
    for (;;) {
      try {
        await claimQueuePrefix(c, redis, config.queuePrefix);
        return;
      } catch (err) {
        if (err instanceof QueuePrefixTakenError) {
          log.error(err.message);
          process.exit(1);
        }
        await sleep(5000);
      }
    }
  }
  // Intake needs Redis: give it a moment to connect so the first requests are not refused, but
  // start anyway when it is down (intake then answers 503 until it is back).
  const redisReady = new Promise<boolean>((r) => redis.once('ready', () => r(true)));
  if (!(await Promise.race([redisReady, sleep(3000).then(() => false)])))
    log.warn('redis is not answering yet: intake answers 503 until it does');
  else await checkRedisForIntake(redis, { production: config.nodeEnv === 'production', log });
  const intakeQueue = createIntakeQueue(config, redis);
  const app = createApp({ config, conn, redis, intakeQueue, log });
  // /metrics and the detailed /readyz, on the internal port only (docs/operations.md).
  const internal = await startOptionalInternalServer({
    host: config.metrics.host,
    port: config.metrics.apiPort,
    log,
    readiness: () => readiness({ conn, redis }, app.locals.draining === true),
  });
  let draining = false;
  const server = app.listen(config.port, () => {
    const port = (server.address() as { port: number }).port;
    log.info('api listening', { port, publicBaseUrl: config.publicBaseUrl, pid: process.pid });
    logWebhooks(config, log, port);
  });
  server.on('error', (err) => {
    log.error('api cannot listen', { port: config.port, error: err.message });
    process.exit(1);
  });
  server.keepAliveTimeout = 65_000;
  // While draining, every response closes its connection, so clients reconnect elsewhere.
  server.on('request', (_req, res) => {
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
  });
  const handlers = trackHandlers(server);

  const stop = async (signal: string) => {
    if (draining) return; // a second signal changes nothing: the hard limit below still holds
    draining = true;
    markDraining(app);
    const { readyGraceMs, timeoutMs } = config.shutdown;
    log.info('draining: /readyz answers 503, requests are still served', {
      signal,
      readyGraceMs,
      timeoutMs,
    });
    setTimeout(() => {
      log.error('shutdown timed out: exiting with requests still open', { timeoutMs });
      process.exit(1);
    }, timeoutMs).unref();
    await sleep(readyGraceMs);
    log.info('closing the http server: in-flight requests finish, new connections are refused');
    await closeServer(server);
    // A client that gave up closed its socket, which ends server.close()'s wait, but its
    // handler may still be putting the item on the queue: Redis closes after it is done.
    // Bounded: a handler that never ends its response must not turn a clean stop into a timeout.
    const left = handlers.running();
    if (left) {
      log.info('waiting for handlers whose client has gone', { handlers: left });
      const waitMs = Math.max(0, Math.min(10_000, timeoutMs - readyGraceMs - 5_000));
      const still = await handlers.idle(waitMs);
      if (still) log.warn('handlers still running: closing anyway', { handlers: still, waitMs });
    }
    await intakeQueue.close().catch(() => undefined);
    await internal?.close();
    await closePdf();
    redis.disconnect();
    await mongo.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('api failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
