/**
 * Phone numbers: E.164 normalisation with Lao national formats (020/030 mobile, 021… fixed
 * lines), Lao digits accepted, and masking for roles that do not need the whole number.
 */
import { laoDigitsToAscii } from './text-normalize';

/** Lao national significant numbers: mobile 20 + 8 digits, 30 + 7 digits, fixed lines 2x–8x. */
const LAO_NSN = /^(20[2-9]\d{7}|30\d{7}|[2-8]\d{7,8})$/;

/**
 * Returns the E.164 form (+856…) or null when the input is not a plausible number.
 * Accepts +856 / 00856 / 856 prefixes, local 020 / 030 / 021 forms, separators and Lao digits.
 */
export function toE164(input: string): string | null {
  const s = laoDigitsToAscii(input.normalize('NFC')).trim();
  if (!/^[+(\d][\d\s().\-/]*$/.test(s)) return null;
  const plus = s.startsWith('+');
  let digits = s.replace(/\D/g, '');
  if (!plus && digits.startsWith('00')) digits = digits.slice(2);
  else if (!plus && digits.startsWith('0')) digits = '856' + digits.slice(1);
  else if (!plus && !digits.startsWith('856') && /^(20|30)/.test(digits)) digits = '856' + digits;
  if (digits.startsWith('856')) {
    const nsn = digits.slice(3).replace(/^0/, '');
    return LAO_NSN.test(nsn) ? `+856${nsn}` : null;
  }
  // Foreign numbers are accepted when written internationally (E.164: 8–15 digits).
  if ((plus || s.startsWith('00')) && /^[1-9]\d{7,14}$/.test(digits)) return `+${digits}`;
  return null;
}

/** `+856 20 •••• 1234`: country and network code, last four digits. */
export function maskPhone(e164: string): string {
  const m = /^\+856(20|30|\d{2})(\d+)$/.exec(e164);
  if (m) return `+856 ${m[1]} •••• ${m[2]!.slice(-4)}`;
  return `${e164.slice(0, 3)} •••• ${e164.slice(-4)}`;
}

/**
 * Masks every phone-number-like run in a text (six digits or more, with `+` and separators),
 * keeping its last two digits: provider error texts name the recipient ("The 'To' number
 * +8562055551234 is not a valid phone number") and end up in records and failed jobs. Shorter
 * numbers (Twilio's five-digit error codes, HTTP statuses) stay.
 */
export function maskNumbersIn(text: string): string {
  return text.replace(
    /\+?\(?\d(?:[\s().-]{0,2}\d){5,}/g,
    (run) => `•••${run.replace(/\D/g, '').slice(-2)}`,
  );
}
