/**
 * Features of a message for the learned model: character 1–4-grams of the folded text (Lao is
 * written without spaces, so n-grams find words whatever their spelling or segmentation), words
 * from ICU's Lao word segmenter (Latin text — English and romanised Lao — is split at spaces and
 * punctuation by the same segmenter), Latin word pairs, and what the rule layer said (its
 * service, topics, kind and cues), so that the model learns how far to trust each rule.
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

/**
 * The feature names of a message (each once: the model uses presence, not counts). Digits are
 * collapsed to 0 so that amounts and dates share features; `folded` skips folding again when the
 * caller already has it.
 */
export function featureNames(text: string, rules?: RuleSignals, folded = false): string[] {
  const t = (folded ? text : fold(text)).replace(/[0-9]/g, '0');
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
    const latin = /^[a-z0]+$/.test(s.segment);
    if (latin && prevLatin) out.add(`b:${prevLatin} ${s.segment}`);
    prevLatin = latin ? s.segment : null;
  }
  if (/\?\s*$/.test(t)) out.add('q:?');
  if (rules) {
    out.add(`r:s:${rules.service ?? '-'}`);
    for (const x of rules.topics) out.add(`r:t:${x}`);
    out.add(`r:k:${rules.kind}`);
    for (const x of rules.cues) out.add(`r:c:${x}`);
  }
  return [...out];
}
