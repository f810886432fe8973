/**
 * Finds known phrases in a folded text. Lao is written without spaces, so Lao phrases are found
 * with a character trie from every position (longest match wins); Latin phrases are matched on
 * word boundaries, exactly or — for names — within a small edit distance.
 */
import { isLaoChar } from './fold';

export interface Hit<T> {
  value: T;
  phrase: string;
  start: number;
  end: number;
  /** 0 for an exact match, else the edit distance of a fuzzy one. */
  distance: number;
}

interface TrieNode<T> {
  /** By code point. */
  next: Map<number, TrieNode<T>>;
  values?: T[];
}

// Rows of editDistance, reused (grown when a longer string comes).
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Damerau-Levenshtein (optimal string alignment) distance, or max+1 once it exceeds max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = b.length;
  if (rows[0]!.length <= m) rows = [0, 1, 2].map(() => new Int32Array(m * 2 + 1));
  let [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= m; j++) {
    prev[j] = j;
    prev2[j] = 0;
  }
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    const ai1 = i > 1 ? a.charCodeAt(i - 2) : -1;
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let v = prev[j]! + 1;
      if (cur[j - 1]! + 1 < v) v = cur[j - 1]! + 1;
      if (prev[j - 1]! + cost < v) v = prev[j - 1]! + cost;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && ai1 === bj && prev2[j - 2]! + 1 < v)
        v = prev2[j - 2]! + 1;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/**
 * A 32-bit set of the characters of a string (letters a–z each a bit, others hashed into the
 * rest). A character of one string that is not in the other's set costs at least one edit, so
 * counting them gives a cheap lower bound of the edit distance.
 */
function charMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= charBit(s.charCodeAt(i));
  return m;
}
const charBit = (c: number) => 1 << (c >= 97 && c <= 122 ? c - 97 : 26 + (c % 6));
function missing(s: string, mask: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (!(mask & charBit(s.charCodeAt(i)))) n++;
  return n;
}

/** A text prepared once for several indexes: its characters and its Latin words. */
export interface PreparedText {
  text: string;
  /** Code points (Lao matches count positions in them). */
  chars: string[];
  /** The code point of each character. */
  codes: Int32Array;
  /** 1 for a Lao character, 2 for a Lao mark (also Lao), 0 otherwise; per code point. */
  lao: Uint8Array;
  words: { w: string; start: number; end: number }[];
}

export function prepareText(text: string): PreparedText {
  const chars = Array.from(text);
  const lao = new Uint8Array(chars.length);
  const codes = new Int32Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const c = (codes[i] = chars[i]!.codePointAt(0)!);
    if (c >= 0x0e80 && c <= 0x0eff)
      lao[i] = c === 0x0eb1 || (c >= 0x0eb4 && c <= 0x0ebc) || (c >= 0x0ec8 && c <= 0x0ecd) ? 2 : 1;
  }
  const words: PreparedText['words'] = [];
  for (const m of text.matchAll(/[a-z0-9][a-z0-9'-]*/g))
    words.push({ w: m[0], start: m.index, end: m.index + m[0].length });
  return { text, chars, codes, lao, words };
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
  private readonly fuzzy = new Map<
    number,
    { compact: string; phrase: string; value: T; mask: number }[]
  >();
  private maxWords = 1;

  /** Adds a folded phrase. `fuzzy` allows spelling slips for Latin names (places). */
  add(phrase: string, value: T, opts: { fuzzy?: boolean } = {}): void {
    if (!phrase) return;
    if (isLaoChar(phrase[0]!)) {
      let node = this.trie;
      for (const ch of phrase.replace(/ /g, '')) {
        const code = ch.codePointAt(0)!;
        let n = node.next.get(code);
        if (!n) node.next.set(code, (n = { next: new Map() }));
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
      list.push({ compact, phrase: key, value, mask: charMask(compact) });
      this.fuzzy.set(compact.length, list);
    }
  }

  /**
   * Every phrase found in the folded text (Lao: longest per start; Latin: per word span). Several
   * indexes searching the same text share one `prepareText`.
   */
  find(
    input: string | PreparedText,
    opts: { fuzzy?: boolean; stopwords?: Set<string> } = {},
  ): Hit<T>[] {
    const { chars, codes, lao, words } = typeof input === 'string' ? prepareText(input) : input;
    const hits: Hit<T>[] = [];
    // Lao: walk the trie from each Lao character, ignoring spaces inside the text.
    for (let i = 0; i < chars.length; i++) {
      // A match starts on a base letter and never ends in the middle of a syllable's marks.
      if (lao[i] !== 1) continue;
      let node: TrieNode<T> | undefined = this.trie;
      let bestEnd = -1;
      let bestValues: T[] | null = null;
      for (let j = i; j < chars.length && node; j++) {
        const code = codes[j]!;
        if (code === 32) continue;
        node = node.next.get(code);
        if (node?.values && !(j + 1 < chars.length && lao[j + 1] === 2)) {
          bestEnd = j + 1;
          bestValues = node.values;
        }
      }
      if (bestValues) {
        const phrase = chars.slice(i, bestEnd).join('');
        for (const value of bestValues)
          hits.push({ value, phrase, start: i, end: bestEnd, distance: 0 });
        i = bestEnd - 1;
      }
    }
    if (!words.length) return hits;
    // Latin: word n-grams, exact first, then fuzzy for the words nothing matched.
    const covered = new Uint8Array(words.length);
    const free = (i: number, n: number) => {
      for (let k = 0; k < n; k++) if (covered[i + k]) return false;
      return true;
    };
    const join = (i: number, n: number, sep: string) => {
      let s = words[i]!.w;
      for (let k = 1; k < n; k++) s += sep + words[i + k]!.w;
      return s;
    };
    for (let n = Math.min(this.maxWords, 4); n >= 1; n--) {
      for (let i = 0; i + n <= words.length; i++) {
        if (!free(i, n)) continue;
        const spaced = join(i, n, ' ');
        const values =
          this.latin.get(spaced) ?? (n > 1 ? this.latin.get(join(i, n, '')) : undefined);
        if (!values) continue;
        for (const value of values)
          hits.push({
            value,
            phrase: spaced,
            start: words[i]!.start,
            end: words[i + n - 1]!.end,
            distance: 0,
          });
        covered.fill(1, i, i + n);
      }
    }
    if (opts.fuzzy && this.fuzzy.size) {
      for (let n = 2; n >= 1; n--) {
        for (let i = 0; i + n <= words.length; i++) {
          if (!free(i, n)) continue;
          let skip = false;
          for (let k = 0; k < n && !skip; k++) {
            const w = words[i + k]!.w;
            const c = w.charCodeAt(0);
            skip = opts.stopwords?.has(w) === true || (c >= 48 && c <= 57);
          }
          if (skip) continue;
          const compact = join(i, n, '');
          const budget = fuzzBudget(compact.length);
          if (!budget) continue;
          const mask = charMask(compact);
          let best: { d: number; value: T; phrase: string } | null = null;
          for (let len = compact.length - budget; len <= compact.length + budget; len++) {
            for (const c of this.fuzzy.get(len) ?? []) {
              // Characters one side lacks each cost an edit: most names are ruled out here.
              if (missing(compact, c.mask) > budget || missing(c.compact, mask) > budget) continue;
              const d = editDistance(compact, c.compact, budget);
              if (d <= budget && (!best || d < best.d))
                best = { d, value: c.value, phrase: c.phrase };
            }
          }
          if (best) {
            hits.push({
              value: best.value,
              phrase: join(i, n, ' '),
              start: words[i]!.start,
              end: words[i + n - 1]!.end,
              distance: best.d,
            });
            covered.fill(1, i, i + n);
          }
        }
      }
    }
    return hits;
  }
}
