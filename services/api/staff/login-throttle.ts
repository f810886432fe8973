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

// KEYS: account, address. ARGV: account limit, address limit, lockout seconds. The window starts
// at the first attempt and starts again when a limit is reached (the lockout lasts its full time).
const ATTEMPT = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local wait = 0
for i = 1, 2 do
  local n = tonumber(redis.call('get', KEYS[i]) or '0')
  if n >= limits[i] then
    local ttl = redis.call('ttl', KEYS[i])
    if ttl < 0 then redis.call('expire', KEYS[i], ARGV[3]); ttl = tonumber(ARGV[3]) end
    wait = math.max(wait, ttl)
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  local n = redis.call('incr', KEYS[i])
  if n == 1 or n == limits[i] then redis.call('expire', KEYS[i], ARGV[3]) end
end
return 0
`;

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

  /**
   * Counts an attempt before the password is checked, so parallel guesses cannot all slip in
   * before the first failure is counted. Returns the seconds to wait when the account or the
   * address is over its limit (the attempt is then not counted), or 0 to go on.
   */
  async attempt(email: string, ip: string): Promise<number> {
    const k = this.keys(email, ip);
    const r = (await this.redis.eval(
      ATTEMPT,
      2,
      k.acct,
      k.ip,
      String(this.limits.maxFailures),
      String(this.limits.maxFailuresPerIp),
      String(this.limits.lockoutS),
    )) as number;
    return Number(r);
  }

  /** A successful login: the account's count is cleared, and this attempt leaves the address's. */
  async succeeded(email: string, ip: string): Promise<void> {
    const k = this.keys(email, ip);
    await this.redis.multi().del(k.acct).decr(k.ip).exec();
  }
}
