/**
 * `npm run bot:webhook`: registers the api's webhook with Telegram (setWebhook with
 * TELEGRAM_WEBHOOK_SECRET as secret_token, so only Telegram's requests pass), sets the command
 * menu in Lao and English, and prints what Telegram reports. `-- --delete` removes the webhook
 * (for going back to `npm run bot`).
 */
import { Telegram } from 'telegraf';
import { ConfigError, loadConfig } from '../shared/config';
import { ALLOWED_UPDATES } from '../services/telegram/polling';
import { COMMANDS } from '../services/telegram/strings';

async function main() {
  const config = loadConfig();
  const { botToken, webhookSecret, apiRoot } = config.telegram;
  if (!botToken)
    throw new ConfigError('TELEGRAM_BOT_TOKEN is not set: there is no bot to register.');
  const tg = new Telegram(botToken, { apiRoot });
  if (process.argv.includes('--delete')) {
    await tg.deleteWebhook();
    console.log('Webhook removed; `npm run bot` can poll now.');
    return;
  }
  if (!webhookSecret)
    throw new ConfigError('TELEGRAM_WEBHOOK_SECRET is not set: the webhook would accept anyone.');
  const url = `${config.publicBaseUrl}/webhooks/telegram`;
  if (!url.startsWith('https://') && apiRoot === 'https://api.telegram.org')
    throw new ConfigError(`Telegram only calls https:// webhooks; PUBLIC_BASE_URL gives ${url}`);
  await tg.setWebhook(url, {
    secret_token: webhookSecret,
    allowed_updates: [...ALLOWED_UPDATES],
    max_connections: 40,
  });
  await tg.setMyCommands(COMMANDS.lo);
  await tg.setMyCommands(COMMANDS.lo, { language_code: 'lo' });
  await tg.setMyCommands(COMMANDS.en, { language_code: 'en' });
  const info = await tg.getWebhookInfo();
  console.log(`Webhook set: ${info.url}`);
  console.log(`  pending updates: ${info.pending_update_count}`);
  if (info.last_error_message) console.log(`  last error: ${info.last_error_message}`);
}

main().catch((err) => {
  console.error(
    err instanceof ConfigError ? err.message : `bot:webhook failed: ${(err as Error).message}`,
  );
  process.exit(1);
});
