/**
 * The definitions behind every figure the taskforce sees: the dashboard, the monthly report and the
 * public scoreboard all compute from here, and docs/metrics.md explains each one in words. Pure
 * functions only (no database), so every rule can be tested by value.
 *
 * Two kinds of input:
 * - a bucket row: the daily rollup counts of one (day, center, service, channel), exact through
 *   crashes and retries (workers/intake/rollup-writer.ts);
 * - a case: one complaint's facts (status, due date, first reply, resolution, the citizen's
 *   satisfaction with it), taken from its feedback document when it changes.
 */
import { isOpen, type StaffStatus } from '../staff/staff-status';
import type { WorkingCalendar } from '../staff/working-days';
import { VIENTIANE_OFFSET_MS } from '../staff/vientiane-days';

/** A rating counts as satisfied from this value up (4 and 5 on the 1–5 scale). */
export const SATISFIED_MIN = 4;
/** The timezone every day, week and month is in (UTC+7, no daylight saving). */
export const REPORT_TIMEZONE = 'Asia/Vientiane';

/** The counters of one rollup bucket. */
export interface Counts {
  count: number;
  ratingSum: number;
  ratingCount: number;
  /** How many ratings of 1, 2, 3, 4, 5 (index 0 … 4). */
  ratings: [number, number, number, number, number];
  complaints: number;
  praise: number;
}

export function emptyCounts(): Counts {
  return {
    count: 0,
    ratingSum: 0,
    ratingCount: 0,
    ratings: [0, 0, 0, 0, 0],
    complaints: 0,
    praise: 0,
  };
}

/** Adds b into a (in place). */
export function addInto(a: Counts, b: Counts): Counts {
  a.count += b.count;
  a.ratingSum += b.ratingSum;
  a.ratingCount += b.ratingCount;
  for (let i = 0; i < 5; i++) a.ratings[i]! += b.ratings[i]!;
  a.complaints += b.complaints;
  a.praise += b.praise;
  return a;
}

/** n / d, or null when there is nothing to divide by (never 0 for "no data"). */
export function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** The average rating (1–5) of the rated feedback; null when none was rated. */
export function ratingAvg(c: Counts): number | null {
  return ratio(c.ratingSum, c.ratingCount);
}

/** The share of rated feedback rated SATISFIED_MIN or more (4–5); null when none was rated. */
export function satisfiedShare(c: Counts): number | null {
  let satisfied = 0;
  for (let r = SATISFIED_MIN; r <= 5; r++) satisfied += c.ratings[r - 1]!;
  return ratio(satisfied, c.ratingCount);
}

/** The median of whole numbers (mean of the two middle values for an even count); null if none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * One complaint, as the figures need it. Times are epoch milliseconds (0: not yet); working-day
 * durations are counted when the case changes, on the calendar the due dates use.
 */
export interface Case {
  code: string;
  center: string;
  service: string;
  channel: string;
  topics: string[];
  status: StaffStatus;
  receivedAt: number;
  dueAt: number;
  firstReplyAt: number;
  resolvedAt: number;
  /** Whole working days from receipt to the first reply (0: the same working day); -1: none yet. */
  firstReplyDays: number;
  /** Whole working days from receipt to the resolution; -1: not resolved. */
  resolutionDays: number;
  /** The citizen's answer to "how satisfied are you with the resolution?" (1–5), 0: none. */
  satisfaction: number;
}

/** Which feedback is a case: complaints, unless staff marked them spam or a duplicate. */
export function isCase(kind: string | null | undefined, status: StaffStatus): boolean {
  return kind === 'complaint' && status !== 'spam' && status !== 'duplicate';
}

/** Resolved: in status resolved or closed with a resolution time (closing without one is not). */
export function isResolved(c: Pick<Case, 'status' | 'resolvedAt'>): boolean {
  return (c.status === 'resolved' || c.status === 'closed') && c.resolvedAt > 0;
}

/** Open: new, triaged or in progress. */
export function isOpenCase(c: Pick<Case, 'status'>): boolean {
  return isOpen(c.status);
}

/** Overdue at `now`: open and past its due time. */
export function isOverdueCase(c: Pick<Case, 'status' | 'dueAt'>, now: number): boolean {
  return isOpen(c.status) && c.dueAt > 0 && c.dueAt < now;
}

/** Resolved by its due time (a case without a due time counts as on time). */
export function isResolvedOnTime(c: Pick<Case, 'status' | 'resolvedAt' | 'dueAt'>): boolean {
  return isResolved(c) && (c.dueAt === 0 || c.resolvedAt <= c.dueAt);
}

/** A case whose timeliness is decided at `now`: resolved (on time or late), or open past due. */
export function isDecided(c: Case, now: number): boolean {
  return isResolved(c) || isOverdueCase(c, now);
}

/** Working days from receipt to a later moment on the calendar (whole days, see WorkingCalendar). */
export function workingDays(cal: WorkingCalendar, from: number, to: number): number {
  if (!from || !to) return -1;
  return Math.max(0, cal.workingDaysBetween(new Date(from), new Date(to)));
}

/** The case figures of a set of complaints, at `now`. */
export interface CaseFigures {
  /** Complaints received in the period (spam and duplicates left out). */
  total: number;
  open: number;
  overdue: number;
  resolved: number;
  medianFirstReplyDays: number | null;
  medianResolutionDays: number | null;
  /** Resolved on time ÷ (resolved + open past due): a late case counts against it while still open. */
  resolvedOnTimeShare: number | null;
  resolutionSatisfactionAvg: number | null;
  /** How many resolved complaints the citizen rated (the base of the average above). */
  resolutionSatisfactionCount: number;
}

export function caseFigures(cases: Iterable<Case>, now: number): CaseFigures {
  let total = 0;
  let open = 0;
  let overdue = 0;
  let resolved = 0;
  let onTime = 0;
  let decided = 0;
  let satSum = 0;
  let satCount = 0;
  const firstReply: number[] = [];
  const resolution: number[] = [];
  for (const c of cases) {
    total++;
    if (isOpenCase(c)) open++;
    if (isOverdueCase(c, now)) overdue++;
    if (isResolved(c)) {
      resolved++;
      if (c.resolutionDays >= 0) resolution.push(c.resolutionDays);
      if (isResolvedOnTime(c)) onTime++;
    }
    if (isDecided(c, now)) decided++;
    if (c.firstReplyDays >= 0) firstReply.push(c.firstReplyDays);
    if (c.satisfaction >= 1 && c.satisfaction <= 5) {
      satSum += c.satisfaction;
      satCount++;
    }
  }
  return {
    total,
    open,
    overdue,
    resolved,
    medianFirstReplyDays: median(firstReply),
    medianResolutionDays: median(resolution),
    resolvedOnTimeShare: ratio(onTime, decided),
    resolutionSatisfactionAvg: ratio(satSum, satCount),
    resolutionSatisfactionCount: satCount,
  };
}

// ---- periods ---------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** Today in Vientiane (YYYY-MM-DD). */
export function today(now = Date.now()): string {
  return new Date(now + VIENTIANE_OFFSET_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both inclusive. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The day n days after (n < 0: before) `day`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The period of the same length just before [from, to]: what "change" compares with. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const len = daysOf(from, to).length;
  return { from: addDays(from, -len), to: addDays(from, -1) };
}

/** The first and last day of a month YYYY-MM. */
export function monthDays(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The month before YYYY-MM. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

export type Granularity = 'day' | 'week' | 'month';

/**
 * The period a day belongs to: the day itself, the ISO week's Monday (weeks start on Monday, as
 * on the Lao office calendar), or the month YYYY-MM.
 */
export function periodOf(day: string, g: Granularity): string {
  if (g === 'day') return day;
  if (g === 'month') return day.slice(0, 7);
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(t - weekday * DAY_MS).toISOString().slice(0, 10);
}

// ---- the public scoreboard -----------------------------------------------------------------

/** A center with fewer responses than this in a month is shown as "not enough responses". */
export const DEFAULT_SCOREBOARD_MIN_RESPONSES = 10;

/** Whether a center's month has enough responses to publish its figures. */
export function enoughResponses(responses: number, min: number): boolean {
  return responses >= min && responses > 0;
}
