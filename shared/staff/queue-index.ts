/**
 * The review queue's index, in Redis. FerretDB 1.24 filters and sorts nothing in SQLite but an
 * `_id` equality, so a filtered, sorted list over a million feedback documents is a scan of all of
 * them (7.6–8.8 s for 100,000). Staff only page through the working set — every open item, and
 * items that left it within QUEUE_KEEP_CLOSED_DAYS — so that set is kept here, small and sorted:
 *
 *   <p>:qi:doc           hash  code → compact entry (JSON): every field a filter or a row needs
 *   <p>:qi:doc:txt       hash  code → folded text, read only by a "contains" search
 *   <p>:qi:doc:x         hash  code → excerpt, read only for the rows of a page
 *   <p>:qi:recv          zset  every indexed code, score = receivedAt (ms)
 *   <p>:qi:open          zset  open codes (new, triaged, in_progress), score = receivedAt
 *   <p>:qi:doc:<status>  zset  codes of one staff status, score = receivedAt
 *   <p>:qi:due           zset  open codes, score = due time (ms), NO_DUE when none
 *   <p>:qi:ce:<center>   zset  codes of one center (`_` when not known yet), score = receivedAt
 *   <p>:qi:doc:held      zset  held codes (in no official figure until released), score = receivedAt
 *
 * A list walks one sorted set in order, reads entries in chunks and filters them in the process;
 * the cursor is the last (score, code) seen, so new feedback never shifts a later page. Counts
 * read only the sets they need: ZCARD without filters, the caller's centers' sets for a center
 * manager or a center filter, everything otherwise. The keys are built inside the script, so the
 * index needs one Redis (or a Sentinel pair), not a Cluster. MongoDB
 * stays the record: every write here follows a database write, and `rebuild` recreates the index
 * from the feedback collection (docs/workspace.md).
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import { isOpen, STAFF_STATUSES, type StaffStatus } from './staff-status';

/** How many changed codes the change log keeps (a snapshot further behind reloads whole). */
const CHANGE_LOG = 5000;

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
  hd?: 1; // held: in no official figure until released (shared/abuse/hold.ts)
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

// Writes one entry and moves its code between the sorted sets, atomically. KEYS: doc, recv, open,
// due, txt, excerpt. ARGV: code, entry JSON, receivedAt, due score, status, open (1|0), onlyIfAbsent
// (1|0), center key ('_' when unknown), folded text, the center-set key prefix, excerpt, held (1|0),
// then the statuses. The entry stays small (about 150 bytes) because counts read every entry.
const PUT = `
local code = ARGV[1]
local old = redis.call('hget', KEYS[1], code)
if ARGV[7] == '1' and old then return 0 end
if old then
  local prev = cjson.decode(old)
  local pc = prev['ce']
  if pc == cjson.null or pc == nil then pc = '_' end
  if pc ~= ARGV[8] then redis.call('zrem', ARGV[10] .. pc, code) end
end
redis.call('hset', KEYS[1], code, ARGV[2])
redis.call('hset', KEYS[5], code, ARGV[9])
redis.call('hset', KEYS[6], code, ARGV[11])
redis.call('zadd', KEYS[2], ARGV[3], code)
redis.call('zadd', ARGV[10] .. ARGV[8], ARGV[3], code)
if ARGV[6] == '1' then
  redis.call('zadd', KEYS[3], ARGV[3], code)
  redis.call('zadd', KEYS[4], ARGV[4], code)
else
  redis.call('zrem', KEYS[3], code)
  redis.call('zrem', KEYS[4], code)
end
if ARGV[12] == '1' then
  redis.call('zadd', KEYS[1] .. ':held', ARGV[3], code)
else
  redis.call('zrem', KEYS[1] .. ':held', code)
end
for i = 13, #ARGV do
  local key = KEYS[1] .. ':' .. ARGV[i]
  if ARGV[i] == ARGV[5] then redis.call('zadd', key, ARGV[3], code) else redis.call('zrem', key, code) end
end
redis.call('incr', KEYS[1] .. ':ver')
redis.call('rpush', KEYS[1] .. ':log', code)
redis.call('ltrim', KEYS[1] .. ':log', -${CHANGE_LOG}, -1)
return 1
`;

// Removes one code from every key. KEYS: doc, txt, excerpt, recv, open, due, version, log,
// center-set prefix. ARGV: code, stale-before time ('' = unconditional), log size, the statuses.
const REMOVE = `
local code = ARGV[1]
local raw = redis.call('hget', KEYS[1], code)
if not raw then return 0 end
local e = cjson.decode(raw)
if ARGV[2] ~= '' then
  if e['st'] == 'new' or e['st'] == 'triaged' or e['st'] == 'in_progress' then return 0 end
  if tonumber(e['sa']) >= tonumber(ARGV[2]) then return 0 end
end
local ce = e['ce']
if ce == cjson.null or ce == nil then ce = '_' end
redis.call('zrem', KEYS[9] .. ce, code)
for i = 1, 3 do redis.call('hdel', KEYS[i], code) end
for i = 4, 6 do redis.call('zrem', KEYS[i], code) end
redis.call('zrem', KEYS[1] .. ':held', code)
for i = 4, #ARGV do redis.call('zrem', KEYS[1] .. ':' .. ARGV[i], code) end
redis.call('incr', KEYS[7])
redis.call('rpush', KEYS[8], code)
redis.call('ltrim', KEYS[8], -tonumber(ARGV[3]), -1)
return 1
`;

// What changed since a version (for QueueSnapshot): {epoch, version, codes | false when too far}.
const CHANGES = `
local v = tonumber(redis.call('get', KEYS[1]) or '0')
local epoch = redis.call('get', KEYS[3]) or ''
local c = tonumber(ARGV[1])
if epoch ~= ARGV[2] or c < 0 or v < c then return {epoch, v, false} end
local n = v - c
if n == 0 then return {epoch, v, {}} end
if n > redis.call('llen', KEYS[2]) then return {epoch, v, false} end
return {epoch, v, redis.call('lrange', KEYS[2], -n, -1)}
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
      txt: `${doc}:txt`,
      excerpt: `${doc}:x`,
      version: `${doc}:ver`,
      log: `${doc}:log`,
      epoch: `${doc}:epoch`,
      recv: `${this.base}:recv`,
      open: `${this.base}:open`,
      due: `${this.base}:due`,
      // Status sets are named `<doc>:<status>` so the script can build their names.
      status: (s: StaffStatus) => `${doc}:${s}`,
      held: `${doc}:held`,
      centerPrefix: `${this.base}:ce:`,
      center: (c: string | null) => `${this.base}:ce:${c ?? '_'}`,
    };
  }

  /** Adds or replaces an entry. With onlyIfAbsent, an entry already there (staff moved it) wins. */
  async put(e: QueueEntry, opts: { onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const k = this.keys;
    const { t, x, ...rest } = e;
    const r = await this.redis.eval(
      PUT,
      6,
      k.doc,
      k.recv,
      k.open,
      k.due,
      k.txt,
      k.excerpt,
      e.c,
      JSON.stringify(rest),
      String(e.ra),
      String(e.du ?? NO_DUE),
      e.st,
      isOpen(e.st) ? '1' : '0',
      opts.onlyIfAbsent ? '1' : '0',
      e.ce ?? '_',
      t,
      k.centerPrefix,
      x,
      e.hd === 1 ? '1' : '0',
      ...STAFF_STATUSES,
    );
    return r === 1;
  }

  async get(code: string): Promise<QueueEntry | null> {
    const [entry] = await this.read([code], true);
    if (entry) await this.withExcerpts([entry]);
    return entry ?? null;
  }

  async has(code: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.doc, code)) === 1;
  }

  /** Fills in the excerpts of the entries a page shows. */
  private async withExcerpts(entries: QueueEntry[]): Promise<void> {
    if (!entries.length) return;
    const xs = await this.redis.hmget(this.keys.excerpt, ...entries.map((e) => e.c));
    entries.forEach((e, i) => (e.x = xs[i] ?? ''));
  }

  async remove(code: string): Promise<void> {
    await this.removeIf(code, null);
  }

  /**
   * Removes an entry, atomically: with `staleBefore`, only if it is still out of the working set
   * and left it before that time (a prune must not remove an item reopened meanwhile).
   */
  private async removeIf(code: string, staleBefore: number | null): Promise<boolean> {
    const k = this.keys;
    const r = await this.redis.eval(
      REMOVE,
      9,
      k.doc,
      k.txt,
      k.excerpt,
      k.recv,
      k.open,
      k.due,
      k.version,
      k.log,
      k.centerPrefix,
      code,
      staleBefore === null ? '' : String(staleBefore),
      String(CHANGE_LOG),
      ...STAFF_STATUSES,
    );
    return r === 1;
  }

  /**
   * The codes changed since `version` of `epoch` (the index's life since its last clear), or null
   * when the caller must read everything again (another epoch, or further behind than the log).
   */
  async changesSince(
    version: number,
    epoch: string,
  ): Promise<{ version: number; epoch: string; codes: string[] | null }> {
    const k = this.keys;
    const [ep, v, codes] = (await this.redis.eval(
      CHANGES,
      3,
      k.version,
      k.log,
      k.epoch,
      String(version),
      epoch,
    )) as [string, number, string[] | null];
    return { epoch: ep, version: Number(v), codes: codes ?? null };
  }

  /** Entries by code, without text or excerpt (null where the code left the index). */
  entries(codes: string[]): Promise<(QueueEntry | null)[]> {
    return codes.length ? this.read(codes, false) : Promise.resolve([]);
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

  /** How many indexed items are held (the unfiltered "held" count), without reading an entry. */
  async heldCount(): Promise<number> {
    return this.redis.zcard(this.keys.held);
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.keys.recv);
  }

  /**
   * The sorted set a list walks: the narrowest one that holds every item the statuses allow.
   * `statuses` null means all.
   */
  private setFor(sort: QueueSort, statuses: StaffStatus[] | null, center?: string | null): string {
    const k = this.keys;
    if (sort === 'due') return k.due;
    if (center !== undefined) return k.center(center);
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
    opts: { center?: string | null; text?: boolean } = {},
  ): Promise<{ entry: QueueEntry; score: number }[]> {
    const key = this.setFor(sort, statuses, opts.center);
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
        const entries = await this.read(codes, !!opts.text);
        entries.forEach((entry, i) => {
          if (entry && out.length < want && keep(entry)) out.push({ entry, score: scores[i]! });
        });
      }
      if (rows.length < CHUNK * 2) break;
    }
    await this.withExcerpts(out.map((o) => o.entry));
    return out;
  }

  /** Entries by code (null where none), with the search text only when asked for. */
  private async read(codes: string[], text: boolean): Promise<(QueueEntry | null)[]> {
    const [raws, texts] = await Promise.all([
      this.redis.hmget(this.keys.doc, ...codes),
      text ? this.redis.hmget(this.keys.txt, ...codes) : Promise.resolve([] as (string | null)[]),
    ]);
    return raws.map((raw, i) =>
      raw ? { ...(JSON.parse(raw) as QueueEntry), x: '', t: texts[i] ?? '' } : null,
    );
  }

  /**
   * Every entry (for counts under filters), read in chunks: of the given centers' sets when
   * `centers` is a list (null stands for "center not known yet"), else of the whole index.
   */
  async *all(
    centers: (string | null)[] | null = null,
    opts: { text?: boolean } = {},
  ): AsyncGenerator<QueueEntry> {
    if (!centers) {
      // The whole index: the entries hash in large pages (HSCAN), not code by code.
      let cursor = '0';
      do {
        const [next, flat] = await this.redis.hscan(this.keys.doc, cursor, 'COUNT', 5000);
        cursor = next;
        const codes: string[] = [];
        const raws: string[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          codes.push(flat[i]!);
          raws.push(flat[i + 1]!);
        }
        const texts =
          opts.text && codes.length ? await this.redis.hmget(this.keys.txt, ...codes) : [];
        for (let i = 0; i < raws.length; i++)
          yield { ...(JSON.parse(raws[i]!) as QueueEntry), x: '', t: texts[i] ?? '' };
      } while (cursor !== '0');
      return;
    }
    for (const key of centers.map((c) => this.keys.center(c))) {
      for (let start = 0; ; start += CHUNK * 4) {
        const codes = await this.redis.zrange(key, start, start + CHUNK * 4 - 1);
        if (!codes.length) break;
        for (const e of await this.read(codes, !!opts.text)) if (e) yield e;
        if (codes.length < CHUNK * 4) break;
      }
    }
  }

  /** Open items whose due time has passed, counted without reading an entry. */
  async overdueCount(now: number): Promise<number> {
    return this.redis.zcount(this.keys.due, '-inf', String(now));
  }

  /** Open items whose due time is at or before `now` (ms), soonest first. */
  async overdueCodes(now: number): Promise<string[]> {
    const k = this.keys;
    // The due set holds open items only.
    return this.redis.zrangebyscore(k.due, '-inf', String(now));
  }

  /** Removes items that left the working set before `before` (ms); returns how many. */
  async prune(before: number): Promise<number> {
    const stale: string[] = [];
    for await (const e of this.all()) if (!isOpen(e.st) && e.sa < before) stale.push(e.c);
    let removed = 0;
    for (const c of stale) if (await this.removeIf(c, before)) removed++;
    return removed;
  }

  /** Drops every key of the index (before a rebuild). */
  async clear(): Promise<void> {
    const k = this.keys;
    const centers = await this.redis.keys(`${k.centerPrefix}*`);
    // A new epoch: every snapshot taken before the clear reads the index again.
    await this.redis.set(k.epoch, randomUUID());
    await this.redis.del(
      k.doc,
      k.txt,
      k.excerpt,
      k.log,
      k.recv,
      k.open,
      k.due,
      ...STAFF_STATUSES.map(k.status),
      k.held,
      ...centers,
    );
  }
}
