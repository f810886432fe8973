/**
 * Long outages and dead letters: retries that last through hours of outage (capped pauses), an
 * alert — an error line and a counter — for every job that runs out of tries on either queue, and
 * dead-letter sets bounded in number. Real Redis and BullMQ workers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker } from 'bullmq';
import { deadLetteredTotals, listDeadLetters, replayDeadLetters } from '../scripts/dlq';
import type { Logger } from '../shared/logger';
import { createNotifyQueue, notifyJobOptions } from '../shared/notify';
import {
  alertOnDeadLetter,
  cappedBackoff,
  intakeJobOptions,
  metricsKey,
  redisConnection,
} from '../shared/queues';
import { TEST_PII_KEY, testConfig, uniqueName, waitFor } from './helpers/platform';

const config = testConfig('dlqs', { DLQ_KEEP_COUNT: '100' });
const redis = redisConnection(config.redisUrl, 'worker');
afterAll(async () => {
  await redis.del(metricsKey(config.queuePrefix));
  redis.disconnect();
});

function recordingLog(): Logger & { errors: [string, Record<string, unknown> | undefined][] } {
  const errors: [string, Record<string, unknown> | undefined][] = [];
  const none = () => undefined;
  return { errors, debug: none, info: none, warn: none, error: (m, f) => errors.push([m, f]) };
}

test('the default retry policy keeps a job alive through about a day of outage, retrying every few minutes', () => {
  const defaults = testConfig('dlqdefaults', {
    INTAKE_ATTEMPTS: '',
    INTAKE_BACKOFF_MS: '',
    INTAKE_BACKOFF_MAX_MS: '',
  });
  const opts = intakeJobOptions(defaults);
  const backoff = cappedBackoff(defaults.intake.backoffMaxMs);
  const job = { opts } as never;
  let shortest = 0;
  let longest = 0;
  let maxPause = 0;
  for (let attempt = 1; attempt < opts.attempts!; attempt++) {
    const pause = backoff(attempt, 'capped', undefined, job) as number;
    const full = Math.min(300_000, 2000 * 2 ** (attempt - 1));
    expect(pause).toBeGreaterThanOrEqual(full / 2);
    expect(pause).toBeLessThanOrEqual(full);
    shortest += full / 2;
    longest += full;
    maxPause = Math.max(maxPause, pause);
  }
  expect(maxPause).toBeLessThanOrEqual(300_000); // never more than 5 min between two tries
  expect(shortest / 3_600_000).toBeGreaterThan(12); // even with the shortest jitter: > 12 h
  expect(longest / 3_600_000).toBeGreaterThan(24);
  // About a day, not a week: 300 attempts (INTAKE_ATTEMPTS), the pauses summing to under 25 h.
  expect(opts.attempts).toBe(300);
  expect(longest / 3_600_000).toBeLessThan(25);
  expect(opts.removeOnFail).toEqual({ age: 90 * 24 * 3600, count: 100_000 });
  const notify = notifyJobOptions(defaults);
  expect(notify.attempts).toBe(120);
  expect(notify.removeOnFail).toEqual(opts.removeOnFail);
});

test('a job out of tries on the notify queue is alerted (error line, counter) and listed; the dead-letter set is bounded', async () => {
  const queue = createNotifyQueue({ ...config, queuePrefix: uniqueName('dlqn') }, redis);
  const prefix = queue.opts.prefix!;
  const log = recordingLog();
  const workerConnection = redisConnection(config.redisUrl, 'worker');
  let calls = 0;
  const worker = alertOnDeadLetter(
    new Worker(
      queue.name,
      async (job) => {
        calls++;
        if (job.data.body === 'bad') throw new UnrecoverableError('not a notify job');
        throw new Error('Twilio answered 503');
      },
      {
        connection: workerConnection,
        prefix,
        settings: { backoffStrategy: cappedBackoff(20) },
      },
    ),
    redis,
    prefix,
    log,
  );
  try {
    await queue.add('sms', { messageId: 'm-1', body: 'ok' } as never, {
      jobId: 'n-1',
      attempts: 3,
      backoff: { type: 'capped', delay: 5 },
    });
    await waitFor(async () => (await queue.getFailedCount()) === 1, 'n-1 dead-lettered');
    expect(calls).toBe(3); // retried with the capped pauses, then dead-lettered
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]![0]).toMatch(/dead-lettered/);
    expect(log.errors[0]![1]).toMatchObject({ queue: 'notify', jobId: 'n-1', attempts: 3 });
    expect(JSON.stringify(log.errors)).not.toContain('ok"'); // no payload in the alert
    expect(await deadLetteredTotals(redis, prefix)).toEqual({ notify: 1 });
    expect((await listDeadLetters(queue)).map((d) => d.id)).toEqual(['n-1']);

    // 120 jobs that fail for good: the set keeps the newest DLQ_KEEP_COUNT (100).
    await queue.addBulk(
      Array.from({ length: 120 }, (_, i) => ({
        name: 'sms',
        data: { messageId: `b-${i}`, body: 'bad' } as never,
        opts: { jobId: `b-${i}` },
      })),
    );
    await waitFor(
      async () => (await deadLetteredTotals(redis, prefix)).notify === 121,
      'all 121 alerted',
    );
    expect(await queue.getFailedCount()).toBe(100);
    expect(log.errors).toHaveLength(121);
    expect(await replayDeadLetters(queue, ['b-119'])).toEqual(['b-119']);

    // The operator's view: npm run dlq -- list shows both queues and the alert counters.
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.resolve(__dirname, '../dist/scripts/dlq.js'), ...args], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          REDIS_URL: config.redisUrl,
          MONGO_URL: config.mongoUrl,
          PII_KEY: TEST_PII_KEY,
          QUEUE_PREFIX: prefix,
          DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-dlq-')),
        },
        encoding: 'utf8',
      });
    await waitFor(async () => (await queue.getFailedCount()) === 100, 'b-119 failed again');
    const listed = run('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('== intake: 0 dead letter(s) now, 0 dead-lettered in all');
    expect(listed.stdout).toContain('== notify: 100 dead letter(s) now, 122 dead-lettered in all');
    expect(listed.stdout).toMatch(/^b-119\tsms\tattempts=1\t.*not a notify job$/m);
    const one = run('list', '--queue', 'notify');
    expect(one.stdout).not.toContain('== intake');
    expect(run('list', '--queue', 'fax').status).toBe(2);
  } finally {
    await worker.close();
    workerConnection.disconnect();
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
