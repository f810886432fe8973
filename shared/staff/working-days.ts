/**
 * Working-day calendar for complaint due dates and "time to first reply in working days".
 * Pure: no clock, no database; the holiday list is data (lao-holidays.json, plus any extra days
 * the operator puts in the environment and passes through parseHolidayList).
 *
 * Rules (all days are Asia/Vientiane days, UTC+7 all year, no DST):
 * - The local day of an instant t is the UTC date of t + 7 h, so 16:59:59.999Z is still the same
 *   local day and 17:00:00Z is already the next one.
 * - A day is a working day unless its weekday is in `weekend` (default Saturday and Sunday) or it
 *   is a listed holiday.
 * - addWorkingDays(from, n), n an integer 0..365: the due instant is the end (23:59:59.999 local =
 *   16:59:59.999Z) of the n-th working day strictly after the local day of `from`; the receipt
 *   day never counts, even if the complaint came in at 08:00. n = 0 is the end of the receipt day
 *   when that is a working day, else the end of the next working day.
 * - workingDaysBetween(from, to): the number of working days after the local day of `from` up to
 *   and including the local day of `to`; 0 when `to` is on or before `from`'s day. It inverts
 *   addWorkingDays: workingDaysBetween(from, addWorkingDays(from, n)) === n for n >= 1.
 */
import { isDay, VIENTIANE_OFFSET_MS } from './vientiane-days';
import { z } from 'zod';
import data from './lao-holidays.json';

const DAY_MS = 86_400_000;
/** 1970-01-01, day index 0, was a Thursday. */
const EPOCH_WEEKDAY = 4;
const MAX_N = 365;
/** No real calendar has a gap this long; it only stops a degenerate holiday list looping. */
const MAX_SCAN_DAYS = 3_660;

/** Day-level calendar arithmetic in Vientiane time; see the file header for the rules. */
export interface WorkingCalendar {
  /** Whether the local calendar day `day` (YYYY-MM-DD) is a working day. */
  isWorkingDay(day: string): boolean;
  /** End of the n-th working day after the receipt day of `from` (n = 0: see header). */
  addWorkingDays(from: Date, n: number): Date;
  /** Whole working days from `from`'s local day (exclusive) to `to`'s local day (inclusive). */
  workingDaysBetween(from: Date, to: Date): number;
}

/** Options for createWorkingCalendar. */
export interface WorkingCalendarOptions {
  /** Non-working days as YYYY-MM-DD local dates. */
  holidays: string[];
  /** Weekdays off, 0 = Sunday .. 6 = Saturday; default [0, 6]. */
  weekend?: number[];
}

/** The day index (days since 1970-01-01) of a YYYY-MM-DD string, or null if no such date. */
function dayIndexOf(day: string): number | null {
  return isDay(day) ? Date.parse(`${day}T00:00:00Z`) / DAY_MS : null;
}

const isoDate = z.string().refine((s) => dayIndexOf(s) !== null, {
  message: 'must be a YYYY-MM-DD calendar date',
});

/** The shape of lao-holidays.json (exported for its tests). */
export const holidayFileSchema = z
  .object({
    source: z.string().min(1),
    substituteRule: z.string().optional(),
    years: z.record(
      z.string().regex(/^\d{4}$/),
      z.array(z.object({ date: isoDate, name: z.object({ lo: z.string(), en: z.string() }) })),
    ),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    for (const [year, days] of Object.entries(file.years)) {
      for (const h of days) {
        // A date filed under the wrong year is a typo that would silently shift a due date.
        if (!h.date.startsWith(`${year}-`) || seen.has(h.date)) {
          ctx.addIssue({ code: 'custom', message: `misplaced or repeated date ${h.date}` });
        }
        seen.add(h.date);
      }
    }
  });

/** The shape of lao-holidays.json. */
export type HolidayFile = z.infer<typeof holidayFileSchema>;

let cachedDefaults: string[] | undefined;

/** Every official holiday in lao-holidays.json, sorted; throws if the file is malformed. */
export function defaultHolidays(): string[] {
  if (!cachedDefaults) {
    const file = holidayFileSchema.parse(data);
    cachedDefaults = Object.values(file.years)
      .flatMap((days) => days.map((h) => h.date))
      .sort();
  }
  return [...cachedDefaults];
}

/**
 * Parses an operator's list of extra closing days, e.g. "2026-05-20,2026-07-13" (spaces and
 * empty entries are ignored). Throws an Error naming the first entry that is not a date, so a
 * bad environment variable stops start-up instead of moving due dates.
 */
export function parseHolidayList(csv: string): string[] {
  const out: string[] = [];
  for (const raw of csv.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (dayIndexOf(entry) === null) {
      throw new Error(`holiday list: "${entry}" is not a YYYY-MM-DD calendar date`);
    }
    out.push(entry);
  }
  return out;
}

/** The Vientiane calendar day (YYYY-MM-DD) that contains the instant `t`. */
export function vientianeDay(t: Date): string {
  return new Date(localDayIndex(t) * DAY_MS).toISOString().slice(0, 10);
}

function localDayIndex(t: Date): number {
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new Error('working days: invalid Date');
  return Math.floor((ms + VIENTIANE_OFFSET_MS) / DAY_MS);
}

function endOfLocalDay(index: number): Date {
  return new Date((index + 1) * DAY_MS - VIENTIANE_OFFSET_MS - 1);
}

function weekdayOf(index: number): number {
  return (((index + EPOCH_WEEKDAY) % 7) + 7) % 7;
}

/** Builds a calendar; throws on a malformed holiday or weekend entry. */
export function createWorkingCalendar(opts: WorkingCalendarOptions): WorkingCalendar {
  const weekend = new Set(opts.weekend ?? [0, 6]);
  for (const w of weekend) {
    if (!Number.isInteger(w) || w < 0 || w > 6) {
      throw new Error(`working days: weekend day ${w} is not an integer 0..6`);
    }
  }
  if (weekend.size === 7) throw new Error('working days: a week needs at least one working day');

  // Only holidays on weekdays change any count; kept sorted for the range count below.
  const holidaySet = new Set<number>();
  for (const day of opts.holidays) {
    const index = dayIndexOf(day);
    if (index === null) throw new Error(`working days: holiday "${day}" is not a YYYY-MM-DD date`);
    if (!weekend.has(weekdayOf(index))) holidaySet.add(index);
  }
  const weekdayHolidays = [...holidaySet].sort((a, b) => a - b);
  const workingPerWeek = 7 - weekend.size;

  const isWorkingIndex = (index: number) =>
    !weekend.has(weekdayOf(index)) && !holidaySet.has(index);

  /** Number of sorted holidays h with h < bound (binary search). */
  const holidaysBefore = (bound: number): number => {
    let lo = 0;
    let hi = weekdayHolidays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weekdayHolidays[mid]! < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** Working days in the day-index range [first, last]; whole weeks are counted in one step. */
  const countWorking = (first: number, last: number): number => {
    const length = last - first + 1;
    if (length <= 0) return 0;
    let count = Math.floor(length / 7) * workingPerWeek;
    for (let i = first + length - (length % 7); i <= last; i++) {
      if (!weekend.has(weekdayOf(i))) count++;
    }
    return count - (holidaysBefore(last + 1) - holidaysBefore(first));
  };

  return {
    isWorkingDay(day) {
      const index = dayIndexOf(day);
      if (index === null) throw new Error(`working days: "${day}" is not a YYYY-MM-DD date`);
      return isWorkingIndex(index);
    },

    addWorkingDays(from, n) {
      if (!Number.isInteger(n) || n < 0 || n > MAX_N) {
        throw new Error(`working days: n must be an integer 0..${MAX_N}, got ${n}`);
      }
      let index = localDayIndex(from);
      let remaining = n;
      if (n === 0) {
        // The receipt day itself counts for n = 0; step back one so the loop can find it.
        index -= 1;
        remaining = 1;
      }
      for (let scanned = 0; remaining > 0; scanned++) {
        if (scanned > MAX_SCAN_DAYS) throw new Error('working days: no working day found');
        index += 1;
        if (isWorkingIndex(index)) remaining -= 1;
      }
      return endOfLocalDay(index);
    },

    workingDaysBetween(from, to) {
      return countWorking(localDayIndex(from) + 1, localDayIndex(to));
    },
  };
}
