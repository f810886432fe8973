/**
 * Finds known phrases in a folded text. Lao is written without spaces, so Lao phrases are found
 * with a character trie from every position (longest match wins); Latin phrases are matched on
 * word boundaries, exactly or — for names — within a small edit distance.
 */
import { isLaoChar, isLaoMark } from './fold';

export interface Hit<T> {
  value: T;
  phrase: string;
  start: number;
  end: number;
  /** 0 for an exact match, else the edit distance of a fuzzy one. */
  distance: number;
}

interface TrieNode<T> {
  next: Map<string, TrieNode<T>>;
  values?: T[];
}

/** Damerau-Levenshtein (optimal string alignment) distance, or max+1 once it exceeds max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    prev = cur;
  }
  return prev[b.length]!;
}

/** How many edits a Latin name of this length may have and still match. */
function fuzzBudget(len: number): number {
  return len >= 9 ? 2 : len >= 5 ? 1 : 0;
}

export class PhraseIndex<T> {
  private readonly trie: TrieNode<T> = { next: new Map() };
  /** Latin phrases by their word count, keyed by the phrase with spaces. */
  private readonly latin = new Map<string, T[]>();
  /** Latin names that may match fuzzily, by compact length. */
  private readonly fuzzy = new Map<number, { compact: string; phrase: string; value: T }[]>();
  private maxWords = 1;

  /** Adds a folded phrase. `fuzzy` allows spelling slips for Latin names (places). */
  add(phrase: string, value: T, opts: { fuzzy?: boolean } = {}): void {
    if (!phrase) return;
    if (isLaoChar(phrase[0]!)) {
      let node = this.trie;
      for (const ch of phrase.replace(/ /g, '')) {
        let n = node.next.get(ch);
        if (!n) node.next.set(ch, (n = { next: new Map() }));
        node = n;
      }
      (node.values ??= []).push(value);
      return;
    }
    const words = phrase.split(' ').filter(Boolean);
    this.maxWords = Math.max(this.maxWords, words.length);
    const key = words.join(' ');
    this.latin.set(key, [...(this.latin.get(key) ?? []), value]);
    // "luang prabang" also matches "luangprabang".
    if (words.length > 1) {
      const compact = words.join('');
      this.latin.set(compact, [...(this.latin.get(compact) ?? []), value]);
    }
    if (opts.fuzzy) {
      const compact = words.join('');
      const list = this.fuzzy.get(compact.length) ?? [];
      list.push({ compact, phrase: key, value });
      this.fuzzy.set(compact.length, list);
    }
  }

  /** Every phrase found in the folded text (Lao: longest per start; Latin: per word span). */
  find(text: string, opts: { fuzzy?: boolean; stopwords?: Set<string> } = {}): Hit<T>[] {
    const hits: Hit<T>[] = [];
    // Lao: walk the trie from each Lao character, ignoring spaces inside the text.
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      // A match starts on a base letter and never ends in the middle of a syllable's marks.
      if (!isLaoChar(chars[i]!) || isLaoMark(chars[i]!)) continue;
      let node: TrieNode<T> | undefined = this.trie;
      let best: { end: number; values: T[] } | null = null;
      for (let j = i; j < chars.length && node; j++) {
        if (chars[j] === ' ') continue;
        node = node.next.get(chars[j]!);
        if (node?.values && !(j + 1 < chars.length && isLaoMark(chars[j + 1]!)))
          best = { end: j + 1, values: node.values };
      }
      if (best) {
        for (const value of best.values)
          hits.push({
            value,
            phrase: chars.slice(i, best.end).join(''),
            start: i,
            end: best.end,
            distance: 0,
          });
        i = best.end - 1;
      }
    }
    // Latin: word n-grams, exact first, then fuzzy for the words nothing matched.
    const words: { w: string; start: number; end: number }[] = [];
    for (const m of text.matchAll(/[a-z0-9][a-z0-9'-]*/g))
      words.push({ w: m[0], start: m.index!, end: m.index! + m[0].length });
    const covered = new Set<number>();
    for (let n = Math.min(this.maxWords, 4); n >= 1; n--) {
      for (let i = 0; i + n <= words.length; i++) {
        if ([...Array(n).keys()].some((k) => covered.has(i + k))) continue;
        const span = words.slice(i, i + n);
        const spaced = span.map((x) => x.w).join(' ');
        const values =
          this.latin.get(spaced) ??
          (n > 1 ? this.latin.get(span.map((x) => x.w).join('')) : undefined);
        if (!values) continue;
        for (const value of values)
          hits.push({
            value,
            phrase: spaced,
            start: span[0]!.start,
            end: span[n - 1]!.end,
            distance: 0,
          });
        for (let k = 0; k < n; k++) covered.add(i + k);
      }
    }
    if (opts.fuzzy && this.fuzzy.size) {
      for (let n = 2; n >= 1; n--) {
        for (let i = 0; i + n <= words.length; i++) {
          if ([...Array(n).keys()].some((k) => covered.has(i + k))) continue;
          const span = words.slice(i, i + n);
          if (span.some((x) => opts.stopwords?.has(x.w) || /^\d/.test(x.w))) continue;
          const compact = span.map((x) => x.w).join('');
          const budget = fuzzBudget(compact.length);
          if (!budget) continue;
          let best: { d: number; value: T; phrase: string } | null = null;
          for (let len = compact.length - budget; len <= compact.length + budget; len++) {
            for (const c of this.fuzzy.get(len) ?? []) {
              const d = editDistance(compact, c.compact, budget);
              if (d <= budget && (!best || d < best.d))
                best = { d, value: c.value, phrase: c.phrase };
            }
          }
          if (best) {
            hits.push({
              value: best.value,
              phrase: span.map((x) => x.w).join(' '),
              start: span[0]!.start,
              end: span[n - 1]!.end,
              distance: best.d,
            });
            for (let k = 0; k < n; k++) covered.add(i + k);
          }
        }
      }
    }
    return hits;
  }
}
