/**
 * Queue names, connections, and the retry and concurrency policy of every queue: one file, so
 * that "how often is a job tried, and how long is a failure kept" has one answer.
 */
import { Queue, type DefaultJobOptions } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { Config } from './config';
import type { IntakeEnvelope } from './intake-envelope.schema';

export const QUEUE_INTAKE = 'feedback-intake';
export const QUEUE_NOTIFY = 'notify';
/** Repeatable staff jobs: the escalation sweep (workers/staff). */
export const QUEUE_STAFF_JOBS = 'staff-jobs';

/**
 * Intake: exponential backoff with jitter (2 s, 4 s, 8 s … for INTAKE_ATTEMPTS tries, about
 * 17 minutes with the defaults). Completed jobs are removed because they carry sealed personal
 * data; failed ones stay in the failed set — the dead-letter set — until replayed (npm run dlq).
 */
export function intakeJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.intake.attempts,
    backoff: { type: 'exponential', delay: config.intake.backoffMs, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

/** Worker-side policy for intake: concurrency and lock length (a killed worker's job is retried after it). */
export function intakeWorkerOptions(config: Config) {
  return {
    concurrency: config.intake.concurrency,
    lockDuration: config.intake.lockMs,
    stalledInterval: Math.max(1000, Math.floor(config.intake.lockMs / 2)),
    maxStalledCount: 3,
  };
}

/**
 * Producers (the api) fail fast when Redis is down so the citizen gets a 503 at once instead of a
 * request that hangs; workers wait for Redis forever (BullMQ requires maxRetriesPerRequest: null).
 */
export function redisConnection(url: string, role: 'producer' | 'worker'): IORedis {
  const opts: RedisOptions =
    role === 'producer'
      ? // Auto-pipelining sends the commands of concurrent requests in one write: fewer syscalls on
        // both ends under load. Safe here: producers never issue blocking commands.
        {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
          enableAutoPipelining: true,
        }
      : // No auto-pipelining for workers: it is reported to corrupt job reads under load with Bull.
        { maxRetriesPerRequest: null, enableOfflineQueue: true };
  return new IORedis(url, {
    ...opts,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export type IntakeQueue = Queue<IntakeEnvelope>;

export function createIntakeQueue(config: Config, connection: IORedis): IntakeQueue {
  return new Queue<IntakeEnvelope>(QUEUE_INTAKE, {
    connection,
    prefix: config.queuePrefix,
    defaultJobOptions: intakeJobOptions(config),
  });
}
