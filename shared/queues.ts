/**
 * Queue names, connections, and the retry and concurrency policy of every queue: one file, so
 * that "how often is a job tried, and how long is a failure kept" has one answer.
 */
import {
  Queue,
  UnrecoverableError,
  type BackoffStrategy,
  type DefaultJobOptions,
  type Job,
  type Worker,
} from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { Config } from './config';
import type { IntakeEnvelope } from './intake-envelope.schema';
import type { Logger } from './logger';

export const QUEUE_INTAKE = 'feedback-intake';
export const QUEUE_NOTIFY = 'notify';
/** Repeatable staff jobs: the escalation sweep (workers/staff). */
export const QUEUE_STAFF_JOBS = 'staff-jobs';

/**
 * A retry pause that doubles from the job's backoff delay up to maxMs, with jitter (half to all of
 * it): short pauses catch a blip at once, and the cap keeps trying every few minutes through an
 * outage of hours instead of waiting days between the last tries.
 */
export function cappedBackoff(maxMs: number): BackoffStrategy {
  return (attemptsMade, _type, _err, job) => {
    const base = (job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 1000;
    const pause = Math.min(maxMs, base * 2 ** Math.min(30, Math.max(0, attemptsMade - 1)));
    return Math.floor(pause * (0.5 + Math.random() * 0.5));
  };
}

/** Where a queue keeps its dead letters: bounded in age and number (DLQ_KEEP_DAYS, DLQ_KEEP_COUNT). */
export function deadLetterPolicy(config: Config): { age: number; count: number } {
  return { age: config.dlq.keepDays * 24 * 3600, count: config.dlq.keepCount };
}

/**
 * Intake: pauses doubling from INTAKE_BACKOFF_MS to INTAKE_BACKOFF_MAX_MS for INTAKE_ATTEMPTS
 * tries (2 s … 5 min, 300 tries: about a day with the defaults), so a long database outage only
 * delays feedback. Completed jobs are removed because they carry sealed personal data; failed ones
 * — the dead-letter set — are kept for replay (npm run dlq), bounded by deadLetterPolicy.
 */
export function intakeJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.intake.attempts,
    backoff: { type: 'capped', delay: config.intake.backoffMs },
    removeOnComplete: true,
    removeOnFail: deadLetterPolicy(config),
  };
}

/** Worker-side policy for intake: concurrency and lock length (a killed worker's job is retried after it). */
export function intakeWorkerOptions(config: Config) {
  return {
    concurrency: config.intake.concurrency,
    lockDuration: config.intake.lockMs,
    stalledInterval: Math.max(1000, Math.floor(config.intake.lockMs / 2)),
    maxStalledCount: 3,
    settings: { backoffStrategy: cappedBackoff(config.intake.backoffMaxMs) },
  };
}

/** The Redis hash of counters the platform keeps for alerting (read by /metrics and `npm run dlq`). */
export const metricsKey = (prefix: string) => `${prefix}:metrics`;

/**
 * Alerts when a job of this worker's queue is dead-lettered (its last try failed, or it failed for
 * good): an error log line without the payload, and the counter `dead_lettered:<queue>` in
 * metricsKey. Returns the worker for chaining.
 */
export function alertOnDeadLetter<W extends Worker>(
  worker: W,
  redis: IORedis,
  prefix: string,
  log: Logger,
): W {
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    log.error('job dead-lettered: replay it with npm run dlq', {
      queue: worker.name,
      jobId: job.id,
      attempts: job.attemptsMade,
      error: err.message,
    });
    void redis
      .hincrby(metricsKey(prefix), `dead_lettered:${worker.name}`, 1)
      .catch(() => undefined);
  });
  return worker;
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
  const nodes = clusterNodes(url);
  if (nodes) {
    // BullMQ and every caller here use the commands a Cluster client has too.
    return new IORedis.Cluster(nodes, {
      redisOptions: { ...opts, enableAutoPipelining: undefined },
      enableOfflineQueue: opts.enableOfflineQueue ?? true,
      enableAutoPipelining: opts.enableAutoPipelining ?? false,
      clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
    }) as unknown as IORedis;
  }
  return new IORedis(url, {
    ...opts,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** The seed nodes of `redis-cluster://host:port,host:port`, or null for a single Redis. */
export function clusterNodes(url: string): { host: string; port: number }[] | null {
  if (!url.startsWith('redis-cluster://')) return null;
  return url
    .slice('redis-cluster://'.length)
    .replace(/\/.*$/, '')
    .split(',')
    .filter(Boolean)
    .map((hp) => {
      const [host, port] = hp.split(':');
      return { host: host!, port: Number(port || 6379) };
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
