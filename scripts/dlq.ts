/**
 * `npm run dlq -- list` / `npm run dlq -- replay <jobId…|--all>`: the dead-letter set of the
 * intake queue (jobs that failed their last attempt). Listing shows ids, attempts and reasons,
 * never the payload; replaying moves a job back to the queue with its attempts reset.
 */
import { Queue } from 'bullmq';
import { loadConfig } from '../shared/config';
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { QUEUE_INTAKE, redisConnection } from '../shared/queues';

export interface DeadLetter {
  id: string;
  channel: string;
  attemptsMade: number;
  failedReason: string;
  failedAt: string | null;
}

export async function listDeadLetters(
  queue: Queue<IntakeEnvelope>,
  limit = 1000,
): Promise<DeadLetter[]> {
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
export async function replayDeadLetters(
  queue: Queue<IntakeEnvelope>,
  ids: string[] | 'all',
): Promise<string[]> {
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

async function cli(argv: string[]) {
  const config = loadConfig();
  const connection = redisConnection(config.redisUrl, 'worker');
  const queue = new Queue<IntakeEnvelope>(QUEUE_INTAKE, { connection, prefix: config.queuePrefix });
  try {
    const [cmd, ...rest] = argv;
    if (cmd === 'list') {
      const rows = await listDeadLetters(queue);
      if (!rows.length) console.log('the dead-letter set is empty');
      for (const r of rows)
        console.log(
          `${r.id}\t${r.channel}\tattempts=${r.attemptsMade}\t${r.failedAt ?? ''}\t${r.failedReason}`,
        );
    } else if (cmd === 'replay' && rest.length) {
      const ids = rest.includes('--all') ? 'all' : rest;
      const done = await replayDeadLetters(queue, ids);
      console.log(`replayed ${done.length} job(s)${done.length ? ': ' + done.join(', ') : ''}`);
    } else {
      console.error('usage: npm run dlq -- list | replay <jobId…> | replay --all');
      process.exitCode = 2;
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error('dlq failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
