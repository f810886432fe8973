/**
 * The "notify" queue: every message to a citizen goes through it, so that it is retried, recorded
 * and never sent to a number that opted out or a chat that blocked the bot. Producers call enqueueNotify().
 */
import { randomUUID } from 'node:crypto';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { z } from 'zod';
import type { Config } from './config';
import { currentRequestId, REQUEST_ID } from './log-context';
import type { OutboundMessageModel } from './models/outbound-message.model';
import { deadLetterPolicy, QUEUE_NOTIFY } from './queues';

export const NotifyJobSchema = z.object({
  v: z.literal(1),
  messageId: z.string().uuid(),
  channel: z.enum(['sms', 'telegram']),
  /** The recipient (a phone number or a Telegram chat id), sealed with PII_KEY. */
  toSealed: z.string().min(1),
  body: z.string().min(1).max(4096),
  /** Telegram only: one row of inline buttons (callback data ≤ 64 bytes). */
  buttons: z
    .array(z.object({ text: z.string().min(1).max(40), data: z.string().min(1).max(64) }))
    .max(8)
    .optional(),
  /**
   * The api request (or the intake job's request) the message was queued in: the notify worker's
   * log lines carry it, so a reply can be followed from the staff member's click to the provider.
   */
  requestId: z.string().regex(REQUEST_ID).optional(),
});
export type NotifyJob = z.infer<typeof NotifyJobSchema>;

/**
 * Sending is retried through an outage of hours: NOTIFY_ATTEMPTS tries, pauses doubling from
 * NOTIFY_BACKOFF_MS up to NOTIFY_BACKOFF_MAX_MS (the notify worker's cappedBackoff); failures are
 * kept for replay, bounded like every dead-letter set.
 */
export function notifyJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.notify.attempts,
    backoff: { type: 'capped', delay: config.notify.backoffMs },
    removeOnComplete: true,
    removeOnFail: deadLetterPolicy(config),
  };
}

export function createNotifyQueue(config: Config, connection: IORedis): Queue<NotifyJob> {
  return new Queue<NotifyJob>(QUEUE_NOTIFY, {
    connection,
    prefix: config.queuePrefix,
    defaultJobOptions: notifyJobOptions(config),
  });
}

/** The longest message each channel takes: 10 SMS segments, or one Telegram message. */
export const MAX_BODY = { sms: 1600, telegram: 4096 } as const;

export interface NotifyRequest {
  /** Default sms. */
  channel?: 'sms' | 'telegram';
  toSealed: string;
  toHash: string;
  body: string;
  purpose: 'reply' | 'status' | 'followup' | 'survey';
  feedbackId?: string;
  buttons?: NotifyJob['buttons'];
}

/** Records the message as queued and puts it on the notify queue; returns its id. */
export async function enqueueNotify(
  queue: Queue<NotifyJob>,
  Outbound: OutboundMessageModel,
  req: NotifyRequest,
): Promise<string> {
  const channel = req.channel ?? 'sms';
  if (req.body.length > MAX_BODY[channel])
    throw new Error(`a ${channel} message is at most ${MAX_BODY[channel]} characters`);
  const messageId = randomUUID();
  const requestId = currentRequestId();
  await Outbound.create({
    _id: messageId,
    channel,
    toHash: req.toHash,
    body: req.body,
    purpose: req.purpose,
    feedbackId: req.feedbackId,
    status: 'queued',
    attempts: 0,
  });
  await queue.add(
    channel,
    {
      v: 1,
      messageId,
      channel,
      toSealed: req.toSealed,
      body: req.body,
      ...(req.buttons ? { buttons: req.buttons } : {}),
      ...(requestId ? { requestId } : {}),
    },
    { jobId: `notify-${messageId}` },
  );
  return messageId;
}
