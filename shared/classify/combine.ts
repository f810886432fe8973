/**
 * Rules and model together. Learned aliases (staff taught them) and an unambiguous service keyword
 * win; the model decides where the rules are silent or weak: a service no word list knows, which
 * topics a message is about (not merely mentions), and its kind. The model also sees the rules'
 * answers as features, so it learns where they are wrong (a day mentioned in passing is not a
 * waiting-time complaint; "please add a bench" is a suggestion). Each field's `method` says which
 * decided: `keyword`/`fuzzy`/`learned` when the rule's answer stands, `model` when the model's does.
 * Center and sentiment stay with the rules.
 */
import type { Classified } from '../models/feedback.model';
import type { ModelPrediction } from './model';
import type { TextClassification } from './text-classifier';

/** How rules and model share the decision (the defaults were chosen on cross-validated scores). */
export interface CombinePolicy {
  /** A service keyword at or above this rule confidence wins over the model. */
  serviceRuleWinsAt: number;
  /** A topic the rules found is kept when the model gives it at least this probability. */
  keepRuleTopicAt: number;
  /** A topic the rules did not find is added when the model gives it at least this. */
  addModelTopicAt: number;
  /**
   * Per topic, thresholds that replace the two above (the trainer fits them on out-of-fold scores
   * and keeps them in the model file as `topicThresholds`): the model's probabilities are not
   * equally sharp for every topic.
   */
  topicAt?: Readonly<Record<string, TopicThresholds>>;
  /**
   * Kinds that nearly always come with a topic (by the labelling guideline, a complaint or a
   * question is about something: 97.7% and 98.0% of labelled ones have a topic). When the
   * thresholds leave such a message with none, the model's most likely topic is given if its
   * probability is at least `topicFloor`, with the low confidence that goes with that probability
   * (`keyword` when the rules had found it, else `model`).
   */
  topicForKinds: readonly string[];
  topicFloor: number;
  /** A message of kind `other` (not feedback on a service) has no topics (727 of 728 labelled). */
  noTopicsForOther: boolean;
  /**
   * Both kind rules apply only when the kind's confidence is at least this: the intake worker lets
   * the text's kind stand over a star rating from the same value (TRIAGE_THRESHOLD, 0.6), so a rated
   * message's topics follow the kind it is stored with (an unrated one keeps the text's kind either
   * way).
   */
  kindTopicsAt: number;
}

export interface TopicThresholds {
  keep: number;
  add: number;
}

export const DEFAULT_POLICY: CombinePolicy = {
  serviceRuleWinsAt: 0.85,
  keepRuleTopicAt: 0.15,
  addModelTopicAt: 0.4,
  // Chosen on out-of-fold scores of the 5,510 open messages (topics micro-F1 0.828 without the
  // kind rules): floors 0.1 / 0.2 / 0.3 / 0.4 gave 0.832 / 0.832 / 0.830 / 0.829 with complaint and
  // question; adding suggestion gave less (0.831), complaint alone 0.830. 0.2 because it also
  // helps on the messages of the four newest writers (0.782 → 0.786), where 0.1 did not (0.783).
  // From a kind confidence of 0.6: 0.833 (0.786 on the newest writers). Never re-adding a topic
  // the rules found and its own threshold dropped: 0.831 (0.784).
  topicForKinds: Object.freeze(['complaint', 'question']),
  topicFloor: 0.2,
  noTopicsForOther: true,
  kindTopicsAt: 0.6,
};

const round = (x: number) => Math.round(x * 1000) / 1000;

export function combine(
  rules: TextClassification,
  m: ModelPrediction,
  policy: CombinePolicy = DEFAULT_POLICY,
): TextClassification {
  let service: Classified;
  const rs = rules.service;
  if (rs.method === 'learned' || (rs.code && rs.confidence >= policy.serviceRuleWinsAt)) {
    // The rule stands; the model's agreement (or not) says how sure it is.
    const agree = m.service.code === rs.code;
    // Disagreement between the two is worth a person's look (0.5 is under every threshold).
    service = {
      ...rs,
      confidence:
        rs.method === 'learned'
          ? rs.confidence
          : agree
            ? round(Math.max(rs.confidence, m.service.confidence))
            : 0.5,
    };
  } else if (m.service.code === null) {
    service = {
      code: null,
      confidence: round(m.service.confidence),
      method: rs.code ? 'model' : 'none',
    };
  } else {
    service = {
      code: m.service.code,
      confidence: round(m.service.confidence),
      method: m.service.code === rs.code ? rs.method : 'model',
    };
  }

  const ruleTopics = new Set(rules.topics.map((t) => t.code));
  const topics: Classified[] = [];
  // A given topic's confidence: how often topics given at its p are right (calibration.given, fitted
  // on out-of-fold decisions of these very rules). A model file without it (before December 2026)
  // keeps its old meaning: the confidence of the model's own yes or no.
  const given = (t: ModelPrediction['topics'][number]): Classified => ({
    code: t.code,
    confidence: round(t.given ?? t.confidence),
    method: ruleTopics.has(t.code) ? 'keyword' : 'model',
  });
  for (const t of m.topics) {
    const at = policy.topicAt?.[t.code!];
    const keep = at?.keep ?? policy.keepRuleTopicAt;
    const add = at?.add ?? policy.addModelTopicAt;
    if (t.p >= (ruleTopics.has(t.code) ? keep : add)) topics.push(given(t));
  }
  // Topics the model does not know (e.g. "other", a code added later) stay with the rules.
  const known = new Set(m.topics.map((t) => t.code));
  for (const t of rules.topics) if (!known.has(t.code)) topics.push(t);

  const kind: Classified = {
    code: m.kind.code,
    confidence: round(m.kind.confidence),
    method: m.kind.code === rules.kind.code ? 'keyword' : 'model',
  };
  // The rounded confidence, as the intake worker compares it.
  if (kind.code && kind.confidence >= policy.kindTopicsAt) {
    if (policy.noTopicsForOther && kind.code === 'other') topics.length = 0;
    else if (!topics.length && policy.topicForKinds.includes(kind.code)) {
      let best: ModelPrediction['topics'][number] | undefined;
      for (const t of m.topics) if (!best || t.p > best.p) best = t;
      if (best && best.p >= policy.topicFloor) {
        topics.push(given(best));
        return { ...rules, service, topics, kind, topicFromKind: best.code! };
      }
    }
  }
  return { ...rules, service, topics, kind };
}

const policies = new WeakMap<object, CombinePolicy>();

/** The policy a model is combined with: DEFAULT_POLICY and the model's own topic thresholds. */
export function policyOf(
  model: { meta: { topicThresholds?: Record<string, TopicThresholds> } } | null,
): CombinePolicy {
  const at = model?.meta.topicThresholds;
  if (!model || !at) return DEFAULT_POLICY;
  let p = policies.get(model);
  if (!p || p.topicAt !== at) {
    p = { ...DEFAULT_POLICY, topicAt: at };
    policies.set(model, p);
  }
  return p;
}
