/**
 * Telegram's webhook: `POST /webhooks/telegram` with Update JSON.
 * Provider docs: https://core.telegram.org/bots/api#setwebhook (secret_token) and
 * https://core.telegram.org/bots/api#update
 *
 * The secret header is checked before the body is even read: wrong or missing → 401, nothing
 * processed. A 200 tells Telegram the update is handled; anything else makes it deliver the update
 * again later, which the bot's once-per-update claim makes safe.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { Logger } from '../../../shared/logger';
import { ensureBotInfo } from '../../telegram/bot';
import { jsonBody } from '../middleware/http';

export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

const UpdateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

function sameSecret(got: string | undefined, want: string): boolean {
  if (!got) return false;
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function telegramWebhook(deps: {
  bot: Telegraf | null;
  secret?: string;
  maxBodyBytes: number;
  log: Logger;
}): Router {
  const r = Router();
  const checkSecret: RequestHandler = (req, _res, next) => {
    if (!deps.bot)
      return next(
        new AppError(
          'TELEGRAM_OFF',
          'The Telegram bot is off: TELEGRAM_BOT_TOKEN is not set.',
          404,
        ),
      );
    if (!deps.secret)
      return next(
        new AppError(
          'TELEGRAM_WEBHOOK_OFF',
          'The Telegram webhook is off: TELEGRAM_WEBHOOK_SECRET is not set (use `npm run bot` to poll).',
          404,
        ),
      );
    if (!sameSecret(req.get(SECRET_HEADER), deps.secret)) {
      deps.log.warn('telegram webhook refused: wrong or missing secret token', {
        requestId: req.id,
      });
      return next(new AppError('UNAUTHORIZED', `${SECRET_HEADER} is wrong or missing.`, 401));
    }
    next();
  };

  r.post('/webhooks/telegram', checkSecret, ...jsonBody(deps.maxBodyBytes), async (req, res) => {
    const parsed = UpdateShape.safeParse(req.body);
    if (!parsed.success)
      throw new AppError('BAD_REQUEST', 'Not a Telegram Update (update_id is missing).', 400);
    const bot = deps.bot!;
    try {
      await ensureBotInfo(bot);
      await bot.handleUpdate(parsed.data as unknown as Update);
    } catch (err) {
      deps.log.warn('telegram update not handled; Telegram will deliver it again', {
        updateId: parsed.data.update_id,
        error: err instanceof Error ? err.message : String(err),
      });
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        'The update could not be handled now; deliver it again.',
        503,
      );
    }
    res.status(200).json({ ok: true });
  });
  return r;
}
