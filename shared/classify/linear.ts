/**
 * Logistic regression on sparse binary features, small enough to read: a softmax head for a field
 * with one answer (service, kind), a binary head per label for a multi-label field (topics,
 * one-vs-rest). Trained by stochastic gradient descent with L2 regularisation applied to the
 * weights a step touches; deterministic for a given seed. Weights travel as base64 float32.
 */

/** A message as the model sees it: the indexes of its features and their values. */
export interface SparseVector {
  idx: number[];
  val: number[];
}

/**
 * Text features share unit length (1/√n each), so a long message weighs as much as a short one;
 * `strong` features (the rules' answers) keep the value 1, so one rule weighs as much as the text.
 */
/** The value of a rule feature (chosen on cross-validated scores). */
export const RULE_VALUE = 0.15;

export function sparse(idx: number[], strong: number[] = []): SparseVector {
  const scale = idx.length ? 1 / Math.sqrt(idx.length) : 0;
  return {
    idx: [...idx, ...strong],
    val: [...idx.map(() => scale), ...strong.map(() => RULE_VALUE)],
  };
}

export interface TrainOptions {
  epochs: number;
  /** Learning rate of the first epoch; it decays as rate / (1 + epoch / 4). */
  rate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN: TrainOptions = { epochs: 20, rate: 3, l2: 1e-4, seed: 1 };

/** A softmax head: weights row-major by feature (feature i, class c at i * classes + c). */
export interface SoftmaxHead {
  classes: string[];
  w: Float32Array;
  b: Float32Array;
}

/** A binary (sigmoid) head. */
export interface BinaryHead {
  w: Float32Array;
  b: number;
}

/** A small seeded PRNG (mulberry32): the same data and seed give the same model. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function order(n: number, next: () => number): number[] {
  const o = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [o[i], o[j]] = [o[j]!, o[i]!];
  }
  return o;
}

/** A 32-bit mix (murmur3's finaliser). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The visiting order of one epoch. With `keys` (a stable hash per message, e.g. of its text) each
 * message's place depends on its own key, the epoch and the seed only: adding a few messages (staff
 * corrections) slips them in without reshuffling all the others, so a retrained model moves where
 * the new messages pull it rather than by a new random order. Without keys: a seeded shuffle.
 */
function epochOrder(
  n: number,
  epoch: number,
  next: () => number,
  seed: number,
  keys?: ArrayLike<number>,
): number[] {
  if (!keys) return order(n, next);
  const salt = mix(Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x7feb352d));
  const k = Array.from({ length: n }, (_, j) => mix(keys[j]! ^ salt));
  return Array.from({ length: n }, (_, j) => j).sort((a, b) => k[a]! - k[b]! || a - b);
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Class probabilities of a softmax head for one message. */
export function softmaxScores(head: SoftmaxHead, x: SparseVector): number[] {
  const k = head.classes.length;
  const z = Array.from(head.b);
  for (let j = 0; j < x.idx.length; j++) {
    const row = x.idx[j]! * k;
    const v = x.val[j]!;
    for (let c = 0; c < k; c++) z[c]! += head.w[row + c]! * v;
  }
  const max = Math.max(...z);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - max);
  return z.map((v) => v / sum);
}

/** Probability of the label for one message. */
export function binaryScore(head: BinaryHead, x: SparseVector): number {
  let z = head.b;
  for (let j = 0; j < x.idx.length; j++) z += head.w[x.idx[j]!]! * x.val[j]!;
  return sigmoid(z);
}

/**
 * Trains a softmax head. `ys[j]` is the class index of message j, or -1 when it has no label for
 * this field (it is then skipped); `weights[j]` counts a message several times (staff corrections).
 */
export function trainSoftmax(
  xs: SparseVector[],
  ys: number[],
  weights: number[],
  features: number,
  classes: string[],
  opts: TrainOptions = DEFAULT_TRAIN,
  keys?: ArrayLike<number>,
): SoftmaxHead {
  const k = classes.length;
  const head: SoftmaxHead = { classes, w: new Float32Array(features * k), b: new Float32Array(k) };
  const next = rng(opts.seed);
  const g = new Array<number>(k);
  for (let e = 0; e < opts.epochs; e++) {
    const rate = opts.rate / (1 + e / 4);
    for (const j of epochOrder(xs.length, e, next, opts.seed, keys)) {
      const y = ys[j]!;
      if (y < 0) continue;
      const x = xs[j]!;
      const p = softmaxScores(head, x);
      for (let c = 0; c < k; c++) g[c] = (p[c]! - (c === y ? 1 : 0)) * weights[j]!;
      for (let m = 0; m < x.idx.length; m++) {
        const row = x.idx[m]! * k;
        const v = x.val[m]!;
        for (let c = 0; c < k; c++)
          head.w[row + c] = head.w[row + c]! - rate * (g[c]! * v + opts.l2 * head.w[row + c]!);
      }
      for (let c = 0; c < k; c++) head.b[c] = head.b[c]! - rate * g[c]!;
    }
  }
  return head;
}

/** Trains a binary head; `ys[j]` is 1, 0, or -1 for no label. */
export function trainBinary(
  xs: SparseVector[],
  ys: number[],
  weights: number[],
  features: number,
  opts: TrainOptions = DEFAULT_TRAIN,
  keys?: ArrayLike<number>,
): BinaryHead {
  const head: BinaryHead = { w: new Float32Array(features), b: 0 };
  const next = rng(opts.seed);
  for (let e = 0; e < opts.epochs; e++) {
    const rate = opts.rate / (1 + e / 4);
    for (const j of epochOrder(xs.length, e, next, opts.seed, keys)) {
      const y = ys[j]!;
      if (y < 0) continue;
      const x = xs[j]!;
      const g = (binaryScore(head, x) - y) * weights[j]!;
      for (let m = 0; m < x.idx.length; m++) {
        const i = x.idx[m]!;
        head.w[i] = head.w[i]! - rate * (g * x.val[m]! + opts.l2 * head.w[i]!);
      }
      head.b -= rate * g;
    }
  }
  return head;
}

// ---- IEEE 754 half precision (binary16): the model file's weights (format 3) ----

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The binary16 bits of `v`, rounded to nearest, ties to even (beyond ±65504: ±Infinity). */
export function toHalfBits(v: number): number {
  scratch[0] = v;
  const x = scratchBits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A subnormal half: value = h · 2^-24.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa moves to the next exponent (or to Infinity): still correct.
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** The number a binary16 bit pattern stands for. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Rounds every weight to what binary16 keeps, in place (so a model scores as its file will). */
export function roundToHalf(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = fromHalfBits(toHalfBits(a[i]!));
  return a;
}

/** Weights as base64 of little-endian binary16: half the size of float32. */
export function toBase64Half(a: Float32Array): string {
  const buf = Buffer.alloc(a.length * 2);
  for (let i = 0; i < a.length; i++) buf.writeUInt16LE(toHalfBits(a[i]!), i * 2);
  return buf.toString('base64');
}

export function fromBase64Half(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 2) throw new Error('binary16 weights: odd byte length');
  const out = new Float32Array(buf.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = fromHalfBits(buf.readUInt16LE(i * 2));
  return out;
}

export const toBase64 = (a: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function fromBase64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
