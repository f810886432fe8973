/**
 * The worker process: intake processor (run N copies to scale out). Stops cleanly on SIGTERM /
 * SIGINT: active jobs finish, then connections close.
 */
import { ConfigError, loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { createLogger } from '../shared/logger';
import { PiiVault } from '../shared/pii';
import { alertOnDeadLetter, createIntakeQueue, redisConnection } from '../shared/queues';
import { observeNotify, observeWorker, watchQueues } from '../shared/metrics';
import { startOptionalInternalServer, storesReadiness } from '../shared/internal-server';
import { checkRedisForIntake, claimQueuePrefix } from '../shared/redis-checks';
import { TrackingCodes } from '../shared/tracking-code';
import { loadCatalogView } from '../shared/catalog/catalog';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import { catalogModels } from '../shared/models/catalog.model';
import { CatalogTextClassifier } from './intake/classify.step';
import { startRetrainJobs } from './intake/retrain.job';
import { classifierModels, loadActiveModel } from '../shared/models/classifier-model.model';
import { createIntakeWorker } from './intake/intake.worker';
import { createNotifyWorker } from './notify/notify.worker';
import { LogSmsTransport, TwilioSmsTransport } from './notify/twilio-sms.transport';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { telegramChatModel } from '../shared/models/telegram-chat.model';
import { LogChatTransport, TelegramChatTransport } from './notify/telegram.transport';
import { createNotifyQueue } from '../shared/notify';
import { smsFollowUp } from '../shared/sms-conversation';
import { createFeedbackStore } from './intake/store.step';
import { escalationDeps, startStaffJobs } from './staff/staff-jobs.worker';
import { AuditLog } from '../shared/staff/audit-log';
import { auditModel } from '../shared/models/audit.model';
import { alertsDeps } from './staff/alerts.job';
import { recountDeps } from './intake/rollup-recount';
import { RedisLock } from '../shared/redis-lock';
import { ReportMarks, reportDaysFor } from '../shared/reports/report-days';
import { Deadlines } from '../shared/staff/deadlines';
import { closePdf } from '../shared/reports/pdf';
import { monthlyReportJobDeps } from './staff/monthly-report.job';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker', config.logLevel);
  const conn = await connectMongo(config.mongoUrl, { log });
  const connection = redisConnection(config.redisUrl, 'worker');
  // An evicting Redis is refused in production; another deployment's prefix always.
  await checkRedisForIntake(connection, { production: config.nodeEnv === 'production', log });
  await claimQueuePrefix(conn, connection, config.queuePrefix);
  const store = await createFeedbackStore(conn, connection, config.queuePrefix);
  const worker = createIntakeWorker({
    config,
    connection,
    store,
    vault: new PiiVault(config.piiKey),
    codes: new TrackingCodes(config.piiKey),
    followUp: smsFollowUp({
      redis: connection,
      prefix: config.queuePrefix,
      windowS: config.sms.followupWindowS,
      queue: createNotifyQueue(config, connection),
      Outbound: outboundMessageModel(conn),
    }),
    classifier: new CatalogTextClassifier(
      {
        catalog: () => loadCatalogView(catalogModels(conn)),
        aliases: () => loadAliases(aliasModel(conn)),
        model: () => loadActiveModel(classifierModels(conn)),
      },
      config.catalogRefreshMs,
    ),
    log,
  });
  const transport =
    config.twilio.accountSid && config.twilio.authToken && config.twilio.from
      ? new TwilioSmsTransport(
          config.twilio.accountSid,
          config.twilio.authToken,
          config.twilio.from,
          { apiBase: config.twilio.apiBase },
        )
      : new LogSmsTransport();
  const chat = config.telegram.botToken
    ? new TelegramChatTransport(config.telegram.botToken, { apiRoot: config.telegram.apiRoot })
    : new LogChatTransport();
  const notify = createNotifyWorker({
    config,
    connection,
    Outbound: outboundMessageModel(conn),
    SmsContact: smsContactModel(conn),
    TelegramChat: telegramChatModel(conn),
    vault: new PiiVault(config.piiKey),
    transport,
    chat,
    log,
  });
  const reportDays = reportDaysFor(
    conn,
    connection,
    config.queuePrefix,
    Deadlines.fromConfig(config).calendar,
    new RedisLock(connection, config.queuePrefix),
  );
  const staffJobs = await startStaffJobs(
    config,
    connection,
    escalationDeps(config, conn, connection, {
      queue: createNotifyQueue(config, connection),
      vault: new PiiVault(config.piiKey),
    }),
    log,
    recountDeps(
      conn,
      new RedisLock(connection, config.queuePrefix),
      log,
      new ReportMarks(connection, config.queuePrefix),
    ),
    reportDays,
    monthlyReportJobDeps(config, conn, connection, reportDays, log),
    {
      deps: alertsDeps(conn, connection, config.queuePrefix, reportDays, {
        queue: createNotifyQueue(config, connection),
        vault: new PiiVault(config.piiKey),
      }),
      everyMs: config.reports.alertsEveryMin * 60_000,
    },
    {
      deps: {
        conn,
        redis: connection,
        vault: new PiiVault(config.piiKey),
        queuePrefix: config.queuePrefix,
        queues: [createIntakeQueue(config, connection), createNotifyQueue(config, connection)],
      },
      days: config.piiRetentionDays,
      audit: new AuditLog(auditModel(conn)),
    },
  );
  // The learned classifier is retrained from staff corrections (workers/intake/retrain.job.ts).
  const retrain = await startRetrainJobs(connection, config.queuePrefix, { conn, log });
  // An alert (error log + counter) for every job that runs out of tries, on both queues.
  alertOnDeadLetter(worker, connection, config.queuePrefix, log);
  alertOnDeadLetter(notify, connection, config.queuePrefix, log);
  // Prometheus: jobs by queue and outcome, notify outcomes, both queues' depth (shared/metrics.ts).
  observeWorker(worker);
  observeWorker(notify);
  observeNotify(notify);
  const watched = [createIntakeQueue(config, connection), createNotifyQueue(config, connection)];
  watchQueues(...watched);
  const internal = await startOptionalInternalServer({
    host: config.metrics.host,
    port: config.metrics.workerPort,
    log,
    readiness: storesReadiness(connection, conn),
  });
  await worker.waitUntilReady();
  await notify.waitUntilReady();
  if (transport.name === 'log')
    log.info('no Twilio credentials: outbound SMS are recorded, not sent');
  if (chat.name === 'log')
    log.info('no Telegram bot token: outbound Telegram messages are recorded, not sent');
  log.info('intake worker ready', { concurrency: config.intake.concurrency, pid: process.pid });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await Promise.all([worker.close(), notify.close(), staffJobs.close(), retrain.close()]);
    await internal?.close();
    await Promise.all(watched.map((q) => q.close().catch(() => undefined)));
    await closePdf();
    await connection.quit().catch(() => undefined);
    await conn.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('worker failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
