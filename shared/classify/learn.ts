/**
 * Which phrase of a message should have decided a field that staff corrected. Staff may say it;
 * otherwise it is the word (or pair of words) of the message that is closest to the corrected
 * target's names, or failing that the longest word the classifier does not know.
 */
import type { CatalogView } from '../catalog/catalog';
import { fold, isLaoChar } from './fold';
import { STOPWORDS } from './lexicon';
import { editDistance } from './phrase-index';

export function phraseToLearn(
  text: string,
  field: 'center' | 'service',
  code: string,
  catalog: CatalogView,
): string | null {
  const t = fold(text);
  const target =
    field === 'center' ? catalog.centerByCode.get(code) : catalog.serviceByCode.get(code);
  if (!target) return null;
  const names = (
    field === 'center'
      ? [
          (target as { place: { en: string; lo: string } }).place.en,
          (target as { place: { lo: string } }).place.lo,
          ...target.aliases,
        ]
      : [target.name.en, target.name.lo, ...target.aliases]
  ).map(fold);
  const words = t
    .split(/[\s,.;:!?()"'/]+/)
    .filter((w) => w && !STOPWORDS.has(w) && !/^\d+$/.test(w));
  const candidates = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
  let best: { phrase: string; score: number } | null = null;
  for (const c of candidates) {
    for (const n of names) {
      const compact = c.replace(/ /g, '');
      const d = editDistance(compact, n.replace(/ /g, ''), Math.max(compact.length, n.length));
      const score = 1 - d / Math.max(compact.length, n.length);
      if (!best || score > best.score) best = { phrase: c, score };
    }
  }
  if (best && best.score >= 0.5) return best.phrase;
  // Nothing resembles the target's names: an abbreviation or nickname ("xtny", "ຫ້ອງການໃໝ່").
  const unknown = words.filter((w) => w.length >= 3 || isLaoChar(w[0] ?? ''));
  return unknown.sort((a, b) => b.length - a.length)[0] ?? null;
}
