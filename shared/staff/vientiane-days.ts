/**
 * Vientiane's calendar days, in one place: rollup buckets, query-string days and the working-day
 * calendar all read them from here. Days in query strings (`from`, `to`) are local days, both
 * inclusive: `from=2026-11-01&to=2026-11-30` is 2026-10-31T17:00Z up to 2026-11-30T17:00Z.
 */

/** Asia/Vientiane is UTC+7 all year (no daylight saving). */
export const VIENTIANE_OFFSET_MS = 7 * 3600 * 1000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether s is a real calendar day written YYYY-MM-DD. */
export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The instants a Vientiane day covers: [start, end). */
export function vientianeDayRange(day: string): { start: Date; end: Date } {
  if (!isDay(day)) throw new Error(`not a day: ${day}`);
  const start = new Date(Date.parse(`${day}T00:00:00Z`) - VIENTIANE_OFFSET_MS);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}
