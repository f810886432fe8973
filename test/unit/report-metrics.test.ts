/**
 * The definitions every published figure rests on, asserted by value: shares and averages with no
 * data, the satisfied threshold, medians, on-time resolution, overdue at an exact instant, the
 * Vientiane day and month boundaries, weeks starting on Monday, and the period compared with.
 */
import {
  addDays,
  caseFigures,
  daysOf,
  enoughResponses,
  isOverdueCase,
  isResolvedOnTime,
  median,
  monthDays,
  periodOf,
  previousMonth,
  previousPeriod,
  ratingAvg,
  ratio,
  satisfiedShare,
  today,
  workingDays,
  type Case,
  type Counts,
} from '../../shared/reports/metrics';
import { createWorkingCalendar } from '../../shared/staff/working-days';

const counts = (ratings: [number, number, number, number, number]): Counts => ({
  count: ratings.reduce((a, b) => a + b, 0) + 3,
  ratingSum: ratings.reduce((s, n, i) => s + n * (i + 1), 0),
  ratingCount: ratings.reduce((a, b) => a + b, 0),
  ratings,
  complaints: 0,
  praise: 0,
});

const T = (iso: string) => Date.parse(iso);

function kase(over: Partial<Case>): Case {
  return {
    code: 'X',
    center: 'LA-VT',
    service: 'land_registration',
    channel: 'web',
    topics: [],
    status: 'new',
    receivedAt: T('2026-11-02T03:00:00Z'),
    dueAt: T('2026-11-20T16:59:59.999Z'),
    firstReplyAt: 0,
    resolvedAt: 0,
    firstReplyDays: -1,
    resolutionDays: -1,
    satisfaction: 0,
    ...over,
  };
}

describe('ratings', () => {
  test('no rated feedback gives null, never 0', () => {
    const c = counts([0, 0, 0, 0, 0]);
    expect(ratingAvg(c)).toBeNull();
    expect(satisfiedShare(c)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
  });

  test('satisfied means a rating of 4 or 5; the average is the sum over the rated only', () => {
    // 1×1, 2×3, 1×4, 1×5 = 5 rated (3 more unrated in count)
    const c = counts([1, 0, 1, 1, 1]);
    expect(ratingAvg(c)).toBe((1 + 3 + 4 + 5) / 4);
    expect(satisfiedShare(c)).toBe(2 / 4);
    expect(satisfiedShare(counts([0, 0, 7, 0, 0]))).toBe(0);
    expect(satisfiedShare(counts([0, 0, 0, 1, 0]))).toBe(1);
  });

  test('median of odd and even counts, order does not matter', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([0, 0, 10, 10])).toBe(5);
  });
});

describe('cases', () => {
  const due = T('2026-11-20T16:59:59.999Z');

  test('overdue: open and strictly past the due instant', () => {
    expect(isOverdueCase(kase({ dueAt: due }), due)).toBe(false);
    expect(isOverdueCase(kase({ dueAt: due }), due + 1)).toBe(true);
    expect(isOverdueCase(kase({ dueAt: due, status: 'in_progress' }), due + 1)).toBe(true);
    expect(
      isOverdueCase(kase({ dueAt: due, status: 'resolved', resolvedAt: due + 5 }), due + 9),
    ).toBe(false);
    expect(isOverdueCase(kase({ dueAt: 0 }), due + 1)).toBe(false);
  });

  test('resolved on time: resolved at or before the due instant', () => {
    expect(isResolvedOnTime(kase({ status: 'resolved', resolvedAt: due }))).toBe(true);
    expect(isResolvedOnTime(kase({ status: 'resolved', resolvedAt: due + 1 }))).toBe(false);
    expect(isResolvedOnTime(kase({ status: 'closed', resolvedAt: due - 1 }))).toBe(true);
    // Closed without a resolution is not resolved at all.
    expect(isResolvedOnTime(kase({ status: 'closed', resolvedAt: 0 }))).toBe(false);
  });

  test('the figures of a mixed set, each computed by hand', () => {
    const now = due + 86_400_000; // a day after the due date
    const f = caseFigures(
      [
        // on time, first reply after 1 working day, resolved after 3, citizen said 5
        kase({
          status: 'resolved',
          resolvedAt: due - 1000,
          firstReplyDays: 1,
          resolutionDays: 3,
          satisfaction: 5,
        }),
        // late, resolved after 14 working days, citizen said 2
        kase({
          status: 'closed',
          resolvedAt: due + 1000,
          firstReplyDays: 4,
          resolutionDays: 14,
          satisfaction: 2,
        }),
        // open and overdue, replied after 2
        kase({ status: 'in_progress', firstReplyDays: 2 }),
        // open, not yet due
        kase({ status: 'new', dueAt: now + 1 }),
        // closed without a resolution: neither open, nor resolved, nor decided
        kase({ status: 'closed' }),
      ],
      now,
    );
    expect(f).toEqual({
      total: 5,
      open: 2,
      overdue: 1,
      resolved: 2,
      medianFirstReplyDays: 2,
      medianResolutionDays: 8.5,
      // 1 on time of 3 decided (2 resolved + 1 open past due)
      resolvedOnTimeShare: 1 / 3,
      resolutionSatisfactionAvg: 3.5,
      resolutionSatisfactionCount: 2,
    });
    expect(caseFigures([], now)).toMatchObject({
      total: 0,
      resolvedOnTimeShare: null,
      medianResolutionDays: null,
    });
  });

  test('working days from receipt: the same day is 0, a weekend is skipped, a holiday too', () => {
    // 2026-11-06 is a Friday; 2026-12-02 is Lao National Day (a holiday in the shipped list).
    const cal = createWorkingCalendar({ holidays: ['2026-12-02'] });
    const fri = T('2026-11-06T02:00:00Z');
    expect(workingDays(cal, fri, T('2026-11-06T09:00:00Z'))).toBe(0);
    expect(workingDays(cal, fri, T('2026-11-09T02:00:00Z'))).toBe(1); // Monday
    expect(workingDays(cal, T('2026-12-01T02:00:00Z'), T('2026-12-03T02:00:00Z'))).toBe(1);
    expect(workingDays(cal, fri, 0)).toBe(-1);
  });
});

describe('periods in Asia/Vientiane', () => {
  test('the day turns at 17:00 UTC', () => {
    expect(today(T('2026-10-31T16:59:59.999Z'))).toBe('2026-10-31');
    expect(today(T('2026-10-31T17:00:00Z'))).toBe('2026-11-01');
    expect(today(T('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
  });

  test('months, their days and the month before, across a year', () => {
    expect(monthDays('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthDays('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthDays('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(previousMonth('2026-11')).toBe('2026-10');
  });

  test('days of a period and the period just before it', () => {
    expect(daysOf('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(previousPeriod('2026-11-01', '2026-11-30')).toEqual({
      from: '2026-10-02',
      to: '2026-10-31',
    });
    expect(previousPeriod('2027-01-01', '2027-01-07')).toEqual({
      from: '2026-12-25',
      to: '2026-12-31',
    });
  });

  test('weeks start on Monday; months are YYYY-MM', () => {
    expect(periodOf('2026-11-29', 'week')).toBe('2026-11-23'); // Sunday → its Monday
    expect(periodOf('2026-11-30', 'week')).toBe('2026-11-30'); // a Monday
    expect(periodOf('2027-01-01', 'week')).toBe('2026-12-28');
    expect(periodOf('2026-11-29', 'month')).toBe('2026-11');
    expect(periodOf('2026-11-29', 'day')).toBe('2026-11-29');
  });

  test('the scoreboard minimum is inclusive and never publishes an empty month', () => {
    expect(enoughResponses(10, 10)).toBe(true);
    expect(enoughResponses(9, 10)).toBe(false);
    expect(enoughResponses(0, 0)).toBe(false);
  });
});
