/**
 * Whether an SMS answers our follow-up question ("Which district or province was this?"): a short
 * message that names a place — a center's place, name, alias or town, in Lao or English, or a word
 * for district or province. Anything else is feedback of its own, even inside the window: a number
 * that ignored the question keeps its next, unrelated complaint apart.
 */
import type { CatalogView } from '../../../shared/catalog/catalog';
import { fold } from '../../../shared/classify/fold';
import { EXTRA_PLACE_TERMS, PROVINCE_WORDS } from '../../../shared/classify/lexicon';

/** An answer is at most this long (words as Intl.Segmenter counts Lao, and characters). */
const MAX_WORDS = 10;
const MAX_CHARS = 80;
const DISTRICT_WORDS = ['ເມືອງ', 'district', 'muang', 'mueang', 'meuang'];

const segmenter = new Intl.Segmenter('lo', { granularity: 'word' });
const cache = new WeakMap<CatalogView, string[]>();

function placeTerms(cat: CatalogView): string[] {
  let terms = cache.get(cat);
  if (!terms) {
    const all = new Set<string>([...PROVINCE_WORDS, ...DISTRICT_WORDS]);
    for (const c of cat.centers) {
      for (const t of [c.place.lo, c.place.en, c.name.lo, c.name.en, ...c.aliases]) all.add(t);
      for (const town of c.towns) [town.lo, town.en].forEach((t) => all.add(t));
    }
    for (const list of Object.values(EXTRA_PLACE_TERMS)) list.forEach((t) => all.add(t));
    terms = [...all].map(fold).filter((t) => t.length >= 3);
    cache.set(cat, terms);
  }
  return terms;
}

export function looksLikePlaceAnswer(text: string, cat: CatalogView): boolean {
  const t = fold(text);
  if (!t || t.length > MAX_CHARS) return false;
  let words = 0;
  for (const s of segmenter.segment(t)) if (s.isWordLike) words++;
  if (words > MAX_WORDS) return false;
  return placeTerms(cat).some((term) => t.includes(term));
}
