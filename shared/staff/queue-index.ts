/**
 * The review queue's index, in Redis. FerretDB 1.24 filters and sorts nothing in SQLite but an
 * `_id` equality, so a filtered, sorted list over a million feedback documents is a scan of all of
 * them (7.6–8.8 s for 100,000). Staff only page through the working set — every open item, and
 * items that left it within QUEUE_KEEP_CLOSED_DAYS — so that set is kept here, small and sorted:
 *
 *   <p>:qi:doc          hash  code → compact entry (JSON): every field a filter or a row needs
 *   <p>:qi:recv         zset  every indexed code, score = receivedAt (ms)
 *   <p>:qi:open         zset  open codes (new, triaged, in_progress), score = receivedAt
 *   <p>:qi:st:<status>  zset  codes of one staff status, score = receivedAt
 *   <p>:qi:due          zset  every indexed code, score = due time (ms), NO_DUE when none
 *
 * A list walks one sorted set in order, reads entries in chunks and filters them in the process;
 * the cursor is the last (score, code) seen, so new feedback never shifts a later page. MongoDB
 * stays the record: every write here follows a database write, and `rebuild` recreates the index
 * from the feedback collection (docs/workspace.md).
 */
import type IORedis from 'ioredis';
import { isOpen, STAFF_STATUSES, type StaffStatus } from './staff-status';

/** Score of items without a due date in the due-date order: after every real date. */
export const NO_DUE = 8.64e15;
const CHUNK = 250;

/** One indexed item: short keys keep 5,000 of them in about 2 MB. */
export interface QueueEntry {
  c: string; // tracking code
  ce: string | null; // center code
  pr: string | null; // province code
  sv: string | null; // service code
  ch: string; // channel
  k: string | null; // kind
  tp: string[]; // topic codes
  st: StaffStatus;
  r: number | null; // rating
  ra: number; // receivedAt (ms)
  du: number | null; // due (ms)
  nt: boolean; // needs triage
  as: string | null; // assignee id
  sa: number; // statusAt (ms): when a closed item leaves the index
  x: string; // excerpt
  t: string; // folded text for "contains" search
}

export type QueueSort = 'received' | 'received_asc' | 'due';

/** A decoded cursor: the sort it belongs to and the last (score, code) returned. */
export interface QueueCursor {
  s: QueueSort;
  v: number;
  c: string;
}

export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string): QueueCursor | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as QueueCursor;
    if (
      ['received', 'received_asc', 'due'].includes(c.s) &&
      typeof c.v === 'number' &&
      Number.isFinite(c.v) &&
      typeof c.c === 'string' &&
      c.c.length <= 20
    )
      return c;
  } catch {
    // fall through
  }
  return null;
}

// Writes one entry and moves its code between the sorted sets, atomically. ARGV: code, entry JSON,
// receivedAt, due score, status, open (1|0), onlyIfAbsent (1|0). KEYS: doc, recv, open, due, then
// the seven status sets in STAFF_STATUSES order.
const PUT = `
if ARGV[7] == '1' and redis.call('hexists', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
redis.call('zadd', KEYS[2], ARGV[3], ARGV[1])
redis.call('zadd', KEYS[4], ARGV[4], ARGV[1])
if ARGV[6] == '1' then redis.call('zadd', KEYS[3], ARGV[3], ARGV[1]) else redis.call('zrem', KEYS[3], ARGV[1]) end
for i = 5, #KEYS do
  if KEYS[i] == KEYS[1] .. ':' .. ARGV[5] then redis.call('zadd', KEYS[i], ARGV[3], ARGV[1])
  else redis.call('zrem', KEYS[i], ARGV[1]) end
end
return 1
`;

export class QueueIndex {
  private readonly base: string;

  constructor(
    private readonly redis: IORedis,
    prefix: string,
  ) {
    this.base = `${prefix}:qi`;
  }

  private get keys() {
    const doc = `${this.base}:doc`;
    return {
      doc,
      recv: `${this.base}:recv`,
      open: `${this.base}:open`,
      due: `${this.base}:due`,
      // Status sets are named `<doc>:<status>` so the script can match them by name.
      status: (s: StaffStatus) => `${doc}:${s}`,
    };
  }

  /** Adds or replaces an entry. With onlyIfAbsent, an entry already there (staff moved it) wins. */
  async put(e: QueueEntry, opts: { onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const k = this.keys;
    const r = await this.redis.eval(
      PUT,
      4 + STAFF_STATUSES.length,
      k.doc,
      k.recv,
      k.open,
      k.due,
      ...STAFF_STATUSES.map(k.status),
      e.c,
      JSON.stringify(e),
      String(e.ra),
      String(e.du ?? NO_DUE),
      e.st,
      isOpen(e.st) ? '1' : '0',
      opts.onlyIfAbsent ? '1' : '0',
    );
    return r === 1;
  }

  async get(code: string): Promise<QueueEntry | null> {
    const raw = await this.redis.hget(this.keys.doc, code);
    return raw ? (JSON.parse(raw) as QueueEntry) : null;
  }

  async remove(code: string): Promise<void> {
    const k = this.keys;
    const m = this.redis.multi().hdel(k.doc, code).zrem(k.recv, code).zrem(k.open, code);
    m.zrem(k.due, code);
    for (const s of STAFF_STATUSES) m.zrem(k.status(s), code);
    await m.exec();
  }

  /** How many items each status set holds (the unfiltered tab counts). */
  async statusCards(): Promise<Record<StaffStatus, number>> {
    const m = this.redis.multi();
    for (const s of STAFF_STATUSES) m.zcard(this.keys.status(s));
    const res = (await m.exec()) ?? [];
    return Object.fromEntries(
      STAFF_STATUSES.map((s, i) => [s, Number(res[i]?.[1] ?? 0)]),
    ) as Record<StaffStatus, number>;
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.keys.recv);
  }

  /**
   * The sorted set a list walks: the narrowest one that holds every item the statuses allow.
   * `statuses` null means all.
   */
  private setFor(sort: QueueSort, statuses: StaffStatus[] | null): string {
    const k = this.keys;
    if (sort === 'due') return k.due;
    if (statuses && statuses.length === 1) return k.status(statuses[0]!);
    if (statuses && statuses.every(isOpen)) return k.open;
    return k.recv;
  }

  /**
   * Walks the items in list order after the cursor, yielding those the predicate keeps, until
   * `want` are found or the set ends. Returns them with the (score, code) of each.
   */
  async scan(
    sort: QueueSort,
    statuses: StaffStatus[] | null,
    keep: (e: QueueEntry) => boolean,
    want: number,
    after: QueueCursor | null,
  ): Promise<{ entry: QueueEntry; score: number }[]> {
    const key = this.setFor(sort, statuses);
    const desc = sort === 'received';
    const bound = after ? String(after.v) : desc ? '+inf' : '-inf';
    const end = desc ? '-inf' : '+inf';
    const out: { entry: QueueEntry; score: number }[] = [];
    const seen = new Set<string>();
    for (let offset = 0; out.length < want; offset += CHUNK) {
      const args: (string | number)[] = [key, bound, end, 'BYSCORE'];
      if (desc) args.push('REV');
      args.push('LIMIT', offset, CHUNK, 'WITHSCORES');
      const rows = (await this.redis.call('ZRANGE', ...args)) as string[];
      if (!rows.length) break;
      const codes: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < rows.length; i += 2) {
        const code = rows[i]!;
        const score = Number(rows[i + 1]);
        // Ties at the cursor's score: only codes past the cursor's code, in this order.
        if (after && score === after.v && (desc ? code >= after.c : code <= after.c)) continue;
        if (seen.has(code)) continue;
        seen.add(code);
        codes.push(code);
        scores.push(score);
      }
      if (codes.length) {
        const raws = await this.redis.hmget(this.keys.doc, ...codes);
        raws.forEach((raw, i) => {
          if (!raw || out.length >= want) return;
          const entry = JSON.parse(raw) as QueueEntry;
          if (keep(entry)) out.push({ entry, score: scores[i]! });
        });
      }
      if (rows.length < CHUNK * 2) break;
    }
    return out;
  }

  /** Every entry (for counts under filters), read in chunks of the full set. */
  async *all(statuses: StaffStatus[] | null): AsyncGenerator<QueueEntry> {
    const key = this.setFor('received', statuses);
    for (let start = 0; ; start += CHUNK) {
      const codes = await this.redis.zrange(key, start, start + CHUNK - 1);
      if (!codes.length) return;
      const raws = await this.redis.hmget(this.keys.doc, ...codes);
      for (const raw of raws) if (raw) yield JSON.parse(raw) as QueueEntry;
      if (codes.length < CHUNK) return;
    }
  }

  /** Open items whose due time is at or before `now` (ms), soonest first. */
  async overdueCodes(now: number): Promise<string[]> {
    const k = this.keys;
    const late = await this.redis.zrangebyscore(k.due, '-inf', String(now));
    if (!late.length) return [];
    const open = (await this.redis.call('ZMSCORE', k.open, ...late)) as (string | null)[];
    return late.filter((_, i) => open[i] !== null);
  }

  /** Removes items that left the working set before `before` (ms); returns how many. */
  async prune(before: number): Promise<number> {
    const stale: string[] = [];
    for await (const e of this.all(null)) if (!isOpen(e.st) && e.sa < before) stale.push(e.c);
    for (const c of stale) await this.remove(c);
    return stale.length;
  }

  /** Drops every key of the index (before a rebuild). */
  async clear(): Promise<void> {
    const k = this.keys;
    await this.redis.del(k.doc, k.recv, k.open, k.due, ...STAFF_STATUSES.map(k.status));
  }
}
