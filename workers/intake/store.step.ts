/**
 * Store step: an upsert on (channel, externalId) — a redelivered job finds its document and
 * changes nothing — then the daily rollup $inc, guarded by the document's `rolledUp` flag so a
 * retried job does not count twice.
 */
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import { localBuckets } from '../../shared/models/feedback.model';
import { rollupIncrement, type RollupModel } from '../../shared/models/rollup.model';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Classification } from './classify.step';
import type { NormalizedIntake } from './normalize.step';

export interface StoreDeps {
  Feedback: FeedbackModel;
  Rollup: RollupModel;
  complaintSlaDays: number;
}

export type NewFeedback = Omit<FeedbackDoc, 'createdAt' | 'updatedAt' | 'status' | 'rolledUp'>;

/** Builds the document the intake worker stores for one envelope. */
export function buildFeedback(
  env: IntakeEnvelope,
  trackingCode: string,
  norm: NormalizedIntake,
  cls: Classification,
  slaDays: number,
): NewFeedback {
  const receivedAt = new Date(env.receivedAt);
  const doc: NewFeedback = {
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
  };
  if (norm.text)
    doc.text = {
      raw: norm.text.raw,
      normalized: norm.text.normalized,
      script: norm.text.script,
      truncated: norm.text.truncated,
    };
  if (cls.kind.code === 'complaint')
    doc.slaDueAt = new Date(receivedAt.getTime() + slaDays * 86_400_000);
  // Leave undefined fields out: $setOnInsert with undefined values would store nulls.
  for (const k of Object.keys(doc) as (keyof NewFeedback)[])
    if (doc[k] === undefined) delete doc[k];
  return doc;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/** Stores one feedback document exactly once and counts it in the rollups; returns whether it was new. */
export async function storeFeedback(
  deps: StoreDeps,
  doc: NewFeedback,
): Promise<{ created: boolean; id: string }> {
  const filter = { channel: doc.channel, externalId: doc.externalId };
  const upsert = () =>
    deps.Feedback.findOneAndUpdate(
      filter,
      { $setOnInsert: { ...doc, status: 'received', rolledUp: false } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true, lean: true },
    );
  let res;
  try {
    res = await upsert();
  } catch (err) {
    // Two deliveries raced to insert: the loser finds the winner's document.
    if (!isDuplicateKey(err)) throw err;
    res = await upsert();
  }
  const stored = res.value as (FeedbackDoc & { _id: unknown }) | null;
  if (!stored) throw new Error('upsert returned no document');
  const created = !res.lastErrorObject?.updatedExisting;
  if (!stored.rolledUp) {
    const inc = rollupIncrement(stored);
    await deps.Rollup.updateOne(inc.filter, inc.update, { upsert: true });
    await deps.Feedback.updateOne(
      { _id: stored._id, rolledUp: false },
      { $set: { rolledUp: true } },
    );
  }
  return { created, id: String(stored._id) };
}
