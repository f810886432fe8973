/**
 * Long polling (`npm run bot`): getUpdates with a 50-second timeout, updates handled one at a
 * time in order (the guided flow depends on a chat's order). An update that fails is handled
 * again after a pause (doubling up to 30 s) for as long as it takes — an outage of Redis or
 * MongoDB holds the bot, it never skips a citizen's message. The offset only moves past an update
 * once it is handled, so a restart gets the unconfirmed ones again (the bot's once-per-update
 * claim makes that safe).
 */
import { TelegramError, type Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../shared/logger';
import {
  telegramPollErrors,
  telegramPollLastSuccess,
  telegramPollUpdates,
} from '../../shared/metrics';
import { UpdateInProgressError } from './bot';

export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export async function pollUpdates(
  bot: Telegraf,
  opts: {
    signal: AbortSignal;
    log: Logger;
    timeoutS?: number;
    /** First pause after a failed update (doubles per try, at most 30 s). */
    retryBaseMs?: number;
    /** Called after each failed try of an update (the test's and the metrics' hook). */
    onRetry?: (updateId: number, attempt: number, err: Error) => void;
  },
): Promise<void> {
  const { signal, log } = opts;
  const base = opts.retryBaseMs ?? 1000;
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
      telegramPollLastSuccess.set(Date.now() / 1000);
    } catch (err) {
      if (signal.aborted) break;
      telegramPollErrors.inc();
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
          telegramPollUpdates.inc({ outcome: 'handled' });
          break;
        } catch (err) {
          telegramPollUpdates.inc({ outcome: 'retry' });
          opts.onRetry?.(update.update_id, attempt, err as Error);
          // Another handler holds it (or held it and died: its claim lapses in seconds).
          const wait =
            err instanceof UpdateInProgressError
              ? base
              : Math.min(30_000, base * 2 ** Math.min(attempt - 1, 15));
          log[attempt % 10 === 0 ? 'error' : 'warn']('telegram update not handled yet; retrying', {
            updateId: update.update_id,
            attempt,
            retryInMs: wait,
            error: (err as Error).message,
          });
          await sleep(wait, signal);
          if (signal.aborted) return; // not confirmed: Telegram gives it to the next poller
        }
      }
      offset = update.update_id + 1;
    }
  }
  // Confirm what was handled, so a restart does not get it again.
  await bot.telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 }).catch(() => undefined);
}
