/**
 * A short mutual-exclusion lock in Redis (SET NX PX + compare-and-delete), for writes that the
 * database cannot make atomic by itself — FerretDB 1.24 applies `$inc` as read-modify-write, so
 * two concurrent increments of one document lose one (measured: 400 concurrent $inc → 17).
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

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
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, name, token).catch(() => undefined);
    }
  }
}
