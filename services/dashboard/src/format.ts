/**
 * How dates, deadlines and personal data look on screen. Every time is shown in Asia/Vientiane
 * (the ODSCs' clock, and the one the API's `from`/`to` days use) whatever the browser's zone is.
 */
import { MONTH_NAMES } from '../../../shared/month-names';
import { getLang, t } from './i18n';

export const TIME_ZONE = 'Asia/Vientiane';

const MONTHS = {
  lo: MONTH_NAMES.lo,
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

// Browsers' Lao locale data varies (Chromium builds without it fall back to American dates),
// so only the numbers come from Intl and the words from here.
const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(iso: string): Record<string, string> | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(PARTS.formatToParts(d).map((p) => [p.type, p.value]));
}

/** "5 ມີນາ 2025, 14:05" / "5 Mar 2025, 14:05" in Vientiane time; empty for no date. */
export function formatDateTime(iso: string | null | undefined, lang = getLang()): string {
  if (!iso) return '';
  const p = parts(iso);
  return p ? `${formatDate(iso, lang)}, ${p.hour}:${p.minute}` : iso;
}

export function formatDate(iso: string | null | undefined, lang = getLang()): string {
  if (!iso) return '';
  const p = parts(iso);
  if (!p) return iso;
  return `${Number(p.day)} ${MONTHS[lang][Number(p.month) - 1]} ${p.year}`;
}

/** The day (YYYY-MM-DD) a moment falls on in Vientiane. */
export function vientianeDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(d);
}

/** A duration in days and hours ("2 ມື້ 5 ຊົ່ວໂມງ"), minutes only under an hour. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0)
    return hours > 0
      ? `${t('days', { n: days })} ${t('hours', { n: hours })}`
      : t('days', { n: days });
  if (hours > 0) return t('hours', { n: hours });
  return t('minutes', { n: minutes % 60 });
}

export interface TimeLeft {
  text: string;
  overdue: boolean;
}

/** What is left until the deadline, or how long ago it passed; null without a deadline. */
export function timeLeft(
  dueAt: string | null | undefined,
  overdue: boolean,
  now = Date.now(),
): TimeLeft | null {
  if (!dueAt) return overdue ? { text: t('overdue'), overdue: true } : null;
  const ms = new Date(dueAt).getTime() - now;
  if (overdue || ms <= 0) return { text: t('overdueBy', { t: formatDuration(ms) }), overdue: true };
  return { text: formatDuration(ms), overdue: false };
}

/** A confidence 0–1 as a whole percentage. */
export function percent(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return '';
  return `${Math.round(v * 100)}%`;
}

/** Whether a value came masked from the API (`+85620****567`). */
export function isMasked(value: string): boolean {
  return /[*•]{2,}/.test(value);
}

/**
 * A phone number for reading: the Lao country code apart and the rest in groups
 * (+856 20 5555 1234); masked values keep their stars, grouped the same way.
 */
export function formatPhone(value: string): string {
  const m = /^\+856(\d{2})([\d*]{4})([\d*]+)$/.exec(value);
  return m ? `+856 ${m[1]} ${m[2]} ${m[3]}` : value;
}

/** `lo` when the text has Lao script in it, else `en`: the citizen's text keeps its language. */
export function textLang(text: string | null | undefined): 'lo' | 'en' {
  return text && /[\u0E80-\u0EFF]/.test(text) ? 'lo' : 'en';
}

/** A value from the history (a code, a list, an email…) as short text. */
export function formatValue(v: unknown): string {
  if (v == null || v === '') return '—';
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.email === 'string') return o.email;
    if ('code' in o) return formatValue(o.code);
    return JSON.stringify(v);
  }
  return String(v);
}
