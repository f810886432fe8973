/**
 * The "staff-jobs" queue: the escalation sweep and the nightly rollup recount as BullMQ job
 * schedulers (one schedule however many workers run; each run is one job, so two workers never
 * run it at once). Overdue notices to staff who linked a Telegram chat go out through the notify
 * queue like every other message.
 */
import { Queue, Worker, type Job } from 'bullmq';
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
import { eraseExpired, type ErasureDeps } from '../../shared/privacy/erasure';
import type { AuditLog } from '../../shared/staff/audit-log';
import { QueueIndex } from '../../shared/staff/queue-index';
import type { ReportDays } from '../../shared/reports/report-days';
import { ALERTS_JOB, evaluateAlerts, type AlertsDeps } from './alerts.job';
import { isDay } from '../../shared/staff/vientiane-days';
import { sweep, type EscalationDeps } from './escalation';
import { daysBefore, recountRollups, type RecountDeps } from '../intake/rollup-recount';
import {
  MONTHLY_REPORT_JOB,
  MONTHLY_REPORT_PATTERN,
  monthlyReportJob,
  type MonthlyReportJobDeps,
} from './monthly-report.job';

/** The nightly recount: 00:30 in Vientiane, for the two days before (late kiosk uploads included). */
export const RECOUNT_JOB = 'rollups-recount';
export const RECOUNT_PATTERN = '30 0 * * *';
export const RECOUNT_DAYS = 2;

/** Personal data past PII_RETENTION_DAYS is erased nightly at 03:15 Vientiane (docs/privacy.md). */
export const RETENTION_JOB = 'pii-retention';
export const RETENTION_PATTERN = '15 3 * * *';

/** The report days re-read what changed (shared/reports/report-days.ts): every few seconds. */
export const REPORTS_REFRESH_JOB = 'reports-refresh';
export const REPORTS_REFRESH_EVERY_MS = 5_000;

/** Runs one recount job: the days in its data (a run by hand), else the days before today. */
async function recountJob(deps: RecountDeps, job: Job, log: Logger) {
  const asked = (job.data as { days?: unknown } | undefined)?.days;
  const days =
    Array.isArray(asked) && asked.every((d) => typeof d === 'string' && isDay(d))
      ? (asked as string[])
      : daysBefore(Date.now(), RECOUNT_DAYS);
  const r = await recountRollups(deps, days, { by: 'nightly' });
  log.info('rollups recount', {
    days,
    buckets: r.buckets,
    corrected: r.corrected.length,
    settled: r.settled,
  });
  return { days, buckets: r.buckets, corrected: r.corrected.length, settled: r.settled };
}

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
            toSealed: notify.vault.encrypt(chatId, 'telegram'),
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
  /** With it, the nightly rollup recount is scheduled and run here too. */
  recount?: RecountDeps,
  /** With it, report days are refreshed every few seconds and rebuilt after each recount. */
  reports?: ReportDays,
  /** With it, the monthly report is made, stored and announced on the 1st of each month. */
  monthly?: MonthlyReportJobDeps,
  /** With it, alert rules are evaluated every `everyMs` (workers/staff/alerts.job.ts). */
  alerts?: { deps: AlertsDeps; everyMs: number },
  /** With it, the retention sweep erases personal data older than `days` (shared/privacy). */
  retention?: { deps: ErasureDeps; days: number; audit?: AuditLog },
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
  if (recount)
    await queue.upsertJobScheduler(
      RECOUNT_JOB,
      { pattern: RECOUNT_PATTERN, tz: 'Asia/Vientiane' },
      { name: RECOUNT_JOB, opts: { backoff: { type: 'exponential', delay: 60_000 } } },
    );
  if (reports)
    await queue.upsertJobScheduler(
      REPORTS_REFRESH_JOB,
      { every: REPORTS_REFRESH_EVERY_MS },
      { name: REPORTS_REFRESH_JOB, opts: { attempts: 1, removeOnComplete: 10, removeOnFail: 50 } },
    );
  if (monthly)
    await queue.upsertJobScheduler(
      MONTHLY_REPORT_JOB,
      { pattern: MONTHLY_REPORT_PATTERN, tz: 'Asia/Vientiane' },
      {
        name: MONTHLY_REPORT_JOB,
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 5 * 60_000 } },
      },
    );
  if (alerts)
    await queue.upsertJobScheduler(
      ALERTS_JOB,
      { every: alerts.everyMs },
      { name: ALERTS_JOB, opts: { attempts: 1, removeOnComplete: 10, removeOnFail: 50 } },
    );
  if (retention && retention.days > 0)
    await queue.upsertJobScheduler(
      RETENTION_JOB,
      { pattern: RETENTION_PATTERN, tz: 'Asia/Vientiane' },
      { name: RETENTION_JOB, opts: { backoff: { type: 'exponential', delay: 60_000 } } },
    );
  else await queue.removeJobScheduler(RETENTION_JOB);
  const worker = new Worker(
    QUEUE_STAFF_JOBS,
    async (job: Job) => {
      if (job.name === RETENTION_JOB) {
        if (!retention) throw new Error('this worker runs no retention sweep');
        const r = await eraseExpired(retention.deps, retention.days);
        log.info('personal data retention', { days: retention.days, ...r });
        if (r.feedback || r.contacts || r.chats || r.jobs)
          await retention.audit?.record({
            actor: null,
            action: 'erase',
            target: 'retention',
            details: { days: retention.days, ...r },
          });
        return r;
      }
      if (job.name === ALERTS_JOB) {
        if (!alerts) return { skipped: true };
        const r = await evaluateAlerts(alerts.deps);
        if (r.opened.length || r.closed.length)
          log.info('alerts', { opened: r.opened, closed: r.closed, open: r.open });
        return r;
      }
      if (job.name === MONTHLY_REPORT_JOB) {
        if (!monthly) throw new Error('this worker makes no monthly report');
        return monthlyReportJob(monthly, job.data);
      }
      if (job.name === REPORTS_REFRESH_JOB) {
        if (!reports) return { skipped: true };
        return reports.refresh();
      }
      if (job.name === RECOUNT_JOB) {
        if (!recount) throw new Error('this worker runs no rollup recount');
        const r = await recountJob(recount, job, log);
        // The safety net of the report days: the recounted days are rebuilt from the records.
        if (reports) await reports.rebuildDays(r.days);
        return r;
      }
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
  worker.on('failed', (job, err) =>
    log.error(`${job?.name ?? 'staff job'} failed`, { job: job?.name, error: err.message }),
  );
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
