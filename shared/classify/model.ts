/**
 * The learned model beside the rules: logistic regression heads for service (softmax, with "no
 * service" as a class), kind (softmax) and each topic (binary, one-vs-rest), over the features of
 * features.ts. A model is plain data (ModelFile): versioned, shipped as model.json, stored in the
 * database with its evaluation. Confidences are Platt-calibrated on cross-validated scores.
 */
import { FEEDBACK_KINDS } from '../models/feedback.model';
import type { AugmentSettings } from './augment';
import { featureId, type FeatureIds } from './features';
import {
  DEFAULT_TRAIN,
  fromBase64,
  fromBase64Half,
  RULE_VALUE,
  sigmoid,
  sparse,
  roundToHalf,
  toBase64Half,
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
  /**
   * A training variant (augment.ts) of the message with this text: it and its variants count as
   * one message towards a feature's minCount, so that variants do not grow the vocabulary alone.
   */
  variantOf?: string;
}

/** confidence = sigmoid(a · logit(p) + b), fitted on out-of-fold scores. */
export interface Platt {
  a: number;
  b: number;
}
export const IDENTITY: Platt = { a: 1, b: 0 };

export interface ModelFile {
  /**
   * 3: weights in binary16 (half the file; from 1 Dec 2026, when float32 weights neared the 16 MB
   * a document holds); 2: in float32. Both hold feature ids.
   */
  format: 2 | 3;
  version: string;
  createdAt: string;
  trainedOn: { examples: number; corrections: number; sources: string[] };
  /** Feature ids (features.ts `featureId`), base64 of little-endian uint32, in weight order. */
  features: string;
  service: { classes: string[]; w: string; b: number[] };
  kind: { classes: string[]; w: string; b: number[] };
  topics: { code: string; w: string; b: number }[];
  /**
   * `topics` calibrates the model's own yes / no per topic; `given` (absent in older files) maps a
   * topic's p to how often a topic given by the rules and the model together (combine.ts, with
   * its thresholds and kind rules) is right, fitted on out-of-fold decisions.
   */
  calibration: { service: Platt; kind: Platt; topics: Platt; given?: Platt };
  /** Calibrated confidence under which a field goes to triage (chosen on cross-validated scores). */
  triageAt: { service: number; kind: number; topics: number };
  /**
   * Per topic, the model probability from which a topic the rules found is kept and one they did
   * not find is added (combine.ts), fitted on cross-validated scores. Absent: DEFAULT_POLICY's.
   */
  topicThresholds?: Record<string, { keep: number; add: number }>;
  /** Scores of this version (cross-validated and locked split), written by the trainer. */
  evaluation?: unknown;
}

/** The first format (until 2026-11): feature names, one per line, instead of their ids. */
export type ModelFileV1 = Omit<ModelFile, 'format' | 'features'> & { format: 1; vocab: string };

export interface Scored {
  code: string | null;
  /** The model's own probability. */
  p: number;
  /** Calibrated: the share of such answers that are right. */
  confidence: number;
  /** A topic's only: how often it is right when given (calibration.given), where the file has it. */
  given?: number;
}

export interface ModelPrediction {
  service: Scored;
  kind: Scored;
  /** Every topic with its score; those with p ≥ 0.5 are the model's answer. */
  topics: Scored[];
}

/**
 * Feature id → weight row: an open-addressing table over typed arrays (no strings, no Map), so
 * that looking up a message's few hundred features costs a few hundred array reads.
 */
class IdTable {
  private readonly keys: Uint32Array;
  private readonly rows: Int32Array;
  private readonly mask: number;

  constructor(ids: Uint32Array) {
    let cap = 16;
    while (cap < ids.length * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.rows = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    ids.forEach((id, row) => {
      let s = this.slot(id);
      while (this.rows[s]! >= 0) {
        if (this.keys[s] === id) return; // a repeated id keeps its first row
        s = (s + 1) & this.mask;
      }
      this.keys[s] = id;
      this.rows[s] = row;
    });
  }

  private slot(id: number): number {
    return (Math.imul(id ^ (id >>> 15), 0x2c1b3c6d) >>> 0) & this.mask;
  }

  /** The row of a feature id, or −1 when the model does not know it. */
  get(id: number): number {
    let s = this.slot(id);
    for (;;) {
      const row = this.rows[s]!;
      if (row < 0 || this.keys[s] === id) return row;
      s = (s + 1) & this.mask;
    }
  }
}

/** Training: a message's vector over a vocabulary (repeats counted once; rule features strong). */
function vectorize(f: FeatureIds, index: Map<number, number>): SparseVector {
  const pick = (ids: number[]) => {
    const rows = new Set<number>();
    for (const id of ids) {
      const i = index.get(id);
      if (i !== undefined) rows.add(i);
    }
    return [...rows];
  };
  return sparse(pick(f.text), pick(f.rules));
}

const logit = (p: number) => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));
export const calibrate = (c: Platt, p: number) => sigmoid(c.a * logit(p) + c.b);

const idsToBase64 = (a: Uint32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function idsFromBase64(s: string): Uint32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Uint32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export class ClassifierModel {
  private readonly table: IdTable;
  /** Every head's weights packed per feature row: service classes, kind classes, topics. */
  private readonly packed: Float32Array;
  private readonly biases: Float64Array;
  private readonly width: number;
  // Scratch of predict (one message at a time; JavaScript runs one at a time).
  private readonly seen: Uint32Array;
  private stamp = 0;
  private rows = new Int32Array(1024);
  private readonly z: Float64Array;

  constructor(
    /** Feature ids (features.ts `featureId`), one per weight row. */
    readonly features: Uint32Array,
    readonly service: SoftmaxHead,
    readonly kind: SoftmaxHead,
    readonly topics: { code: string; head: BinaryHead }[],
    readonly meta: Omit<ModelFile, 'features' | 'service' | 'kind' | 'topics'>,
  ) {
    this.table = new IdTable(features);
    const ks = service.classes.length;
    const kk = kind.classes.length;
    const width = ks + kk + topics.length;
    this.width = width;
    const n = features.length;
    this.packed = new Float32Array(n * width);
    for (let r = 0; r < n; r++) {
      const o = r * width;
      for (let c = 0; c < ks; c++) this.packed[o + c] = service.w[r * ks + c]!;
      for (let c = 0; c < kk; c++) this.packed[o + ks + c] = kind.w[r * kk + c]!;
      topics.forEach((t, c) => (this.packed[o + ks + kk + c] = t.head.w[r]!));
    }
    this.biases = Float64Array.from([
      ...Array.from(service.b),
      ...Array.from(kind.b),
      ...topics.map((t) => t.head.b),
    ]);
    this.seen = new Uint32Array(n);
    this.z = new Float64Array(width);
  }

  get version(): string {
    return this.meta.version;
  }

  /** Reads a model file: format 2 (feature ids), or format 1 (feature names, hashed here). */
  static fromFile(f: ModelFile | ModelFileV1): ClassifierModel {
    if (f.format !== 1 && f.format !== 2 && f.format !== 3)
      throw new Error(
        `unknown classifier model format ${String((f as { format: unknown }).format)}`,
      );
    const { service, kind, topics } = f;
    const features =
      f.format !== 1
        ? idsFromBase64(f.features)
        : Uint32Array.from(f.vocab ? f.vocab.split('\n') : [], featureId);
    const meta = {
      format: 3 as const,
      version: f.version,
      createdAt: f.createdAt,
      trainedOn: f.trainedOn,
      calibration: f.calibration,
      triageAt: f.triageAt,
      ...(f.topicThresholds ? { topicThresholds: f.topicThresholds } : {}),
      ...(f.evaluation !== undefined ? { evaluation: f.evaluation } : {}),
    };
    const weights = f.format === 3 ? fromBase64Half : fromBase64;
    const softmax = (h: ModelFile['service']): SoftmaxHead => ({
      classes: h.classes,
      w: weights(h.w),
      b: Float32Array.from(h.b),
    });
    return new ClassifierModel(
      features,
      softmax(service),
      softmax(kind),
      topics.map((t) => ({ code: t.code, head: { w: weights(t.w), b: t.b } })),
      meta,
    );
  }

  /** The file (format 3: binary16 weights; a model read from float32 loses what binary16 drops). */
  toFile(): ModelFile {
    const softmax = (h: SoftmaxHead) => ({
      classes: h.classes,
      w: toBase64Half(h.w),
      b: Array.from(h.b),
    });
    return {
      format: 3,
      version: this.meta.version,
      createdAt: this.meta.createdAt,
      trainedOn: this.meta.trainedOn,
      calibration: this.meta.calibration,
      triageAt: this.meta.triageAt,
      ...(this.meta.topicThresholds ? { topicThresholds: this.meta.topicThresholds } : {}),
      ...(this.meta.evaluation !== undefined ? { evaluation: this.meta.evaluation } : {}),
      features: idsToBase64(this.features),
      service: softmax(this.service),
      kind: softmax(this.kind),
      topics: this.topics.map((t) => ({ code: t.code, w: toBase64Half(t.head.w), b: t.head.b })),
    };
  }

  /** Collects the rows of `ids` not seen yet in this message into `this.rows` from `n`. */
  private collect(ids: number[], n: number): number {
    for (let j = 0; j < ids.length; j++) {
      const r = this.table.get(ids[j]!);
      if (r < 0 || this.seen[r] === this.stamp) continue;
      this.seen[r] = this.stamp;
      if (n === this.rows.length) {
        const grown = new Int32Array(n * 2);
        grown.set(this.rows);
        this.rows = grown;
      }
      this.rows[n++] = r;
    }
    return n;
  }

  predict(f: FeatureIds): ModelPrediction {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const nText = this.collect(f.text, 0);
    const n = this.collect(f.rules, nText);
    // The same sums, in the same order, as linear.ts softmaxScores / binaryScore on sparse().
    const { z, packed, width, rows } = this;
    z.set(this.biases);
    const scale = nText ? 1 / Math.sqrt(nText) : 0;
    for (let j = 0; j < n; j++) {
      const v = j < nText ? scale : RULE_VALUE;
      const o = rows[j]! * width;
      for (let c = 0; c < width; c++) z[c] = z[c]! + packed[o + c]! * v;
    }
    const { calibration: cal } = this.meta;
    const best = (head: SoftmaxHead, from: number, c: Platt): Scored => {
      const k = head.classes.length;
      let max = -Infinity;
      for (let i = 0; i < k; i++) if (z[from + i]! > max) max = z[from + i]!;
      let sum = 0;
      let top = 0;
      let topE = -1;
      for (let i = 0; i < k; i++) {
        const e = Math.exp(z[from + i]! - max);
        sum += e;
        if (e > topE) [top, topE] = [i, e];
      }
      const p = topE / sum;
      const code = head.classes[top]!;
      return { code: code === NO_SERVICE ? null : code, p, confidence: calibrate(c, p) };
    };
    const ks = this.service.classes.length;
    const kk = this.kind.classes.length;
    return {
      service: best(this.service, 0, cal.service),
      kind: best(this.kind, ks, cal.kind),
      topics: this.topics.map(({ code }, i) => {
        const p = sigmoid(z[ks + kk + i]!);
        // The confidence of the decision taken: p when the topic is given, 1 − p when not.
        const decided = p >= 0.5 ? p : 1 - p;
        const confidence = calibrate(cal.topics, decided);
        return cal.given
          ? { code, p, confidence, given: calibrate(cal.given, p) }
          : { code, p, confidence };
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
  /**
   * Visit messages in an order that follows from their texts (linear.ts epochOrder), so that a
   * few added corrections do not reshuffle the rest; false: a seeded shuffle of the indexes.
   */
  stableOrder: boolean;
  /**
   * Subtracted from the "no service" logit after training. The labelled sets leave a service out
   * when none is named, so the model learns to say "none" whenever it is unsure; the rules already
   * said nothing there. Shifting it makes the model name its best service instead; a wrong one is
   * caught by the calibrated confidence (triage). Chosen on cross-validated scores, never on the
   * locked split.
   */
  noneShift: number;
  /**
   * Training-time variants of each labelled message (augment.ts), added to the training side only
   * (a cross-validation fold's variants are never scored). Absent: none.
   */
  augment?: AugmentSettings;
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
  // "other" (a concrete matter none of the eight covers: a mistake in an issued paper, mixed-up
  // files, privacy…) is learned like the others; before, the model never gave it (recall 0).
  'other',
] as const;

export const DEFAULT_SETTINGS: TrainSettings = {
  minCount: 2,
  // L2 3e-4 (was 1e-4): cross-validated service 0.886 → 0.894, kind 0.880 → 0.884, topics equal.
  opts: { ...DEFAULT_TRAIN, l2: 3e-4 },
  topics: TOPIC_CODES,
  stableOrder: true,
  // Cross-validated (2,097 messages): service accuracy 84.2% / 87.4% / 89.6% with "none" kept on
  // 99.2% / 97.1% / 94.1% of messages without a service, for shifts 0 / 1 / 2; 1.5 kept ≥ 95%.
  // Again with the everyday service names and 2,191 messages: 91.6% / 92.0% / 92.5% / 93.6% with
  // "none" kept on 96.5% / 95.9% / 94.8% / 92.3% for 1.5 / 1.75 / 2 / 2.5: 1.75 keeps ≥ 95%.
  noneShift: 1.75,
  // Training variants (augment.ts), each counting half: cross-validated service 0.920 → 0.933,
  // topics F1 0.801 → 0.806, kind 0.901 → 0.900 (2,191 messages; weights 0.3 and 1 gave the same).
  augment: { weight: 0.5, kinds: ['service', 'topic', 'spaces', 'tones', 'roman'] },
};

/**
 * Trains a model on labelled messages, given their features (features.ts `featureIds`, with the rules'
 * signals). Calibration is the identity here; the trainer fits it on cross-validated scores.
 */
export function trainModel(
  examples: TrainingExample[],
  feats: FeatureIds[],
  meta: Pick<ModelFile, 'version' | 'trainedOn'> & Partial<ModelFile>,
  settings: TrainSettings = DEFAULT_SETTINGS,
): ClassifierModel {
  // A feature's count: in how many messages it occurs, a message and its variants counting once.
  const varied = new Set(examples.flatMap((e) => (e.variantOf !== undefined ? [e.variantOf] : [])));
  const groups = new Map<string, Set<number>>();
  feats.forEach((f, j) => {
    const e = examples[j]!;
    const of = e.variantOf ?? (varied.has(e.text) ? e.text : undefined);
    const key = of !== undefined ? `v\u0000${of}` : `m\u0000${j}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = new Set()));
    for (const id of f.text) g.add(id);
    for (const id of f.rules) g.add(id);
  });
  const counts = new Map<number, number>();
  for (const g of groups.values()) for (const id of g) counts.set(id, (counts.get(id) ?? 0) + 1);
  // A feature only variants have needs two messages more (it would otherwise grow the model ~45%).
  const inOriginal = new Set<number>();
  feats.forEach((f, j) => {
    if (examples[j]!.variantOf !== undefined) return;
    for (const id of f.text) inOriginal.add(id);
    for (const id of f.rules) inOriginal.add(id);
  });
  for (const [id, c] of counts)
    if (!inOriginal.has(id) && c < settings.minCount + 2) counts.delete(id);
  const vocab = Uint32Array.from(
    [...counts].filter(([, c]) => c >= settings.minCount).map(([id]) => id),
  );
  const index = new Map<number, number>();
  vocab.forEach((id, i) => index.set(id, i));
  const xs = feats.map((f) => vectorize(f, index));
  const weights = examples.map((e) => e.weight ?? 1);
  // Each message's place in the training order follows from its text (linear.ts epochOrder).
  const keys = settings.stableOrder ? examples.map((e) => featureId(e.text)) : undefined;

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
    keys,
  );
  const none = services.indexOf(NO_SERVICE);
  service.b[none] = service.b[none]! - settings.noneShift;
  const kinds = [...FEEDBACK_KINDS];
  const kind = trainSoftmax(
    xs,
    examples.map((e) => (e.kind === undefined ? -1 : kinds.indexOf(e.kind as never))),
    weights,
    vocab.length,
    kinds,
    settings.opts,
    keys,
  );
  const topics = settings.topics.map((code) => ({
    code,
    head: trainBinary(
      xs,
      examples.map((e) => (e.topics === undefined ? -1 : e.topics.includes(code) ? 1 : 0)),
      weights,
      vocab.length,
      settings.opts,
      keys,
    ),
  }));
  // Weights kept at the precision the file stores (binary16), so that the model scores the same
  // before and after it is saved (its evaluation is of the model as stored).
  roundToHalf(service.w);
  roundToHalf(kind.w);
  for (const t of topics) roundToHalf(t.head.w);
  return new ClassifierModel(vocab, service, kind, topics, {
    format: 3,
    createdAt: new Date().toISOString(),
    calibration: { service: IDENTITY, kind: IDENTITY, topics: IDENTITY },
    triageAt: { service: 0.6, kind: 0.5, topics: 0.5 },
    ...meta,
  });
}
