/**
 * The notify worker: sends each queued message on its channel (SMS through Twilio, a Telegram
 * chat through the Bot API) unless its recipient opted out or blocked the bot, records the
 * outcome on the message, and lets BullMQ retry what failed for a passing reason (exponential
 * backoff, see shared/notify.ts). A permanent failure is recorded and not retried. When Telegram
 * answers 429 with `retry_after`, the job waits exactly that long without spending a try.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { cappedBackoff } from '../../shared/queues';
import type IORedis from 'ioredis';
import type { Config } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import type { OutboundMessageModel } from '../../shared/models/outbound-message.model';
import type { SmsContactModel } from '../../shared/models/sms-contact.model';
import type { TelegramChatModel } from '../../shared/models/telegram-chat.model';
import { requestIdOf, withLogContext } from '../../shared/log-context';
import { NotifyJobSchema, type NotifyJob } from '../../shared/notify';
import type { PiiVault } from '../../shared/pii';
import { maskNumbersIn } from '../../shared/phone';
import { QUEUE_NOTIFY } from '../../shared/queues';
import { telegramSessionKey } from '../../shared/telegram-keys';
import { ChatSendError, LogChatTransport, type ChatTransport } from './telegram.transport';
import { SmsSendError, type SmsTransport } from './twilio-sms.transport';

/** A chat that keeps answering 429 is retried this many times before tries are spent. */
export const MAX_RATE_LIMITED = 20;

export interface NotifyDeps {
  config: Config;
  connection: IORedis;
  Outbound: OutboundMessageModel;
  SmsContact: SmsContactModel;
  vault: PiiVault;
  /** SMS transport (Twilio, or log without credentials). */
  transport: SmsTransport;
  /** Telegram transport (Bot API, or log without a token). */
  chat?: ChatTransport;
  TelegramChat?: TelegramChatModel;
  log: Logger;
}

/** Thrown by processNotify when the provider asked us to wait: the caller delays the job. */
export class RetryAfter extends Error {
  constructor(readonly ms: number) {
    super(`retry after ${ms} ms`);
  }
}

const DONE = ['sent', 'delivered', 'suppressed', 'logged'];
/** Without a bot token, Telegram messages are recorded, not sent. */
const NO_BOT = new LogChatTransport();

type ProcessDeps = Omit<NotifyDeps, 'connection'> & { connection?: IORedis };

export async function processNotify(
  deps: ProcessDeps,
  data: unknown,
  attempt: number,
): Promise<string> {
  const parsed = NotifyJobSchema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError('invalid notify job');
  const job: NotifyJob = parsed.data;
  const msg = await deps.Outbound.findById(job.messageId).lean();
  if (!msg) throw new UnrecoverableError(`outbound message ${job.messageId} not found`);
  if (DONE.includes(msg.status)) return msg.status; // a redelivered job
  const set = (fields: Record<string, unknown>) =>
    deps.Outbound.updateOne({ _id: msg._id }, { $set: fields });

  if (job.channel === 'telegram') return sendTelegram(deps, job, msg, set, attempt);

  const contact = await deps.SmsContact.findById(msg.toHash).lean();
  if (contact?.optedOut) {
    await set({ status: 'suppressed' });
    return 'suppressed';
  }
  const to = deps.vault.decrypt(job.toSealed, 'phone');
  const statusCallback = `${deps.config.publicBaseUrl}/webhooks/sms/twilio/status?m=${msg._id}`;
  const accepted = await acceptedBefore(deps, msg._id);
  if (accepted)
    return recordSent(deps, set, deps.transport.name, accepted, msg._id, 'no Twilio credentials');
  await set({ status: 'sending', attempts: attempt, transport: deps.transport.name });
  let sid: string | null;
  try {
    sid = await deps.transport.send(
      to,
      job.body,
      deps.transport.name === 'twilio' ? statusCallback : undefined,
    );
  } catch (err) {
    return recordFailure(
      set,
      err instanceof SmsSendError ? err : new SmsSendError(String(err), false),
    );
  }
  await recordAccepted(deps, msg._id, sid);
  return recordSent(deps, set, deps.transport.name, sid, msg._id, 'no Twilio credentials');
}

/** How long the provider's acceptance of a message is remembered in Redis. */
const ACCEPTED_TTL_S = 7 * 24 * 3600;
const acceptedKey = (prefix: string, messageId: string) => `${prefix}:notify:accepted:${messageId}`;

/**
 * Written to Redis the moment the provider accepted the message, before anything else (MongoDB)
 * can fail: a retry of the job then records the send instead of sending again. Sent at least once,
 * never twice for a retry; only a crash between the provider's answer and this write resends.
 */
async function recordAccepted(deps: ProcessDeps, messageId: string, id: string | null) {
  await deps.connection
    ?.set(acceptedKey(deps.config.queuePrefix, messageId), id ?? '-', 'EX', ACCEPTED_TTL_S)
    .catch((err: Error) =>
      deps.log.warn('could not remember the provider accepted a message', {
        messageId,
        error: err.message,
      }),
    );
}

/** The provider id of an earlier try the provider accepted ('-' when it gave none), or null. */
async function acceptedBefore(deps: ProcessDeps, messageId: string): Promise<string | null> {
  const v = await deps.connection?.get(acceptedKey(deps.config.queuePrefix, messageId));
  if (v === undefined || v === null) return null;
  deps.log.info('the provider accepted this message on an earlier try: not sent again', {
    messageId,
  });
  return v;
}

type SetFields = (fields: Record<string, unknown>) => Promise<unknown>;

/** Records a message as sent (with the provider's id), or as logged when no provider is set. */
async function recordSent(
  deps: ProcessDeps,
  set: SetFields,
  transport: string,
  providerId: string | null,
  messageId: string,
  why: string,
): Promise<string> {
  const status = transport === 'log' ? 'logged' : 'sent';
  const sid = providerId && providerId !== '-' ? providerId : null;
  await set({ status, ...(sid ? { providerSid: sid } : {}), lastError: undefined });
  if (status === 'logged')
    deps.log.info(`message not sent (${why}): recorded for staff`, { messageId });
  return status;
}

/** Records a failed try; a permanent failure is not retried. */
async function recordFailure(
  set: SetFields,
  e: Error & { permanent: boolean; code?: string },
): Promise<never> {
  // The provider's text may name the recipient: it is recorded (and becomes the failed job's
  // reason, kept in the dead-letter set) with every number masked; the code says the rest.
  const reason = maskNumbersIn(e.message);
  await set({
    status: e.permanent ? 'failed' : 'queued',
    lastError: reason,
    ...(e.code ? { errorCode: e.code } : {}),
  });
  if (e.permanent) throw new UnrecoverableError(reason);
  e.message = reason;
  throw e;
}

async function sendTelegram(
  deps: ProcessDeps,
  job: NotifyJob,
  msg: { _id: string; toHash: string; rateLimited?: number },
  set: SetFields,
  attempt: number,
): Promise<string> {
  const transport = deps.chat ?? NO_BOT;
  const chat = deps.TelegramChat ? await deps.TelegramChat.findById(msg.toHash).lean() : null;
  if (chat?.unreachable) {
    await set({ status: 'suppressed', lastError: 'the chat blocked the bot' });
    return 'suppressed';
  }
  const accepted = await acceptedBefore(deps, msg._id);
  if (accepted)
    return recordSent(deps, set, transport.name, accepted, msg._id, 'no Telegram bot token');
  await set({ status: 'sending', attempts: attempt, transport: transport.name });
  let id: string | null;
  try {
    id = await transport.send(deps.vault.decrypt(job.toSealed, 'telegram'), job.body, job.buttons);
  } catch (err) {
    const e = err instanceof ChatSendError ? err : new ChatSendError(String(err), false);
    if (e.unreachable && deps.TelegramChat) {
      await deps.TelegramChat.updateOne(
        { _id: msg.toHash },
        { $set: { unreachable: true, unreachableAt: new Date(), updatedAt: new Date() } },
        { upsert: true },
      );
      // The bot re-reads the chat record when the chat writes again, and then clears the mark.
      await deps.connection
        ?.del(telegramSessionKey(deps.config.queuePrefix, msg.toHash))
        .catch(() => undefined);
    }
    const limited = (msg.rateLimited ?? 0) + 1;
    if (e.retryAfterS !== undefined && limited <= MAX_RATE_LIMITED) {
      await set({
        status: 'queued',
        lastError: maskNumbersIn(e.message),
        errorCode: e.code,
        rateLimited: limited,
      });
      throw new RetryAfter(e.retryAfterS * 1000);
    }
    return recordFailure(set, e);
  }
  await recordAccepted(deps, msg._id, id);
  return recordSent(deps, set, transport.name, id, msg._id, 'no Telegram bot token');
}

export function createNotifyWorker(deps: NotifyDeps): Worker<NotifyJob, string> {
  const worker = new Worker<NotifyJob, string>(
    QUEUE_NOTIFY,
    // Every line logged while the job runs carries its job id and the request it was queued in.
    (job: Job<NotifyJob>, token?: string) =>
      withLogContext({ requestId: requestIdOf(job.data), jobId: job.id }, async () => {
        try {
          return await processNotify(deps, job.data, job.attemptsMade + 1);
        } catch (err) {
          if (!(err instanceof RetryAfter)) throw err;
          // Telegram's retry_after: wait exactly that long; the try is not spent.
          await job.moveToDelayed(Date.now() + err.ms, token);
          throw new DelayedError();
        }
      }),
    {
      connection: deps.connection,
      prefix: deps.config.queuePrefix,
      concurrency: 8,
      settings: { backoffStrategy: cappedBackoff(deps.config.notify.backoffMaxMs) },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    deps.log.warn('notify attempt failed', {
      jobId: job.id,
      requestId: requestIdOf(job.data),
      attempt: job.attemptsMade,
      error: err.message,
    });
    // Out of tries: the message stays in the failed set for replay, and its record says failed.
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void deps.Outbound.updateOne(
        { _id: job.data.messageId },
        { $set: { status: 'failed' } },
      ).catch(() => undefined);
    }
  });
  worker.on('error', (err) => deps.log.error('notify worker error', { error: err.message }));
  return worker;
}
