/**
 * createApp(): the express application, separate from listen() so tests drive it with supertest
 * and the same wiring serves production.
 */
import { openApiRoutes } from './openapi';
import path from 'node:path';
import express, { type Express } from 'express';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import type { Config } from '../../shared/config';
import { Errors } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import { PiiVault } from '../../shared/pii';
import type { IntakeQueue } from '../../shared/queues';
import { TrackingCodes } from '../../shared/tracking-code';
import { CatalogCache } from './catalog-cache';
import { telegramWebhook } from './channels/telegram-webhook';
import { SmsSpool } from './channels/sms-spool';
import { twilioSmsAdapter } from './channels/twilio-sms.adapter';
import { Spool } from './spool';
import { telegramBotFromConfig } from '../telegram/wiring';
import { kioskRoutes } from './kiosk/kiosk.routes';
import type { KioskAssets } from './kiosk/kiosk-assets';
import { KioskDevices } from '../../shared/kiosk-devices';
import { kioskDeviceModel } from '../../shared/models/kiosk-device.model';
import { webChannel } from './channels/web-form.channel';
import { smsContactModel } from '../../shared/models/sms-contact.model';
import { outboundMessageModel } from '../../shared/models/outbound-message.model';
import { IntakeProducer } from './intake-producer';
import { errorHandler, requestId, securityHeaders } from './middleware/http';
import { httpMetrics, watchQueues, watchSpool } from '../../shared/metrics';
import { metricsRoutes } from './routes/metrics.routes';
import { queueBoard } from './staff/queue-board';
import { staffUserModel } from '../../shared/models/staff-user.model';
import { healthRoutes } from './routes/health.routes';
import { statusRoutes } from './routes/status.routes';
import { publicRoutes } from './routes/public.routes';
import { createNotifyQueue, type NotifyJob } from '../../shared/notify';
import type { Queue } from 'bullmq';
import { dashboardRoutes } from './staff/dashboard.routes';
import { staffRoutes } from './staff/staff.routes';
import { Figures } from '../../shared/reports/figures';
import { reportDaysFor } from '../../shared/reports/report-days';
import { Deadlines } from '../../shared/staff/deadlines';
import { RedisLock } from '../../shared/redis-lock';
import { RateLimits } from '../../shared/abuse/rate-limits';
import { KioskGuard } from '../../shared/abuse/kiosk-guard';

export interface AppDeps {
  config: Config;
  conn: Connection;
  /** The producer connection (fails fast when Redis is down). */
  redis: IORedis;
  intakeQueue: IntakeQueue;
  log: Logger;
  /** The kiosk app's files; default: this release's. */
  kioskAssets?: KioskAssets;
  /** Where staff replies are queued; default: the "notify" queue on the producer connection. */
  notifyQueue?: Queue<NotifyJob>;
  /** Receives the app's SMS spool (tests drain it and look inside). */
  onSmsSpool?: (spool: SmsSpool) => void;
}

/** How often the SMS spool is tried again while it holds entries. */
const SMS_SPOOL_RETRY_MS = 2000;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only the reverse proxy's X-Forwarded-* are believed (TRUST_PROXY; docs/deploy.md).
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');
  app.use(httpMetrics);
  app.use(requestId);
  app.use(securityHeaders({ production: deps.config.nodeEnv === 'production' }));

  const vault = new PiiVault(deps.config.piiKey);
  const codes = new TrackingCodes(deps.config.piiKey);
  const producer = new IntakeProducer(deps.intakeQueue, deps.redis, codes, deps.config.queuePrefix);
  // Abuse controls (docs/security.md): per-address limits shared by every replica through Redis.
  const limits = RateLimits.fromConfig(deps.config, deps.redis);
  const catalog = new CatalogCache(catalogModels(deps.conn), deps.config.catalogRefreshMs);
  const Feedback = feedbackModel(deps.conn);
  const figures = new Figures(
    reportDaysFor(
      deps.conn,
      deps.redis,
      deps.config.queuePrefix,
      Deadlines.fromConfig(deps.config).calendar,
      new RedisLock(deps.redis, deps.config.queuePrefix),
    ),
    () => catalog.get(),
  );

  const notifyQueue = deps.notifyQueue ?? createNotifyQueue(deps.config, deps.redis);
  // Depth and oldest waiting job of both queues, read from Redis at each scrape.
  watchQueues(deps.intakeQueue, notifyQueue);

  app.get('/', (_req, res) => res.redirect(302, '/feedback'));
  app.use(healthRoutes({ conn: deps.conn, redis: deps.redis }));
  app.use(metricsRoutes(deps.config.metrics.token));
  app.use(
    webChannel({
      catalog,
      producer,
      vault,
      maxBodyBytes: deps.config.maxBodyBytes,
      publicBaseUrl: deps.config.publicBaseUrl,
      limits,
    }),
  );
  app.use(statusRoutes({ Feedback, producer, limits }));
  app.use(openApiRoutes());
  app.use(
    publicRoutes({
      figures,
      catalog: () => catalog.get(),
      minResponses: deps.config.reports.scoreboardMinResponses,
      complaintSlaDays: deps.config.complaintSlaDays,
    }),
  );
  const SmsContact = smsContactModel(deps.conn);
  const smsSpool = new SmsSpool(new Spool(path.join(deps.config.dataDir, 'spool', 'sms')), {
    producer,
    SmsContact,
    log: deps.log,
    retryMs: SMS_SPOOL_RETRY_MS,
  });
  deps.onSmsSpool?.(smsSpool);
  watchSpool(() => smsSpool.spool.size());
  app.use(
    twilioSmsAdapter({
      config: deps.config,
      producer,
      vault,
      redis: deps.redis,
      Feedback,
      SmsContact,
      catalog,
      spool: smsSpool,
      Outbound: outboundMessageModel(deps.conn),
      log: deps.log,
    }),
  );
  const Device = kioskDeviceModel(deps.conn);
  app.use(
    kioskRoutes({
      config: deps.config,
      devices: new KioskDevices(
        Device,
        deps.redis,
        deps.config.queuePrefix,
        deps.config.kiosk.pairingTtlS,
      ),
      Device,
      catalog,
      producer,
      vault,
      log: deps.log,
      assets: deps.kioskAssets,
      limits,
      guard: new KioskGuard(deps.redis, deps.config.queuePrefix, deps.config.kiosk.minGapMs),
    }),
  );
  app.use(
    telegramWebhook({
      bot: telegramBotFromConfig({
        config: deps.config,
        conn: deps.conn,
        redis: deps.redis,
        producer,
        catalog,
        log: deps.log,
      }),
      secret: deps.config.telegram.webhookSecret,
      maxBodyBytes: deps.config.maxBodyBytes,
      log: deps.log,
    }),
  );
  app.use(
    staffRoutes({
      config: deps.config,
      conn: deps.conn,
      redis: deps.redis,
      vault,
      catalog: () => catalog.get(),
      catalogChanged: () => catalog.invalidate(),
      figures,
      notifyQueue,
      log: deps.log,
    }),
  );
  app.use(
    queueBoard({
      config: deps.config,
      redis: deps.redis,
      Users: staffUserModel(deps.conn),
      queues: [deps.intakeQueue, notifyQueue],
    }),
  );
  app.use(dashboardRoutes());
  app.use((req, _res, next) => next(Errors.notFound(`${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log));
  return app;
}
