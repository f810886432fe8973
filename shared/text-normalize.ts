/**
 * Text normalisation shared by every channel (docs/architecture.md "What the intake worker adds").
 * Lao-specific spelling variants beyond Unicode NFC are folded for matching only; the stored
 * normalized text keeps the citizen's spelling.
 */

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const LAO_DIGIT = /[\u0ED0-\u0ED9]/g;
const LAO_CHAR = /[\u0E80-\u0EFF]/;
const LATIN_CHAR = /[A-Za-z]/;

/** Longest text kept from one message; the rest is cut and the cut is recorded. */
export const MAX_TEXT_LENGTH = 4000;

/** Converts Lao digits ໐–໙ to ASCII 0–9. */
export function laoDigitsToAscii(s: string): string {
  return s.replace(LAO_DIGIT, (d) => String(d.charCodeAt(0) - 0x0ed0));
}

/** NFC, zero-width characters removed, Lao digits to ASCII, whitespace collapsed. */
export function normalizeText(raw: string): string {
  return laoDigitsToAscii(raw.normalize('NFC').replace(ZERO_WIDTH, ''))
    .replace(/[\s\u00A0\u3000]+/g, ' ')
    .trim();
}

export type Script = 'lo' | 'en' | 'mixed' | 'none';

/** Which script the letters of a text are in: Lao, Latin, both, or neither (digits only). */
export function detectScript(s: string): Script {
  let lao = 0;
  let latin = 0;
  for (const ch of s) {
    if (LAO_CHAR.test(ch)) lao++;
    else if (LATIN_CHAR.test(ch)) latin++;
  }
  if (lao === 0 && latin === 0) return 'none';
  if (lao === 0) return 'en';
  if (latin === 0) return 'lo';
  // A Lao message with one Latin acronym ("ERC", "ODSC") is still a Lao message.
  const share = lao / (lao + latin);
  if (share >= 0.8) return 'lo';
  if (share <= 0.2) return 'en';
  return 'mixed';
}

export interface NormalizedText {
  normalized: string;
  script: Script;
  truncated: boolean;
}

/** Normalises free text and bounds its length. */
export function prepareText(raw: string): NormalizedText {
  const n = normalizeText(raw);
  const chars = Array.from(n);
  const truncated = chars.length > MAX_TEXT_LENGTH;
  const normalized = truncated ? chars.slice(0, MAX_TEXT_LENGTH).join('') : n;
  return { normalized, script: detectScript(normalized), truncated };
}
