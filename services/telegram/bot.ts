/**
 * The Telegram bot: one set of handlers behind both transports (the api's webhook route and the
 * `npm run bot` long-polling process). Provider docs: https://core.telegram.org/bots/api
 *
 * Every update passes three steps before a handler sees it: private chats only; once only (the
 * update_id is claimed "in progress" in Redis with a short, renewed TTL and marked "done" after
 * the handler, so an update Telegram delivers twice is neither stored nor answered twice, and an
 * update whose handler failed or whose process died is handled on redelivery);
 * the chat's session loaded from Redis and saved after a successful handler (TTL).
 *
 * The guided flow (inline keyboards, menus from the catalog in the database):
 * language → province → center → service → rating → comment → contact → confirm → tracking code.
 * Every step has Cancel, and every step after the first (the language) has Back. Free text outside
 * a flow is feedback too.
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import { Telegraf, type Context } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup, Message } from 'telegraf/types';
import type { CatalogView } from '../../shared/catalog/catalog';
import type { Config } from '../../shared/config';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Logger } from '../../shared/logger';
import type { CenterDoc } from '../../shared/models/catalog.model';
import type { FeedbackModel } from '../../shared/models/feedback.model';
import type { TelegramChatModel } from '../../shared/models/telegram-chat.model';
import { toE164 } from '../../shared/phone';
import { keepAlive, RedisLock } from '../../shared/redis-lock';
import type { PiiVault } from '../../shared/pii';
import { telegramOwnerKey, telegramThreadKey, telegramUpdateKey } from '../../shared/telegram-keys';
import { anonymousMessageRef, telegramMessageRef } from '../../shared/telegram-ids';
import { decideOnce, intakeDecisionKey } from '../../shared/intake-decision';
import { parseSurveyButton, surveyThanks } from '../../shared/staff/survey';
import { detectScript, laoDigitsToAscii } from '../../shared/text-normalize';
import { FAILED, within } from '../../shared/within';
import { formatTrackingCode, parseTrackingCode } from '../../shared/tracking-code';
import type { IntakeProducer } from '../api/intake-producer';
import { STATUS_LABELS } from '../api/views/strings';
import { newFlowId, SessionStore, type Flow, type Step, type TgSession } from './session';
import { RATING_FACES, t, TG_TEXT, type Lang } from './strings';

/** How long a handled update id is remembered: Telegram keeps an update for at most 24 hours. */
const UPDATE_TTL_S = 48 * 3600;
/** An "in progress" claim lapses this long after its handler stops renewing it (a dead process). */
export const CLAIM_TTL_MS = 8_000;
const RELEASE_CLAIM = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A redelivered update whose first delivery is still being handled (or whose handler died). */
export class UpdateInProgressError extends Error {
  constructor(readonly updateId: number) {
    super(`telegram update ${updateId} is being handled by another process; deliver it again`);
  }
}
/** How long /status answers "received" for a code from this chat before the worker stores it. */
const OWNER_TTL_S = 7 * 24 * 3600;
/** The owner marker of anonymous feedback: it names no chat (any holder of the code may ask). */
const ANONYMOUS_OWNER = 'anonymous';
/** Typed at a button step, a text this long (or of this many words) is a message, not a slip. */
const MESSAGE_MIN_CHARS = 20;
const MESSAGE_MIN_WORDS = 3;
const wordSegmenter = new Intl.Segmenter('lo', { granularity: 'word' });
function looksLikeMessage(text: string): boolean {
  const t = text.trim();
  if (t.startsWith('/')) return false;
  if (t.length >= MESSAGE_MIN_CHARS) return true;
  let words = 0;
  for (const w of wordSegmenter.segment(t)) if (w.isWordLike) words++;
  return words >= MESSAGE_MIN_WORDS;
}
/** How long an update waits for MongoDB where it can go on without it (like the SMS webhook). */
const DB_BUDGET_MS = 1500;
/** The longest comment shown back on the confirm screen (the whole text is stored). */
const SUMMARY_COMMENT_CHARS = 300;

export interface CatalogSource {
  get(): Promise<CatalogView>;
}

export interface BotDeps {
  config: Config;
  token: string;
  producer: IntakeProducer;
  vault: PiiVault;
  redis: IORedis;
  Feedback: FeedbackModel;
  TelegramChat: TelegramChatModel;
  catalog: CatalogSource;
  log: Logger;
}

interface State {
  chatId: number;
  chatHash: string;
  s: TgSession;
}

const state = (ctx: Context) => ctx.state as State;
const langOf = (ctx: Context): Lang => state(ctx).s.lang ?? 'lo';

/** Builds the bot; it talks to TELEGRAM_API_ROOT and answers with plain API calls (no webhook reply). */
export function createTelegramBot(deps: BotDeps): Telegraf {
  const { config, log } = deps;
  const bot = new Telegraf(deps.token, {
    telegram: { apiRoot: config.telegram.apiRoot, webhookReply: false },
    handlerTimeout: 60_000,
  });
  const sessions = new SessionStore(deps.redis, config.queuePrefix, config.telegram.sessionTtlS);
  // Held while one update of a chat is handled (renewed while it runs; lapses 8 s after a dead
  // process). A waiter gives up after 30 s and the transport delivers the update again.
  const chatLock = new RedisLock(deps.redis, config.queuePrefix, CLAIM_TTL_MS, 30_000);

  // Log without personal data, and rethrow: the transport redelivers the update.
  bot.catch((err, ctx) => {
    log.warn('telegram update failed', {
      updateId: ctx.update.update_id,
      type: ctx.updateType,
      error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  });

  // 1. Private chats only: the bot never reads or answers groups.
  bot.use(async (ctx, next) => {
    if (ctx.chat?.type !== 'private' || !ctx.from) return;
    await next();
  });

  // 2. Once per update id: claimed "in progress" (a short TTL the handler keeps renewing) and
  // marked "done" only once handled. A process that dies mid-update lets its claim lapse, so the
  // redelivery is handled; a redelivery that finds the claim held by a live handler is refused
  // (the transport delivers it again) rather than dropped.
  bot.use(async (ctx, next) => {
    const key = telegramUpdateKey(config.queuePrefix, deps.token, ctx.update.update_id);
    const token = `run:${randomUUID()}`;
    const claimed = await deps.redis.set(key, token, 'PX', CLAIM_TTL_MS, 'NX');
    if (claimed !== 'OK') {
      const held = await deps.redis.get(key);
      if (held === 'done') {
        log.debug('redelivered telegram update ignored', { updateId: ctx.update.update_id });
        return;
      }
      if (held !== null) throw new UpdateInProgressError(ctx.update.update_id);
      throw new Error('telegram update claim lapsed while checking it; deliver it again');
    }
    const stop = keepAlive(deps.redis, key, token, CLAIM_TTL_MS);
    try {
      await next();
    } catch (err) {
      stop();
      await deps.redis.eval(RELEASE_CLAIM, 1, key, token).catch(() => undefined);
      throw err;
    }
    stop();
    await deps.redis.set(key, 'done', 'EX', UPDATE_TTL_S);
  });

  // 3. The chat's session, one update of a chat at a time: Telegram may deliver a quick double
  // tap to two webhook connections at once, and both would otherwise act on the same step.
  bot.use(async (ctx, next) => {
    const chatId = ctx.chat!.id;
    const chatHash = deps.vault.hash(`telegram:${chatId}`);
    await chatLock.with(`tg:chat:${chatHash}`, () => withSession(ctx, chatId, chatHash, next));
  });

  async function withSession(
    ctx: Context,
    chatId: number,
    chatHash: string,
    next: () => Promise<void>,
  ): Promise<void> {
    const s: TgSession = (await sessions.get(chatHash)) ?? {};
    if (!s.synced) {
      // The chat's saved language, if MongoDB answers in time. Free text needs only Redis, so a
      // MongoDB outage must not hold the update up: the record is read on a later update instead.
      const rec = await within(deps.TelegramChat.findById(chatHash).lean(), DB_BUDGET_MS);
      if (rec !== FAILED) {
        if (rec?.lang) s.lang = rec.lang;
        // The chat writes to us again: it no longer blocks the bot.
        const cleared = rec?.unreachable
          ? await within(
              deps.TelegramChat.updateOne(
                { _id: chatHash },
                { $set: { unreachable: false, updatedAt: new Date() } },
              ),
              DB_BUDGET_MS,
            )
          : null;
        s.synced = cleared !== FAILED;
      }
    }
    ctx.state.chatId = chatId;
    ctx.state.chatHash = chatHash;
    ctx.state.s = s;
    await next();
    await sessions.save(chatHash, s);
  }

  // ---- rendering -------------------------------------------------------------------------

  const btn = (flow: Flow, text: string, arg: string): InlineKeyboardButton => ({
    text,
    callback_data: `f:${flow.id}:${flow.step}:${arg}`,
  });
  const nav = (flow: Flow, lang: Lang, back = true): InlineKeyboardButton[] =>
    back
      ? [btn(flow, t(lang, 'back'), '<'), btn(flow, t(lang, 'cancel'), 'x')]
      : [btn(flow, t(lang, 'cancel'), 'x')];

  function provinces(cat: CatalogView, lang: Lang): { code: string; label: string }[] {
    const codes = [...new Set(cat.centers.map((c) => c.province))];
    codes.sort((a, b) => (a === 'LA-VT' ? -1 : b === 'LA-VT' ? 1 : a.localeCompare(b)));
    return codes.map((code) => {
      const c = cat.centerByCode.get(code);
      return { code, label: c ? c.place[lang] : code };
    });
  }
  const centerLabel = (c: CenterDoc, lang: Lang) =>
    c.level === 'district'
      ? t(lang, 'district', { name: c.place[lang] })
      : t(lang, 'provinceCenter', { name: c.place[lang] });

  async function render(
    flow: Flow,
    lang: Lang,
  ): Promise<{ text: string; keyboard: InlineKeyboardButton[][] }> {
    const cat = await deps.catalog.get();
    const L = TG_TEXT[lang];
    switch (flow.step) {
      case 'lang':
        return {
          text: L.chooseLang,
          keyboard: [
            [btn(flow, '🇱🇦 ລາວ', 'lo'), btn(flow, 'English', 'en')],
            nav(flow, lang, false),
          ],
        };
      case 'province': {
        const list = provinces(cat, lang);
        const rows: InlineKeyboardButton[][] = [];
        for (let i = 0; i < list.length; i += 2)
          rows.push(list.slice(i, i + 2).map((p) => btn(flow, p.label, p.code)));
        return { text: L.province, keyboard: [...rows, nav(flow, lang)] };
      }
      case 'center': {
        const centers = cat.centers.filter((c) => c.province === flow.province);
        return {
          text: L.center,
          keyboard: [
            ...centers.map((c) => [btn(flow, centerLabel(c, lang), c.code)]),
            nav(flow, lang),
          ],
        };
      }
      case 'service':
        return {
          text: L.service,
          keyboard: [
            ...cat.services.map((s) => [btn(flow, s.name[lang], s.code)]),
            [btn(flow, L.serviceNone, '-')],
            nav(flow, lang),
          ],
        };
      case 'rating':
        return {
          text: L.rating,
          keyboard: [
            RATING_FACES.map((face, i) => btn(flow, `${face} ${i + 1}`, String(i + 1))),
            nav(flow, lang),
          ],
        };
      case 'comment':
        return { text: L.comment, keyboard: [[btn(flow, L.skip, 'skip')], nav(flow, lang)] };
      case 'contact':
        return {
          text: L.contact,
          keyboard: [
            [btn(flow, L.contactChat, 'chat')],
            [btn(flow, L.contactPhone, 'phone')],
            [btn(flow, L.contactAnon, 'anonymous')],
            nav(flow, lang),
          ],
        };
      case 'confirm':
        return {
          text: summary(flow, lang, cat),
          keyboard: [[btn(flow, L.send, 'ok')], nav(flow, lang)],
        };
      case 'phone':
        return { text: L.phoneAsk, keyboard: [] }; // shown with a reply keyboard, see showPhone
    }
  }

  function summary(flow: Flow, lang: Lang, cat: CatalogView): string {
    const L = TG_TEXT[lang];
    const center = flow.center ? cat.centerByCode.get(flow.center) : undefined;
    const service = flow.service ? cat.serviceByCode.get(flow.service) : undefined;
    const comment = flow.comment
      ? flow.comment.length > SUMMARY_COMMENT_CHARS
        ? `${flow.comment.slice(0, SUMMARY_COMMENT_CHARS)}…`
        : flow.comment
      : L.none;
    const contact =
      flow.contact === 'phone'
        ? L.contactPhone
        : flow.contact === 'anonymous'
          ? L.contactAnon
          : L.contactChat;
    const r = flow.rating ?? 3;
    return [
      L.confirm,
      '',
      `${L.summaryCenter}: ${center ? centerLabel(center, lang) : L.none}`,
      `${L.summaryService}: ${service ? service.name[lang] : L.serviceNone}`,
      `${L.summaryRating}: ${RATING_FACES[r - 1]} ${r} — ${L.ratings[r - 1]}`,
      `${L.summaryComment}: ${comment}`,
      `${L.summaryContact}: ${contact}`,
    ].join('\n');
  }

  /**
   * Edits a bot message in place; when it cannot be (too old, deleted, or no message yet), sends
   * the text anew. Returns the id of the message that now shows it.
   */
  async function editOrSend(
    ctx: Context,
    messageId: number | undefined,
    text: string,
    markup?: InlineKeyboardMarkup,
  ): Promise<number> {
    const chatId = state(ctx).chatId;
    const extra = markup ? { reply_markup: markup } : {};
    if (messageId) {
      try {
        await ctx.telegram.editMessageText(chatId, messageId, undefined, text, extra);
        return messageId;
      } catch (err) {
        if (/message is not modified/i.test(String((err as Error).message))) return messageId;
      }
    }
    return (await ctx.telegram.sendMessage(chatId, text, extra)).message_id;
  }

  /** Shows the flow's step: edits the step message in place, or sends a new one. */
  async function show(ctx: Context, flow: Flow, mode: 'edit' | 'new'): Promise<void> {
    if (flow.step === 'phone') return showPhone(ctx);
    const { text, keyboard } = await render(flow, langOf(ctx));
    flow.messageId = await editOrSend(ctx, mode === 'edit' ? flow.messageId : undefined, text, {
      inline_keyboard: keyboard,
    });
  }

  /** The phone step needs Telegram's contact button, which only a reply keyboard has. */
  async function showPhone(ctx: Context): Promise<void> {
    const lang = langOf(ctx);
    await ctx.telegram.sendMessage(state(ctx).chatId, t(lang, 'phoneAsk'), {
      reply_markup: {
        keyboard: [
          [{ text: t(lang, 'phoneButton'), request_contact: true }],
          [{ text: t(lang, 'back') }, { text: t(lang, 'cancel') }],
        ],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
  }

  /** Leaves the phone step: a plain message removes the reply keyboard. */
  async function removeReplyKeyboard(ctx: Context, text: string): Promise<void> {
    await ctx.telegram.sendMessage(state(ctx).chatId, text, {
      reply_markup: { remove_keyboard: true },
    });
  }

  // ---- flow control ----------------------------------------------------------------------

  async function startFlow(
    ctx: Context,
    openedBy: number,
    opts: { askLang: boolean; then?: 'flow' | 'none'; center?: CenterDoc },
  ): Promise<void> {
    const s = state(ctx).s;
    // A new conversation: later free text no longer joins the earlier message.
    await deps.redis.del(telegramThreadKey(config.queuePrefix, state(ctx).chatHash));
    const flow: Flow = {
      id: newFlowId(),
      step: opts.askLang || !s.lang ? 'lang' : 'province',
      then: opts.then ?? 'flow',
      openedBy,
    };
    if (opts.center) {
      flow.province = opts.center.province;
      flow.center = opts.center.code;
      flow.centerAuto = true;
      if (flow.step === 'province') flow.step = 'service';
    }
    s.flow = flow;
    await show(ctx, flow, 'new');
  }

  async function cancel(ctx: Context): Promise<void> {
    const s = state(ctx).s;
    const lang = langOf(ctx);
    const flow = s.flow;
    s.flow = undefined;
    if (!flow) {
      await ctx.telegram.sendMessage(state(ctx).chatId, t(lang, 'nothingToCancel'));
      return;
    }
    if (flow.step === 'phone') return removeReplyKeyboard(ctx, t(lang, 'cancelled'));
    await editOrSend(ctx, flow.messageId, t(lang, 'cancelled'));
  }

  function previous(flow: Flow): Step | null {
    switch (flow.step) {
      case 'lang':
        return null;
      case 'province':
        return 'lang';
      case 'center':
        return 'province';
      case 'service':
        return flow.centerAuto ? 'province' : 'center';
      case 'rating':
        return 'service';
      case 'comment':
        return 'rating';
      case 'contact':
        return 'comment';
      case 'phone':
      case 'confirm':
        return 'contact';
    }
  }

  async function back(ctx: Context, flow: Flow): Promise<void> {
    const prev = previous(flow);
    if (!prev) return cancel(ctx);
    const from = flow.step;
    flow.step = prev;
    if (prev === 'province') {
      flow.center = undefined;
      flow.centerAuto = undefined;
    }
    if (prev === 'lang') flow.then = 'flow';
    if (from === 'phone') {
      await removeReplyKeyboard(ctx, t(langOf(ctx), 'back'));
      return show(ctx, flow, 'new');
    }
    await show(ctx, flow, 'edit');
  }

  async function choose(ctx: Context, flow: Flow, arg: string): Promise<void> {
    const cat = await deps.catalog.get();
    const s = state(ctx).s;
    switch (flow.step) {
      case 'lang': {
        if (arg !== 'lo' && arg !== 'en') return;
        s.lang = arg;
        await deps.TelegramChat.updateOne(
          { _id: state(ctx).chatHash },
          { $set: { lang: arg, updatedAt: new Date() } },
          { upsert: true },
        );
        if (flow.then === 'none') {
          s.flow = undefined;
          await editOrSend(ctx, flow.messageId, t(arg, 'langSet'));
          return;
        }
        flow.step = flow.center ? 'service' : 'province';
        break;
      }
      case 'province': {
        const centers = cat.centers.filter((c) => c.province === arg);
        if (!centers.length) return;
        flow.province = arg;
        if (centers.length === 1) {
          flow.center = centers[0]!.code;
          flow.centerAuto = true;
          flow.step = 'service';
        } else {
          flow.centerAuto = false;
          flow.step = 'center';
        }
        break;
      }
      case 'center': {
        const c = cat.centerByCode.get(arg);
        if (!c || c.province !== flow.province) return;
        flow.center = c.code;
        flow.step = 'service';
        break;
      }
      case 'service': {
        if (arg !== '-' && !cat.serviceByCode.has(arg)) return;
        flow.service = arg === '-' ? undefined : arg;
        flow.step = 'rating';
        break;
      }
      case 'rating': {
        const r = Number(arg);
        if (!Number.isInteger(r) || r < 1 || r > 5) return;
        flow.rating = r;
        flow.step = 'comment';
        break;
      }
      case 'comment':
        if (arg !== 'skip') return;
        flow.comment = undefined;
        flow.step = 'contact';
        break;
      case 'contact':
        if (arg === 'phone') {
          flow.step = 'phone';
          // The inline menu stays above; the reply keyboard with the contact button comes below.
          return showPhone(ctx);
        }
        if (arg !== 'chat' && arg !== 'anonymous') return;
        flow.contact = arg;
        flow.phoneSealed = undefined;
        // Drawn now and saved with the session, so a redelivered 'ok' queues the same name.
        if (arg === 'anonymous') flow.anonRef ??= anonymousMessageRef();
        flow.step = 'confirm';
        break;
      case 'confirm':
        if (arg !== 'ok') return;
        return submit(ctx, flow);
      case 'phone':
        return;
    }
    await show(ctx, flow, 'edit');
  }

  /** Puts the guided flow's answers on the intake queue and shows the tracking code. */
  async function submit(ctx: Context, flow: Flow): Promise<void> {
    const { chatId, chatHash, s } = state(ctx);
    const lang = langOf(ctx);
    const anonymous = flow.contact === 'anonymous';
    const meta: IntakeEnvelope['meta'] = { flow: 'guided', contact: flow.contact ?? 'chat' };
    if (flow.phoneSealed) meta.contactPhoneSealed = flow.phoneSealed;
    // Anonymous feedback keeps no link to its chat: its name is random, drawn when the citizen chose
    // to stay anonymous and kept in this flow only (a redelivered 'ok' reuses it); its tracking
    // code is derived from that name. Other feedback is queued under a keyed hash of the message.
    const externalId = anonymous
      ? (flow.anonRef ??= anonymousMessageRef())
      : telegramMessageRef(deps.vault, chatId, flow.openedBy);
    const env: IntakeEnvelope = {
      v: 1,
      channel: 'telegram',
      externalId,
      trackingCode: anonymous
        ? deps.producer.codeFor('telegram', externalId)
        : deps.producer.codeFor('telegram', `${chatId}:${flow.openedBy}`),
      receivedAt: new Date().toISOString(),
      sender: anonymous
        ? { kind: 'anonymous', consentToContact: false }
        : {
            kind: 'telegram',
            id: deps.vault.encrypt(String(chatId), 'telegram'),
            consentToContact: true,
          },
      ...(flow.comment ? { text: flow.comment } : {}),
      ...(flow.rating ? { rating: flow.rating } : {}),
      ...(flow.center ? { centerCode: flow.center } : {}),
      ...(flow.service ? { serviceCode: flow.service } : {}),
      locale: lang,
      meta,
    };
    const code = await deps.producer.enqueue(env);
    await remember(code, anonymous ? ANONYMOUS_OWNER : chatHash);
    s.flow = undefined;
    await editOrSend(ctx, flow.messageId, t(lang, 'sent', { code: formatTrackingCode(code) }));
  }

  const remember = (code: string, chatHash: string) =>
    deps.redis
      .set(telegramOwnerKey(config.queuePrefix, code), chatHash, 'EX', OWNER_TTL_S)
      .catch(() => undefined);

  /**
   * Free text (or a photo's caption) outside a flow: feedback, classified by the worker. Messages
   * a chat sends within TELEGRAM_THREAD_WINDOW_MIN of each other join one feedback, like SMS.
   */
  async function freeText(
    ctx: Context,
    msg: Message,
    text: string,
    chosen: Pick<IntakeEnvelope, 'centerCode' | 'serviceCode' | 'rating'> = {},
  ): Promise<void> {
    const { chatId, chatHash, s } = state(ctx);
    const script = detectScript(text);
    const lang: Lang = s.lang ?? (script === 'en' ? 'en' : 'lo');
    const meta: IntakeEnvelope['meta'] = { flow: 'free' };
    if ('photo' in msg || 'document' in msg) meta.media = true;
    const threadKey = telegramThreadKey(config.queuePrefix, chatHash);
    const externalId = telegramMessageRef(deps.vault, chatId, msg.message_id);
    // A redelivered message joins what its first delivery joined, though the chat's thread may
    // have moved since: deciding again could store it twice (shared/intake-decision.ts).
    const joinTo = await decideOnce(
      deps.redis,
      intakeDecisionKey(config.queuePrefix, 'telegram', externalId),
      async () => (config.telegram.threadWindowS > 0 ? await deps.redis.get(threadKey) : null),
    );
    if (joinTo) meta.appendTo = joinTo;
    const enqueued = await deps.producer.enqueue({
      v: 1,
      channel: 'telegram',
      externalId,
      // Codes stay what they were when the pair itself was queued.
      trackingCode: deps.producer.codeFor('telegram', `${chatId}:${msg.message_id}`),
      receivedAt: new Date(msg.date * 1000).toISOString(),
      sender: {
        kind: 'telegram',
        id: deps.vault.encrypt(String(chatId), 'telegram'),
        consentToContact: true,
      },
      text,
      ...(joinTo ? {} : chosen),
      locale: lang,
      meta,
    });
    const code = joinTo ?? enqueued;
    await remember(code, chatHash);
    if (config.telegram.threadWindowS > 0)
      await deps.redis.set(threadKey, code, 'EX', config.telegram.threadWindowS);
    const shown = formatTrackingCode(code);
    await ctx.telegram.sendMessage(
      chatId,
      joinTo && joinTo !== enqueued
        ? t(lang, 'appended', { code: shown })
        : t(lang, 'receipt', { code: shown }),
      { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } },
    );
  }

  async function status(ctx: Context, arg: string): Promise<void> {
    const { chatId, chatHash } = state(ctx);
    const lang = langOf(ctx);
    if (!arg.trim()) {
      await ctx.telegram.sendMessage(chatId, t(lang, 'statusUsage'));
      return;
    }
    const code = parseTrackingCode(arg);
    let label: string | null = null;
    if (code) {
      const doc = await deps.Feedback.findById(code, { status: 1, sender: 1, meta: 1 }).lean();
      if (doc) {
        // Anonymous feedback names no chat: like the public status page, its code alone is asked.
        const mine = doc.sender.idHash === chatHash || doc.sender.kind === 'anonymous';
        if (mine) label = STATUS_LABELS[lang][doc.status];
      } else {
        const owner = await deps.redis.get(telegramOwnerKey(config.queuePrefix, code));
        if (owner === chatHash || owner === ANONYMOUS_OWNER) label = STATUS_LABELS[lang].received;
      }
    }
    await ctx.telegram.sendMessage(
      chatId,
      label && code
        ? t(lang, 'status', { code: formatTrackingCode(code), status: label })
        : t(lang, 'notFound', { code: arg.trim().slice(0, 20).toUpperCase() }),
    );
  }

  // ---- commands ----------------------------------------------------------------------------

  const commandArg = (ctx: Context) => {
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
    return text.replace(/^\/\S+\s*/, '');
  };
  const messageId = (ctx: Context) => ctx.message!.message_id;

  bot.start(async (ctx) => {
    // A deep link t.me/<bot>?start=<center code> (a poster at the center) preselects the center.
    const cat = await deps.catalog.get();
    const center = cat.centerByCode.get(commandArg(ctx).trim().toUpperCase());
    await startFlow(ctx, messageId(ctx), { askLang: true, center });
  });
  bot.command('feedback', (ctx) => startFlow(ctx, messageId(ctx), { askLang: false }));
  bot.command('language', (ctx) => startFlow(ctx, messageId(ctx), { askLang: true, then: 'none' }));
  bot.command('cancel', (ctx) => cancel(ctx));
  bot.command('status', (ctx) => status(ctx, commandArg(ctx)));
  bot.command('help', async (ctx) => {
    const s = state(ctx).s;
    const text = s.lang ? t(s.lang, 'help') : `${t('lo', 'help')}\n\n${t('en', 'help')}`;
    await ctx.telegram.sendMessage(state(ctx).chatId, text);
  });

  // ---- buttons ----------------------------------------------------------------------------

  bot.on('callback_query', async (ctx) => {
    const q = ctx.callbackQuery;
    const data = 'data' in q ? q.data : '';
    const m = /^f:([0-9a-f]{6}):([a-z]+):([A-Za-z0-9_<-]{1,50})$/.exec(data);
    const flow = state(ctx).s.flow;
    const answer = (text?: string) => ctx.telegram.answerCbQuery(q.id, text).catch(() => undefined); // too old on a redelivery
    const survey = parseSurveyButton(data);
    if (survey && q.message) {
      // The answer to "how satisfied are you with the resolution?" (shared/staff/survey.ts).
      const { chatId } = state(ctx);
      await deps.producer.enqueue({
        v: 1,
        channel: 'telegram',
        externalId: telegramMessageRef(deps.vault, chatId, q.message.message_id),
        trackingCode: deps.producer.codeFor('telegram', `${chatId}:${q.message.message_id}`),
        receivedAt: new Date().toISOString(),
        sender: {
          kind: 'telegram',
          id: deps.vault.encrypt(String(chatId), 'telegram'),
          consentToContact: true,
        },
        rating: survey.rating,
        locale: langOf(ctx),
        meta: { surveyFor: survey.code },
      });
      await answer(surveyThanks(langOf(ctx)));
      await ctx.telegram
        .editMessageReplyMarkup(chatId, q.message.message_id, undefined, undefined)
        .catch(() => undefined);
      return;
    }
    if (
      !m ||
      !flow ||
      flow.id !== m[1] ||
      flow.step !== m[2] ||
      (flow.messageId !== undefined && q.message?.message_id !== flow.messageId)
    ) {
      await answer(t(langOf(ctx), 'expired'));
      return;
    }
    await answer();
    const arg = m[3]!;
    if (arg === 'x') return cancel(ctx);
    if (arg === '<') return back(ctx, flow);
    await choose(ctx, flow, arg);
  });

  // ---- messages ----------------------------------------------------------------------------

  bot.on('message', async (ctx) => {
    const msg = ctx.message;
    const { chatId, s } = state(ctx);
    const lang = langOf(ctx);
    const flow = s.flow;
    const text = 'text' in msg ? msg.text : 'caption' in msg ? (msg.caption ?? '') : '';

    if (flow?.step === 'phone') {
      if ('contact' in msg) {
        const c = msg.contact;
        // Only the sender's own number, shared with the button (not a forwarded contact card).
        if (c.user_id !== ctx.from!.id) {
          await ctx.telegram.sendMessage(chatId, t(lang, 'phoneNotYours'));
          return;
        }
        const phone = toE164(
          c.phone_number.startsWith('+') ? c.phone_number : `+${c.phone_number}`,
        );
        if (!phone) {
          await ctx.telegram.sendMessage(chatId, t(lang, 'phoneInvalid'));
          return;
        }
        flow.contact = 'phone';
        flow.phoneSealed = deps.vault.encrypt(phone, 'phone');
        flow.step = 'confirm';
        await removeReplyKeyboard(ctx, t(lang, 'phoneThanks'));
        return show(ctx, flow, 'new');
      }
      if (text === t('lo', 'back') || text === t('en', 'back')) return back(ctx, flow);
      if (text === t('lo', 'cancel') || text === t('en', 'cancel')) return cancel(ctx);
      await ctx.telegram.sendMessage(chatId, t(lang, 'phoneNotYours'));
      return;
    }

    if (flow?.step === 'comment' && text.trim()) {
      flow.comment = text;
      flow.step = 'contact';
      return show(ctx, flow, 'new');
    }

    if (flow) {
      // A rating typed instead of pressed (Lao digits too).
      const typed = /^\s*([1-5])\s*$/.exec(laoDigitsToAscii(text));
      if (flow.step === 'rating' && typed) return choose(ctx, flow, typed[1]!);
      // A message typed instead of a button is the citizen's words: kept as feedback of its own,
      // with what the flow had chosen so far, never dropped.
      if (looksLikeMessage(text)) {
        s.flow = undefined;
        await editOrSend(ctx, flow.messageId, t(lang, 'flowEnded'));
        return freeText(ctx, msg as Message, text, {
          ...(flow.center ? { centerCode: flow.center } : {}),
          ...(flow.service ? { serviceCode: flow.service } : {}),
          ...(flow.rating ? { rating: flow.rating } : {}),
        });
      }
    }
    if (flow) {
      // Typing while the bot waits for a button: say so, and bring the buttons back down.
      await ctx.telegram.sendMessage(chatId, t(lang, 'useButtons'));
      return show(ctx, flow, 'new');
    }

    if (text.startsWith('/')) {
      // An unknown command is not feedback.
      await ctx.telegram.sendMessage(chatId, t(lang, 'help'));
      return;
    }
    if (text.trim()) return freeText(ctx, msg as Message, text);
    await ctx.telegram.sendMessage(chatId, t(lang, 'textOnly'));
  });

  return bot;
}

/** Telegraf asks getMe before the first update; do it once, so a failure is not cached. */
export async function ensureBotInfo(bot: Telegraf): Promise<void> {
  if (bot.botInfo) return;
  bot.botInfo = await bot.telegram.getMe();
}
