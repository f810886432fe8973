/**
 * Scores the text classifier on a labelled set: accuracy where a label exists, precision (no
 * code guessed where none is named), recall, topic F1, kind accuracy, and the commonest confusions.
 */
import type { TextClassification } from './text-classifier';

export interface LabelledMessage {
  id: string;
  text: string;
  center: string | null;
  service: string | null;
  topics: string[];
  kind: string;
}

export interface FieldScore {
  /** Correct codes among messages that have a label. */
  accuracy: number;
  /** Correct codes among all codes the classifier gave. */
  precision: number;
  /** Correct codes among all labels. */
  recall: number;
  /** Messages without a label for which the classifier gave no code either. */
  noneKept: number;
  labelled: number;
}

export interface EvalReport {
  n: number;
  center: FieldScore;
  service: FieldScore;
  topics: { precision: number; recall: number; f1: number };
  kind: { accuracy: number };
  confusions: { field: string; expected: string; got: string; count: number; example: string }[];
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);

export function evaluate(
  classifier: { classify(text: string): TextClassification },
  messages: LabelledMessage[],
): EvalReport {
  return scorePredictions(
    messages,
    messages.map((m) => classifier.classify(m.text)),
  );
}

/** Scores given predictions (one per message, same order), e.g. out-of-fold ones. */
export function scorePredictions(
  messages: LabelledMessage[],
  predictions: TextClassification[],
): EvalReport {
  const tally = () => ({
    labelled: 0,
    correctLabelled: 0,
    given: 0,
    correctGiven: 0,
    unlabelled: 0,
    noneKept: 0,
  });
  const f = { center: tally(), service: tally() };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let kindOk = 0;
  const confusions = new Map<
    string,
    { field: string; expected: string; got: string; count: number; example: string }
  >();
  const confuse = (field: string, expected: string | null, got: string | null, example: string) => {
    const k = `${field}|${expected}|${got}`;
    const c = confusions.get(k) ?? {
      field,
      expected: expected ?? '(none)',
      got: got ?? '(none)',
      count: 0,
      example,
    };
    c.count++;
    confusions.set(k, c);
  };
  messages.forEach((m, j) => {
    const r = predictions[j]!;
    for (const field of ['center', 'service'] as const) {
      const expected = m[field];
      const got = r[field].code;
      const t = f[field];
      if (expected) {
        t.labelled++;
        if (got === expected) t.correctLabelled++;
      } else {
        t.unlabelled++;
        if (!got) t.noneKept++;
      }
      if (got) {
        t.given++;
        if (got === expected) t.correctGiven++;
      }
      if (got !== expected) confuse(field, expected, got, m.text);
    }
    const gotTopics = new Set(r.topics.map((x) => x.code));
    for (const x of m.topics) {
      if (gotTopics.has(x)) tp++;
      else {
        fn++;
        confuse('topic', x, null, m.text);
      }
    }
    for (const x of gotTopics) {
      if (!m.topics.includes(x!)) {
        fp++;
        confuse('topic', null, x, m.text);
      }
    }
    if (r.kind.code === m.kind) kindOk++;
    else confuse('kind', m.kind, r.kind.code, m.text);
  });
  const score = (t: ReturnType<typeof tally>): FieldScore => ({
    accuracy: ratio(t.correctLabelled, t.labelled),
    precision: ratio(t.correctGiven, t.given),
    recall: ratio(t.correctLabelled, t.labelled),
    noneKept: ratio(t.noneKept, t.unlabelled),
    labelled: t.labelled,
  });
  const p = ratio(tp, tp + fp);
  const rc = ratio(tp, tp + fn);
  return {
    n: messages.length,
    center: score(f.center),
    service: score(f.service),
    topics: { precision: p, recall: rc, f1: ratio(2 * p * rc, p + rc) },
    kind: { accuracy: ratio(kindOk, messages.length) },
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count).slice(0, 15),
  };
}
