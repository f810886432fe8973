/**
 * A staff correction of a feedback's center or service: the document takes the person's value
 * (method "explicit", as if the citizen had chosen it), its rollup count moves from the old bucket
 * to the new one, and the phrase that should have decided it is learned for the next messages.
 * The dashboard's triage action calls this, under the feedback's lock; it lives beside the worker
 * because it shares the rollup writer. The count change is recorded in the same update as the
 * value, so a crash at any point is completed by the next change or the nightly recount.
 */
import type { CatalogView } from '../../shared/catalog/catalog';
import { phraseToLearn } from '../../shared/classify/learn';
import type { LearnedAlias } from '../../shared/classify/text-classifier';
import { Errors } from '../../shared/errors';
import { learnAlias, type AliasModel } from '../../shared/models/alias.model';
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import { completeCount, nextCount, settleCount, type RollupWriter } from './rollup-writer';

export interface CorrectionDeps {
  Feedback: FeedbackModel;
  Alias: AliasModel;
  rollups: RollupWriter;
  catalog: CatalogView;
}

export interface Correction {
  field: 'center' | 'service';
  code: string;
  /** The phrase of the text that names it, when the person marks it; else it is chosen for them. */
  phrase?: string;
  by: string;
}

/** Applies a correction; returns the learned phrase, if any. */
export async function applyCorrection(
  deps: CorrectionDeps,
  feedbackId: string,
  c: Correction,
): Promise<LearnedAlias | null> {
  const known =
    c.field === 'center'
      ? deps.catalog.centerByCode.has(c.code)
      : deps.catalog.serviceByCode.has(c.code);
  if (!known)
    throw Errors.validation([{ field: c.field, message: `No ${c.field} has the code ${c.code}.` }]);
  const before = await settleCount(deps, feedbackId);
  if (!before) throw Errors.notFound('This feedback');
  if (before[c.field].code === c.code && before[c.field].method === 'explicit') return null;

  const value = { code: c.code, confidence: 1, method: 'explicit' as const };
  const needsTriage = c.field === 'center' ? false : before.needsTriage;
  const after: FeedbackDoc = { ...before, [c.field]: value, needsTriage };
  const counted = nextCount(before, after);
  await deps.Feedback.updateOne(
    { _id: feedbackId },
    { $set: { [c.field]: value, needsTriage, ...(counted ? { counted } : {}) } },
  );
  if (counted) {
    deps.rollups.fault('intent', { doc: feedbackId });
    await completeCount(deps, feedbackId, counted);
  }

  const text = before.text?.normalized;
  const phrase = c.phrase ?? (text ? phraseToLearn(text, c.field, c.code, deps.catalog) : null);
  if (!phrase) return null;
  return learnAlias(deps.Alias, { field: c.field, phrase, code: c.code, by: c.by });
}
