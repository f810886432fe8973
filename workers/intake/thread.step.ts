/**
 * Appending a message to a feedback already stored: the next pieces of a long SMS complaint, or
 * the answer to our "which district or province?" question. The text grows, classification runs
 * again on the whole text (explicit and confident values stay), and if the center or service
 * changes, the rollup count moves with it. Parts of one feedback are appended one at a time (the
 * feedback's Redis lock, across workers), so none overwrites another. Idempotent per message: a
 * redelivered part appends nothing, and only completes a count move a crash interrupted.
 */
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import type { RedisLock } from '../../shared/redis-lock';
import { prepareText } from '../../shared/text-normalize';
import type { QueueIndex } from '../../shared/staff/queue-index';
import type { Deadlines } from '../../shared/staff/deadlines';
import { indexAtIntake, queueEntry } from '../../shared/staff/queue-query';
import type { ReportMarks } from '../../shared/reports/report-days';
import { TRIAGE_THRESHOLD, type Classifier } from './classify.step';
import type { NormalizedIntake } from './normalize.step';
import { completeCount, nextCount, settleCount, type RollupWriter } from './rollup-writer';

export interface ThreadDeps {
  Feedback: FeedbackModel;
  classifier: Classifier;
  rollups: RollupWriter;
  /** Serialises appends to one feedback across workers (FerretDB updates are read-modify-write). */
  lock?: RedisLock;
  /** The review queue's index: the item's entry follows its new text and classification. */
  index?: QueueIndex;
  /** Complaint deadlines: a kind that changes with the new text moves the due date. */
  deadlines?: Deadlines;
  /** The report days re-read the item (its kind, center, service or topics may change). */
  marks?: ReportMarks;
  /**
   * How far one feedback may grow (THREAD_MAX_PARTS pieces, THREAD_MAX_CHARS characters): a piece
   * beyond is not appended, and the caller stores it as feedback of its own.
   */
  maxParts?: number;
  maxChars?: number;
}

/** Thrown while the feedback to append to is still in the queue: the job is retried later. */
export class NotYetStoredError extends Error {
  override name = 'NotYetStoredError';
}

export async function appendToFeedback(
  deps: ThreadDeps,
  env: IntakeEnvelope,
  normalized: NormalizedIntake,
  target: string,
): Promise<{ created: false; id: string; capped?: true }> {
  let capped = false;
  const run = async () => {
    // The document as it is, with any count change a crash left half done completed first.
    const doc = await settleCount(deps, target);
    if (!doc) throw new NotYetStoredError(`feedback ${target} is not stored yet`);
    if (doc.externalId === env.externalId || doc.parts?.includes(env.externalId)) return; // redelivered
    const raw = [doc.text?.raw, env.text].filter((t) => t && t.trim()).join('\n');
    // One sender cannot grow a document without bound: a full thread takes no more pieces.
    if (
      (deps.maxParts !== undefined && 1 + (doc.parts?.length ?? 0) >= deps.maxParts) ||
      (deps.maxChars !== undefined && raw.length > deps.maxChars)
    ) {
      capped = true;
      return;
    }
    const text = { raw, ...prepareText(raw) };
    const cls = await deps.classifier.classify({
      envelope: {
        ...env,
        text: raw,
        rating: doc.rating,
        centerCode: undefined,
        serviceCode: undefined,
      },
      normalized: { text, sender: normalized.sender },
    });
    const keep = (old: FeedbackDoc['center'], neu: FeedbackDoc['center']) =>
      old.method === 'explicit' || (old.code && old.confidence >= neu.confidence) ? old : neu;
    const center = keep(doc.center, cls.center);
    const service = keep(doc.service, cls.service);
    // Topics or a kind staff set (method explicit) stay as they are; the due date follows the kind.
    const staffTopics = doc.topics.some((t) => t.method === 'explicit');
    const topics = staffTopics
      ? doc.topics
      : [...doc.topics, ...cls.topics.filter((t) => !doc.topics.some((d) => d.code === t.code))];
    const kind = doc.kind?.method === 'explicit' ? doc.kind : cls.kind;
    const needsTriage =
      center.confidence < TRIAGE_THRESHOLD ||
      env.meta.spam === true ||
      (doc.needsTriage === true && !center.code);
    const fields = {
      center,
      service,
      topics,
      kind,
      sentiment: cls.sentiment,
      needsTriage,
    };
    const due = deps.deadlines?.dueAt(doc.receivedAt, kind.code, service.code);
    const after: FeedbackDoc = {
      ...doc,
      ...fields,
      text: { ...doc.text, ...text },
      parts: [...(doc.parts ?? []), env.externalId],
      slaDueAt: due ?? (deps.deadlines ? undefined : doc.slaDueAt),
    };
    // The count moves with the text, recorded in the same update (see rollup-writer.ts).
    const counted = nextCount(doc, after);
    await deps.Feedback.updateOne(
      { _id: target },
      {
        $set: {
          ...fields,
          text: after.text,
          parts: after.parts,
          ...(due ? { slaDueAt: due } : {}),
          ...(counted ? { counted } : {}),
        },
        ...(deps.deadlines && !due ? { $unset: { slaDueAt: '' } } : {}),
      },
    );
    if (counted) {
      deps.rollups.fault('intent', { doc: target });
      await completeCount(deps, target, counted);
    }
    // The queue entry follows (an item closed long ago, out of the index, stays out).
    if (deps.index && (indexAtIntake(after) || (await deps.index.has(target))))
      await deps.index.put(queueEntry(after));
    await deps.marks?.markCases([target]);
  };
  await (deps.lock ? deps.lock.with(`feedback:${target}`, run) : run());
  return capped ? { created: false, id: target, capped: true } : { created: false, id: target };
}
