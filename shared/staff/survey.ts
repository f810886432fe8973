/**
 * Closing the loop: when a complaint is resolved, the citizen who can be reached is asked once, on
 * the channel it came from, how satisfied they are with the resolution (1–5). By SMS the question
 * opens a window (SURVEY_WINDOW_S) in which a reply that is just a digit 1–5 (Lao digits too) is
 * the answer; anything else is ordinary feedback. On Telegram the answer is a button. Either way
 * the answer reaches the intake queue as an envelope with `meta.surveyFor`, and the worker puts it
 * on the item (`satisfaction`).
 */
import { laoDigitsToAscii } from '../text-normalize';

export const SURVEY_WINDOW_S = 72 * 3600;

type Lang = 'lo' | 'en';

const TEXT: Record<Lang, { question: string; thanks: string }> = {
  lo: {
    question: 'ODSC: ເລື່ອງ {code} ໄດ້ຮັບການແກ້ໄຂແລ້ວ. ທ່ານພໍໃຈກັບການແກ້ໄຂພຽງໃດ? ຕອບ 1 ຫາ 5 (5 = ພໍໃຈຫຼາຍ).',
    thanks: 'ຂອບໃຈສຳລັບຄຳຕອບ!',
  },
  en: {
    question:
      'ODSC: {code} has been resolved. How satisfied are you with the resolution? Reply 1 to 5 (5 = very satisfied).',
    thanks: 'Thank you for your answer!',
  },
};

export function surveyQuestion(lang: Lang, code: string): string {
  return TEXT[lang].question.replace('{code}', code);
}

export function surveyThanks(lang: Lang): string {
  return TEXT[lang].thanks;
}

/** Redis key: the feedback a number was asked about, while the window is open. */
export function surveyKey(prefix: string, senderHash: string): string {
  return `${prefix}:survey:${senderHash}`;
}

/** A reply that is only a rating 1–5 (ASCII or Lao digit), or null. */
export function parseSurveyAnswer(text: string): number | null {
  const m = /^\s*([1-5])\s*[.!]?\s*$/.exec(laoDigitsToAscii(text.normalize('NFC')));
  return m ? Number(m[1]) : null;
}

/** Telegram buttons: `sv:<tracking code>:<rating>` (well under the 64-byte callback limit). */
export function surveyButtons(code: string): { text: string; data: string }[] {
  return [1, 2, 3, 4, 5].map((n) => ({ text: `${'★'.repeat(n)}`, data: `sv:${code}:${n}` }));
}

export function parseSurveyButton(data: string): { code: string; rating: number } | null {
  const m = /^sv:([0-9A-Z]{10}):([1-5])$/.exec(data);
  return m ? { code: m[1]!, rating: Number(m[2]) } : null;
}
