/**
 * A short mutual-exclusion lock in Redis (SET NX PX + compare-and-delete), for writes that the
 * database cannot make atomic by itself — FerretDB 1.24 applies `$inc` as read-modify-write, so
 * two concurrent increments of one document lose one (measured: 400 concurrent $inc → 17).
 *
 * The holder renews the lock every third of its TTL while its work runs, so the TTL can be short:
 * work that takes long keeps the lock, and a holder that dies (kill -9) frees it within one TTL.
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** Renews key (while it still holds token) every ttlMs/3 until the returned function is called. */
export function keepAlive(redis: IORedis, key: string, token: string, ttlMs: number): () => void {
  const timer = setInterval(
    () => void redis.eval(RENEW, 1, key, token, String(ttlMs)).catch(() => undefined),
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

export class RedisLock {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly ttlMs = 10_000,
    private readonly waitMs = 15_000,
  ) {}

  /** Runs fn while holding the lock named key; waits (with jitter) while another holder has it. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const name = `${this.prefix}:lock:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + this.waitMs;
    while ((await this.redis.set(name, token, 'PX', this.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline)
        throw new Error(`lock ${key} not acquired within ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 4));
    }
    const stop = keepAlive(this.redis, name, token, this.ttlMs);
    try {
      return await fn();
    } finally {
      stop();
      await this.redis.eval(RELEASE, 1, name, token).catch(() => undefined);
    }
  }
}
