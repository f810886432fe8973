/**
 * SMS conversation state in Redis, with a TTL: the open thread of a number (messages within the
 * window are pieces of one feedback) and the follow-up question we asked it (its next message is
 * the answer). Keyed by the number's keyed hash, never the number.
 */
import type IORedis from 'ioredis';
import type { Queue } from 'bullmq';
import type { OutboundMessageModel } from './models/outbound-message.model';
import { enqueueNotify, type NotifyJob } from './notify';

/** A feedback is asked about its center at most once in this time. */
export const FOLLOWUP_TTL_S = 24 * 3600;

export const threadKey = (prefix: string, phoneHash: string) => `${prefix}:sms:thread:${phoneHash}`;
export const followupKey = (prefix: string, phoneHash: string) =>
  `${prefix}:sms:followup:${phoneHash}`;

export const FOLLOWUP_TEXT = {
  lo: 'ຂອບໃຈ. ແມ່ນຫ້ອງການ ເມືອງ ຫຼື ແຂວງໃດ? ກະລຸນາຕອບກັບ',
  en: 'Thank you. Which district or province was this? Please reply.',
} as const;

/**
 * The worker's follow-up: asks once (per feedback) which center a message meant, and remembers for
 * `windowS` (SMS_FOLLOWUP_WINDOW_MIN) that the number's next message may answer it — the webhook
 * takes it as the answer only if it looks like one (services/api/channels/sms-followup.ts).
 * A window of 0 asks nothing.
 */
export function smsFollowUp(deps: {
  redis: IORedis;
  prefix: string;
  windowS: number;
  queue: Queue<NotifyJob>;
  Outbound: OutboundMessageModel;
}) {
  return async (
    doc: { _id: string },
    toSealed: string,
    toHash: string,
    lang: 'lo' | 'en',
  ): Promise<void> => {
    if (deps.windowS <= 0) return;
    const asked = await deps.redis.set(
      `${deps.prefix}:sms:asked:${doc._id}`,
      '1',
      'EX',
      FOLLOWUP_TTL_S,
      'NX',
    );
    if (asked !== 'OK') return; // a retried job does not ask twice
    await deps.redis.set(followupKey(deps.prefix, toHash), doc._id, 'EX', deps.windowS);
    await enqueueNotify(deps.queue, deps.Outbound, {
      toSealed,
      toHash,
      body: FOLLOWUP_TEXT[lang],
      purpose: 'followup',
      feedbackId: doc._id,
    });
  };
}
