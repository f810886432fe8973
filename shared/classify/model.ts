/**
 * The learned model beside the rules: logistic regression heads for service (softmax, with "no
 * service" as a class), kind (softmax) and each topic (binary, one-vs-rest), over the features of
 * features.ts. A model is plain data (ModelFile): versioned, shipped as model.json, stored in the
 * database with its evaluation. Confidences are Platt-calibrated on cross-validated scores.
 */
import { FEEDBACK_KINDS } from '../models/feedback.model';
import {
  binaryScore,
  DEFAULT_TRAIN,
  fromBase64,
  sigmoid,
  softmaxScores,
  sparse,
  toBase64,
  trainBinary,
  trainSoftmax,
  type BinaryHead,
  type SoftmaxHead,
  type SparseVector,
  type TrainOptions,
} from './linear';

/** The class of the service head that means "the message names no service". */
export const NO_SERVICE = '-';

/** One labelled message; a field left undefined is not labelled (a correction of one field). */
export interface TrainingExample {
  text: string;
  service?: string | null;
  topics?: string[];
  kind?: string;
  /** How many times it counts (staff corrections count more than one fixture line). */
  weight?: number;
}

/** confidence = sigmoid(a · logit(p) + b), fitted on out-of-fold scores. */
export interface Platt {
  a: number;
  b: number;
}
export const IDENTITY: Platt = { a: 1, b: 0 };

export interface ModelFile {
  format: 1;
  version: string;
  createdAt: string;
  trainedOn: { examples: number; corrections: number; sources: string[] };
  /** Feature names, one per line, in weight order. */
  vocab: string;
  service: { classes: string[]; w: string; b: number[] };
  kind: { classes: string[]; w: string; b: number[] };
  topics: { code: string; w: string; b: number }[];
  calibration: { service: Platt; kind: Platt; topics: Platt };
  /** Calibrated confidence under which a field goes to triage (chosen on cross-validated scores). */
  triageAt: { service: number; kind: number; topics: number };
  /** Scores of this version (cross-validated and locked split), written by the trainer. */
  evaluation?: unknown;
}

export interface Scored {
  code: string | null;
  /** The model's own probability. */
  p: number;
  /** Calibrated: the share of such answers that are right. */
  confidence: number;
}

export interface ModelPrediction {
  service: Scored;
  kind: Scored;
  /** Every topic with its score; those with p ≥ 0.5 are the model's answer. */
  topics: Scored[];
}

/** Rule features (`r:`) are strong: see linear.ts `sparse`. */
function vectorize(names: string[], index: Map<string, number>): SparseVector {
  const idx: number[] = [];
  const strong: number[] = [];
  for (const n of names) {
    const i = index.get(n);
    if (i !== undefined) (n.startsWith('r:') ? strong : idx).push(i);
  }
  return sparse(idx, strong);
}

const logit = (p: number) => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));
export const calibrate = (c: Platt, p: number) => sigmoid(c.a * logit(p) + c.b);

export class ClassifierModel {
  private readonly index = new Map<string, number>();

  constructor(
    readonly vocab: string[],
    readonly service: SoftmaxHead,
    readonly kind: SoftmaxHead,
    readonly topics: { code: string; head: BinaryHead }[],
    readonly meta: Omit<ModelFile, 'vocab' | 'service' | 'kind' | 'topics'>,
  ) {
    vocab.forEach((f, i) => this.index.set(f, i));
  }

  get version(): string {
    return this.meta.version;
  }

  static fromFile(f: ModelFile): ClassifierModel {
    if (f.format !== 1) throw new Error(`unknown classifier model format ${String(f.format)}`);
    const { vocab, service, kind, topics, ...meta } = f;
    const softmax = (h: ModelFile['service']): SoftmaxHead => ({
      classes: h.classes,
      w: fromBase64(h.w),
      b: Float32Array.from(h.b),
    });
    return new ClassifierModel(
      vocab ? vocab.split('\n') : [],
      softmax(service),
      softmax(kind),
      topics.map((t) => ({ code: t.code, head: { w: fromBase64(t.w), b: t.b } })),
      meta,
    );
  }

  toFile(): ModelFile {
    const softmax = (h: SoftmaxHead) => ({
      classes: h.classes,
      w: toBase64(h.w),
      b: Array.from(h.b),
    });
    return {
      format: 1,
      version: this.meta.version,
      createdAt: this.meta.createdAt,
      trainedOn: this.meta.trainedOn,
      calibration: this.meta.calibration,
      triageAt: this.meta.triageAt,
      ...(this.meta.evaluation !== undefined ? { evaluation: this.meta.evaluation } : {}),
      vocab: this.vocab.join('\n'),
      service: softmax(this.service),
      kind: softmax(this.kind),
      topics: this.topics.map((t) => ({ code: t.code, w: toBase64(t.head.w), b: t.head.b })),
    };
  }

  vectorize(names: string[]): SparseVector {
    return vectorize(names, this.index);
  }

  predict(names: string[]): ModelPrediction {
    const x = this.vectorize(names);
    const { calibration: cal } = this.meta;
    const best = (head: SoftmaxHead, c: Platt): Scored => {
      const p = softmaxScores(head, x);
      let k = 0;
      for (let i = 1; i < p.length; i++) if (p[i]! > p[k]!) k = i;
      const code = head.classes[k]!;
      return { code: code === NO_SERVICE ? null : code, p: p[k]!, confidence: calibrate(c, p[k]!) };
    };
    return {
      service: best(this.service, cal.service),
      kind: best(this.kind, cal.kind),
      topics: this.topics.map(({ code, head }) => {
        const p = binaryScore(head, x);
        // The confidence of the decision taken: p when the topic is given, 1 − p when not.
        const decided = p >= 0.5 ? p : 1 - p;
        return { code, p, confidence: calibrate(cal.topics, decided) };
      }),
    };
  }
}

export interface TrainSettings {
  /** A feature is kept when it occurs in at least this many training messages. */
  minCount: number;
  opts: TrainOptions;
  /** Topic codes the model learns (labels outside it are ignored). */
  topics: readonly string[];
}

export const TOPIC_CODES = [
  'waiting_time',
  'fees',
  'informal_payment',
  'staff_conduct',
  'information',
  'documents',
  'facilities',
  'digital_system',
] as const;

export const DEFAULT_SETTINGS: TrainSettings = {
  minCount: 2,
  opts: DEFAULT_TRAIN,
  topics: TOPIC_CODES,
};

/**
 * Trains a model on labelled messages, given their feature names (features.ts, with the rules'
 * signals). Calibration is the identity here; the trainer fits it on cross-validated scores.
 */
export function trainModel(
  examples: TrainingExample[],
  names: string[][],
  meta: Pick<ModelFile, 'version' | 'trainedOn'> & Partial<ModelFile>,
  settings: TrainSettings = DEFAULT_SETTINGS,
): ClassifierModel {
  const counts = new Map<string, number>();
  for (const ns of names) for (const n of ns) counts.set(n, (counts.get(n) ?? 0) + 1);
  const vocab = [...counts].filter(([, c]) => c >= settings.minCount).map(([n]) => n);
  const index = new Map(vocab.map((f, i) => [f, i]));
  const xs = names.map((ns) => vectorize(ns, index));
  const weights = examples.map((e) => e.weight ?? 1);

  const services = [
    NO_SERVICE,
    ...new Set(examples.flatMap((e) => (e.service ? [e.service] : []))),
  ].sort();
  const service = trainSoftmax(
    xs,
    examples.map((e) => (e.service === undefined ? -1 : services.indexOf(e.service ?? NO_SERVICE))),
    weights,
    vocab.length,
    services,
    settings.opts,
  );
  const kinds = [...FEEDBACK_KINDS];
  const kind = trainSoftmax(
    xs,
    examples.map((e) => (e.kind === undefined ? -1 : kinds.indexOf(e.kind as never))),
    weights,
    vocab.length,
    kinds,
    settings.opts,
  );
  const topics = settings.topics.map((code) => ({
    code,
    head: trainBinary(
      xs,
      examples.map((e) => (e.topics === undefined ? -1 : e.topics.includes(code) ? 1 : 0)),
      weights,
      vocab.length,
      settings.opts,
    ),
  }));
  return new ClassifierModel(vocab, service, kind, topics, {
    format: 1,
    createdAt: new Date().toISOString(),
    calibration: { service: IDENTITY, kind: IDENTITY, topics: IDENTITY },
    triageAt: { service: 0.6, kind: 0.5, topics: 0.5 },
    ...meta,
  });
}
