/**
 * Training the learned model: features of every labelled message (with the rules' signals),
 * k-fold cross-validation over the messages outside the locked split (out-of-fold scores for the
 * evaluation and for calibration), Platt calibration per field, the triage threshold chosen so
 * that answers above it are right at least 95% of the time, then the final model on everything.
 * The locked split (split.ts) is never trained or tuned on; it is scored separately.
 */
import { createHash } from 'node:crypto';
import { scorePredictions, type EvalReport, type LabelledMessage } from './evaluate';
import { detailedReport, type DetailedReport } from './report';
import { combine, DEFAULT_POLICY, type TopicThresholds } from './combine';
import {
  calibrate,
  ClassifierModel,
  DEFAULT_SETTINGS,
  trainModel,
  type ModelFile,
  type ModelPrediction,
  type Platt,
  type TrainingExample,
  type TrainSettings,
} from './model';
import type { FeatureIds } from './features';
import { sigmoid } from './linear';
import { augmentMessage } from './augment';
import type { TextClassification, TextClassifier } from './text-classifier';

export const FOLDS = 5;
/** Answers at or above the triage threshold must be right this often (issue 14). */
export const TARGET_PRECISION = 0.95;

export const toExample = (m: LabelledMessage): TrainingExample => ({
  text: m.text,
  service: m.service,
  topics: m.topics,
  kind: m.kind,
});

/** A message's fold, by a hash of its text: stable when lines are added or reordered. */
export function foldOf(text: string, k = FOLDS): number {
  return createHash('sha1').update(text.normalize('NFC').trim()).digest().readUInt32BE(0) % k;
}

interface Prepared {
  rules: TextClassification;
  names: FeatureIds;
}

function prepare(rules: TextClassifier, texts: string[]): Prepared[] {
  return texts.map((text) => {
    const r = rules.rulesWithSignals(text);
    return { rules: r.result, names: rules.features(text) };
  });
}

/** Each message's training variants (none without settings.augment). */
function variantsOf(labelled: LabelledMessage[], settings: TrainSettings): TrainingExample[][] {
  const a = settings.augment;
  return labelled.map((m) => (a ? augmentMessage(m, a) : []));
}

/** What trains fold `f` of per-message lists: those of the messages outside it, never its own. */
export function outsideFold<T>(folds: number[], f: number, perMessage: T[][]): T[] {
  return folds.flatMap((g, j) => (g === f ? [] : perMessage[j]!));
}

export interface CrossValidation {
  /** Out-of-fold model scores, one per labelled message. */
  model: ModelPrediction[];
  /** What the rules alone say of each labelled message (computed once, for the callers too). */
  rules: TextClassification[];
}

/**
 * k-fold cross-validation: each labelled message is classified by a model trained on the other
 * folds plus `extra` (staff corrections, always in training).
 */
export function crossValidate(
  rules: TextClassifier,
  labelled: LabelledMessage[],
  extra: TrainingExample[] = [],
  settings: TrainSettings = DEFAULT_SETTINGS,
  k = FOLDS,
): CrossValidation {
  const prepared = prepare(
    rules,
    labelled.map((m) => m.text),
  );
  const extraPrepared = prepare(
    rules,
    extra.map((e) => e.text),
  );
  // Variants of a message train only the folds that train on the message itself.
  const variants = variantsOf(labelled, settings);
  const variantNames = variants.map((vs) =>
    prepare(
      rules,
      vs.map((v) => v.text),
    ),
  );
  const folds = labelled.map((m) => foldOf(m.text, k));
  const model: ModelPrediction[] = new Array(labelled.length);
  for (let f = 0; f < k; f++) {
    const train = labelled.flatMap((m, j) => (folds[j] === f ? [] : [j]));
    const fm = trainModel(
      [...train.map((j) => toExample(labelled[j]!)), ...outsideFold(folds, f, variants), ...extra],
      [
        ...train.map((j) => prepared[j]!.names),
        ...outsideFold(folds, f, variantNames).map((p) => p.names),
        ...extraPrepared.map((p) => p.names),
      ],
      {
        version: `cv-${f}`,
        trainedOn: { examples: train.length, corrections: extra.length, sources: [] },
      },
      settings,
    );
    labelled.forEach((_, j) => {
      if (folds[j] === f) model[j] = fm.predict(prepared[j]!.names);
    });
  }
  return { model, rules: prepared.map((p) => p.rules) };
}

/** Fits confidence = sigmoid(a · logit(p) + b) to (p, right?) pairs by Newton's method. */
export function fitPlatt(points: { p: number; right: boolean }[]): Platt {
  if (points.length < 10) return { a: 1, b: 0 };
  const xs = points.map((q) => Math.log(Math.max(1e-6, q.p) / Math.max(1e-6, 1 - q.p)));
  // Platt's smoothed targets keep a perfectly separable set from running to infinity.
  const pos = points.filter((q) => q.right).length;
  const neg = points.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const ys = points.map((q) => (q.right ? hi : lo));
  // Newton's method with a step-halving line search on the log loss plus a small pull towards
  // the identity (a = 1, b = 0), which keeps it finite when all scores are alike.
  const ridge = 1e-3;
  const loss = (a: number, b: number) => {
    let l = 0;
    xs.forEach((x, i) => {
      const z = a * x + b;
      // log(1 + e^z) − y·z, computed stably.
      l += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - ys[i]! * z;
    });
    return l + (ridge / 2) * ((a - 1) ** 2 + b ** 2);
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = ridge * (a - 1);
    let gb = ridge * b;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    xs.forEach((x, i) => {
      const q = sigmoid(a * x + b);
      const d = q - ys[i]!;
      const w = q * (1 - q);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    while (step > 1e-6 && loss(a - step * da, b - step * db) > current) step /= 2;
    if (step <= 1e-6) break;
    a -= step * da;
    b -= step * db;
    const next = loss(a, b);
    if (current - next < 1e-10) break;
    current = next;
  }
  return { a: Math.round(a * 1e4) / 1e4, b: Math.round(b * 1e4) / 1e4 };
}

/**
 * The lowest confidence threshold at which the answers at or above it are right at least
 * `target` of the time (1 when none is).
 */
export function chooseThreshold(
  points: { confidence: number; right: boolean }[],
  target = TARGET_PRECISION,
): number {
  const sorted = [...points].sort((x, y) => y.confidence - x.confidence);
  let right = 0;
  let best = 1;
  sorted.forEach((q, i) => {
    if (q.right) right++;
    const next = sorted[i + 1];
    // Only cut between distinct confidences.
    if (next && next.confidence === q.confidence) return;
    if (right / (i + 1) >= target) best = q.confidence;
  });
  return Math.round(best * 1000) / 1000;
}

/** Service, kind and topic decisions of out-of-fold scores, with whether each was right. */
export function decisionPoints(labelled: LabelledMessage[], model: ModelPrediction[]) {
  const service = model.map((m, j) => ({
    p: m.service.p,
    right: m.service.code === labelled[j]!.service,
  }));
  const kind = model.map((m, j) => ({ p: m.kind.p, right: m.kind.code === labelled[j]!.kind }));
  const topics = model.flatMap((m, j) =>
    m.topics.map((t) => ({
      p: t.p >= 0.5 ? t.p : 1 - t.p,
      right: t.p >= 0.5 === labelled[j]!.topics.includes(t.code!),
    })),
  );
  return { service, kind, topics };
}

/** The thresholds tried for a topic (combine.ts keep / add). */
const TOPIC_GRID = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7];

/**
 * Per-topic thresholds (keep a rule's topic / add a model's) that maximise micro-averaged topic F1
 * over out-of-fold scores: first one pair shared by all topics, then each topic's pair in turn
 * (two rounds of coordinate ascent over TOPIC_GRID). A topic keeps the shared pair unless its own
 * gains at least one more right decision than it loses.
 */
export function chooseTopicThresholds(
  labelled: LabelledMessage[],
  ruleTopics: string[][],
  model: ModelPrediction[],
): Record<string, TopicThresholds> {
  const codes = model[0]?.topics.map((t) => t.code!) ?? [];
  const rows = labelled.map((m, j) => ({
    y: new Set(m.topics),
    r: new Set(ruleTopics[j]),
    p: model[j]!.topics.map((t) => t.p),
  }));
  // Labels of topics the model does not score are missed whatever the thresholds: counted as such.
  const missed = labelled.reduce(
    (n, m) => n + m.topics.filter((t) => !codes.includes(t)).length,
    0,
  );
  const f1 = (th: TopicThresholds[]) => {
    let tp = 0;
    let fp = 0;
    let fn = missed;
    for (const row of rows)
      codes.forEach((c, i) => {
        const given = row.p[i]! >= (row.r.has(c) ? th[i]!.keep : th[i]!.add);
        const wanted = row.y.has(c);
        if (given && wanted) tp++;
        else if (given) fp++;
        else if (wanted) fn++;
      });
    return (2 * tp) / (2 * tp + fp + fn || 1);
  };
  let best = { keep: DEFAULT_POLICY.keepRuleTopicAt, add: DEFAULT_POLICY.addModelTopicAt };
  let bestF1 = f1(codes.map(() => best));
  for (const keep of TOPIC_GRID)
    for (const add of TOPIC_GRID) {
      const v = f1(codes.map(() => ({ keep, add })));
      if (v > bestF1) [best, bestF1] = [{ keep, add }, v];
    }
  const th = codes.map(() => ({ ...best }));
  // One more right decision than before changes micro F1 by about 1 / (labels + decisions given).
  const labels = rows.reduce((n, r) => n + r.y.size, 0);
  const minGain = 1 / (2 * labels);
  for (let round = 0; round < 2; round++)
    codes.forEach((_, i) => {
      for (const k of ['keep', 'add'] as const) {
        let bestV = th[i]![k];
        for (const v of TOPIC_GRID) {
          th[i]![k] = v;
          const score = f1(th);
          if (score > bestF1 + minGain) [bestV, bestF1] = [v, score];
        }
        th[i]![k] = bestV;
        bestF1 = f1(th);
      }
    });
  return Object.fromEntries(codes.map((c, i) => [c, th[i]!]));
}

export interface TrainResult {
  model: ClassifierModel;
  cv: CrossValidation;
}

/**
 * Trains the model to ship: cross-validates on `labelled` (never the locked split: the caller
 * leaves it out), fits calibration and triage thresholds on the out-of-fold scores, then trains
 * on all of `labelled` plus `corrections`.
 */
export function trainCalibrated(
  rules: TextClassifier,
  labelled: LabelledMessage[],
  corrections: TrainingExample[],
  meta: Pick<ModelFile, 'version' | 'trainedOn'>,
  settings: TrainSettings = DEFAULT_SETTINGS,
): TrainResult {
  const cv = crossValidate(rules, labelled, corrections, settings);
  const points = decisionPoints(labelled, cv.model);
  const calibration: ModelFile['calibration'] = {
    service: fitPlatt(points.service),
    kind: fitPlatt(points.kind),
    topics: fitPlatt(points.topics),
  };
  const calibrated = (ps: { p: number; right: boolean }[], c: Platt) =>
    ps.map((q) => ({
      confidence: calibrate(c, q.p),
      right: q.right,
    }));
  const triageAt = {
    service: chooseThreshold(calibrated(points.service, calibration.service)),
    kind: chooseThreshold(calibrated(points.kind, calibration.kind)),
    topics: chooseThreshold(calibrated(points.topics, calibration.topics)),
  };
  const ruleResults = cv.rules;
  const topicThresholds = chooseTopicThresholds(
    labelled,
    ruleResults.map((r) => r.topics.map((t) => t.code!)),
    cv.model,
  );
  // How often a topic given by rules and model together is right, by its p: the topics combine.ts
  // gives on the out-of-fold scores with these thresholds and its kind rules.
  const policy = { ...DEFAULT_POLICY, topicAt: topicThresholds };
  const givenPoints = labelled.flatMap((m, j) => {
    // With the calibrated kind confidence, as the shipped model gates the kind rules.
    const oof = recalibrate(cv.model[j]!, calibration);
    const ps = new Map(oof.topics.map((t) => [t.code, t.p]));
    return combine(ruleResults[j]!, oof, policy).topics.flatMap((t) => {
      const p = ps.get(t.code);
      return p === undefined ? [] : [{ p, right: m.topics.includes(t.code!) }];
    });
  });
  calibration.given = fitPlatt(givenPoints);
  const all = [
    ...labelled.map(toExample),
    ...variantsOf(labelled, settings).flat(),
    ...corrections,
  ];
  const model = trainModel(
    all,
    all.map((e) => rules.features(e.text)),
    { ...meta, calibration, triageAt, topicThresholds },
    settings,
  );
  return { model, cv };
}

/** Out-of-fold model scores with a calibration applied (for honest confidence reports). */
function recalibrate(m: ModelPrediction, c: ModelFile['calibration']): ModelPrediction {
  return {
    service: { ...m.service, confidence: calibrate(c.service, m.service.p) },
    kind: { ...m.kind, confidence: calibrate(c.kind, m.kind.p) },
    topics: m.topics.map((t) => ({
      ...t,
      confidence: calibrate(c.topics, t.p >= 0.5 ? t.p : 1 - t.p),
      ...(c.given ? { given: calibrate(c.given, t.p) } : {}),
    })),
  };
}

export interface ModelEvaluation {
  /** k-fold over the open messages (the model never saw the message it scored). */
  crossValidated: DetailedReport;
  /** The locked test split, scored by the final model (trained on all open messages). */
  locked: DetailedReport;
  /** The rules alone on the locked split, for comparison. */
  lockedRulesOnly: EvalReport;
}

/**
 * Trains the model to ship from the labelled sets and staff corrections and evaluates it:
 * cross-validated on the open messages, and on the locked split.
 */
export function buildModel(
  rules: TextClassifier,
  open: LabelledMessage[],
  locked: LabelledMessage[],
  corrections: TrainingExample[],
  meta: Pick<ModelFile, 'version' | 'trainedOn'>,
  settings: TrainSettings = DEFAULT_SETTINGS,
): { model: ClassifierModel; evaluation: ModelEvaluation } {
  const { model, cv } = trainCalibrated(rules, open, corrections, meta, settings);
  const cal = model.meta.calibration;
  // Each fold is combined with topic thresholds chosen on the other folds' out-of-fold scores, so
  // that the cross-validated topic F1 is not flattered by thresholds fitted on the scored messages.
  const ruleResults = cv.rules;
  const folds = open.map((m) => foldOf(m.text));
  const foldPolicy = Array.from({ length: FOLDS }, (_, f) => {
    const idx = folds.flatMap((g, j) => (g === f ? [] : [j]));
    return {
      ...DEFAULT_POLICY,
      topicAt: chooseTopicThresholds(
        idx.map((j) => open[j]!),
        idx.map((j) => ruleResults[j]!.topics.map((t) => t.code!)),
        idx.map((j) => cv.model[j]!),
      ),
    };
  });
  const cvCombined = open.map((_, j) =>
    combine(ruleResults[j]!, recalibrate(cv.model[j]!, cal), foldPolicy[folds[j]!]),
  );
  const withModel = rules.withModel(model);
  const evaluation: ModelEvaluation = {
    crossValidated: detailedReport(open, cvCombined, model.meta.triageAt),
    locked: detailedReport(
      locked,
      locked.map((m) => withModel.classify(m.text)),
      model.meta.triageAt,
    ),
    lockedRulesOnly: scorePredictions(
      locked,
      locked.map((m) => rules.classify(m.text)),
    ),
  };
  model.meta.evaluation = summary(evaluation);
  return { model, evaluation };
}

/** The headline numbers a model version keeps with it. */
export function summary(e: ModelEvaluation) {
  const pick = (r: EvalReport | DetailedReport) => ({
    n: r.n,
    center: r.center.accuracy,
    centerPrecision: r.center.precision,
    service: r.service.accuracy,
    topicsF1: r.topics.f1,
    kind: r.kind.accuracy,
    ...('ece' in r ? { ece: r.ece, triage: r.triage } : {}),
  });
  return {
    crossValidated: pick(e.crossValidated),
    locked: pick(e.locked),
    lockedRulesOnly: pick(e.lockedRulesOnly),
  };
}

/**
 * A quick retraining (the scheduled job's): one training on the open messages and corrections,
 * calibration and thresholds taken over from `base`, scored on the locked split only. A full
 * `npm run classify:train` re-fits calibration on cross-validated scores.
 */
export function buildQuick(
  rules: TextClassifier,
  open: LabelledMessage[],
  locked: LabelledMessage[],
  corrections: TrainingExample[],
  meta: Pick<ModelFile, 'version' | 'trainedOn'>,
  base: ClassifierModel,
  settings: TrainSettings = DEFAULT_SETTINGS,
): { model: ClassifierModel; locked: DetailedReport } {
  const all = [...open.map(toExample), ...variantsOf(open, settings).flat(), ...corrections];
  const model = trainModel(
    all,
    all.map((e) => rules.features(e.text)),
    {
      ...meta,
      calibration: base.meta.calibration,
      triageAt: base.meta.triageAt,
      ...(base.meta.topicThresholds ? { topicThresholds: base.meta.topicThresholds } : {}),
    },
    settings,
  );
  const withModel = rules.withModel(model);
  const report = detailedReport(
    locked,
    locked.map((m) => withModel.classify(m.text)),
    model.meta.triageAt,
  );
  const r = report;
  model.meta.evaluation = {
    locked: {
      n: r.n,
      center: r.center.accuracy,
      centerPrecision: r.center.precision,
      service: r.service.accuracy,
      topicsF1: r.topics.f1,
      kind: r.kind.accuracy,
      ece: r.ece,
      triage: r.triage,
    },
    calibratedBy: base.version,
  };
  return { model, locked: report };
}
