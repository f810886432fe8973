/**
 * Store step. Documents from concurrent jobs are gathered for a few milliseconds and written with
 * one insertMany (the tracking code is the _id, so a redelivery is a duplicate-key error, never a
 * second document), each carrying its count state (version 1); their count ops are then written
 * with one read and one write per rollup bucket (rollup-writer.ts). A job whose document already
 * exists takes the slow path: it checks the document is really its own and sends its count op
 * again, which the bucket applies only if it has not already.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Connection, mongo } from 'mongoose';
import type IORedis from 'ioredis';
import { isDuplicateKey } from '../../shared/db/mongo';
import { RedisLock } from '../../shared/redis-lock';
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import { localBuckets } from '../../shared/models/feedback.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import {
  rollupBatchModel,
  rollupModel,
  tallyOf,
  tallyPart,
  type CountState,
  type RollupBatchModel,
} from '../../shared/models/rollup.model';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Classification } from './classify.step';
import type { NormalizedIntake } from './normalize.step';
import { completeCount, RollupWriter, type CountFault } from './rollup-writer';
import { extractKipAmounts } from '../../shared/classify/money';
import type { Deadlines } from '../../shared/staff/deadlines';
import { QueueIndex } from '../../shared/staff/queue-index';
import { ReportMarks } from '../../shared/reports/report-days';
import { indexAtIntake, queueEntry } from '../../shared/staff/queue-query';
import { heldReasonOf } from '../../shared/abuse/hold';
import { PrivacyLookups, withContactHash } from '../../shared/privacy/lookups';

/**
 * What a citizen's status look-up says of a feedback just stored: received (ARCHITECTURE.md: a new
 * feedback reads new → received), also for a rating alone, which staff never need to see (its staff
 * status starts closed: shared/staff/queue-query.ts). Staff moves change it from then on.
 */
const INTAKE_STATUS = 'received' as const;

export type NewFeedback = Omit<
  FeedbackDoc,
  'createdAt' | 'updatedAt' | 'status' | 'rollupBatch' | 'counted'
>;

/**
 * Builds the document the intake worker stores for one envelope. A rating alone (no words, no way
 * to answer) asks nothing of staff: it is counted, and closed from the start, so the review queue
 * holds only what people must read.
 */
export function buildFeedback(
  env: IntakeEnvelope,
  trackingCode: string,
  norm: NormalizedIntake,
  cls: Classification,
  deadlines: Deadlines,
): NewFeedback {
  const receivedAt = new Date(env.receivedAt);
  const doc: NewFeedback = {
    _id: trackingCode,
    trackingCode,
    channel: env.channel,
    externalId: env.externalId,
    receivedAt,
    ...localBuckets(receivedAt),
    sender: norm.sender,
    rating: env.rating,
    center: cls.center,
    service: cls.service,
    topics: cls.topics,
    kind: cls.kind,
    sentiment: cls.sentiment,
    needsTriage: cls.needsTriage,
    locale: env.locale,
    source: typeof env.meta.source === 'string' ? env.meta.source : undefined,
    meta: withContactHash(env.meta, norm.contactPhoneHash),
    staffStatus: norm.text || norm.sender.idSealed ? 'new' : 'closed',
    statusAt: receivedAt,
  };
  const held = heldReasonOf(env);
  if (held) {
    // In the staff queue (even a bare rating), out of every figure until released.
    doc.held = { reason: held, at: receivedAt };
    doc.staffStatus = 'new';
  }
  if (norm.text) {
    const amountsKip = extractKipAmounts(norm.text.normalized);
    doc.text = {
      raw: norm.text.raw,
      normalized: norm.text.normalized,
      script: norm.text.script,
      truncated: norm.text.truncated,
      ...(amountsKip.length ? { amountsKip } : {}),
    };
  }
  doc.slaDueAt = deadlines.dueAt(receivedAt, cls.kind.code, cls.service.code);
  // Leave undefined fields out: the driver would store them as nulls.
  for (const k of Object.keys(doc) as (keyof NewFeedback)[])
    if (doc[k] === undefined) delete doc[k];
  return doc;
}

export interface StoreResult {
  created: boolean;
  id: string;
}

interface Waiting {
  doc: NewFeedback;
  resolve: (r: StoreResult) => void;
  reject: (e: unknown) => void;
}

export interface FeedbackStoreDeps {
  Feedback: FeedbackModel;
  lock?: RedisLock;
  /** Markers of the previous design, read for documents stored before count versions. */
  RollupBatch: RollupBatchModel;
  rollups: RollupWriter;
  /** The review queue's index: new feedback that needs reading is added to it once stored. */
  index?: QueueIndex;
  /** Marks stored complaints for the report days (shared/reports/report-days.ts). */
  marks?: ReportMarks;
  /** Erasure's look-up records (shared/privacy/lookups.ts), written before the batch's insert. */
  lookups?: PrivacyLookups;
  /** Largest batch, and how long the first document of a batch waits for company. */
  maxBatch?: number;
  maxWaitMs?: number;
}

/** The count state a new document is stored with: version 1, nothing to take away. */
function firstCount(doc: NewFeedback): CountState {
  return { v: 1, ...tallyOf(doc) };
}

interface BulkWriteErrorLike {
  writeErrors?: { index: number; code: number }[] | { index: number; code: number };
}

export class FeedbackStore {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;

  /** The rollup writer, for steps that move a stored document between buckets. */
  get rollups(): RollupWriter {
    return this.deps.rollups;
  }

  /** What the thread step needs to append to a stored document under the same lock discipline. */
  get threadDeps(): {
    Feedback: FeedbackModel;
    rollups: RollupWriter;
    lock?: RedisLock;
    index?: QueueIndex;
    marks?: ReportMarks;
  } {
    const { Feedback, rollups, lock, index, marks } = this.deps;
    return { Feedback, rollups, lock, index, marks };
  }

  /** Adds a stored document to the queue index unless staff have moved it already. */
  private async indexNew(doc: FeedbackDoc): Promise<void> {
    if (this.deps.index && indexAtIntake(doc))
      await this.deps.index.put(queueEntry(doc), { onlyIfAbsent: true });
    if (doc.kind?.code === 'complaint') await this.deps.marks?.markCases([doc._id], doc.day);
  }

  constructor(private readonly deps: FeedbackStoreDeps) {
    this.maxBatch = deps.maxBatch ?? 100;
    this.maxWaitMs = deps.maxWaitMs ?? 4;
  }

  /** The driver's collection, typed: inserts skip mongoose's per-document casting on the hot path. */
  private get col(): mongo.Collection<FeedbackDoc> {
    return this.deps.Feedback.collection as unknown as mongo.Collection<FeedbackDoc>;
  }

  /** Stores one document exactly once and counts it in the rollups once. */
  store(doc: NewFeedback): Promise<StoreResult> {
    return new Promise<StoreResult>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.maxWaitMs);
    });
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length) void this.flush(batch);
  }

  private async flush(batch: Waiting[]): Promise<void> {
    const batchId = randomUUID();
    const now = new Date();
    const docs: FeedbackDoc[] = batch.map((w) => ({
      ...w.doc,
      status: INTAKE_STATUS,
      rollupBatch: batchId,
      counted: firstCount(w.doc),
      createdAt: now,
      updatedAt: now,
    }));
    try {
      // Before the insert: a stored feedback with personal data is always findable for erasure.
      await this.deps.lookups?.add(docs);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    const duplicate = new Set<number>();
    try {
      await this.col.insertMany(docs, { ordered: false });
    } catch (err) {
      const raw = (err as BulkWriteErrorLike).writeErrors;
      const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (!writeErrors.length || writeErrors.some((e) => e.code !== 11000)) {
        // Not (only) redeliveries: let every job take the slow path on its own, and retry if need be.
        for (const w of batch) this.storeExisting(w.doc).then(w.resolve, w.reject);
        return;
      }
      for (const e of writeErrors) duplicate.add(e.index);
    }
    // Each new document's op; the writer sends a batch's ops for one bucket as one write.
    batch.forEach((w, i) => {
      if (duplicate.has(i)) return;
      const doc = docs[i]!;
      const count = async () => {
        // Stored but not counted, if this throws: the retried job sends the op again.
        this.deps.rollups.fault('stored', { doc: doc._id });
        await this.deps.rollups.apply({ doc: doc._id, v: 1, plus: tallyPart(doc.counted!) });
        await this.indexNew(doc);
        return { created: true, id: doc._id };
      };
      count().then(w.resolve, w.reject);
    });
    for (const i of duplicate)
      this.storeExisting(batch[i]!.doc).then(batch[i]!.resolve, batch[i]!.reject);
  }

  /** The slow path, for a document that may already be stored (a redelivery or a retry). */
  private async storeExisting(doc: NewFeedback): Promise<StoreResult> {
    const { Feedback, RollupBatch, rollups } = this.deps;
    let stored = await Feedback.findById(doc._id).lean<FeedbackDoc>();
    let created = false;
    if (!stored) {
      const now = new Date();
      try {
        await this.col.insertOne({
          ...doc,
          status: INTAKE_STATUS,
          rollupBatch: randomUUID(),
          counted: firstCount(doc),
          createdAt: now,
          updatedAt: now,
        });
        created = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      stored = await Feedback.findById(doc._id).lean<FeedbackDoc>();
      if (!stored) throw new Error(`feedback ${doc._id} vanished while being stored`);
      if (created) rollups.fault('stored', { doc: doc._id });
    }
    if (stored.channel !== doc.channel || stored.externalId !== doc.externalId) {
      // Two deliveries whose 50-bit codes collide (about 1 in 10^9 per item at a million items):
      // never merge them; the job goes to the dead-letter set with this reason for a person to see.
      throw new UnrecoverableError(
        `tracking code collision on ${doc._id}: already used by another ${stored.channel} delivery`,
      );
    }
    const counted = stored.counted;
    if (!counted) {
      // Stored before count versions existed: counted then if its batch's marker says so.
      const marker = `${stored.rollupBatch}|${tallyOf(stored).b}`;
      if (!(await RollupBatch.exists({ _id: marker }))) await this.countLegacy(stored);
    } else if (counted.prev) {
      // A change of its count was interrupted (a thread part, a correction): complete it.
      await this.withFeedbackLock(stored._id, async () => {
        const cur = await Feedback.findById(stored._id, { counted: 1 }).lean<FeedbackDoc>();
        if (cur?.counted?.prev) await completeCount(this.deps, stored._id, cur.counted);
      });
    } else if (counted.v === 1) {
      // Version 1 is the intake's own op: sent again, it is applied only if it never was. (A later
      // version means the document has moved since: that move accounts for version 1 either way.)
      await rollups.apply({ doc: stored._id, v: 1, plus: tallyPart(counted) });
    }
    await this.indexNew(stored);
    return { created, id: stored._id };
  }

  /** Counts a document stored before versions existed that its batch never counted. */
  private async countLegacy(stored: FeedbackDoc): Promise<void> {
    await this.withFeedbackLock(stored._id, async () => {
      const cur = await this.deps.Feedback.findById(stored._id).lean<FeedbackDoc>();
      if (!cur || cur.counted) return;
      const counted = firstCount(cur);
      await this.deps.Feedback.collection.updateOne(
        { _id: stored._id as never },
        { $set: { counted } },
      );
      await this.deps.rollups.apply({ doc: stored._id, v: 1, plus: tallyPart(counted) });
    });
  }

  private withFeedbackLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.deps.lock ? this.deps.lock.with(`feedback:${id}`, fn) : fn();
  }
}

/**
 * The store for a connection. Rollup writes take a Redis lock per bucket on every backend (see
 * rollup-writer.ts); changes to one feedback (thread parts, survey answers, count changes) take
 * the feedback's lock, as staff changes do: they read, decide and write the whole item.
 */
export async function createFeedbackStore(
  conn: Connection,
  redis: IORedis,
  prefix: string,
  opts: Pick<FeedbackStoreDeps, 'maxBatch' | 'maxWaitMs'> & { fault?: CountFault } = {},
): Promise<FeedbackStore> {
  const Feedback = feedbackModel(conn);
  const Rollup = rollupModel(conn);
  const RollupBatch = rollupBatchModel(conn);
  await Promise.all([Feedback.init(), Rollup.init(), RollupBatch.init()]);
  const lock = new RedisLock(redis, prefix);
  const { fault, ...batching } = opts;
  const marks = new ReportMarks(redis, prefix);
  return new FeedbackStore({
    Feedback,
    RollupBatch,
    rollups: new RollupWriter(Rollup, lock, { fault, marks }),
    lock,
    index: new QueueIndex(redis, prefix),
    marks,
    lookups: new PrivacyLookups(conn, redis, prefix),
    ...batching,
  });
}
