/**
 * Money amounts in kip as citizens write them: "50000 kip", "50,000 ກີບ", "300k", "2 ລ້ານກີບ",
 * "1.5 million", "໑໕໐,໐໐໐ ກີບ" (Lao digits are folded first). Returns whole kip.
 */
import { fold } from './fold';

const AMOUNT =
  /(\d{1,3}(?:[,.\s]\d{3})+|\d+(?:\.\d+)?)\s*(k|K|ພັນ|thousand|m|million|ລ້ານ)?\s*(kip|kips|ກີບ|₭|lak)?(?![a-z])/giu;

export function extractKipAmounts(text: string): number[] {
  const t = fold(text);
  const out: number[] = [];
  for (const m of t.matchAll(AMOUNT)) {
    const [, num, scale, currency] = m;
    const grouped = /^\d{1,3}([,.\s]\d{3})+$/.test(num!);
    // A bare number is a time, a count or a phone — unless written with thousands commas (400,000).
    if (!scale && !currency && !/^\d{1,3}([,.]\d{3})+$/.test(num!)) continue;
    let value = grouped ? Number(num!.replace(/[,.\s]/g, '')) : Number(num);
    const s = (scale ?? '').toLowerCase();
    if (s === 'k' || s === 'ພັນ' || s === 'thousand') value *= 1_000;
    else if (s === 'm' || s === 'million' || s === 'ລ້ານ') value *= 1_000_000;
    // "5 kip" is not a fee anyone complains about; "3 m" is more likely metres without a currency.
    if (!Number.isFinite(value) || value < 100 || (s === 'm' && !currency)) continue;
    out.push(Math.round(value));
  }
  return out;
}
