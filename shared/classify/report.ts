/**
 * The detailed scores `npm run eval:classify` prints and each model version keeps: per-class
 * precision, recall and F1, confusion tables for service and kind, expected calibration error per
 * field, and what the triage thresholds do (the share of messages sent to people, and how often
 * the fields above the threshold are right).
 */
import { scorePredictions, type EvalReport, type LabelledMessage } from './evaluate';
import type { TextClassification } from './text-classifier';

export interface ClassScore {
  code: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Confusion {
  labels: string[];
  /** counts[expected][got], in the order of labels. */
  counts: number[][];
}

export interface DetailedReport extends EvalReport {
  perClass: { service: ClassScore[]; kind: ClassScore[]; topics: ClassScore[] };
  confusion: { service: Confusion; kind: Confusion };
  /** Expected calibration error (10 equal-width bins) of each field's confidence. */
  ece: { service: number; kind: number; topics: number };
  triage: {
    at: { service: number; kind: number };
    /** Share of messages with service or kind under its threshold. */
    share: number;
    /** How often the field is right when its confidence is at or above the threshold. */
    rightAbove: { service: number; kind: number };
  };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const NONE = '(none)';

function classScores(pairs: { expected: string[]; got: string[] }[]): ClassScore[] {
  const codes = new Set(pairs.flatMap((p) => [...p.expected, ...p.got]));
  return [...codes].sort().map((code) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const p of pairs) {
      const e = p.expected.includes(code);
      const g = p.got.includes(code);
      if (e && g) tp++;
      else if (g) fp++;
      else if (e) fn++;
    }
    const precision = tp + fp ? tp / (tp + fp) : 1;
    const recall = tp + fn ? tp / (tp + fn) : 1;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { code, support: tp + fn, precision: r3(precision), recall: r3(recall), f1: r3(f1) };
  });
}

function confusion(pairs: { expected: string; got: string }[]): Confusion {
  const labels = [...new Set(pairs.flatMap((p) => [p.expected, p.got]))].sort();
  const counts = labels.map(() => labels.map(() => 0));
  for (const p of pairs) counts[labels.indexOf(p.expected)]![labels.indexOf(p.got)]!++;
  return { labels, counts };
}

/** Expected calibration error over 10 equal-width confidence bins. */
export function ece(points: { confidence: number; right: boolean }[]): number {
  if (!points.length) return 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const q of points) {
    const b = bins[Math.min(9, Math.floor(q.confidence * 10))]!;
    b.n++;
    b.conf += q.confidence;
    b.right += q.right ? 1 : 0;
  }
  let e = 0;
  for (const b of bins)
    if (b.n) e += (b.n / points.length) * Math.abs(b.conf / b.n - b.right / b.n);
  return r3(e);
}

export function detailedReport(
  messages: LabelledMessage[],
  predictions: TextClassification[],
  triageAt: { service: number; kind: number },
): DetailedReport {
  const base = scorePredictions(messages, predictions);
  const svc = messages.map((m, j) => ({
    expected: m.service ?? NONE,
    got: predictions[j]!.service.code ?? NONE,
  }));
  const kind = messages.map((m, j) => ({
    expected: m.kind,
    got: predictions[j]!.kind.code ?? NONE,
  }));
  const servicePoints = predictions.map((p, j) => ({
    confidence: p.service.confidence,
    right: svc[j]!.expected === svc[j]!.got,
  }));
  const kindPoints = predictions.map((p, j) => ({
    confidence: p.kind.confidence,
    right: kind[j]!.expected === kind[j]!.got,
  }));
  const topicPoints = predictions.flatMap((p, j) =>
    p.topics.map((t) => ({
      confidence: t.confidence,
      right: messages[j]!.topics.includes(t.code!),
    })),
  );
  const above = (ps: typeof servicePoints, at: number) => {
    const a = ps.filter((q) => q.confidence >= at);
    return a.length ? r3(a.filter((q) => q.right).length / a.length) : 1;
  };
  const triaged = predictions.filter(
    (p) => p.service.confidence < triageAt.service || p.kind.confidence < triageAt.kind,
  ).length;
  return {
    ...base,
    perClass: {
      service: classScores(svc.map((p) => ({ expected: [p.expected], got: [p.got] }))),
      kind: classScores(kind.map((p) => ({ expected: [p.expected], got: [p.got] }))),
      topics: classScores(
        messages.map((m, j) => ({
          expected: m.topics,
          got: predictions[j]!.topics.map((t) => t.code!),
        })),
      ),
    },
    confusion: { service: confusion(svc), kind: confusion(kind) },
    ece: { service: ece(servicePoints), kind: ece(kindPoints), topics: ece(topicPoints) },
    triage: {
      at: triageAt,
      share: messages.length ? r3(triaged / messages.length) : 0,
      rightAbove: {
        service: above(servicePoints, triageAt.service),
        kind: above(kindPoints, triageAt.kind),
      },
    },
  };
}
