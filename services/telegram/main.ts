/**
 * `npm run bot`: the Telegram bot by long polling, for local use and for hosts Telegram cannot
 * reach. Production uses the webhook route of the api instead (`npm run bot:webhook` registers
 * it). Without TELEGRAM_BOT_TOKEN it says the bot is off and exits.
 */
import { TelegramError } from 'telegraf';
import { ConfigError, loadConfig } from '../../shared/config';
import { connectMongo } from '../../shared/db/mongo';
import { startOptionalInternalServer, storesReadiness } from '../../shared/internal-server';
import { createLogger } from '../../shared/logger';
import { createIntakeQueue, redisConnection } from '../../shared/queues';
import { checkRedisForIntake, claimQueuePrefix } from '../../shared/redis-checks';
import { TrackingCodes } from '../../shared/tracking-code';
import { IntakeProducer } from '../api/intake-producer';
import { ensureBotInfo } from './bot';
import { pollUpdates } from './polling';
import { telegramBotFromConfig } from './wiring';

async function main() {
  const config = loadConfig();
  const log = createLogger('telegram-bot', config.logLevel);
  if (!config.telegram.botToken) {
    console.log(
      'Telegram bot is off: TELEGRAM_BOT_TOKEN is not set (see docs/channels.md, "Telegram bot").',
    );
    return;
  }
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  redis.on('error', (err) => log.warn('redis connection error', { error: err.message }));
  await new Promise((r) => redis.once('ready', r));
  await checkRedisForIntake(redis, { production: config.nodeEnv === 'production', log });
  await claimQueuePrefix(conn, redis, config.queuePrefix);
  const queue = createIntakeQueue(config, redis);
  const producer = new IntakeProducer(
    queue,
    redis,
    new TrackingCodes(config.piiKey),
    config.queuePrefix,
  );
  const bot = telegramBotFromConfig({ config, conn, redis, producer, log })!;
  // Prometheus (odsc_telegram_poll_*, process metrics) and a detailed /readyz on BOT_METRICS_PORT.
  const internal = await startOptionalInternalServer({
    host: config.metrics.host,
    port: config.metrics.botPort,
    log,
    readiness: storesReadiness(redis, conn),
  });

  const ac = new AbortController();
  const stop = (signal: string) => {
    if (ac.signal.aborted) return;
    log.info('stopping', { signal });
    ac.abort();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let wait = 1000; !ac.signal.aborted; wait = Math.min(wait * 2, 30_000)) {
    try {
      await ensureBotInfo(bot);
      break;
    } catch (err) {
      // A refused token will not fix itself; say so plainly and keep the platform up.
      if (err instanceof TelegramError && err.code === 401)
        log.error('Telegram refused TELEGRAM_BOT_TOKEN (401): check it with @BotFather', { wait });
      else log.warn('Telegram getMe failed; retrying', { error: (err as Error).message, wait });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        ac.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  if (!ac.signal.aborted) {
    // Telegram gives updates either to a webhook or to getUpdates, never both.
    const info = await bot.telegram.getWebhookInfo();
    if (info.url) {
      log.warn('removing the webhook so that polling gets the updates', { webhook: info.url });
      await bot.telegram.deleteWebhook();
    }
    log.info('telegram bot polling', { bot: `@${bot.botInfo?.username}`, pid: process.pid });
    await pollUpdates(bot, { signal: ac.signal, log });
  }
  await internal?.close();
  await queue.close().catch(() => undefined);
  redis.disconnect();
  await conn.close();
  process.exit(0);
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('telegram bot failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
