/**
 * Held feedback: over a limit or flagged, it is stored and shown to staff, but counted in no
 * official figure (its rollup tally is HELD_BUCKET, it is no case) until a staff member releases
 * it. Adapters say why in the envelope's `meta.held`; the SMS adapter's older spam flag
 * (`meta.spam`, too many messages from one number in an hour) holds too.
 */
import type IORedis from 'ioredis';
import type { IntakeEnvelope } from '../intake-envelope.schema';

/** Why an envelope is to be stored held, or null. */
export function heldReasonOf(env: Pick<IntakeEnvelope, 'meta'>): string | null {
  const m = env.meta ?? {};
  if (typeof m.held === 'string' && m.held) return m.held.slice(0, 60);
  if (m.spam === true) return 'rate:sms';
  return null;
}

// ZADD NX keeps a code's first place; its rank is then the same however often a job is retried.
const RANK = `
redis.call('zadd', KEYS[1], 'NX', ARGV[1], ARGV[2])
redis.call('expire', KEYS[1], ARGV[3])
return redis.call('zrank', KEYS[1], ARGV[2])
`;

/**
 * How many feedback one sender (a keyed hash: a Telegram chat, a phone number) has counted in a
 * window of its receipt times; the ones beyond the limit are held. Decided in the worker, where
 * the sender's hash is known, and stable under retries: a tracking code keeps its place in the
 * window's sorted set, so a redelivered job gets the same answer.
 */
export class SenderQuota {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
  ) {}

  /** Whether the feedback `code` of `senderHash`, received at `at`, is beyond `limit` per `windowS`. */
  async over(
    senderHash: string,
    code: string,
    at: Date,
    limit: number,
    windowS: number,
  ): Promise<boolean> {
    const slot = Math.floor(at.getTime() / (windowS * 1000));
    const key = `${this.prefix}:quota:${senderHash}:${slot}`;
    const rank = (await this.redis.eval(
      RANK,
      1,
      key,
      String(at.getTime()),
      code,
      String(windowS * 2),
    )) as number | null;
    return rank !== null && rank >= limit;
  }
}
