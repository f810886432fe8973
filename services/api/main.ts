/** The api process: listens on PORT and shuts down gracefully on SIGTERM / SIGINT. */
import { ConfigError, loadConfig } from '../../shared/config';
import { connectMongo } from '../../shared/db/mongo';
import { createLogger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import { telegramChatModel } from '../../shared/models/telegram-chat.model';
import { createIntakeQueue, redisConnection } from '../../shared/queues';
import { createApp } from './app';

async function main() {
  const config = loadConfig();
  const log = createLogger('api', config.logLevel);
  const conn = await connectMongo(config.mongoUrl);
  const cat = catalogModels(conn);
  await Promise.all([
    feedbackModel(conn).init(),
    cat.Center.init(),
    cat.Service.init(),
    cat.Topic.init(),
    telegramChatModel(conn).init(),
  ]);
  const redis = redisConnection(config.redisUrl, 'producer');
  redis.on('error', (err) => log.warn('redis connection error', { error: err.message }));
  const intakeQueue = createIntakeQueue(config, redis);
  const app = createApp({ config, conn, redis, intakeQueue, log });
  const server = app.listen(config.port, () => {
    log.info('api listening', {
      port: config.port,
      publicBaseUrl: config.publicBaseUrl,
      pid: process.pid,
    });
    const tg = config.telegram;
    if (!tg.botToken) log.info('telegram bot is off: TELEGRAM_BOT_TOKEN is not set');
    else if (tg.webhookSecret)
      log.info('telegram webhook ready', { url: `${config.publicBaseUrl}/webhooks/telegram` });
    else log.info('telegram webhook off (no TELEGRAM_WEBHOOK_SECRET): run `npm run bot` to poll');
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    server.close(async () => {
      await intakeQueue.close().catch(() => undefined);
      redis.disconnect();
      await conn.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('api failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
