/**
 * Report days: one small document per Vientiane day holding what every figure of that day needs —
 * the day's rollup buckets as rows, and the day's complaints as cases — so that a dashboard, a
 * monthly report or the scoreboard reads one document per day by `_id` (the one lookup FerretDB
 * 1.24 pushes down) and never scans feedback or rollups. A month is 31 primary-key reads.
 *
 * The document is a read model, rebuilt from the records at any time:
 * - whatever writes a rollup bucket or changes a feedback document marks it (`markBuckets`,
 *   `markCases`): a Redis hash field per bucket or tracking code, whose value goes up by one
 *   with every mark;
 * - `refresh` reads the marked buckets and documents again by `_id`, rewrites their rows and cases
 *   in their days' documents (under a lock per day) and then removes each mark only if no new one
 *   came meanwhile, so a change made while a refresh runs is refreshed again: nothing is lost and
 *   the last refresh always reads the last state;
 * - `rebuildDays` recomputes whole days from the records (the nightly job after the rollup recount,
 *   and `npm run reports:rebuild`): the safety net for a process that died between its write and
 *   its mark.
 *
 * Two hashes, because a refresh removes every field it scanned, understood or not:
 * - `<prefix>:rep:dirty` holds `b:<bucket>` and `c:<code>` marks, the ones every release writes and
 *   reads; a `c:` mark costs the refresh one more read, for the document's day;
 * - `<prefix>:rep:dirty:cases` holds `d:<day>|<code>` marks, made when the writer knows the day (the
 *   intake: every stored complaint), so the refresh reads that document once.
 * During a rolling deploy a refresh of the previous release, which knows only the first hash, still
 * runs beside this one. It never sees the second hash, so it cannot remove a day-carrying mark it
 * does not understand; this release reads both (the `c:` marks of an older writer included). A
 * day-carrying mark made by this release while only older ones refresh (or after a roll-back) waits
 * in its hash for the first refresh of this release; the nightly rebuild of the two days before
 * repairs a day in any case. A new kind of mark goes in a hash of its own for the same reason.
 *
 * Rows and cases are stored as JSON strings: FerretDB stores every key of a map with its own type
 * information, which makes a document of a thousand keys slow to read and write (see
 * rollup.model.ts); a string is one value.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type IORedis from 'ioredis';
import { modelOn } from '../db/mongo';
import { feedbackModel, type FeedbackDoc, type FeedbackModel } from '../models/feedback.model';
import {
  bucketFields,
  countsOf,
  rollupModel,
  type RollupDoc,
  type RollupModel,
} from '../models/rollup.model';
import type { RedisLock } from '../redis-lock';
import type { WorkingCalendar } from '../staff/working-days';
import { isCase, workingDays, type Case, type Counts } from './metrics';

/** One day's figures, as stored. */
export interface ReportDayDoc {
  _id: string;
  month: string;
  /** JSON: `{ "center|service|channel": [count, ratingSum, ratingCount, r1…r5, complaints, praise] }`. */
  rows: string;
  /** JSON: `{ code: [center, service, channel, topics, status, receivedAt, dueAt, firstReplyAt,
   * resolvedAt, firstReplyDays, resolutionDays, satisfaction] }` (see Case). */
  cases: string;
  at: Date;
}

const reportDaySchema = new Schema<ReportDayDoc>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    rows: { type: String, default: '{}' },
    cases: { type: String, default: '{}' },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ReportDayModel = Model<ReportDayDoc>;

export function reportDayModel(conn: Connection): ReportDayModel {
  return modelOn<ReportDayDoc>(conn, 'ReportDay', reportDaySchema, 'report_days');
}

/** A row as stored: count, ratingSum, ratingCount, r1 … r5, complaints, praise. */
type RowTuple = [number, number, number, number, number, number, number, number, number, number];
type CaseTuple = [
  string,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** A bucket row as the figures read it. */
export interface Row extends Counts {
  center: string;
  service: string;
  channel: string;
}

/** One day, parsed. */
export interface ReportDay {
  day: string;
  rows: Row[];
  cases: Case[];
}

export function rowTuple(r: Partial<RollupDoc> | null | undefined): RowTuple | null {
  const c = countsOf(r);
  if (!c.count) return null;
  return [
    c.count,
    c.ratingSum,
    c.ratingCount,
    c['ratings.r1'],
    c['ratings.r2'],
    c['ratings.r3'],
    c['ratings.r4'],
    c['ratings.r5'],
    c.complaints,
    c.praise,
  ];
}

/** What the case of a feedback document is, or null when it is not a case. */
export function caseOf(f: FeedbackDoc, cal: WorkingCalendar): Case | null {
  const status = f.staffStatus ?? 'new';
  // Held feedback is no case until staff release it (shared/abuse/hold.ts).
  if (f.held || !isCase(f.kind?.code, status)) return null;
  const receivedAt = new Date(f.receivedAt).getTime();
  const firstReplyAt = f.firstReplyAt ? new Date(f.firstReplyAt).getTime() : 0;
  const resolvedAt =
    f.resolvedAt && (status === 'resolved' || status === 'closed')
      ? new Date(f.resolvedAt).getTime()
      : 0;
  return {
    code: f._id,
    center: f.center?.code ?? '_unknown',
    service: f.service?.code ?? '_unknown',
    channel: f.channel,
    topics: (f.topics ?? []).map((t) => t.code).filter((c): c is string => !!c),
    status,
    receivedAt,
    dueAt: f.slaDueAt ? new Date(f.slaDueAt).getTime() : 0,
    firstReplyAt,
    resolvedAt,
    firstReplyDays: workingDays(cal, receivedAt, firstReplyAt),
    resolutionDays: workingDays(cal, receivedAt, resolvedAt),
    satisfaction: f.satisfaction ?? 0,
  };
}

function caseTuple(c: Case): CaseTuple {
  return [
    c.center,
    c.service,
    c.channel,
    c.topics.join(','),
    c.status,
    c.receivedAt,
    c.dueAt,
    c.firstReplyAt,
    c.resolvedAt,
    c.firstReplyDays,
    c.resolutionDays,
    c.satisfaction,
  ];
}

function caseFrom(code: string, t: CaseTuple): Case {
  return {
    code,
    center: t[0],
    service: t[1],
    channel: t[2],
    topics: t[3] ? t[3].split(',') : [],
    status: t[4] as Case['status'],
    receivedAt: t[5],
    dueAt: t[6],
    firstReplyAt: t[7],
    resolvedAt: t[8],
    firstReplyDays: t[9],
    resolutionDays: t[10],
    satisfaction: t[11],
  };
}

export function parseDay(doc: Pick<ReportDayDoc, '_id' | 'rows' | 'cases'>): ReportDay {
  const rows = JSON.parse(doc.rows || '{}') as Record<string, RowTuple>;
  const cases = JSON.parse(doc.cases || '{}') as Record<string, CaseTuple>;
  return {
    day: doc._id,
    rows: Object.entries(rows).map(([k, t]) => {
      const [center = '', service = '', channel = ''] = k.split('|');
      return {
        center,
        service,
        channel,
        count: t[0],
        ratingSum: t[1],
        ratingCount: t[2],
        ratings: [t[3], t[4], t[5], t[6], t[7]],
        complaints: t[8],
        praise: t[9],
      };
    }),
    cases: Object.entries(cases).map(([code, t]) => caseFrom(code, t)),
  };
}

/** The feedback fields a case is made of. */
export const CASE_FIELDS = {
  _id: 1,
  day: 1,
  kind: 1,
  staffStatus: 1,
  center: 1,
  service: 1,
  channel: 1,
  topics: 1,
  receivedAt: 1,
  slaDueAt: 1,
  firstReplyAt: 1,
  resolvedAt: 1,
  satisfaction: 1,
  held: 1,
} as const;

const DEL_IF_SAME = `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('hget', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('hdel', KEYS[1], ARGV[i]); n = n + 1
  end
end
return n`;

/** Runs fn over items, at most `limit` at a time. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** Marks only: what the writers of buckets and feedback need (workers, the api). */
export class ReportMarks {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
  ) {}

  /** The hash every release reads and empties: `b:` and `c:` marks. */
  get key(): string {
    return `${this.prefix}:rep:dirty`;
  }

  /** The hash of day-carrying `d:` marks, which a release before them never reads nor empties. */
  get dayKey(): string {
    return `${this.prefix}:rep:dirty:cases`;
  }

  async markBuckets(ids: Iterable<string>): Promise<void> {
    const fields = [...ids].map((id) => `b:${id}`);
    await this.mark(this.key, fields);
  }

  /**
   * Marks feedback documents. With `day` (their receipt day, when the caller has it, as the intake
   * does) the mark carries it, and the refresh reads each document once instead of twice.
   */
  async markCases(codes: Iterable<string>, day?: string): Promise<void> {
    const fields = [...codes].map((c) => (day ? `d:${day}|${c}` : `c:${c}`));
    await this.mark(day ? this.dayKey : this.key, fields);
  }

  private async mark(key: string, fields: string[]): Promise<void> {
    if (!fields.length) return;
    // One field (the intake marks each stored complaint, a bucket write its bucket): one command,
    // not MULTI, HINCRBY and EXEC.
    if (fields.length === 1) {
      await this.redis.hincrby(key, fields[0]!, 1);
      return;
    }
    const m = this.redis.multi();
    for (const f of fields) m.hincrby(key, f, 1);
    await m.exec();
  }
}

export interface ReportDaysDeps {
  Days: ReportDayModel;
  Feedback: FeedbackModel;
  Rollup: RollupModel;
  redis: IORedis;
  prefix: string;
  lock: RedisLock;
  calendar: WorkingCalendar;
}

export interface RefreshResult {
  buckets: number;
  cases: number;
  days: number;
  /** Marks left for the next refresh (more than the limit, or changed while this one ran). */
  left: number;
}

/** Parsed days kept by version; a day's version changes with every write of it. */
const CACHE_DAYS = 800;

export class ReportDays {
  readonly marks: ReportMarks;
  private readonly cache = new Map<string, { ver: string; day: ReportDay }>();
  private refreshing: Promise<RefreshResult> | null = null;

  constructor(private readonly d: ReportDaysDeps) {
    this.marks = new ReportMarks(d.redis, d.prefix);
  }

  private get verKey(): string {
    return `${this.d.prefix}:rep:ver`;
  }

  /** Applies pending marks (one refresh at a time per process; callers share a running one). */
  refresh(limit = 5000): Promise<RefreshResult> {
    this.refreshing ??= this.refreshOnce(limit).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refreshOnce(limit: number): Promise<RefreshResult> {
    // Each hash gets at least half the limit when both are full, so a flood in one (the intake's
    // marks, a rebuild's re-marks) does not hold the other back; and all of it when the other
    // holds little.
    const marks = await this.scan(this.marks.key, Math.ceil(limit / 2));
    const dayMarks = await this.scan(this.marks.dayKey, limit - marks.size);
    if (!marks.size && !dayMarks.size) return { buckets: 0, cases: 0, days: 0, left: 0 };

    const byDay = new Map<string, { buckets: string[]; cases: Set<string> }>();
    const dayOf = (day: string) => {
      let e = byDay.get(day);
      if (!e) byDay.set(day, (e = { buckets: [], cases: new Set() }));
      return e;
    };
    /** Codes whose day came with a mark; the other marked codes, whose day is read. */
    const dayKnown = new Set<string>();
    const unknown = new Set<string>();
    let buckets = 0;
    // A `d:` field in the first hash (where day-carrying marks went before they had a hash of their
    // own) is read as well.
    for (const f of [...dayMarks.keys(), ...marks.keys()]) {
      if (f.startsWith('b:')) {
        const id = f.slice(2);
        dayOf(bucketFields(id).day).buckets.push(id);
        buckets++;
      } else if (f.startsWith('c:')) unknown.add(f.slice(2));
      else if (f.startsWith('d:')) {
        // `d:<day>|<code>`: the day came with the mark.
        const i = f.indexOf('|');
        const code = f.slice(i + 1);
        dayOf(f.slice(2, i)).cases.add(code);
        dayKnown.add(code);
      }
    }
    // Which day each other marked document belongs to (its receipt day never changes). A code
    // marked both ways is read, and counted, once.
    const codes = [...unknown].filter((c) => !dayKnown.has(c));
    const docs = await pool(codes, 16, (code) =>
      this.d.Feedback.findById(code, { day: 1 }).lean<{ _id: string; day: string }>(),
    );
    for (const doc of docs) if (doc) dayOf(doc.day).cases.add(doc._id);

    await pool([...byDay], 4, ([day, work]) => this.applyDay(day, work.buckets, [...work.cases]));
    const removed =
      (await this.unmark(this.marks.dayKey, dayMarks)) + (await this.unmark(this.marks.key, marks));
    const [left1, left2] = await Promise.all([
      this.d.redis.hlen(this.marks.dayKey),
      this.d.redis.hlen(this.marks.key),
    ]);
    return {
      buckets,
      cases: dayKnown.size + codes.length,
      days: byDay.size,
      left: Math.max(left1 + left2, marks.size + dayMarks.size - removed),
    };
  }

  /** Up to about `limit` fields of a mark hash, with their values. */
  private async scan(key: string, limit: number): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, flat] = await this.d.redis.hscan(key, cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) seen.set(flat[i]!, flat[i + 1]!);
    } while (cursor !== '0' && seen.size < limit);
    return seen;
  }

  /** Removes the given marks that no writer marked again since they were read; how many. */
  private async unmark(key: string, seen: Map<string, string>): Promise<number> {
    const args: string[] = [];
    for (const [f, v] of seen) args.push(f, v);
    let removed = 0;
    for (let i = 0; i < args.length; i += 2000)
      removed += Number(await this.d.redis.eval(DEL_IF_SAME, 1, key, ...args.slice(i, i + 2000)));
    return removed;
  }

  /** Rereads the given buckets and documents of one day and rewrites their parts, under the day's lock. */
  private async applyDay(day: string, bucketIds: string[], codes: string[]): Promise<void> {
    await this.d.lock.with(`report-day:${day}`, async () => {
      const cur = await this.d.Days.findById(day).lean<ReportDayDoc>();
      const rows = JSON.parse(cur?.rows ?? '{}') as Record<string, RowTuple>;
      const cases = JSON.parse(cur?.cases ?? '{}') as Record<string, CaseTuple>;
      const bucketDocs = await pool(bucketIds, 16, (id) =>
        this.d.Rollup.findById(id).lean<RollupDoc>(),
      );
      bucketIds.forEach((id, i) => {
        const { centerCode, serviceCode, channel } = bucketFields(id);
        const key = `${centerCode}|${serviceCode}|${channel}`;
        const t = rowTuple(bucketDocs[i]);
        if (t) rows[key] = t;
        else delete rows[key];
      });
      const docs = await pool(codes, 16, (code) =>
        this.d.Feedback.findById(code, CASE_FIELDS).lean<FeedbackDoc>(),
      );
      codes.forEach((code, i) => {
        const c = docs[i] ? caseOf(docs[i]!, this.d.calendar) : null;
        if (c) cases[code] = caseTuple(c);
        else delete cases[code];
      });
      await this.write(day, rows, cases);
    });
  }

  private async write(
    day: string,
    rows: Record<string, RowTuple>,
    cases: Record<string, CaseTuple>,
  ): Promise<void> {
    await this.d.Days.updateOne(
      { _id: day },
      {
        $set: {
          month: day.slice(0, 7),
          rows: JSON.stringify(rows),
          cases: JSON.stringify(cases),
          at: new Date(),
        },
      },
      { upsert: true },
    );
    await this.d.redis.hset(this.verKey, day, randomUUID());
  }

  /**
   * Recomputes whole days from the records: every rollup bucket and every complaint of those days
   * (a scan of both collections: for the nightly job and by hand, not for a request). Marks
   * everything it wrote, unless `remark` is false, so that a change made during the scan is read
   * again by the next refresh.
   */
  async rebuildDays(
    days: string[] | 'all',
    opts: { remark?: boolean } = {},
  ): Promise<{
    days: number;
    rows: number;
    cases: number;
  }> {
    const want = days === 'all' ? null : new Set(days);
    const rowsByDay = new Map<string, Record<string, RowTuple>>();
    const casesByDay = new Map<string, Record<string, CaseTuple>>();
    const bucketIds: string[] = [];
    const codes: string[] = [];
    // Built here from validated days: trusted past mongoose's filter sanitising.
    const filter = want ? { day: mongoose.trusted({ $in: [...want] }) } : {};
    for await (const b of this.d.Rollup.find(filter)
      .lean<RollupDoc>()
      .cursor({ batchSize: 1000 })) {
      const t = rowTuple(b);
      bucketIds.push(b._id);
      if (!t) continue;
      let rows = rowsByDay.get(b.day);
      if (!rows) rowsByDay.set(b.day, (rows = {}));
      rows[`${b.centerCode}|${b.serviceCode}|${b.channel}`] = t;
    }
    for await (const f of this.d.Feedback.find(filter, CASE_FIELDS)
      .lean<FeedbackDoc>()
      .cursor({ batchSize: 1000 })) {
      const c = caseOf(f, this.d.calendar);
      if (!c) continue;
      codes.push(f._id);
      let cases = casesByDay.get(f.day);
      if (!cases) casesByDay.set(f.day, (cases = {}));
      cases[f._id] = caseTuple(c);
    }
    const all = new Set([...(want ?? []), ...rowsByDay.keys(), ...casesByDay.keys()]);
    let nRows = 0;
    let nCases = 0;
    await pool([...all], 4, async (day) => {
      const rows = rowsByDay.get(day) ?? {};
      const cases = casesByDay.get(day) ?? {};
      nRows += Object.keys(rows).length;
      nCases += Object.keys(cases).length;
      await this.d.lock.with(`report-day:${day}`, () => this.write(day, rows, cases));
    });
    if (opts.remark !== false) {
      for (let i = 0; i < bucketIds.length; i += 5000)
        await this.marks.markBuckets(bucketIds.slice(i, i + 5000));
      for (let i = 0; i < codes.length; i += 5000)
        await this.marks.markCases(codes.slice(i, i + 5000));
    }
    return { days: all.size, rows: nRows, cases: nCases };
  }

  /**
   * Writes whole days from records a bulk load already holds in memory (`npm run seed:demo`): the
   * rows of the given buckets and the given cases, in the stored format — what rebuildDays would
   * compute from a scan of the same records, without the scan. Replaces what the days held.
   */
  async writeDays(
    days: Iterable<{ day: string; buckets: Iterable<Partial<RollupDoc>>; cases: Iterable<Case> }>,
  ): Promise<{ days: number; rows: number; cases: number }> {
    const list = [...days];
    let nRows = 0;
    let nCases = 0;
    await pool(list, 4, async ({ day, buckets, cases }) => {
      const rows: Record<string, RowTuple> = {};
      for (const b of buckets) {
        const t = rowTuple(b);
        if (t) rows[`${b.centerCode}|${b.serviceCode}|${b.channel}`] = t;
      }
      const byCode: Record<string, CaseTuple> = {};
      for (const c of cases) byCode[c.code] = caseTuple(c);
      nRows += Object.keys(rows).length;
      nCases += Object.keys(byCode).length;
      await this.d.lock.with(`report-day:${day}`, () => this.write(day, rows, byCode));
    });
    return { days: list.length, rows: nRows, cases: nCases };
  }

  /** The given days, parsed (a day with nothing stored is empty); cached per version of each day. */
  async load(days: string[]): Promise<ReportDay[]> {
    const vers = days.length ? await this.d.redis.hmget(this.verKey, ...days) : [];
    return pool(days, 16, async (day, i) => {
      const ver = vers[i] ?? null;
      const hit = ver ? this.cache.get(day) : undefined;
      if (hit && hit.ver === ver) return hit.day;
      const doc = await this.d.Days.findById(day).lean<ReportDayDoc>();
      const parsed = doc ? parseDay(doc) : { day, rows: [], cases: [] };
      if (ver) {
        this.cache.delete(day);
        this.cache.set(day, { ver, day: parsed });
        if (this.cache.size > CACHE_DAYS) this.cache.delete(this.cache.keys().next().value!);
      }
      return parsed;
    });
  }
}

/** The report days of a deployment (the calendar is the one complaint due dates use). */
export function reportDaysFor(
  conn: Connection,
  redis: IORedis,
  prefix: string,
  calendar: WorkingCalendar,
  lock: RedisLock,
): ReportDays {
  return new ReportDays({
    Days: reportDayModel(conn),
    Feedback: feedbackModel(conn),
    Rollup: rollupModel(conn),
    redis,
    prefix,
    lock,
    calendar,
  });
}
