/**
 * Rollup counts that stay exact through crashes, retries and concurrent workers.
 *
 * Every feedback document carries `counted = { v, ...tally }`: a count version and what that
 * version adds to which bucket. A count change — intake (version 1), or a thread part, correction
 * or staff change that moves the count (version v + 1) — is made of bucket ops keyed by (document,
 * version): take the old tally away from its bucket, add the new one to its bucket (one op when
 * both are the same bucket). Beside its counters, each bucket keeps in `c` the version at which it
 * counts each document (`code=v`), or at which the document left it (`code=-v`), and an op changes
 * the counters and that entry in one single-document write. An op is therefore applied at
 * most once: replayed, it finds the entry at its version and does nothing; stale (an older version
 * arriving late, a retried job whose document has moved on), it finds a newer entry and does
 * nothing.
 *
 * Order of a change: (1) the new state is written on the feedback, in the same update as the
 * content when the caller can (thread parts, corrections), with `prev` (the tally being left)
 * marking it pending; (2) the ops; (3) `prev` is cleared. A crash anywhere leaves nothing done, or
 * a pending change that whoever touches the document next — the retried job, the next change, the
 * nightly recount — completes with the same ops: those already in are skipped, the rest applied.
 * Content changed by code that records no state (the staff workspace) is noticed by
 * `settleCount`, which compares the content with what is counted. Intake writes step (1) with its
 * insertMany and needs no step (3): version 1 takes nothing away, so a retry just sends its op
 * again. Nothing here needs a transaction or a second collection.
 *
 * Atomicity. Every op is read–decide–write under a Redis lock per bucket, on every backend:
 * FerretDB applies updates as read-modify-write and pushes down only a lone `_id` filter, so a
 * conditional filter would be neither atomic nor indexed there. Changes to one feedback document
 * are made under its own lock (`feedback:<code>`). Ops for one bucket are coalesced: ops added in
 * one tick, or while a write for the bucket is in flight, go out together as one read and one
 * write.
 */
import { isDuplicateKey } from '../../shared/db/mongo';
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import {
  addCounts,
  bucketFields,
  formatEntries,
  HELD_BUCKET,
  parseEntries,
  sameTally,
  tallyCounts,
  tallyOf,
  tallyPart,
  type Counts,
  type CountState,
  type RollupModel,
  type Tally,
} from '../../shared/models/rollup.model';
import type { RedisLock } from '../../shared/redis-lock';
import type { ReportMarks } from '../../shared/reports/report-days';

/** One bucket's part of one document's count change to version v. */
export interface BucketOp {
  /** The feedback's tracking code (its _id). */
  doc: string;
  v: number;
  /** Take away the tally of version `minus.v`, if the bucket counts the document at that version. */
  minus?: { t: Tally; v: number };
  /** Count this tally here at version v. */
  plus?: Tally;
}

/**
 * Where a test can make the counting fail as a crash would: after a feedback is stored and
 * before it is counted; before and after a bucket write; after a change is recorded on the feedback
 * and before any op; between the two sides of a move; after both and before the mark is cleared.
 */
export type CountFaultPoint =
  'stored' | 'bucket-write' | 'bucket-written' | 'intent' | 'side' | 'applied';
export type CountFault = (
  point: CountFaultPoint,
  detail: { doc?: string; bucket?: string },
) => void;

/**
 * What an op does to a bucket whose entry for the document is `e`: the counter change and the new
 * entry, or null when there is nothing to do (already applied, or superseded by a later version).
 */
export function decide(
  e: number | undefined,
  op: BucketOp,
): { delta: Counts; entry: number } | null {
  if (e !== undefined && Math.abs(e) >= op.v) return null;
  // Counted here at some version before this change.
  let here = e !== undefined && e >= 0;
  const delta: Counts = {};
  if (op.minus) {
    const p = op.minus.v;
    // Version 0: a document counted before entries existed (it has none).
    if (e === p || (p === 0 && e === undefined)) {
      addCounts(delta, tallyCounts(op.minus.t, -1));
      here = false;
    }
  }
  if (op.plus) {
    // Counted here at a version this change does not take away: never count it twice (the recount
    // repairs what led there).
    if (here) return null;
    addCounts(delta, tallyCounts(op.plus));
    return { delta, entry: op.v };
  }
  return { delta, entry: -op.v };
}

const BASE_COUNTERS = [
  'count',
  'ratingSum',
  'ratingCount',
  'complaints',
  'praise',
  'needsTriage',
] as const;

interface Group {
  ops: Map<string, BucketOp>;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/** A code must fit the entries' `code=v,…` format. */
function checkCode(code: string): void {
  if (!code || /[,=]/.test(code)) throw new Error(`not a code usable as a key: ${code}`);
}

export class RollupWriter {
  private readonly pending = new Map<string, Group[]>();
  private readonly inflight = new Set<string>();

  constructor(
    private readonly Rollup: RollupModel,
    private readonly lock?: RedisLock,
    /** marks: every bucket written is marked for the report days (shared/reports/report-days.ts). */
    private readonly opts: { fault?: CountFault; marks?: ReportMarks } = {},
  ) {}

  /** Calls the fault hook (tests); a throw there stands for a crash at that point. */
  fault(point: CountFaultPoint, detail: { doc?: string; bucket?: string }): void {
    this.opts.fault?.(point, detail);
  }

  /** Runs fn while no writer, in any process, writes the bucket. */
  withBucket<T>(bucket: string, fn: () => Promise<T>): Promise<T> {
    return this.lock ? this.lock.with(`rollup:${bucket}`, fn) : fn();
  }

  /** Applies one op (at most once, whoever sends it how often); resolves once it is written. */
  apply(op: BucketOp): Promise<void> {
    const bucket = op.plus?.b ?? op.minus?.t.b;
    // Held feedback is counted nowhere: its side of a change has nothing to write.
    if (bucket === HELD_BUCKET && (!op.plus || !op.minus || op.plus.b === op.minus.t.b))
      return Promise.resolve();
    if (!bucket || (op.plus && op.minus && op.plus.b !== op.minus.t.b))
      return Promise.reject(new Error('a bucket op belongs to exactly one bucket'));
    try {
      checkCode(op.doc);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      let groups = this.pending.get(bucket);
      if (!groups) this.pending.set(bucket, (groups = []));
      let g = groups.at(-1);
      // Two ops of one document never share a write: the second waits for the next one.
      if (!g || g.ops.has(op.doc)) groups.push((g = { ops: new Map(), waiters: [] }));
      g.ops.set(op.doc, op);
      g.waiters.push({ resolve, reject });
      if (!this.inflight.has(bucket)) {
        this.inflight.add(bucket);
        // Start after the current tick, so that a batch's ops for the bucket go out together.
        queueMicrotask(() => void this.drain(bucket));
      }
    });
  }

  private async drain(bucket: string): Promise<void> {
    try {
      for (let g = this.pending.get(bucket)?.shift(); g; g = this.pending.get(bucket)?.shift()) {
        const ops = [...g.ops.values()];
        try {
          await this.withBucket(bucket, () => this.write(bucket, ops));
          for (const w of g.waiters) w.resolve();
        } catch (err) {
          for (const w of g.waiters) w.reject(err);
        }
      }
    } finally {
      if (!this.pending.get(bucket)?.length) this.pending.delete(bucket);
      this.inflight.delete(bucket);
    }
  }

  /** One read and one write of the bucket, under its lock. */
  private async write(bucket: string, ops: BucketOp[], again = false): Promise<void> {
    const col = this.Rollup.collection;
    const cur = (await col.findOne({ _id: bucket as never }, { projection: { c: 1 } })) as {
      c?: string;
    } | null;
    const entries = parseEntries(cur?.c);
    const inc: Counts = {};
    let changed = false;
    for (const op of ops) {
      const d = decide(entries.get(op.doc), op);
      if (!d) continue;
      addCounts(inc, d.delta);
      entries.set(op.doc, d.entry);
      changed = true;
    }
    if (!changed) return;
    // A new bucket gets every counter, even one that only records a document leaving it.
    if (!cur) for (const k of BASE_COUNTERS) inc[k] ??= 0;
    this.fault('bucket-write', { bucket });
    try {
      await col.updateOne(
        { _id: bucket as never },
        {
          $inc: { ...inc, rev: 1 },
          $set: { c: formatEntries(entries) },
          ...(cur ? {} : { $setOnInsert: bucketFields(bucket) }),
        },
        { upsert: !cur },
      );
    } catch (err) {
      // Created meanwhile by a writer without the lock (a tool, a test): read it again.
      if (again || !isDuplicateKey(err)) throw err;
      return this.write(bucket, ops, true);
    }
    this.fault('bucket-written', { bucket });
    await this.opts.marks?.markBuckets([bucket]);
  }
}

export interface CountDeps {
  Feedback: FeedbackModel;
  rollups: RollupWriter;
}

type Countable = Parameters<typeof tallyOf>[0];

/** The state without its pending part. */
function settled(s: CountState): CountState {
  return { v: s.v, ...tallyPart(s) };
}

/**
 * The count state a change of content leads to, to be written with that content (then call
 * `completeCount`); null when what is counted does not change. `before` must have no pending change.
 * A document without a state (stored before versions existed) is taken as counted, at version 0,
 * as its content was before the change.
 */
export function nextCount(before: FeedbackDoc, after: Countable): CountState | null {
  if (before.counted?.prev) throw new Error(`count of ${before._id} has a change pending`);
  const have: CountState = before.counted ?? { v: 0, ...tallyOf(before) };
  const want = tallyOf(after);
  if (before.counted && sameTally(have, want)) return null;
  return { v: have.v + 1, ...want, prev: tallyPart(have) };
}

/** Applies a recorded change's ops, then clears its mark. Under the feedback's lock. */
export async function completeCount(deps: CountDeps, id: string, s: CountState): Promise<void> {
  if (!s.prev) return;
  const { rollups } = deps;
  const minus = { t: s.prev, v: s.v - 1 };
  const plus = tallyPart(s);
  if (s.prev.b === s.b) {
    await rollups.apply({ doc: id, v: s.v, minus, plus });
  } else {
    await rollups.apply({ doc: id, v: s.v, minus });
    rollups.fault('side', { doc: id });
    await rollups.apply({ doc: id, v: s.v, plus });
  }
  rollups.fault('applied', { doc: id });
  await deps.Feedback.collection.updateOne(
    { _id: id as never },
    { $unset: { 'counted.prev': '' } },
  );
}

/**
 * Brings a document's count up to date; call it under the feedback's lock. Completes a change a
 * crash interrupted, and moves the count when the content no longer matches what is counted (a
 * change written without its count state, or interrupted before it). `legacyBefore`: for a
 * document stored before versions existed, its content as it was counted (default: as it is).
 * Returns the document as it now is, or null when there is none.
 */
export async function settleCount(
  deps: CountDeps,
  id: string,
  legacyBefore?: Countable,
): Promise<FeedbackDoc | null> {
  const doc = await deps.Feedback.findById(id).lean<FeedbackDoc>();
  if (!doc) return null;
  if (doc.counted?.prev) {
    await completeCount(deps, id, doc.counted);
    doc.counted = settled(doc.counted);
  }
  const next = nextCount(doc.counted || !legacyBefore ? doc : { ...doc, ...legacyBefore }, doc);
  if (!next) return doc;
  await deps.Feedback.collection.updateOne({ _id: id as never }, { $set: { counted: next } });
  deps.rollups.fault('intent', { doc: id });
  await completeCount(deps, id, next);
  return { ...doc, counted: settled(next) };
}

/**
 * The stored document when its current count is fully in the rollups, else null (for tests and
 * tools: "stored and counted").
 */
export async function countedDoc(
  Feedback: FeedbackModel,
  Rollup: RollupModel,
  id: string,
): Promise<FeedbackDoc | null> {
  const doc = await Feedback.findById(id).lean<FeedbackDoc>();
  if (!doc?.counted || doc.counted.prev) return null;
  if (doc.counted.b === HELD_BUCKET) return doc;
  const r = (await Rollup.collection.findOne(
    { _id: doc.counted.b as never },
    { projection: { c: 1 } },
  )) as { c?: string } | null;
  return parseEntries(r?.c).get(id) === doc.counted.v ? doc : null;
}
