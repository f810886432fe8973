/**
 * Daily rollups per (day, center, service, channel), updated by the intake worker so that
 * dashboards and reports never scan all feedback. Averages are sum / count.
 *
 * Each bucket also lists the feedback it counts (`c`: tracking code → count version), written in
 * the same statement as the counts: that is what makes every count change idempotent per document
 * and version (see workers/intake/rollup-writer.ts).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import type { FeedbackDoc } from './feedback.model';

export interface RollupDoc {
  /** `day|center|service|channel`: every write is a primary-key write on every backend. */
  _id: string;
  day: string;
  month: string;
  centerCode: string;
  serviceCode: string;
  channel: string;
  count: number;
  ratingSum: number;
  ratingCount: number;
  /** Count per rating value: r1 … r5 (keys may not contain '.' in FerretDB). */
  ratings: { r1: number; r2: number; r3: number; r4: number; r5: number };
  complaints: number;
  praise: number;
  needsTriage: number;
  /**
   * The feedback this bucket has seen, as `code=v,code=-v,…` (see parseEntries): `v >= 0` counted
   * here at count version v; `-v` left this bucket with the change to version v (kept so that a
   * late, stale change is refused). One string, not a map: FerretDB stores every key of a map
   * with its own type information, and a bucket with 1,250 keys took 16 ms to read and 30 ms to
   * write there (a string of the same entries: 3 ms and 5 ms).
   */
  c?: string;
  /** Bumped by every write (the recount uses it to notice a write it did not see). */
  rev?: number;
}

/** Placeholder codes for feedback whose center or service is not known (yet). */
export const UNKNOWN_CODE = '_unknown';

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    centerCode: { type: String, required: true },
    serviceCode: { type: String, required: true },
    channel: { type: String, required: true },
    count: { type: Number, default: 0 },
    ratingSum: { type: Number, default: 0 },
    ratingCount: { type: Number, default: 0 },
    ratings: { r1: Number, r2: Number, r3: Number, r4: Number, r5: Number },
    complaints: { type: Number, default: 0 },
    praise: { type: Number, default: 0 },
    needsTriage: { type: Number, default: 0 },
    // Bookkeeping of the writer, not for reports: left out of queries unless asked for.
    c: { type: String, select: false },
    rev: { type: Number, select: false },
  },
  { versionKey: false },
);

// One document per bucket, whatever writes the _id (the $inc upsert goes by _id).
rollupSchema.index({ day: 1, centerCode: 1, serviceCode: 1, channel: 1 }, { unique: true });
// Monthly reports: all buckets of a month, per center.
rollupSchema.index({ month: 1, centerCode: 1 });

export type RollupModel = Model<RollupDoc>;

export function rollupModel(conn: Connection): RollupModel {
  return modelOn<RollupDoc>(conn, 'Rollup', rollupSchema, 'rollups');
}

/** A bucket's entries (`RollupDoc.c`) by tracking code. */
export function parseEntries(c: string | undefined | null): Map<string, number> {
  const m = new Map<string, number>();
  if (!c) return m;
  for (const pair of c.split(',')) {
    const i = pair.lastIndexOf('=');
    if (i > 0) m.set(pair.slice(0, i), Number(pair.slice(i + 1)));
  }
  return m;
}

export function formatEntries(m: Map<string, number>): string {
  return Array.from(m, ([code, v]) => `${code}=${v}`).join(',');
}

/** The bucket's _id; '|' never occurs in days, catalog codes or channel names. */
export function rollupId(k: {
  day: string;
  centerCode: string;
  serviceCode: string;
  channel: string;
}): string {
  return `${k.day}|${k.centerCode}|${k.serviceCode}|${k.channel}`;
}

/** The key fields of a bucket, read back from its _id. */
export function bucketFields(id: string): {
  day: string;
  month: string;
  centerCode: string;
  serviceCode: string;
  channel: string;
} {
  const [day = '', centerCode = '', serviceCode = '', channel = ''] = id.split('|');
  return { day, month: day.slice(0, 7), centerCode, serviceCode, channel };
}

type Countable = Pick<
  FeedbackDoc,
  'day' | 'center' | 'service' | 'channel' | 'rating' | 'kind' | 'needsTriage'
> &
  Partial<Pick<FeedbackDoc, 'held'>>;

/**
 * The bucket of held feedback: no bucket at all. A held document's tally names it and counts
 * nothing; the rollup writer skips its ops, the recount and the scans leave it out, so releasing
 * the document is an ordinary count change (from here to its real bucket), applied once.
 */
export const HELD_BUCKET = '_held';

/**
 * What one feedback document adds to the rollups: its bucket and the facts that are counted.
 * Stored on the feedback (`counted`) as it was counted, so a later move knows what to take away.
 */
export interface Tally {
  /** The bucket's _id. */
  b: string;
  rating?: number;
  complaint?: true;
  praise?: true;
  triage?: true;
}

/** A feedback document's count: version v is counted as this tally; `prev` while it moves. */
export interface CountState extends Tally {
  v: number;
  /** The tally of version v - 1, while the change to v is not yet applied everywhere. */
  prev?: Tally;
}

export function tallyOf(f: Countable): Tally {
  if (f.held) return { b: HELD_BUCKET };
  const t: Tally = {
    b: rollupId({
      day: f.day,
      centerCode: f.center?.code ?? UNKNOWN_CODE,
      serviceCode: f.service?.code ?? UNKNOWN_CODE,
      channel: f.channel,
    }),
  };
  if (f.rating) t.rating = f.rating;
  if (f.kind?.code === 'complaint') t.complaint = true;
  if (f.kind?.code === 'praise') t.praise = true;
  if (f.needsTriage) t.triage = true;
  return t;
}

/** Only the tally of a count state (without its version and pending part). */
export function tallyPart(s: Tally): Tally {
  const t: Tally = { b: s.b };
  if (s.rating) t.rating = s.rating;
  if (s.complaint) t.complaint = true;
  if (s.praise) t.praise = true;
  if (s.triage) t.triage = true;
  return t;
}

export function sameTally(a: Tally, b: Tally): boolean {
  return (
    a.b === b.b &&
    (a.rating ?? 0) === (b.rating ?? 0) &&
    !!a.complaint === !!b.complaint &&
    !!a.praise === !!b.praise &&
    !!a.triage === !!b.triage
  );
}

/** The counters of a bucket, as `$inc` paths. */
export const COUNTER_PATHS = [
  'count',
  'ratingSum',
  'ratingCount',
  'complaints',
  'praise',
  'needsTriage',
  'ratings.r1',
  'ratings.r2',
  'ratings.r3',
  'ratings.r4',
  'ratings.r5',
] as const;
export type Counts = Partial<Record<(typeof COUNTER_PATHS)[number], number>>;

/** A tally as counter increments (sign -1 takes it away). */
export function tallyCounts(t: Tally, sign: 1 | -1 = 1): Counts {
  const inc: Counts = {
    count: sign,
    complaints: t.complaint ? sign : 0,
    praise: t.praise ? sign : 0,
    needsTriage: t.triage ? sign : 0,
  };
  if (t.rating) {
    inc.ratingSum = sign * t.rating;
    inc.ratingCount = sign;
    inc[`ratings.r${t.rating}` as keyof Counts] = sign;
  }
  return inc;
}

/** Adds b into a (in place); returns a. */
export function addCounts(a: Counts, b: Counts): Counts {
  for (const [k, v] of Object.entries(b) as [keyof Counts, number][]) a[k] = (a[k] ?? 0) + v;
  return a;
}

/** A bucket's counters as flat paths (missing ones are 0). */
export function countsOf(r: Partial<RollupDoc> | null | undefined): Required<Counts> {
  const ratings = (r?.ratings ?? {}) as Partial<RollupDoc['ratings']>;
  return {
    count: r?.count ?? 0,
    ratingSum: r?.ratingSum ?? 0,
    ratingCount: r?.ratingCount ?? 0,
    complaints: r?.complaints ?? 0,
    praise: r?.praise ?? 0,
    needsTriage: r?.needsTriage ?? 0,
    'ratings.r1': ratings.r1 ?? 0,
    'ratings.r2': ratings.r2 ?? 0,
    'ratings.r3': ratings.r3 ?? 0,
    'ratings.r4': ratings.r4 ?? 0,
    'ratings.r5': ratings.r5 ?? 0,
  };
}

/** Counters as a document stores them (`ratings: { r1 … }`, since keys may not contain '.'). */
export function nestedCounts(c: Counts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ratings: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) {
    if (k.startsWith('ratings.')) ratings[k.slice(8)] = v;
    else out[k] = v;
  }
  if (Object.keys(ratings).length) out.ratings = ratings;
  return out;
}

/** The $inc upsert that counts one feedback document in its bucket (without bookkeeping). */
export function rollupIncrement(f: Countable) {
  const t = tallyOf(f);
  const { month, ...key } = bucketFields(t.b);
  return {
    filter: { _id: t.b },
    update: { $inc: tallyCounts(t) as Record<string, number>, $setOnInsert: { ...key, month } },
  };
}

/**
 * Written by the rollup recount for every bucket whose counts it had to correct: what it found,
 * what it wrote, and who ran it (the nightly job or a person with `npm run rollups:recount`).
 */
export interface RollupCorrectionDoc {
  _id: string;
  at: Date;
  day: string;
  bucket: string;
  /** The counters as found and as written (stored as `nestedCounts`). */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  by: string;
}

const rollupCorrectionSchema = new Schema<RollupCorrectionDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    day: { type: String, required: true },
    bucket: { type: String, required: true },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    by: { type: String, required: true },
  },
  { versionKey: false },
);
// "What did the recount correct for this day?" (ops, tests).
rollupCorrectionSchema.index({ day: 1, at: -1 });

export type RollupCorrectionModel = Model<RollupCorrectionDoc>;

export function rollupCorrectionModel(conn: Connection): RollupCorrectionModel {
  return modelOn<RollupCorrectionDoc>(
    conn,
    'RollupCorrection',
    rollupCorrectionSchema,
    'rollup_corrections',
  );
}

/**
 * Markers of the previous design (one per stored batch and bucket). No longer written; read only
 * for feedback stored before count versions existed (see FeedbackStore.storeExisting).
 */
export interface RollupBatchDoc {
  _id: string;
  at: Date;
  count: number;
}

const rollupBatchSchema = new Schema<RollupBatchDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, count: Number },
  { versionKey: false },
);

export type RollupBatchModel = Model<RollupBatchDoc>;

export function rollupBatchModel(conn: Connection): RollupBatchModel {
  return modelOn<RollupBatchDoc>(conn, 'RollupBatch', rollupBatchSchema, 'rollup_batches');
}
