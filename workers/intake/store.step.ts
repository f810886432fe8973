/**
 * Store step. Documents from concurrent jobs are gathered for a few milliseconds and written with
 * one insertMany (the tracking code is the _id, so a redelivery is a duplicate-key error, never a
 * second document); their rollup increments are summed per bucket; then one marker per batch
 * records that the batch was counted. A job whose document already exists takes the slow path:
 * it checks the document is really its own and counts it only if its batch's marker is missing.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Connection, mongo } from 'mongoose';
import type IORedis from 'ioredis';
import { isDuplicateKey, isFerretDb } from '../../shared/db/mongo';
import { RedisLock } from '../../shared/redis-lock';
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import { localBuckets } from '../../shared/models/feedback.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import {
  rollupBatchModel,
  rollupIncrement,
  rollupModel,
  type RollupBatchModel,
} from '../../shared/models/rollup.model';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Classification } from './classify.step';
import type { NormalizedIntake } from './normalize.step';
import { RollupWriter } from './rollup-writer';
import { extractKipAmounts } from '../../shared/classify/money';
import type { Deadlines } from '../../shared/staff/deadlines';
import { QueueIndex } from '../../shared/staff/queue-index';
import { indexAtIntake, queueEntry, staffStatusOf } from '../../shared/staff/queue-query';
import { citizenStatus } from '../../shared/staff/staff-status';

export type NewFeedback = Omit<FeedbackDoc, 'createdAt' | 'updatedAt' | 'status' | 'rollupBatch'>;

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
    meta: env.meta,
    staffStatus: norm.text || norm.sender.idSealed ? 'new' : 'closed',
    statusAt: receivedAt,
  };
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
  RollupBatch: RollupBatchModel;
  rollups: RollupWriter;
  /** The review queue's index: new feedback that needs reading is added to it once stored. */
  index?: QueueIndex;
  /** Largest batch, and how long the first document of a batch waits for company. */
  maxBatch?: number;
  maxWaitMs?: number;
}

/** A (batch, bucket) marker: written right after that bucket's increment for that batch. */
function markerId(batchId: string, bucketId: string): string {
  return `${batchId}|${bucketId}`;
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
  } {
    const { Feedback, rollups, lock, index } = this.deps;
    return { Feedback, rollups, lock, index };
  }

  /** Adds a stored document to the queue index unless staff have moved it already. */
  private async indexNew(doc: FeedbackDoc): Promise<void> {
    if (this.deps.index && indexAtIntake(doc))
      await this.deps.index.put(queueEntry(doc), { onlyIfAbsent: true });
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
      status: citizenStatus(staffStatusOf(w.doc)),
      rollupBatch: batchId,
      createdAt: now,
      updatedAt: now,
    }));
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
    // Count the new documents bucket by bucket; a bucket's marker is written once its increment is.
    const byBucket = new Map<string, Waiting[]>();
    batch.forEach((w, i) => {
      if (duplicate.has(i)) return;
      const id = rollupIncrement(w.doc).filter._id;
      byBucket.set(id, [...(byBucket.get(id) ?? []), w]);
    });
    const counted: [string, Waiting[]][] = [];
    await Promise.all(
      [...byBucket].map(async ([bucket, items]) => {
        try {
          await Promise.all(items.map((w) => this.deps.rollups.add(rollupIncrement(w.doc))));
          counted.push([bucket, items]);
        } catch (err) {
          // Stored, but not counted: the retries take the slow path and count them there.
          for (const w of items) w.reject(err);
        }
      }),
    );
    // The markers of every bucket whose increment is in: one statement, not one per bucket.
    try {
      if (counted.length) {
        await this.deps.RollupBatch.collection.insertMany(
          counted.map(([bucket, items]) => ({
            _id: markerId(batchId, bucket) as never,
            at: now,
            count: items.length,
          })),
          { ordered: false },
        );
      }
      const byId = new Map(docs.map((d) => [d._id, d]));
      for (const [, items] of counted)
        for (const w of items)
          this.indexNew(byId.get(w.doc._id)!).then(
            () => w.resolve({ created: true, id: w.doc._id }),
            w.reject,
          );
    } catch (err) {
      // Counted, but the marker is not surely written: a retry may count again (the known window).
      for (const [, items] of counted) for (const w of items) w.reject(err);
    }
    for (const i of duplicate)
      this.storeExisting(batch[i]!.doc).then(batch[i]!.resolve, batch[i]!.reject);
  }

  /** The slow path, for a document that may already be stored (a redelivery or a retry). */
  private async storeExisting(doc: NewFeedback): Promise<StoreResult> {
    const { Feedback, RollupBatch } = this.deps;
    let stored = await Feedback.findById(doc._id).lean<FeedbackDoc>();
    let created = false;
    if (!stored) {
      const batchId = randomUUID();
      const now = new Date();
      try {
        await this.col.insertOne({
          ...doc,
          status: citizenStatus(staffStatusOf(doc)),
          rollupBatch: batchId,
          createdAt: now,
          updatedAt: now,
        });
        created = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      stored = await Feedback.findById(doc._id).lean<FeedbackDoc>();
      if (!stored) throw new Error(`feedback ${doc._id} vanished while being stored`);
    }
    if (stored.channel !== doc.channel || stored.externalId !== doc.externalId) {
      // Two deliveries whose 50-bit codes collide (about 1 in 10^9 per item at a million items):
      // never merge them; the job goes to the dead-letter set with this reason for a person to see.
      throw new UnrecoverableError(
        `tracking code collision on ${doc._id}: already used by another ${stored.channel} delivery`,
      );
    }
    const inc = rollupIncrement(stored);
    const marker = markerId(stored.rollupBatch, inc.filter._id);
    if (!(await RollupBatch.exists({ _id: marker }))) {
      await this.deps.rollups.add(inc);
      await RollupBatch.create({ _id: marker, at: new Date(), count: 1 }).catch(
        (err: { code?: number }) => {
          if (!isDuplicateKey(err)) throw err;
        },
      );
    }
    await this.indexNew(stored);
    return { created, id: stored._id };
  }
}

/**
 * The store for a connection. On FerretDB, rollup increments are serialised across processes with
 * a Redis lock (its `$inc` is read-modify-write); on MongoDB the database makes them atomic.
 */
export async function createFeedbackStore(
  conn: Connection,
  redis: IORedis,
  prefix: string,
  opts: Pick<FeedbackStoreDeps, 'maxBatch' | 'maxWaitMs'> = {},
): Promise<FeedbackStore> {
  const Feedback = feedbackModel(conn);
  const Rollup = rollupModel(conn);
  const RollupBatch = rollupBatchModel(conn);
  await Promise.all([Feedback.init(), Rollup.init(), RollupBatch.init()]);
  const lock = new RedisLock(redis, prefix);
  return new FeedbackStore({
    Feedback,
    RollupBatch,
    // Rollup increments need the lock only where `$inc` is read-modify-write (FerretDB); changes to
    // one feedback (thread parts, survey answers) always take it, as staff changes do, on every
    // backend: they read, decide and write the whole item.
    rollups: new RollupWriter(Rollup, (await isFerretDb(conn)) ? lock : undefined),
    lock,
    index: new QueueIndex(redis, prefix),
    ...opts,
  });
}
