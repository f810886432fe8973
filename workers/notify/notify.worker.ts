/**
 * The notify worker: sends each queued message unless its recipient opted out, records the
 * outcome on the message, and lets BullMQ retry what failed for a passing reason (exponential
 * backoff, see shared/notify.ts). A permanent failure is recorded and not retried.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { Config } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import type { OutboundMessageModel } from '../../shared/models/outbound-message.model';
import type { SmsContactModel } from '../../shared/models/sms-contact.model';
import { NotifyJobSchema, type NotifyJob } from '../../shared/notify';
import type { PiiVault } from '../../shared/pii';
import { QUEUE_NOTIFY } from '../../shared/queues';
import { SmsSendError, type SmsTransport } from './twilio-sms.transport';

export interface NotifyDeps {
  config: Config;
  connection: IORedis;
  Outbound: OutboundMessageModel;
  SmsContact: SmsContactModel;
  vault: PiiVault;
  transport: SmsTransport;
  log: Logger;
}

export async function processNotify(
  deps: Omit<NotifyDeps, 'connection'>,
  data: unknown,
  attempt: number,
): Promise<string> {
  const parsed = NotifyJobSchema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError('invalid notify job');
  const job: NotifyJob = parsed.data;
  const msg = await deps.Outbound.findById(job.messageId).lean();
  if (!msg) throw new UnrecoverableError(`outbound message ${job.messageId} not found`);
  if (['sent', 'delivered', 'suppressed', 'logged'].includes(msg.status)) return msg.status; // a redelivered job
  const set = (fields: Record<string, unknown>) =>
    deps.Outbound.updateOne({ _id: msg._id }, { $set: fields });

  const contact = await deps.SmsContact.findById(msg.toHash).lean();
  if (contact?.optedOut) {
    await set({ status: 'suppressed' });
    return 'suppressed';
  }
  const to = deps.vault.decrypt(job.toSealed);
  const statusCallback = `${deps.config.publicBaseUrl}/webhooks/sms/twilio/status?m=${msg._id}`;
  await set({ status: 'sending', attempts: attempt, transport: deps.transport.name });
  try {
    const sid = await deps.transport.send(
      to,
      job.body,
      deps.transport.name === 'twilio' ? statusCallback : undefined,
    );
    const status = deps.transport.name === 'log' ? 'logged' : 'sent';
    await set({ status, ...(sid ? { providerSid: sid } : {}), lastError: undefined });
    if (status === 'logged')
      deps.log.info('sms not sent (no Twilio credentials): recorded for staff', {
        messageId: msg._id,
      });
    return status;
  } catch (err) {
    const e = err instanceof SmsSendError ? err : new SmsSendError(String(err), false);
    await set({
      status: e.permanent ? 'failed' : 'queued',
      lastError: e.message,
      ...(e.code ? { errorCode: e.code } : {}),
    });
    if (e.permanent) throw new UnrecoverableError(e.message);
    throw e;
  }
}

export function createNotifyWorker(deps: NotifyDeps): Worker<NotifyJob, string> {
  const worker = new Worker<NotifyJob, string>(
    QUEUE_NOTIFY,
    (job: Job<NotifyJob>) => processNotify(deps, job.data, job.attemptsMade + 1),
    {
      connection: deps.connection,
      prefix: deps.config.queuePrefix,
      concurrency: 8,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    deps.log.warn('notify attempt failed', {
      jobId: job.id,
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
