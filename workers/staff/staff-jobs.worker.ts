/**
 * The "staff-jobs" queue: the escalation sweep as a BullMQ job scheduler (one schedule however many
 * workers run; each run is one job, so two workers never sweep at once). Overdue notices to staff
 * who linked a Telegram chat go out through the notify queue like every other message.
 */
import { Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import type { Config } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import { feedbackModel } from '../../shared/models/feedback.model';
import { outboundMessageModel } from '../../shared/models/outbound-message.model';
import { staffUserModel } from '../../shared/models/staff-user.model';
import { enqueueNotify, type NotifyJob } from '../../shared/notify';
import type { PiiVault } from '../../shared/pii';
import { QUEUE_STAFF_JOBS } from '../../shared/queues';
import { RedisLock } from '../../shared/redis-lock';
import { NoticeBoard } from '../../shared/staff/notices';
import { QueueIndex } from '../../shared/staff/queue-index';
import { sweep, type EscalationDeps } from './escalation';

export function escalationDeps(
  config: Config,
  conn: Connection,
  redis: IORedis,
  notify?: { queue: Queue<NotifyJob>; vault: PiiVault },
): EscalationDeps {
  const Outbound = outboundMessageModel(conn);
  return {
    Feedback: feedbackModel(conn),
    Users: staffUserModel(conn),
    index: new QueueIndex(redis, config.queuePrefix),
    notices: new NoticeBoard(redis, config.queuePrefix),
    lock: new RedisLock(redis, config.queuePrefix),
    policy: {
      managerAfterMs: config.staff.managerAfterS * 1000,
      taskforceAfterMs: config.staff.taskforceAfterS * 1000,
      keepClosedMs: config.staff.keepClosedDays * 86_400_000,
    },
    telegram: notify
      ? async (chatId, text) => {
          await enqueueNotify(notify.queue, Outbound, {
            channel: 'telegram',
            toSealed: notify.vault.encrypt(chatId),
            toHash: notify.vault.hash(`telegram:${chatId}`),
            body: text,
            purpose: 'status',
          });
        }
      : undefined,
  };
}

export async function startStaffJobs(
  config: Config,
  connection: IORedis,
  deps: EscalationDeps,
  log: Logger,
): Promise<{ worker: Worker; queue: Queue; close(): Promise<void> }> {
  const queue = new Queue(QUEUE_STAFF_JOBS, {
    connection,
    prefix: config.queuePrefix,
    defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100, attempts: 3 },
  });
  await queue.upsertJobScheduler(
    'escalation-sweep',
    { every: config.staff.sweepS * 1000 },
    { name: 'sweep' },
  );
  const worker = new Worker(
    QUEUE_STAFF_JOBS,
    async () => {
      const r = await sweep(deps, Date.now());
      if (r.escalated.length || r.pruned)
        log.info('escalation sweep', {
          overdue: r.overdue,
          escalated: r.escalated.length,
          pruned: r.pruned,
        });
      return { overdue: r.overdue, escalated: r.escalated.length, pruned: r.pruned };
    },
    { connection, prefix: config.queuePrefix, concurrency: 1 },
  );
  worker.on('failed', (_job, err) => log.error('escalation sweep failed', { error: err.message }));
  worker.on('error', (err) => log.error('staff jobs worker error', { error: err.message }));
  return {
    worker,
    queue,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
