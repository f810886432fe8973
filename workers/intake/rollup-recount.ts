/**
 * The rollup recount: rebuilds the buckets of given days from the feedback itself, corrects what
 * differs and records every correction (collection `rollup_corrections`, and a log line). The
 * staff-jobs worker runs it every night for the days before; `npm run rollups:recount` runs it by
 * hand. It is safe while workers and staff are busy:
 *
 * 1. Each feedback of the day whose count is not what its content says (a change interrupted by a
 *    crash, or written without its count) is settled first, under its own lock, with the same ops
 *    a retry would send. That is the protocol finishing its work, not a difference.
 * 2. Each bucket is then rebuilt under the bucket's lock, from the count state of the documents in
 *    it: counters and entries together, so that an op still on its way (a change recorded but not
 *    yet applied) finds its entry already at its version and does nothing. A document whose entry
 *    disagrees with what the scan read of it is read again inside the lock.
 *
 * On FerretDB the day's feedback is found by a scan (only `_id` filters are pushed down): fine
 * once a night, not on a hot path.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Logger } from '../../shared/logger';
import { feedbackModel, localBuckets, type FeedbackDoc } from '../../shared/models/feedback.model';
import type { FeedbackModel } from '../../shared/models/feedback.model';
import {
  addCounts,
  bucketFields,
  COUNTER_PATHS,
  countsOf,
  formatEntries,
  HELD_BUCKET,
  nestedCounts,
  parseEntries,
  rollupCorrectionModel,
  rollupModel,
  sameTally,
  tallyCounts,
  tallyOf,
  type CountState,
  type Counts,
  type RollupCorrectionModel,
  type RollupDoc,
  type RollupModel,
} from '../../shared/models/rollup.model';
import type { RedisLock } from '../../shared/redis-lock';
import type { ReportMarks } from '../../shared/reports/report-days';
import { isDay } from '../../shared/staff/vientiane-days';
import { RollupWriter, settleCount } from './rollup-writer';

export interface RecountDeps {
  Feedback: FeedbackModel;
  Rollup: RollupModel;
  Corrections: RollupCorrectionModel;
  /** Its bucket lock is the one every rollup write takes. */
  rollups: RollupWriter;
  /** The feedback locks (`feedback:<code>`); without it, run only when nothing else writes. */
  lock?: RedisLock;
  log?: Logger;
  /** Corrected buckets are marked for the report days (shared/reports/report-days.ts). */
  marks?: ReportMarks;
}

export function recountDeps(
  conn: Connection,
  lock?: RedisLock,
  log?: Logger,
  marks?: ReportMarks,
): RecountDeps {
  const Rollup = rollupModel(conn);
  return {
    Feedback: feedbackModel(conn),
    Rollup,
    Corrections: rollupCorrectionModel(conn),
    rollups: new RollupWriter(Rollup, lock, { marks }),
    lock,
    log,
    marks,
  };
}

/** One bucket whose counters differ from a recount of its feedback. */
export interface RollupDifference {
  day: string;
  bucket: string;
  before: Required<Counts>;
  after: Required<Counts>;
}

export interface RecountReport {
  days: string[];
  /** Buckets looked at. */
  buckets: number;
  /** Documents whose interrupted (or unrecorded) count change was completed first. */
  settled: number;
  /** Buckets whose counters were wrong, as found and as written. */
  corrected: RollupDifference[];
}

const COUNTABLE = {
  day: 1,
  month: 1,
  center: 1,
  service: 1,
  channel: 1,
  rating: 1,
  kind: 1,
  needsTriage: 1,
  counted: 1,
  held: 1,
} as const;

function zeroCounts(): Required<Counts> {
  return countsOf(null);
}

function sameCounts(a: Required<Counts>, b: Required<Counts>): boolean {
  return COUNTER_PATHS.every((k) => a[k] === b[k]);
}

function checkDays(days: string[]): void {
  for (const d of days) if (!isDay(d)) throw new Error(`not a day: ${d} (YYYY-MM-DD)`);
}

/** The Vientiane days before today, most recent first. */
export function daysBefore(now: number, n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => localBuckets(new Date(now - (i + 1) * 86_400_000)).day,
  );
}

/**
 * Compares the rollups of these days with a recount of their feedback (from each document's
 * content); writes nothing. Empty when the rollups are exact.
 */
export async function rollupDifferences(
  deps: Pick<RecountDeps, 'Feedback' | 'Rollup'>,
  days: string[],
): Promise<RollupDifference[]> {
  checkDays(days);
  const out: RollupDifference[] = [];
  for (const day of days) {
    const expected = new Map<string, Required<Counts>>();
    const cursor = deps.Feedback.find({ day }, COUNTABLE).lean<FeedbackDoc>().cursor();
    for await (const doc of cursor) {
      const t = tallyOf(doc as FeedbackDoc);
      if (t.b === HELD_BUCKET) continue; // held: counted nowhere
      const c = expected.get(t.b) ?? zeroCounts();
      addCounts(c, tallyCounts(t));
      expected.set(t.b, c);
    }
    const stored = await deps.Rollup.find({ day }).lean<RollupDoc[]>();
    const ids = new Set([...stored.map((r) => r._id), ...expected.keys()]);
    for (const bucket of ids) {
      const before = countsOf(stored.find((r) => r._id === bucket));
      const after = expected.get(bucket) ?? zeroCounts();
      if (!sameCounts(before, after)) out.push({ day, bucket, before, after });
    }
  }
  return out;
}

/** Recounts the given days and corrects every bucket that differs; see the top of this file. */
export async function recountRollups(
  deps: RecountDeps,
  days: string[],
  opts: { by: string },
): Promise<RecountReport> {
  checkDays(days);
  const report: RecountReport = { days, buckets: 0, settled: 0, corrected: [] };
  for (const day of days) {
    const r = await recountDay(deps, day, opts.by);
    report.buckets += r.buckets;
    report.settled += r.settled;
    report.corrected.push(...r.corrected);
  }
  return report;
}

async function recountDay(
  deps: RecountDeps,
  day: string,
  by: string,
): Promise<{ buckets: number; settled: number; corrected: RollupDifference[] }> {
  const { Feedback, Rollup } = deps;
  const withDoc = <T>(id: string, fn: () => Promise<T>) =>
    deps.lock ? deps.lock.with(`feedback:${id}`, fn) : fn();

  // 1. What each document of the day counts, settling those whose count lags behind.
  const states = new Map<string, CountState>();
  const lagging: string[] = [];
  const cursor = Feedback.find({ day }, COUNTABLE).lean<FeedbackDoc>().cursor();
  for await (const raw of cursor) {
    const doc = raw as FeedbackDoc;
    const s = doc.counted;
    if (!s || s.prev || !sameTally(s, tallyOf(doc))) lagging.push(doc._id);
    else states.set(doc._id, s);
  }
  let settled = 0;
  for (const id of lagging) {
    const doc = await withDoc(id, () => settleCount(deps, id));
    if (doc?.counted) states.set(id, doc.counted);
    settled++;
  }
  if (settled) deps.log?.info('rollup recount completed count changes', { day, settled });

  // 2. Every bucket of the day, the stored ones and the ones the documents name.
  const members = new Map<string, Map<string, CountState>>();
  for (const [id, s] of states) {
    if (s.b === HELD_BUCKET) continue; // held: counted nowhere
    const m = members.get(s.b) ?? new Map<string, CountState>();
    m.set(id, s);
    members.set(s.b, m);
  }
  const stored = await Rollup.collection
    .find({ day } as never, { projection: { _id: 1 } })
    .toArray();
  const buckets = new Set([...stored.map((r) => String(r._id)), ...members.keys()]);
  const corrected: RollupDifference[] = [];
  for (const bucket of buckets) {
    const diff = await deps.rollups.withBucket(bucket, () =>
      rebuildBucket(deps, day, bucket, members.get(bucket) ?? new Map()),
    );
    if (diff) {
      corrected.push(diff);
      await deps.marks?.markBuckets([bucket]);
      await deps.Corrections.create({
        _id: randomUUID(),
        at: new Date(),
        day,
        bucket,
        before: nestedCounts(diff.before),
        after: nestedCounts(diff.after),
        by,
      });
      deps.log?.warn('rollup corrected', {
        day,
        bucket,
        by,
        count: { before: diff.before.count, after: diff.after.count },
      });
    }
  }
  return { buckets: buckets.size, settled, corrected };
}

/** Rebuilds one bucket under its lock; returns the difference when its counters were wrong. */
async function rebuildBucket(
  deps: RecountDeps,
  day: string,
  bucket: string,
  scanned: Map<string, CountState>,
): Promise<RollupDifference | null> {
  const col = deps.Rollup.collection;
  const cur = (await col.findOne({ _id: bucket as never })) as RollupDoc | null;
  const entries = Object.fromEntries(parseEntries(cur?.c));
  const inBucket = new Map(scanned);
  const left = new Map<string, number>();
  // Changed since the scan, or arrived after it: read again, inside the lock.
  const recheck = new Set<string>();
  for (const [id, s] of inBucket) if (entries[id] !== s.v) recheck.add(id);
  for (const [id, e] of Object.entries(entries)) if (e >= 0 && !inBucket.has(id)) recheck.add(id);
  for (const id of recheck) {
    inBucket.delete(id);
    const f = await deps.Feedback.findById(id, COUNTABLE).lean<FeedbackDoc>();
    if (!f) continue;
    const s: CountState = f.counted ?? { v: 0, ...tallyOf(f) };
    if (s.b === bucket) inBucket.set(id, s);
    else left.set(id, s.v);
  }
  const after = zeroCounts();
  const c = new Map<string, number>();
  for (const [id, e] of Object.entries(entries)) if (e < 0) c.set(id, e);
  for (const [id, v] of left) c.set(id, -Math.max(v, 1));
  for (const [id, s] of inBucket) {
    c.set(id, s.v);
    addCounts(after, tallyCounts(s));
  }
  const before = countsOf(cur);
  const sameEntries =
    c.size === Object.keys(entries).length && [...c].every(([id, e]) => entries[id] === e);
  if (cur && sameEntries && sameCounts(before, after)) return null;
  await col.updateOne(
    { _id: bucket as never },
    { $set: { ...after, c: formatEntries(c), ...bucketFields(bucket) }, $inc: { rev: 1 } },
    { upsert: true },
  );
  return sameCounts(before, after) ? null : { day, bucket, before, after };
}
