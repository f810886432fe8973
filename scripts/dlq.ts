/**
 * `npm run dlq -- list [--queue intake|notify]` / `npm run dlq -- replay <jobId…|--all> [--queue …]`:
 * the dead-letter sets of the intake and notify queues (jobs that failed their last attempt).
 * Listing shows ids, attempts and reasons — never the payload — and how many jobs were ever
 * dead-lettered (the alert counter); replaying moves a job back to its queue with its attempts
 * reset. Without --queue, list shows both queues and replay works on intake.
 */
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { loadConfig } from '../shared/config';
import { metricsKey, QUEUE_INTAKE, QUEUE_NOTIFY, redisConnection } from '../shared/queues';

export interface DeadLetter {
  id: string;
  channel: string;
  attemptsMade: number;
  failedReason: string;
  failedAt: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any queue's dead letters
type AnyQueue = Queue<any>;

export async function listDeadLetters(queue: AnyQueue, limit = 1000): Promise<DeadLetter[]> {
  const jobs = await queue.getFailed(0, limit - 1);
  return jobs.map((j) => ({
    id: String(j.id),
    channel: j.name,
    attemptsMade: j.attemptsMade,
    failedReason: j.failedReason,
    failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
  }));
}

/** Replays the given failed jobs (all when ids is 'all'); returns the ids moved back to the queue. */
export async function replayDeadLetters(queue: AnyQueue, ids: string[] | 'all'): Promise<string[]> {
  const jobs =
    ids === 'all'
      ? await queue.getFailed(0, -1)
      : await Promise.all(ids.map((id) => queue.getJob(id)));
  const replayed: string[] = [];
  for (const job of jobs) {
    if (!job) continue;
    if ((await job.getState()) !== 'failed') continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    replayed.push(String(job.id));
  }
  return replayed;
}

/** How many jobs of each queue were ever dead-lettered (the alert counter; see alertOnDeadLetter). */
export async function deadLetteredTotals(
  redis: IORedis,
  prefix: string,
): Promise<Record<string, number>> {
  const raw = await redis.hgetall(metricsKey(prefix));
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw))
    if (k.startsWith('dead_lettered:')) out[k.slice('dead_lettered:'.length)] = Number(v);
  return out;
}

const QUEUES = { intake: QUEUE_INTAKE, notify: QUEUE_NOTIFY } as const;

async function cli(argv: string[]) {
  const config = loadConfig();
  const connection = redisConnection(config.redisUrl, 'worker');
  const qi = argv.indexOf('--queue');
  const only = qi >= 0 ? argv[qi + 1] : undefined;
  const args = qi >= 0 ? argv.filter((_, i) => i !== qi && i !== qi + 1) : argv;
  if (only !== undefined && !(only in QUEUES)) {
    console.error(`unknown queue "${only}": use --queue intake or --queue notify`);
    process.exitCode = 2;
    connection.disconnect();
    return;
  }
  const queues = Object.entries(QUEUES)
    .filter(([k]) => (only ? k === only : true))
    .map(([k, name]) => ({
      key: k,
      queue: new Queue(name, { connection, prefix: config.queuePrefix }) as AnyQueue,
    }));
  try {
    const [cmd, ...rest] = args;
    if (cmd === 'list') {
      const totals = await deadLetteredTotals(connection, config.queuePrefix);
      for (const { key, queue } of queues) {
        const rows = await listDeadLetters(queue);
        console.log(
          `== ${key}: ${rows.length} dead letter(s) now, ${totals[queue.name] ?? 0} dead-lettered in all`,
        );
        for (const r of rows)
          console.log(
            `${r.id}\t${r.channel}\tattempts=${r.attemptsMade}\t${r.failedAt ?? ''}\t${r.failedReason}`,
          );
      }
    } else if (cmd === 'replay' && rest.length) {
      const { queue } = queues[0]!; // --queue, or intake
      const ids = rest.includes('--all') ? 'all' : rest;
      const done = await replayDeadLetters(queue, ids);
      console.log(`replayed ${done.length} job(s)${done.length ? ': ' + done.join(', ') : ''}`);
    } else {
      console.error(
        'usage: npm run dlq -- list [--queue intake|notify] | replay <jobId…>|--all [--queue intake|notify]',
      );
      process.exitCode = 2;
    }
  } finally {
    await Promise.all(queues.map(({ queue }) => queue.close()));
    connection.disconnect();
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error('dlq failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
