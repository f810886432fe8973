/**
 * The overview's rules for numbers and periods, kept pure so they are tested by value
 * (overview-format.test.ts): shares as percentages with one decimal, averages with two, "—" for
 * no data (never 0), changes with ▲/▼ and a sign, and the period presets as Vientiane days (the
 * same days the API's `from`/`to` take; the arithmetic is shared/reports/metrics.ts's).
 */
import {
  addDays,
  monthDays,
  previousMonth,
  previousPeriod,
  today,
} from '../../../shared/reports/metrics';
import { isDay } from '../../../shared/staff/vientiane-days';

/** What the screen shows for "no data". */
export const NO_DATA = '—';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands grouped (1,234). */
export function formatCount(n: number | null | undefined): string {
  return n == null || Number.isNaN(n) ? NO_DATA : grouped.format(n);
}

/** A fraction 0–1 as a percentage with one decimal ("66.7%"); "—" for null. */
export function formatShare(v: number | null | undefined): string {
  return v == null || Number.isNaN(v) ? NO_DATA : `${(v * 100).toFixed(1)}%`;
}

/** An average (a rating 1–5) with two decimals ("3.67"); "—" for null. */
export function formatAvg(v: number | null | undefined): string {
  return v == null || Number.isNaN(v) ? NO_DATA : v.toFixed(2);
}

/** A median of whole days: whole, or .5 for an even count ("1.5"); "—" for null. */
export function formatDays(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return NO_DATA;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export type ChangeKind = 'count' | 'share' | 'avg' | 'days';

/**
 * A change against the previous period: "▲ +3", "▼ -5.0" (percentage points for shares), "0"
 * when equal, "—" when either side had no data. The arrow and sign carry the direction, so the
 * colour the style sheet adds is never the only sign of it.
 */
export function formatChange(d: number | null | undefined, kind: ChangeKind): string {
  if (d == null || Number.isNaN(d)) return NO_DATA;
  const size = Math.abs(d);
  const text =
    kind === 'share'
      ? (size * 100).toFixed(1)
      : kind === 'avg'
        ? size.toFixed(2)
        : kind === 'days'
          ? formatDays(size)
          : grouped.format(size);
  if (Number(text.replace(/,/g, '')) === 0) return '0';
  return d > 0 ? `▲ +${text}` : `▼ -${text}`;
}

/** Whether a change reads as better, worse or neither, given which way is good for the figure. */
export function changeTone(
  d: number | null | undefined,
  better: 'up' | 'down' | 'none',
): 'good' | 'bad' | 'flat' {
  if (d == null || d === 0 || better === 'none') return 'flat';
  return d > 0 === (better === 'up') ? 'good' : 'bad';
}

/** The difference now − before, or null when either is missing. */
export function diff(now: number | null | undefined, before: number | null | undefined) {
  return now == null || before == null ? null : now - before;
}

/**
 * A center's name without the words every center shares ("ສູນບໍລິການຜ່ານປະຕູດຽວ …",
 * "… district ODSC"), so that names cut short on a phone still tell centers apart.
 */
export function shortCenterName(name: string): string {
  const short = name
    .replace(/^ສູນບໍລິການຜ່ານປະຕູດຽວ\s*/, '')
    .replace(/\s*(provincial|district)?\s*ODSC$/i, '');
  return short || name;
}

// ---- periods ---------------------------------------------------------------------------------

export const PRESETS = ['7d', '30d', '90d', 'month', 'lastmonth', '12m', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = '30d';

export function isPreset(s: string | null | undefined): s is Preset {
  return !!s && (PRESETS as readonly string[]).includes(s);
}

/**
 * The days a preset covers on `day` (today in Vientiane): the last 7, 30 or 90 days up to today,
 * this month so far, last month, or the last 12 months (this one and the 11 before, whole). A
 * custom period takes `from` and `to` when both are days and in order, else the last 30 days.
 */
export function presetPeriod(
  preset: Preset,
  custom: { from?: string | null; to?: string | null } = {},
  day = today(),
): { from: string; to: string } {
  switch (preset) {
    case '7d':
      return { from: addDays(day, -6), to: day };
    case '90d':
      return { from: addDays(day, -89), to: day };
    case 'month':
      return { from: `${day.slice(0, 7)}-01`, to: day };
    case 'lastmonth':
      return monthDays(previousMonth(day.slice(0, 7)));
    case '12m': {
      let m = day.slice(0, 7);
      for (let i = 0; i < 11; i++) m = previousMonth(m);
      return { from: `${m}-01`, to: day };
    }
    case 'custom': {
      const { from, to } = custom;
      if (from && to && isDay(from) && isDay(to) && from <= to) return { from, to };
      return presetPeriod('30d', {}, day);
    }
    default:
      return { from: addDays(day, -29), to: day };
  }
}

/** The period the changes compare with: the same number of days just before. */
export { previousPeriod };
