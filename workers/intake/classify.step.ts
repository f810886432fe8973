/**
 * Classify step. The seam where free-text classification plugs in: a Classifier gets the
 * normalised text and what the channel already knew, and returns every field with a confidence
 * and the method that decided it. Explicit values from a form, the bot or a kiosk always win.
 */
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Classified, FeedbackDoc, FeedbackKind } from '../../shared/models/feedback.model';
import type { NormalizedIntake } from './normalize.step';

/** What classification decides: exactly the feedback document's classified fields. */
export type Classification = Pick<
  FeedbackDoc,
  'center' | 'service' | 'topics' | 'kind' | 'sentiment' | 'needsTriage'
>;

export interface ClassifyInput {
  envelope: IntakeEnvelope;
  normalized: NormalizedIntake;
}

/** Classifies one intake; implementations may look up learned aliases, so they may be async. */
export interface Classifier {
  classify(input: ClassifyInput): Promise<Classification> | Classification;
}

/** Below this confidence a field is left for people (needsTriage). */
export const TRIAGE_THRESHOLD = 0.6;

const none: Classified = { code: null, confidence: 0, method: 'none' };
const explicit = (code: string): Classified => ({ code, confidence: 1, method: 'explicit' });

/** What a 1–5 rating says about the kind of feedback when nothing else does. */
function kindFromRating(rating: number | undefined): { kind: Classified; sentiment: number } {
  if (rating === undefined)
    return { kind: { code: 'other', confidence: 0.3, method: 'none' }, sentiment: 0 };
  const code: FeedbackKind = rating <= 2 ? 'complaint' : rating >= 4 ? 'praise' : 'other';
  return { kind: { code, confidence: 0.7, method: 'rating' }, sentiment: (rating - 3) / 2 };
}

/**
 * The foundation classifier: keeps explicit center, service and topics, derives kind and
 * sentiment from the rating, and sends anything without a known center to triage.
 */
export class ExplicitClassifier implements Classifier {
  classify({ envelope }: ClassifyInput): Classification {
    const center = envelope.centerCode ? explicit(envelope.centerCode) : none;
    const service = envelope.serviceCode ? explicit(envelope.serviceCode) : none;
    const topics = [...new Set(envelope.topicCodes ?? [])].map(explicit);
    const { kind, sentiment } = kindFromRating(envelope.rating);
    const needsTriage =
      center.confidence < TRIAGE_THRESHOLD || (!!envelope.text && envelope.rating === undefined);
    return { center, service, topics, kind, sentiment, needsTriage };
  }
}
