/**
 * Login throttling in Redis (shared by every api replica): failures are counted per account and
 * per address within LOGIN_LOCKOUT_MIN; at LOGIN_MAX_FAILURES (account) or
 * LOGIN_MAX_FAILURES_PER_IP (address) further attempts are refused with 429 and Retry-After until
 * the lockout passes — even with the right password, so guessing gains nothing.
 */
import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';

export interface ThrottleLimits {
  maxFailures: number;
  maxFailuresPerIp: number;
  lockoutS: number;
}

export class LoginThrottle {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly limits: ThrottleLimits,
  ) {}

  private keys(email: string, ip: string) {
    // Hashed, so Redis holds neither the e-mail address nor the IP in clear.
    const h = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 32);
    const base = `${this.prefix}:login`;
    return {
      acct: `${base}:acct:${h(email.toLowerCase())}`,
      ip: `${base}:ip:${h(ip)}`,
    };
  }

  /** Seconds until attempts are allowed again, or 0 when they are allowed now. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const k = this.keys(email, ip);
    const [acct, byIp, acctTtl, ipTtl] = (await this.redis
      .multi()
      .get(k.acct)
      .get(k.ip)
      .ttl(k.acct)
      .ttl(k.ip)
      .exec())!.map(([, v]) => v as string | number | null);
    let wait = 0;
    if (Number(acct ?? 0) >= this.limits.maxFailures) wait = Math.max(wait, Number(acctTtl));
    if (Number(byIp ?? 0) >= this.limits.maxFailuresPerIp) wait = Math.max(wait, Number(ipTtl));
    return wait > 0 ? wait : 0;
  }

  /** Counts a failure; the window starts at the first failure and restarts at a lockout. */
  async failed(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    const res = (await this.redis.multi().incr(k.acct).incr(k.ip).exec())!;
    const counts = res.map(([, v]) => Number(v));
    const m = this.redis.multi();
    if (counts[0] === 1 || counts[0] === this.limits.maxFailures)
      m.expire(k.acct, this.limits.lockoutS);
    if (counts[1] === 1 || counts[1] === this.limits.maxFailuresPerIp)
      m.expire(k.ip, this.limits.lockoutS);
    await m.exec();
  }

  /** A successful login clears the account's failures (the address keeps its count). */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip).acct);
  }
}
