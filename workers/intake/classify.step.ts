/**
 * Classify step. The seam where free-text classification plugs in: a Classifier gets the
 * normalised text and what the channel already knew, and returns every field with a confidence
 * and the method that decided it. Explicit values from a form, the bot or a kiosk always win.
 */
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Classified, FeedbackDoc, FeedbackKind } from '../../shared/models/feedback.model';
import type { CatalogView } from '../../shared/catalog/catalog';
import {
  TextClassifier,
  TRIAGE_THRESHOLD,
  type LearnedAlias,
} from '../../shared/classify/text-classifier';
import type { ClassifierModel } from '../../shared/classify/model';
import { shippedModel } from '../../shared/classify/shipped';
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

export { TRIAGE_THRESHOLD };

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
      envelope.meta.spam === true ||
      center.confidence < TRIAGE_THRESHOLD ||
      (!!envelope.text && envelope.rating === undefined);
    return withContactRequest(envelope, { center, service, topics, kind, sentiment, needsTriage });
  }
}

/**
 * A citizen who asks to be contacted (the kiosk's "contact me") has a case: the response is a
 * complaint, whatever the smiley, and goes to triage so that someone calls.
 */
function withContactRequest(envelope: IntakeEnvelope, c: Classification): Classification {
  if (envelope.meta.contactRequested !== true) return c;
  return { ...c, kind: explicit('complaint'), needsTriage: true };
}

/** Where the text classifier gets the catalog and the learned phrases from (refreshed by TTL). */
export interface ClassifierSource {
  catalog(): Promise<CatalogView>;
  aliases(): Promise<LearnedAlias[]>;
  /** The newest active model version in the database; without one, the shipped model is used. */
  model?(): Promise<ClassifierModel | null>;
}

/**
 * The intake classifier: explicit values first, then the text classifier for whatever the channel
 * did not know, then the rating. Rebuilds its indexes from the database at most once a minute so
 * that new centers and learned phrases apply without a restart.
 */
export class CatalogTextClassifier implements Classifier {
  private text: TextClassifier | null = null;
  private loadedAt = 0;
  private readonly explicitOnly = new ExplicitClassifier();

  constructor(
    private readonly source: ClassifierSource,
    private readonly ttlMs = 60_000,
  ) {}

  /** Forces the next classification to reload the catalog and learned phrases. */
  invalidate(): void {
    this.loadedAt = 0;
  }

  private async classifier(): Promise<TextClassifier> {
    if (!this.text || Date.now() - this.loadedAt > this.ttlMs) {
      const [catalog, aliases, model] = await Promise.all([
        this.source.catalog(),
        this.source.aliases(),
        this.source.model?.() ?? null,
      ]);
      this.text = new TextClassifier(catalog, aliases, model ?? shippedModel());
      this.loadedAt = Date.now();
    }
    return this.text;
  }

  async classify(input: ClassifyInput): Promise<Classification> {
    const base = this.explicitOnly.classify(input);
    const normalized = input.normalized.text?.normalized;
    if (!normalized) return base;
    const text = await this.classifier();
    const r = text.classify(normalized);
    const center = base.center.method === 'explicit' ? base.center : r.center;
    const service = base.service.method === 'explicit' ? base.service : r.service;
    const explicitTopics = new Set(base.topics.map((t) => t.code));
    // Topics the citizen chose (kiosk, form, bot) already give the complaint or question the topic
    // that combine.ts would otherwise guess for it (topicFromKind): the guess is left out.
    const guess = explicitTopics.size > 0 ? r.topicFromKind : undefined;
    const fromText = r.topics.filter((t) => !explicitTopics.has(t.code) && t.code !== guess);
    const topics = [...base.topics, ...fromText];
    const rated = input.envelope.rating !== undefined;
    // Words beat stars when they are clear; otherwise the rating decides.
    const useText = r.kind.confidence >= TRIAGE_THRESHOLD || !rated;
    const kind = useText ? r.kind : base.kind;
    const sentiment = useText && r.sentiment !== 0 ? r.sentiment : base.sentiment;
    // Where the model decided, its own thresholds apply (chosen so that answers above them are
    // right ≥ 95% of the time); where the rules decided, today's thresholds.
    const at = text.model?.meta.triageAt;
    const under = (c: Classified, rule: number, model: number | undefined) =>
      (c.confidence ?? 0) < (c.method === 'model' && model !== undefined ? model : rule);
    const needsTriage =
      input.envelope.meta.spam === true ||
      center.confidence < TRIAGE_THRESHOLD ||
      (service.code !== null && under(service, TRIAGE_THRESHOLD, at?.service)) ||
      under(kind, TRIAGE_THRESHOLD - 0.1, useText ? at?.kind : undefined);
    return withContactRequest(input.envelope, {
      center,
      service,
      topics,
      kind,
      sentiment,
      needsTriage,
    });
  }
}
