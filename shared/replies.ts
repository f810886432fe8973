/**
 * A reply from staff to the citizen behind a feedback, on the channel that reaches them: an SMS
 * to the number they gave (SMS, web form, kiosk "contact me"), or a message in the Telegram chat
 * they wrote from. Only where they agreed to be contacted; anonymous feedback has no way back.
 */
import type { Queue } from 'bullmq';
import type { FeedbackModel } from './models/feedback.model';
import type { OutboundMessageModel } from './models/outbound-message.model';
import { enqueueNotify, type NotifyJob, type NotifyRequest } from './notify';

export class NoWayToReplyError extends Error {
  override name = 'NoWayToReplyError';
}

export async function enqueueReply(
  deps: { Feedback: FeedbackModel; Outbound: OutboundMessageModel; queue: Queue<NotifyJob> },
  feedbackId: string,
  body: string | ((channel: 'sms' | 'telegram') => Pick<NotifyRequest, 'body' | 'buttons'>),
  purpose: 'reply' | 'survey' = 'reply',
): Promise<{ messageId: string; channel: 'sms' | 'telegram'; toHash: string }> {
  const doc = await deps.Feedback.findById(feedbackId, { sender: 1 }).lean();
  if (!doc) throw new NoWayToReplyError(`feedback ${feedbackId} was not found`);
  const { sender } = doc;
  if (!sender.idSealed || !sender.idHash)
    throw new NoWayToReplyError('this feedback is anonymous: there is no way to reply');
  if (!sender.consentToContact)
    throw new NoWayToReplyError('the citizen did not agree to be contacted');
  const channel = sender.kind === 'phone' ? 'sms' : sender.kind === 'telegram' ? 'telegram' : null;
  if (!channel) throw new NoWayToReplyError(`no reply channel for a ${sender.kind} sender`);
  const content = typeof body === 'string' ? { body } : body(channel);
  const messageId = await enqueueNotify(deps.queue, deps.Outbound, {
    channel,
    toSealed: sender.idSealed,
    toHash: sender.idHash,
    ...content,
    purpose,
    feedbackId,
  });
  return { messageId, channel, toHash: sender.idHash };
}
