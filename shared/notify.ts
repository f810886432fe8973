/**
 * The "notify" queue: every message to a citizen goes through it, so that it is retried, recorded
 * and never sent to a number that opted out. Producers call enqueueNotify().
 */
import { randomUUID } from 'node:crypto';
import { Queue, type DefaultJobOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { z } from 'zod';
import type { Config } from './config';
import type { OutboundMessageModel } from './models/outbound-message.model';
import { QUEUE_NOTIFY } from './queues';

export const NotifyJobSchema = z.object({
  v: z.literal(1),
  messageId: z.string().uuid(),
  channel: z.literal('sms'),
  /** The recipient, sealed with PII_KEY. */
  toSealed: z.string().min(1),
  body: z.string().min(1).max(1600),
});
export type NotifyJob = z.infer<typeof NotifyJobSchema>;

/** Sending is retried for about ten minutes (8 tries from NOTIFY_BACKOFF_MS, doubling, jitter); failures are kept. */
export function notifyJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: 8,
    backoff: { type: 'exponential', delay: config.notify.backoffMs, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

export function createNotifyQueue(config: Config, connection: IORedis): Queue<NotifyJob> {
  return new Queue<NotifyJob>(QUEUE_NOTIFY, {
    connection,
    prefix: config.queuePrefix,
    defaultJobOptions: notifyJobOptions(config),
  });
}

export interface NotifyRequest {
  toSealed: string;
  toHash: string;
  body: string;
  purpose: 'reply' | 'status' | 'followup';
  feedbackId?: string;
}

/** Records the message as queued and puts it on the notify queue; returns its id. */
export async function enqueueNotify(
  queue: Queue<NotifyJob>,
  Outbound: OutboundMessageModel,
  req: NotifyRequest,
): Promise<string> {
  const messageId = randomUUID();
  await Outbound.create({
    _id: messageId,
    channel: 'sms',
    toHash: req.toHash,
    body: req.body,
    purpose: req.purpose,
    feedbackId: req.feedbackId,
    status: 'queued',
    attempts: 0,
  });
  await queue.add(
    'sms',
    { v: 1, messageId, channel: 'sms', toSealed: req.toSealed, body: req.body },
    { jobId: `notify-${messageId}` },
  );
  return messageId;
}
