/** Builds the bot from the configuration and the process's connections (api and `npm run bot`). */
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import type { Telegraf } from 'telegraf';
import type { Config } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import { telegramChatModel } from '../../shared/models/telegram-chat.model';
import { PiiVault } from '../../shared/pii';
import { CatalogCache } from '../api/catalog-cache';
import type { IntakeProducer } from '../api/intake-producer';
import { createTelegramBot, type CatalogSource } from './bot';

/** The bot, or null when TELEGRAM_BOT_TOKEN is not set (the platform runs without it). */
export function telegramBotFromConfig(deps: {
  config: Config;
  conn: Connection;
  redis: IORedis;
  producer: IntakeProducer;
  log: Logger;
  catalog?: CatalogSource;
}): Telegraf | null {
  const token = deps.config.telegram.botToken;
  if (!token) return null;
  return createTelegramBot({
    config: deps.config,
    token,
    producer: deps.producer,
    vault: new PiiVault(deps.config.piiKey),
    redis: deps.redis,
    Feedback: feedbackModel(deps.conn),
    TelegramChat: telegramChatModel(deps.conn),
    catalog:
      deps.catalog ?? new CatalogCache(catalogModels(deps.conn), deps.config.catalogRefreshMs),
    log: deps.log,
  });
}
