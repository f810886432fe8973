/**
 * Long polling for local use (`npm run bot`): getUpdates with a 50-second timeout, updates handled
 * one at a time in order (the guided flow depends on a chat's order), and an update that fails
 * is handled again after a pause instead of being skipped. The offset only moves past an update
 * once it is handled, so a restart gets the unconfirmed ones again (the bot's once-per-update
 * claim makes that safe).
 */
import { TelegramError, type Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../shared/logger';

export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export async function pollUpdates(
  bot: Telegraf,
  opts: { signal: AbortSignal; log: Logger; timeoutS?: number; maxTries?: number },
): Promise<void> {
  const { signal, log } = opts;
  const maxTries = opts.maxTries ?? 10;
  let offset = 0;
  let failures = 0;
  while (!signal.aborted) {
    let updates: Update[];
    try {
      updates = await bot.telegram.callApi(
        'getUpdates',
        { offset, timeout: opts.timeoutS ?? 50, allowed_updates: [...ALLOWED_UPDATES] },
        { signal: signal as never },
      );
      failures = 0;
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof TelegramError && err.code === 401)
        throw new Error('Telegram refused the bot token (401): check TELEGRAM_BOT_TOKEN', {
          cause: err,
        });
      if (err instanceof TelegramError && err.code === 409)
        log.warn('getUpdates conflicts with a webhook or another poller (409); retrying');
      const wait =
        err instanceof TelegramError && err.parameters?.retry_after
          ? err.parameters.retry_after * 1000
          : Math.min(30_000, 1000 * 2 ** failures++);
      log.warn('getUpdates failed', { error: (err as Error).message, retryInMs: wait });
      await sleep(wait, signal);
      continue;
    }
    for (const update of updates) {
      for (let attempt = 1; ; attempt++) {
        try {
          await bot.handleUpdate(update);
          break;
        } catch (err) {
          if (attempt >= maxTries) {
            log.error('telegram update dropped after repeated failures', {
              updateId: update.update_id,
              error: (err as Error).message,
            });
            break;
          }
          await sleep(Math.min(30_000, 500 * 2 ** attempt), signal);
          if (signal.aborted) return; // not confirmed: Telegram gives it to the next poller
        }
      }
      offset = update.update_id + 1;
    }
  }
  // Confirm what was handled, so a restart does not get it again.
  await bot.telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 }).catch(() => undefined);
}
