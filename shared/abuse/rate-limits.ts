/**
 * Rate limits for the public entry points, shared by every api replica through Redis
 * (rate-limiter-flexible's RateLimiterRedis: one atomic script per check, keys under
 * `<QUEUE_PREFIX>:rl:<limit>:<who>`). Two kinds:
 *
 * - hard: beyond it the request is refused with 429, a Retry-After header and a message in Lao
 *   then English. Nothing is stored.
 * - soft (feedback routes only): beyond it the submission is still accepted and stored, but held:
 *   visible to staff, left out of every official figure until a staff member releases it.
 *
 * When Redis cannot answer, a check lets the request through (the intake queue, on the same Redis,
 * then refuses with 503 on its own): a limiter must never be the reason honest feedback is lost.
 */
import { isIP } from 'node:net';
import type IORedis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { rateLimitRefusals } from '../metrics';

/** The limits of config.abuse, by name. */
export type LimitName = 'web' | 'webHeld' | 'status' | 'pair';

/** One limit: at most `points` in `durationS` seconds per key. */
export interface LimitRule {
  points: number;
  durationS: number;
}

/** What a check says: go on, go on but hold what is stored, or refuse for `retryAfterS`. */
export type LimitVerdict =
  | { kind: 'ok' }
  | { kind: 'held'; reason: string }
  | { kind: 'refused'; limit: LimitName; retryAfterS: number };

const SCOPES: Record<LimitName, string> = {
  web: 'web',
  webHeld: 'web_held',
  status: 'status',
  pair: 'kiosk_pair',
};

/** Counts a refusal (or a hold) on /metrics (odsc_rate_limit_refusals_total{scope}). */
function countRefusal(limit: LimitName): void {
  rateLimitRefusals.inc({ scope: SCOPES[limit] });
}

/**
 * The key of a client address: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so counting single addresses there would limit nothing).
 */
export function addressKey(ip: string | undefined): string {
  const a = (ip ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (isIP(a) !== 6) return a || 'unknown';
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The two feedback limits in one round trip: a point of the hard limit, then — only when that one
 * is not exceeded — a point of the soft one. Each is a fixed window counted in the same key and the
 * same way as the RateLimiterRedis limiters (an integer that expires `duration` after its first
 * point; refused beyond `points`), so it is exactly the two `consume` calls in a row that `take`
 * makes, without waiting for Redis twice per submission.
 * Answers `{0}` (ok), `{1, ms}` (hard limit exceeded, ms left) or `{2, ms}` (soft).
 */
const FEEDBACK_SCRIPT = `
local function point(key, seconds)
  local n = redis.call('incr', key)
  local left = redis.call('pttl', key)
  if left < 0 then
    left = tonumber(seconds) * 1000
    redis.call('pexpire', key, left)
  end
  return {n, left}
end
local hard = point(KEYS[1], ARGV[1])
if hard[1] > tonumber(ARGV[2]) then return {1, hard[2]} end
local soft = point(KEYS[2], ARGV[3])
if soft[1] > tonumber(ARGV[4]) then return {2, soft[2]} end
return {0}`;

type FeedbackScript = (hardKey: string, softKey: string, ...args: string[]) => Promise<number[]>;

export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterRedis>();
  /** Both feedback limits in one call (FEEDBACK_SCRIPT); absent for a window of 0 (no expiry). */
  private readonly feedbackScript?: FeedbackScript;

  constructor(
    redis: IORedis,
    private readonly prefix: string,
    readonly rules: Record<LimitName, LimitRule>,
  ) {
    if (rules.web.durationS > 0 && rules.webHeld.durationS > 0) {
      redis.defineCommand('odscFeedbackLimits', { numberOfKeys: 2, lua: FEEDBACK_SCRIPT });
      const r = redis as unknown as { odscFeedbackLimits: FeedbackScript };
      this.feedbackScript = (...a) => r.odscFeedbackLimits(...a);
    }
    for (const [name, rule] of Object.entries(rules) as [LimitName, LimitRule][]) {
      this.limiters.set(
        name,
        new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${prefix}:rl:${name}`,
          points: rule.points,
          duration: rule.durationS,
        }),
      );
    }
  }

  static fromConfig(config: Config, redis: IORedis): RateLimits {
    return new RateLimits(redis, config.queuePrefix, config.abuse.limits);
  }

  /** Takes one point of a limit for a key; `refused` beyond it. Fails open when Redis is away. */
  async take(name: LimitName, key: string): Promise<LimitVerdict> {
    const limiter = this.limiters.get(name)!;
    try {
      await limiter.consume(key, 1);
      return { kind: 'ok' };
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) return { kind: 'ok' };
      return {
        kind: 'refused',
        limit: name,
        retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      };
    }
  }

  /**
   * The verdict for a feedback submission from an address: refused beyond the hard limit, held
   * beyond the soft one, else ok. Refusals are counted for /metrics.
   */
  async feedback(address: string): Promise<LimitVerdict> {
    if (this.feedbackScript) {
      const { web, webHeld } = this.rules;
      let r: number[];
      try {
        r = await this.feedbackScript(
          `${this.prefix}:rl:web:${address}`,
          `${this.prefix}:rl:webHeld:${address}`,
          String(web.durationS),
          String(web.points),
          String(webHeld.durationS),
          String(webHeld.points),
        );
      } catch {
        return { kind: 'ok' }; // fails open, as take() does
      }
      if (r[0] === 1) {
        countRefusal('web');
        return { kind: 'refused', limit: 'web', retryAfterS: Math.max(1, Math.ceil(r[1]! / 1000)) };
      }
      if (r[0] !== 2) return { kind: 'ok' };
      countRefusal('webHeld');
      return { kind: 'held', reason: 'rate:web' };
    }
    const hard = await this.take('web', address);
    if (hard.kind === 'refused') {
      countRefusal('web');
      return hard;
    }
    const soft = await this.take('webHeld', address);
    if (soft.kind !== 'refused') return { kind: 'ok' };
    countRefusal('webHeld');
    return { kind: 'held', reason: 'rate:web' };
  }

  /** A hard limit only (status look-ups, kiosk pairing); refusals are counted for /metrics. */
  async check(name: 'status' | 'pair', address: string): Promise<LimitVerdict> {
    const v = await this.take(name, address);
    if (v.kind === 'refused') countRefusal(name);
    return v;
  }
}
