/**
 * A citizen's answer to "how satisfied are you with the resolution?" (shared/staff/survey.ts): it
 * lands on the item it was asked about, as `satisfaction` and a history entry — only from the
 * sender who was asked, and once (a redelivered answer changes nothing).
 */
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import type { RedisLock } from '../../shared/redis-lock';
import type { ReportMarks } from '../../shared/reports/report-days';

export async function recordSatisfaction(
  deps: { Feedback: FeedbackModel; lock?: RedisLock; marks?: ReportMarks },
  target: string,
  rating: number,
  senderHash: string | undefined,
  externalId: string,
): Promise<'recorded' | 'ignored'> {
  const run = async (): Promise<'recorded' | 'ignored'> => {
    const doc = await deps.Feedback.findById(target, {
      sender: 1,
      history: 1,
      replies: 1,
      satisfaction: 1,
    }).lean<FeedbackDoc>();
    if (!doc || !senderHash || doc.sender?.idHash !== senderHash) return 'ignored';
    if (doc.history?.some((h) => h.action === 'satisfaction' && h.field === externalId))
      return 'recorded';
    // Only an item that was asked, and only its first answer.
    if (!doc.replies?.some((r) => r.purpose === 'survey') || doc.satisfaction !== undefined)
      return 'ignored';
    const at = new Date();
    await deps.Feedback.updateOne(
      { _id: target },
      {
        $set: { satisfaction: rating },
        $push: {
          history: {
            at,
            byId: null,
            byEmail: null,
            action: 'satisfaction',
            field: externalId,
            to: rating,
          },
        },
      },
    );
    await deps.marks?.markCases([target]);
    return 'recorded';
  };
  return deps.lock ? deps.lock.with(`feedback:${target}`, run) : run();
}
