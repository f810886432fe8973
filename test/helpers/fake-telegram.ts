/**
 * A local stand-in for Telegram's Bot API (https://core.telegram.org/bots/api), answering like the
 * real one: `POST /bot<token>/<method>` with a JSON body, `{ ok: true, result }` on success and
 * `{ ok: false, error_code, description, parameters? }` on failure (401 for a wrong token). It
 * records every call, numbers the messages it "sends" per chat, serves getUpdates (long polling)
 * from updates the test pushes, and answers scripted failures (403 blocked, 429 retry_after).
 */
import type { Server } from 'node:http';
import express from 'express';

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** What the fake answered (a Message for sendMessage). */
  result?: unknown;
}

interface Failure {
  method: string;
  status: number;
  description: string;
  retryAfter?: number;
}

export const BOT_USER = {
  id: 7000000001,
  is_bot: true,
  first_name: 'ODSC Feedback',
  username: 'odsc_feedback_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  url = '';
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | null = null;
  commands: unknown[] = [];
  private server!: Server;
  private failures: Failure[] = [];
  private holds: { method: string; ms: number }[] = [];
  private nextMessageId = new Map<number, number>();
  private updates: Record<string, unknown>[] = [];
  private waiting: (() => void)[] = [];
  /** Long polls the bot hung up on before they were answered (a stop signal aborts the poll). */
  abandonedPolls = 0;
  /** Long polls being held open now (no update yet, the bot's timeout not yet over). */
  heldPolls = 0;

  constructor(readonly token: string) {}

  /** The next call of `method` fails like this (in order, one failure per call). */
  failNext(method: string, status: number, description: string, retryAfter?: number): void {
    this.failures.push({ method, status, description, retryAfter });
  }

  /** The next call of `method` is answered only after `ms` (a slow Telegram). */
  holdNext(method: string, ms: number): void {
    this.holds.push({ method, ms });
  }

  /** Queues an update for getUpdates (long polling). */
  pushUpdate(update: Record<string, unknown>): void {
    this.updates.push(update);
    for (const w of this.waiting.splice(0)) w();
  }

  /** Updates not yet confirmed by a getUpdates offset. */
  get pendingUpdates(): number {
    return this.updates.length;
  }

  /** Calls of one method to one chat, in order. */
  sent(method: string, chatId?: number): ApiCall[] {
    return this.calls.filter(
      (c) => c.method === method && (chatId === undefined || Number(c.body.chat_id) === chatId),
    );
  }

  /** Every message and edit the bot made in a chat, in order. */
  private messagesTo(chatId: number): ApiCall[] {
    return this.calls.filter(
      (c) =>
        (c.method === 'sendMessage' || c.method === 'editMessageText') &&
        Number(c.body.chat_id) === chatId,
    );
  }

  /** The text of every message and edit the bot made in a chat, in order. */
  textsTo(chatId: number): string[] {
    return this.messagesTo(chatId).map((c) => String(c.body.text));
  }

  /** The last sendMessage / editMessageText to a chat. */
  last(chatId: number): ApiCall | undefined {
    return this.messagesTo(chatId).at(-1);
  }

  /** The bot's last message or edit in a chat that has inline buttons. */
  menu(chatId: number): ApiCall {
    const last = this.messagesTo(chatId)
      .filter((c) => buttonsOf(c).length > 0)
      .at(-1);
    if (!last) throw new Error(`no menu in chat ${chatId}`);
    return last;
  }

  async start(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.post('/bot:token/:method', (req, res) => {
      const method = req.params.method;
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (req.params.token !== this.token) {
        res.status(401).json({ ok: false, error_code: 401, description: 'Unauthorized' });
        return;
      }
      const call: ApiCall = { method, body, at: Date.now() };
      if (method !== 'getUpdates') this.calls.push(call);
      const i = this.failures.findIndex((f) => f.method === method);
      if (i >= 0) {
        const f = this.failures.splice(i, 1)[0]!;
        res.status(f.status).json({
          ok: false,
          error_code: f.status,
          description: f.description,
          ...(f.retryAfter !== undefined ? { parameters: { retry_after: f.retryAfter } } : {}),
        });
        return;
      }
      // The poll the bot gives up on (its connection closes before the answer) ends here too.
      const hungUp = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) hungUp.abort();
      });
      const h = this.holds.findIndex((x) => x.method === method);
      const held = h >= 0 ? this.holds.splice(h, 1)[0]!.ms : 0;
      // A held answer ends early when the caller hangs up (no timer outlives the test).
      void new Promise<void>((r) => {
        const t = setTimeout(r, held);
        hungUp.signal.addEventListener('abort', () => (clearTimeout(t), r()));
      })
        .then(() => this.answer(method, body, hungUp.signal))
        .then(
          (result) => {
            call.result = result;
            res.json({ ok: true, result });
          },
          (err: Error) =>
            res.status(400).json({ ok: false, error_code: 400, description: err.message }),
        );
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.splice(0)) w();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private message(chatId: number, text: string, extra: Record<string, unknown> = {}) {
    const id = (this.nextMessageId.get(chatId) ?? 1000) + 1;
    this.nextMessageId.set(chatId, id);
    return {
      message_id: id,
      from: {
        id: BOT_USER.id,
        is_bot: true,
        first_name: BOT_USER.first_name,
        username: BOT_USER.username,
      },
      chat: { id: chatId, type: 'private', first_name: 'Citizen' },
      date: Math.floor(Date.now() / 1000),
      text,
      ...extra,
    };
  }

  private async answer(
    method: string,
    body: Record<string, unknown>,
    hungUp: AbortSignal,
  ): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return BOT_USER;
      case 'sendMessage': {
        if (typeof body.text !== 'string' || !body.text)
          throw new Error('Bad Request: message text is empty');
        if (body.text.length > 4096) throw new Error('Bad Request: message is too long');
        return this.message(
          Number(body.chat_id),
          body.text,
          body.reply_markup ? { reply_markup: body.reply_markup } : {},
        );
      }
      case 'editMessageText':
        if (!body.message_id) throw new Error('Bad Request: message identifier is not specified');
        return {
          ...this.message(Number(body.chat_id), String(body.text)),
          message_id: Number(body.message_id),
          edit_date: Math.floor(Date.now() / 1000),
        };
      case 'editMessageReplyMarkup':
      case 'answerCallbackQuery':
      case 'deleteWebhook':
        if (method === 'deleteWebhook') this.webhook = null;
        return true;
      case 'setWebhook':
        this.webhook = {
          url: String(body.url),
          secret_token: body.secret_token as string | undefined,
          allowed_updates: body.allowed_updates as string[] | undefined,
        };
        return true;
      case 'getWebhookInfo':
        return {
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.webhook ? 0 : this.updates.length,
          ...(this.webhook?.allowed_updates
            ? { allowed_updates: this.webhook.allowed_updates }
            : {}),
        };
      case 'setMyCommands':
        this.commands.push(body);
        return true;
      case 'getUpdates':
        return this.getUpdates(body, hungUp);
      default:
        throw new Error(`Bad Request: method ${method} is not known to the fake`);
    }
  }

  /**
   * Telegram's semantics: an offset confirms every update below it; `timeout` is long polling, held
   * for as long as the bot asked (50 s for npm run bot) unless an update comes or the bot hangs up —
   * so a bot that does not abort its poll when told to stop hangs for the whole timeout.
   */
  private async getUpdates(body: Record<string, unknown>, hungUp: AbortSignal): Promise<unknown[]> {
    if (this.webhook)
      throw new Error("Conflict: can't use getUpdates method while webhook is active");
    const offset = Number(body.offset ?? 0);
    const limit = Number(body.limit ?? 100);
    this.updates = this.updates.filter((u) => Number(u.update_id) >= offset);
    const timeoutMs = Number(body.timeout ?? 0) * 1000;
    if (!this.updates.length && timeoutMs > 0) {
      if (hungUp.aborted) {
        this.abandonedPolls++; // gone while its answer was held: nothing to wait for
        return [];
      }
      this.heldPolls++;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(t);
          hungUp.removeEventListener('abort', gone);
          resolve();
        };
        const gone = () => {
          this.abandonedPolls++;
          this.waiting = this.waiting.filter((w) => w !== wake);
          wake();
        };
        const t = setTimeout(wake, timeoutMs);
        this.waiting.push(wake);
        hungUp.addEventListener('abort', gone, { once: true });
      });
      this.heldPolls--;
    }
    return this.updates.slice(0, limit);
  }
}

/** Update JSON as the Bot API sends it (https://core.telegram.org/bots/api#update). */
export class Citizen {
  private static updateId = 500_000_000;
  private nextMessageId = 1;
  readonly from: Record<string, unknown>;
  readonly chat: Record<string, unknown>;

  constructor(
    readonly chatId: number,
    opts: { languageCode?: string; firstName?: string } = {},
  ) {
    this.from = {
      id: chatId,
      is_bot: false,
      first_name: opts.firstName ?? 'Souk',
      language_code: opts.languageCode ?? 'lo',
    };
    this.chat = { id: chatId, first_name: opts.firstName ?? 'Souk', type: 'private' };
  }

  static nextUpdateId(): number {
    return ++Citizen.updateId;
  }

  /** An update carrying a new message from this citizen with the given content fields. */
  private message(content: Record<string, unknown>): Record<string, unknown> {
    return {
      update_id: Citizen.nextUpdateId(),
      message: {
        message_id: this.nextMessageId++,
        from: this.from,
        chat: this.chat,
        date: Math.floor(Date.now() / 1000),
        ...content,
      },
    };
  }

  /** A text message; a leading /command gets its bot_command entity, as Telegram adds it. */
  text(text: string): Record<string, unknown> {
    const cmd = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    return this.message({
      text,
      ...(cmd ? { entities: [{ offset: 0, length: cmd[0].length, type: 'bot_command' }] } : {}),
    });
  }

  /** The contact the "share my phone number" button sends (user_id is the sender's own). */
  contact(phone: string, userId = this.chatId): Record<string, unknown> {
    return this.message({ contact: { phone_number: phone, first_name: 'Souk', user_id: userId } });
  }

  /** A photo with a caption. */
  photo(caption?: string): Record<string, unknown> {
    return this.message({
      photo: [
        { file_id: 'AgACAgUAAx0', file_unique_id: 'AQAD1', width: 90, height: 90, file_size: 1200 },
      ],
      ...(caption ? { caption } : {}),
    });
  }

  /** A press on an inline button of the bot's message. */
  press(botMessageId: number, data: string): Record<string, unknown> {
    return {
      update_id: Citizen.nextUpdateId(),
      callback_query: {
        id: String(Citizen.nextUpdateId()),
        from: this.from,
        message: {
          message_id: botMessageId,
          from: {
            id: BOT_USER.id,
            is_bot: true,
            first_name: BOT_USER.first_name,
            username: BOT_USER.username,
          },
          chat: this.chat,
          date: Math.floor(Date.now() / 1000),
          text: '…',
        },
        chat_instance: `ci${this.chatId}`,
        data,
      },
    };
  }
}

/** The id of the bot message a call sent or edited. */
export function messageIdOf(call: ApiCall | undefined): number {
  if (!call) throw new Error('no message');
  if (call.method === 'editMessageText') return Number(call.body.message_id);
  // A call is recorded when it arrives and answered after: wait for the answer before asking.
  if (call.result === undefined) throw new Error(`${call.method} not answered yet`);
  return (call.result as { message_id: number }).message_id;
}

/** The inline buttons of a sendMessage / editMessageText call: [text, callback_data][]. */
export function buttonsOf(call: ApiCall | undefined): [string, string][] {
  const kb = (
    call?.body.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] }
  )?.inline_keyboard;
  return (kb ?? []).flat().map((b) => [b.text, b.callback_data]);
}
