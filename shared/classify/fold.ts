/**
 * Folding for matching only (the stored text keeps the citizen's spelling): Lao spelling
 * variants that Unicode NFC leaves apart, old orthography, Lao digits, Latin case and accents.
 */
import { laoDigitsToAscii } from '../text-normalize';

const FOLDS: [RegExp, string][] = [
  [/\u0EBC/g, '\u0EA5'], // ຫຼ (subscript lo) → ຫລ
  [/\u0EDC/g, '\u0EAB\u0E99'], // ໜ → ຫນ
  [/\u0EDD/g, '\u0EAB\u0EA1'], // ໝ → ຫມ
  [/\u0EB3/g, '\u0ECD\u0EB2'], // ຳ → ໍາ
  [/\u0EA3/g, '\u0EA5'], // ຣ (old orthography) → ລ
  // A tone mark then ໍ (ນ້ຳ, once ຳ is ໍາ) → ໍ then the tone mark (ນໍ້າ), the order of ບໍ່ and ຕໍ່.
  [/([\u0EC8-\u0ECB])\u0ECD/g, '\u0ECD$1'],
];

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

/** Folds a text for matching: same output for every spelling variant of the same word. */
export function fold(s: string): string {
  let out = laoDigitsToAscii(s.normalize('NFC').replace(ZERO_WIDTH, ''));
  for (const [re, to] of FOLDS) out = out.replace(re, to);
  return out
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '') // Latin accents (Lao marks are not in this range)
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s\u00A0]+/g, ' ')
    .trim();
}

const LAO = /[\u0E80-\u0EFF]/;
export const isLaoChar = (ch: string) => LAO.test(ch);

/** Lao vowel signs and tone marks written above or below a letter (never a word's start or end). */
const LAO_MARK = /[\u0EB1\u0EB4-\u0EBC\u0EC8-\u0ECD]/;
export const isLaoMark = (ch: string) => LAO_MARK.test(ch);
