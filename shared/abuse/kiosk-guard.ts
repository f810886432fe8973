/**
 * The server's side of a tablet's own misuse filter. Two rules per device, decided before the
 * responses are queued, never refusing one (a tablet deletes what is accepted, so a refusal would
 * only make it send again): what breaks a rule is stored held, out of the figures until released.
 *
 * - Backdating: a response may be dated back only to the device's last sync (the start of the
 *   current burst of requests, less a margin for an answer still being finished), not 60 days.
 *   Before its first sync a device's floor is its creation.
 * - Gap: two counted responses of one device are at least KIOSK_MIN_GAP_MS apart in device time,
 *   as the tablet itself enforces between presses. A response closer than that to a counted one
 *   is held. Together the rules bound what one device can add: one per gap since its last sync.
 */
import type IORedis from 'ioredis';

/** Requests closer together than this belong to one sync (a tablet sends its queue in batches). */
export const SYNC_BURST_MS = 2 * 60_000;
/** An answer may be finished (and dated) a little before the sync that carries it. */
export const BACKDATE_MARGIN_MS = 10 * 60_000;
/** How long the gap rule remembers a device's counted times. */
const GAP_MEMORY_MS = 61 * 86_400_000;

// KEYS[1] sync hash; ARGV: now, burst, initial floor → the floor of this request.
const SYNC = `
local last = tonumber(redis.call('hget', KEYS[1], 'last') or '0')
local floor = tonumber(redis.call('hget', KEYS[1], 'floor') or ARGV[3])
local now = tonumber(ARGV[1])
if last > 0 and now - last > tonumber(ARGV[2]) then floor = last end
redis.call('hset', KEYS[1], 'last', now, 'floor', floor)
redis.call('pexpire', KEYS[1], ARGV[4])
return tostring(floor)
`;

// KEYS[1] zset of counted device times; ARGV: gap, then pairs (id, time) → 1 held / 0 counted each.
const GAP = `
local gap = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV, 2 do
  local id, t = ARGV[i], tonumber(ARGV[i + 1])
  if redis.call('zscore', KEYS[1], id) then
    out[#out + 1] = 0
  else
    local near = redis.call('zrangebyscore', KEYS[1], '(' .. (t - gap), '(' .. (t + gap), 'LIMIT', 0, 1)
    if #near > 0 then out[#out + 1] = 1 else
      redis.call('zadd', KEYS[1], t, id)
      out[#out + 1] = 0
    end
  end
end
redis.call('zremrangebyscore', KEYS[1], '-inf', tonumber(ARGV[#ARGV]) - ${GAP_MEMORY_MS})
redis.call('pexpire', KEYS[1], ${GAP_MEMORY_MS})
return out
`;

export class KioskGuard {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly minGapMs: number,
  ) {}

  /** The earliest time this request's responses may carry (call once per request). */
  async floor(deviceId: string, createdAt: Date, now = Date.now()): Promise<number> {
    const f = (await this.redis.eval(
      SYNC,
      1,
      `${this.prefix}:kiosk:sync:${deviceId}`,
      String(now),
      String(SYNC_BURST_MS),
      String(createdAt.getTime()),
      String(GAP_MEMORY_MS),
    )) as string;
    return Number(f) - BACKDATE_MARGIN_MS;
  }

  /** For each (id, device time), whether it breaks the gap rule (true: hold it). */
  async tooClose(deviceId: string, items: { id: string; at: number }[]): Promise<boolean[]> {
    if (!items.length || this.minGapMs <= 0) return items.map(() => false);
    const sorted = [...items].sort((a, b) => a.at - b.at);
    const args = sorted.flatMap((i) => [i.id, String(i.at)]);
    const res = (await this.redis.eval(
      GAP,
      1,
      `${this.prefix}:kiosk:gap:${deviceId}`,
      String(this.minGapMs),
      ...args,
    )) as number[];
    const held = new Map(sorted.map((i, k) => [i.id, res[k] === 1]));
    return items.map((i) => held.get(i.id) ?? false);
  }
}
