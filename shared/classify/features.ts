/**
 * Features of a message for the learned model: character 1–4-grams of the folded text (Lao is
 * written without spaces, so n-grams find words whatever their spelling or segmentation), words
 * from ICU's Lao word segmenter (Latin text — English and romanised Lao — is split at spaces and
 * punctuation by the same segmenter), Latin word pairs, and what the rule layer said (its
 * service, topics, kind and cues), so that the model learns how far to trust each rule.
 *
 * A feature is named (`c:ລໍຖ`, `w:slow`, `b:slow queue`, `r:k:complaint`), and the model knows it
 * by a 32-bit hash of its name (`featureId`, FNV-1a over the UTF-16 code units). `featureIds`
 * computes those hashes straight from the text, without building the name strings: it is what
 * classification runs; `featureNames` is the readable definition it must agree with (tested).
 */
import { fold } from './fold';

const segmenter = new Intl.Segmenter('lo', { granularity: 'word' });

/** What the rule layer found, as the model sees it. */
export interface RuleSignals {
  service: string | null;
  topics: string[];
  kind: string;
  cues: string[];
}

/** The n-gram lengths taken from the folded text. */
export const NGRAM_MIN = 1;
export const NGRAM_MAX = 4;

/** Folded text with digits collapsed to 0 (amounts and dates share features). */
const prepare = (text: string, folded: boolean) =>
  (folded ? text : fold(text)).replace(/[0-9]/g, '0');

/** True for a segment made of Latin letters and (collapsed) digits only. */
function isLatinWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || c === 48)) return false;
  }
  return s.length > 0;
}

function ruleNames(rules: RuleSignals): string[] {
  return [
    `r:s:${rules.service ?? '-'}`,
    ...rules.topics.map((x) => `r:t:${x}`),
    `r:k:${rules.kind}`,
    ...rules.cues.map((x) => `r:c:${x}`),
  ];
}

/**
 * The feature names of a message (each once: the model uses presence, not counts). `folded`
 * skips folding again when the caller already has it.
 */
export function featureNames(text: string, rules?: RuleSignals, folded = false): string[] {
  const t = prepare(text, folded);
  const out = new Set<string>();
  const padded = ` ${t} `;
  for (let n = NGRAM_MIN; n <= NGRAM_MAX; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      const g = padded.slice(i, i + n);
      if (g.trim()) out.add(`c:${g}`);
    }
  }
  let prevLatin: string | null = null;
  for (const s of segmenter.segment(t)) {
    if (!s.isWordLike) {
      if (s.segment.trim()) prevLatin = null;
      continue;
    }
    out.add(`w:${s.segment}`);
    const latin = isLatinWord(s.segment);
    if (latin && prevLatin) out.add(`b:${prevLatin} ${s.segment}`);
    prevLatin = latin ? s.segment : null;
  }
  if (/\?\s*$/.test(t)) out.add('q:?');
  if (rules) for (const n of ruleNames(rules)) out.add(n);
  return [...out];
}

// FNV-1a, 32 bits, over UTF-16 code units.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const step = (h: number, c: number) => Math.imul(h ^ c, FNV_PRIME) >>> 0;

function extend(h: number, s: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) h = step(h, s.charCodeAt(i));
  return h;
}

/** The id of a feature name: how the model stores and looks up features. */
export function featureId(name: string): number {
  return extend(FNV_OFFSET, name);
}

const C_SEED = featureId('c:');
const W_SEED = featureId('w:');
const B_SEED = featureId('b:');
const Q_ID = featureId('q:?');

/** True for the characters String.prototype.trim removes. */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * A message's features as ids: `text` (n-grams, words, pairs, "?"; in the order featureNames
 * gives them, repeats possible) and `rules` (the rule layer's answers, which the model weighs
 * apart: see linear.ts `sparse`).
 */
export interface FeatureIds {
  text: number[];
  rules: number[];
}

/** The ids of featureNames(text, rules, folded), computed without building the names. */
export function featureIds(text: string, rules?: RuleSignals, folded = false): FeatureIds {
  const t = prepare(text, folded);
  const padded = ` ${t} `;
  const len = padded.length;
  // One pass: from each position, the hashes of its 1- to 4-gram extend one another; they are
  // kept per length so that the ids come out in featureNames' order (all 1-grams, then 2-grams…).
  const byLength: number[][] = [];
  for (let n = NGRAM_MIN; n <= NGRAM_MAX; n++) byLength.push([]);
  for (let i = 0; i < len; i++) {
    let h = C_SEED;
    let blank = true;
    for (let n = 1; n <= NGRAM_MAX && i + n <= len; n++) {
      const c = padded.charCodeAt(i + n - 1);
      if (blank && !isSpace(c)) blank = false;
      h = step(h, c);
      if (n >= NGRAM_MIN && !blank) byLength[n - NGRAM_MIN]!.push(h);
    }
  }
  const ids: number[] = [];
  for (const list of byLength) for (let k = 0; k < list.length; k++) ids.push(list[k]!);
  let prevLatin: string | null = null;
  for (const s of segmenter.segment(t)) {
    const seg = s.segment;
    if (!s.isWordLike) {
      if (seg.trim()) prevLatin = null;
      continue;
    }
    ids.push(extend(W_SEED, seg));
    const latin = isLatinWord(seg);
    if (latin && prevLatin) ids.push(extend(step(extend(B_SEED, prevLatin), 32), seg));
    prevLatin = latin ? seg : null;
  }
  if (/\?\s*$/.test(t)) ids.push(Q_ID);
  return { text: ids, rules: rules ? ruleNames(rules).map(featureId) : [] };
}
