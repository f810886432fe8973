/**
 * Sends one message to a Telegram chat with the Bot API's sendMessage, through telegraf's client.
 * Provider docs: https://core.telegram.org/bots/api#sendmessage and
 * https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 * TELEGRAM_API_ROOT points it at another origin (a local stand-in in tests).
 *
 * The Bot API's answers decide what happens next: 403 (the citizen blocked the bot) is permanent
 * and marks the chat unreachable; 429 carries `retry_after`, the seconds to wait, which the
 * worker honours exactly; 400 (chat not found, text rejected) is permanent; 5xx and network
 * errors are retried with backoff.
 */
import { Telegram, TelegramError } from 'telegraf';

export interface ChatTransport {
  readonly name: 'telegram' | 'log';
  /** Returns the Bot API's message id; throws ChatSendError. */
  send(chatId: string, text: string, buttons?: ChatButton[]): Promise<string | null>;
}

/** An inline button: its label and the callback data the bot receives when it is pressed. */
export interface ChatButton {
  text: string;
  data: string;
}

export class ChatSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code?: string,
    /** The chat blocked the bot or no longer exists: mark it unreachable. */
    readonly unreachable = false,
    /** Telegram asked us to wait this many seconds before the next try. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ChatSendError';
  }
}

export class TelegramChatTransport implements ChatTransport {
  readonly name = 'telegram' as const;
  private readonly tg: Telegram;

  constructor(
    token: string,
    opts: { apiRoot?: string; timeoutMs?: number } = {},
    private readonly timeoutMs = opts.timeoutMs ?? 15_000,
  ) {
    this.tg = new Telegram(token, { apiRoot: opts.apiRoot ?? 'https://api.telegram.org' });
  }

  async send(chatId: string, text: string, buttons?: ChatButton[]): Promise<string | null> {
    try {
      const markup = buttons?.length
        ? {
            reply_markup: {
              inline_keyboard: [buttons.map((b) => ({ text: b.text, callback_data: b.data }))],
            },
          }
        : {};
      const msg = await this.tg.callApi(
        'sendMessage',
        { chat_id: chatId, text, link_preview_options: { is_disabled: true }, ...markup },
        { signal: AbortSignal.timeout(this.timeoutMs) as never },
      );
      return String(msg.message_id);
    } catch (err) {
      throw classifyTelegramError(err);
    }
  }
}

export function classifyTelegramError(err: unknown): ChatSendError {
  if (err instanceof TelegramError) {
    const code = String(err.code);
    const msg = `Telegram ${err.code}: ${err.description}`;
    if (err.code === 429)
      return new ChatSendError(msg, false, code, false, err.parameters?.retry_after ?? 5);
    if (err.code === 403) return new ChatSendError(msg, true, code, true);
    if (err.code === 400 && /chat not found|user is deactivated/i.test(err.description))
      return new ChatSendError(msg, true, code, true);
    if (err.code === 401 || err.code === 404)
      return new ChatSendError(`${msg} (check TELEGRAM_BOT_TOKEN)`, false, code);
    if (err.code >= 400 && err.code < 500) return new ChatSendError(msg, true, code);
    return new ChatSendError(msg, false, code);
  }
  const e = err as { name?: string; message?: string };
  return new ChatSendError(
    `Telegram unreachable: ${e?.name ?? 'Error'} ${e?.message ?? ''}`,
    false,
  );
}

/** Without a bot token: records the message for staff instead of sending it. */
export class LogChatTransport implements ChatTransport {
  readonly name = 'log' as const;
  send(): Promise<string | null> {
    return Promise.resolve(null);
  }
}
