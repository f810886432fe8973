/**
 * Working-day calendar: due dates and reply times in Vientiane days, against the shipped Lao
 * holidays. Every expected value is exact; weekdays are computed, not remembered.
 */
import data from '../../shared/staff/lao-holidays.json';
import { isDay, vientianeDayRange } from '../../shared/staff/vientiane-days';
import {
  createWorkingCalendar,
  defaultHolidays,
  holidayFileSchema,
  parseHolidayList,
  vientianeDay,
} from '../../shared/staff/working-days';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const weekday = (day: string) => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];
/** An instant given as Vientiane wall-clock time. */
const local = (day: string, time = '10:00') => new Date(`${day}T${time}:00+07:00`);
/** The due instant for a local day: 23:59:59.999 local. */
const endOf = (day: string) => new Date(`${day}T16:59:59.999Z`).toISOString();

const lao = createWorkingCalendar({ holidays: defaultHolidays() });
const due = (from: Date, n: number) => lao.addWorkingDays(from, n).toISOString();

describe('the weekdays these tests rely on', () => {
  it('are what the calendar says', () => {
    expect(
      [
        '2026-01-09',
        '2026-01-10',
        '2026-01-29',
        '2026-03-08',
        '2026-04-13',
        '2026-04-14',
        '2026-04-16',
        '2026-04-30',
        '2026-05-01',
        '2026-12-31',
        '2027-01-01',
      ].map(weekday),
    ).toEqual(['Fri', 'Sat', 'Thu', 'Sun', 'Mon', 'Tue', 'Thu', 'Thu', 'Fri', 'Thu', 'Fri']);
  });
});

describe('addWorkingDays', () => {
  it('skips the weekend: received Friday, one working day is due Monday night', () => {
    expect(due(local('2026-01-09'), 1)).toBe(endOf('2026-01-12'));
    expect(due(local('2026-01-09'), 1)).toBe('2026-01-12T16:59:59.999Z');
    expect(due(local('2026-01-09'), 5)).toBe(endOf('2026-01-16'));
    expect(due(local('2026-01-09'), 10)).toBe(endOf('2026-01-23'));
  });

  it('never counts the receipt day, however early the complaint came in', () => {
    expect(due(local('2026-01-12', '00:00'), 1)).toBe(endOf('2026-01-13'));
    expect(due(local('2026-01-12', '23:59'), 1)).toBe(endOf('2026-01-13'));
  });

  it('skips Lao New Year, 14-16 April 2026', () => {
    expect(lao.isWorkingDay('2026-04-13')).toBe(true);
    expect(['2026-04-14', '2026-04-15', '2026-04-16'].map(lao.isWorkingDay)).toEqual([
      false,
      false,
      false,
    ]);
    expect(due(local('2026-04-13'), 1)).toBe(endOf('2026-04-17'));
    expect(due(local('2026-04-13'), 2)).toBe(endOf('2026-04-20'));
    expect(due(local('2026-04-10'), 2)).toBe(endOf('2026-04-17'));
  });

  it('skips Labour Day, Friday 1 May 2026, and the weekend after it', () => {
    expect(due(local('2026-04-30'), 1)).toBe(endOf('2026-05-04'));
    expect(due(local('2026-05-01'), 1)).toBe(endOf('2026-05-04'));
  });

  it('crosses a month boundary', () => {
    expect(due(local('2026-01-29'), 3)).toBe(endOf('2026-02-03'));
  });

  it('crosses the year boundary past New Year 2027', () => {
    expect(lao.isWorkingDay('2027-01-01')).toBe(false);
    expect(due(local('2026-12-31'), 1)).toBe(endOf('2027-01-04'));
    expect(due(local('2026-12-30'), 3)).toBe(endOf('2027-01-05'));
  });

  it('switches day at 17:00Z, Vientiane midnight, not at UTC midnight', () => {
    expect(vientianeDay(new Date('2026-01-08T16:59:59.999Z'))).toBe('2026-01-08');
    expect(vientianeDay(new Date('2026-01-08T17:00:00.000Z'))).toBe('2026-01-09');
    // Thursday 23:59:59 local: the next working day is Friday.
    expect(due(new Date('2026-01-08T16:59:59Z'), 1)).toBe(endOf('2026-01-09'));
    // Friday 00:00 local: the receipt day is Friday, so the next working day is Monday.
    expect(due(new Date('2026-01-08T17:00:00Z'), 1)).toBe(endOf('2026-01-12'));
  });

  it('n = 0 is the end of the receipt day if it is a working day, else of the next one', () => {
    expect(due(local('2026-01-09'), 0)).toBe(endOf('2026-01-09'));
    expect(due(local('2026-01-10'), 0)).toBe(endOf('2026-01-12'));
    // Friday 20:00Z is already Saturday 03:00 in Vientiane.
    expect(due(new Date('2026-01-09T20:00:00Z'), 0)).toBe(endOf('2026-01-12'));
    expect(due(local('2027-01-01'), 0)).toBe(endOf('2027-01-04'));
  });

  it('accepts n up to 365 and rejects anything else', () => {
    expect(due(local('2026-01-09'), 365)).toBe(endOf('2027-06-18'));
    for (const n of [-1, 1.5, 366, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => lao.addWorkingDays(local('2026-01-09'), n)).toThrow(/integer 0\.\.365/);
    }
    expect(() => lao.addWorkingDays(new Date('nope'), 1)).toThrow(/invalid Date/);
  });
});

describe('workingDaysBetween', () => {
  it('counts whole working days after the receipt day, up to the reply day', () => {
    expect(lao.workingDaysBetween(local('2026-01-09'), local('2026-01-12', '09:00'))).toBe(1);
    expect(lao.workingDaysBetween(local('2026-01-09'), local('2026-01-10'))).toBe(0);
    expect(lao.workingDaysBetween(local('2026-01-09'), local('2026-01-16'))).toBe(5);
  });

  it('is 0 on the same local day and when the reply is before the receipt', () => {
    expect(lao.workingDaysBetween(local('2026-01-12', '08:00'), local('2026-01-12', '17:00'))).toBe(
      0,
    );
    expect(lao.workingDaysBetween(local('2026-01-14'), local('2026-01-12'))).toBe(0);
  });

  it('skips the Lao New Year and Labour Day holidays', () => {
    expect(lao.workingDaysBetween(local('2026-04-13'), local('2026-04-20'))).toBe(2);
    expect(lao.workingDaysBetween(local('2026-04-29'), local('2026-05-05'))).toBe(3);
  });

  it('uses Vientiane days at the 17:00Z boundary', () => {
    const from = new Date('2026-01-12T03:00:00Z');
    expect(lao.workingDaysBetween(from, new Date('2026-01-12T16:59:59Z'))).toBe(0);
    expect(lao.workingDaysBetween(from, new Date('2026-01-12T17:00:00Z'))).toBe(1);
  });

  it('gives 255 working days in 2026: 261 weekdays less 6 weekday holidays', () => {
    expect(lao.workingDaysBetween(local('2025-12-31'), local('2026-12-31'))).toBe(255);
  });

  it('inverts addWorkingDays and agrees with a day-by-day count', () => {
    const start = Date.parse('2025-12-20T03:00:00Z');
    for (let k = 0; k < 120; k++) {
      const from = new Date(start + k * 0.77 * 86_400_000);
      for (const n of [1, 2, 7, 30, 61]) {
        expect(lao.workingDaysBetween(from, lao.addWorkingDays(from, n))).toBe(n);
      }
      const to = new Date(from.getTime() + (k % 40) * 86_400_000);
      let slow = 0;
      for (let d = new Date(from); ;) {
        d = new Date(d.getTime() + 86_400_000);
        if (vientianeDay(d) > vientianeDay(to)) break;
        if (lao.isWorkingDay(vientianeDay(d))) slow++;
      }
      expect(lao.workingDaysBetween(from, to)).toBe(slow);
    }
  });
});

describe('custom calendars', () => {
  it('a six-day week (Sunday off) makes Saturday a working day', () => {
    const sixDay = createWorkingCalendar({ holidays: [], weekend: [0] });
    expect(sixDay.isWorkingDay('2026-01-10')).toBe(true);
    expect(sixDay.addWorkingDays(local('2026-01-09'), 1).toISOString()).toBe(endOf('2026-01-10'));
    expect(sixDay.addWorkingDays(local('2026-01-10'), 1).toISOString()).toBe(endOf('2026-01-12'));
    expect(sixDay.workingDaysBetween(local('2026-01-09'), local('2026-01-16'))).toBe(6);
  });

  it('an extra holiday from the environment moves the due date', () => {
    const cal = createWorkingCalendar({ holidays: parseHolidayList('2026-01-12') });
    expect(cal.addWorkingDays(local('2026-01-09'), 1).toISOString()).toBe(endOf('2026-01-13'));
    expect(cal.workingDaysBetween(local('2026-01-09'), local('2026-01-13'))).toBe(1);
  });

  it('a holiday that falls on a weekend changes no count, and the holiday list may come in any order', () => {
    // 2026-01-10 is a Saturday, 2026-01-12 and 2026-01-14 weekdays; listed out of order.
    const cal = createWorkingCalendar({ holidays: ['2026-01-14', '2026-01-10', '2026-01-12'] });
    // Fri 9 → Fri 16: Mon 12 and Wed 14 off: Tue 13, Thu 15, Fri 16.
    expect(cal.workingDaysBetween(local('2026-01-09'), local('2026-01-16'))).toBe(3);
    // Thu 8 → Tue 13: Fri 9 and Tue 13 (Sat 10 was off anyway).
    expect(cal.workingDaysBetween(local('2026-01-08'), local('2026-01-13'))).toBe(2);
    expect(cal.addWorkingDays(local('2026-01-09'), 2).toISOString()).toBe(endOf('2026-01-15'));
  });

  it('a calendar with no working day ahead fails instead of looping', () => {
    // Only Saturdays work, and every Saturday for eleven years is a holiday.
    const saturdays: string[] = [];
    for (
      let t = Date.parse('2026-01-03T00:00:00Z');
      t < Date.parse('2037-01-01');
      t += 7 * 86_400_000
    )
      saturdays.push(new Date(t).toISOString().slice(0, 10));
    const cal = createWorkingCalendar({ holidays: saturdays, weekend: [0, 1, 2, 3, 4, 5] });
    expect(() => cal.addWorkingDays(local('2026-01-01'), 1)).toThrow(/no working day found/);
    // Ten years of holidays is within the scan's reach: the next working Saturday is found.
    const shorter = createWorkingCalendar({
      holidays: saturdays.filter((d) => d < '2035-12-01'),
      weekend: [0, 1, 2, 3, 4, 5],
    });
    expect(shorter.addWorkingDays(local('2026-01-01'), 1).toISOString()).toBe(endOf('2035-12-01'));
  });

  it('rejects a bad weekend or holiday', () => {
    expect(() => createWorkingCalendar({ holidays: [], weekend: [7] })).toThrow(/weekend day 7/);
    expect(() => createWorkingCalendar({ holidays: [], weekend: [-1] })).toThrow(/weekend day -1/);
    expect(() => createWorkingCalendar({ holidays: [], weekend: [1.5] })).toThrow(
      /weekend day 1.5/,
    );
    expect(() => createWorkingCalendar({ holidays: [], weekend: [0, 1, 2, 3, 4, 5, 6] })).toThrow(
      /at least one working day/,
    );
    expect(() => createWorkingCalendar({ holidays: ['2026-02-29'] })).toThrow(/"2026-02-29"/);
    expect(() => lao.isWorkingDay('2026-1-9')).toThrow(/"2026-1-9"/);
  });
});

describe('parseHolidayList', () => {
  it('reads a comma-separated list, ignoring spaces and empty entries', () => {
    expect(parseHolidayList('2026-05-20,2026-07-13')).toEqual(['2026-05-20', '2026-07-13']);
    expect(parseHolidayList(' 2026-05-20 , ,2026-07-13, ')).toEqual(['2026-05-20', '2026-07-13']);
    expect(parseHolidayList('')).toEqual([]);
  });

  it('throws an Error naming the bad entry', () => {
    expect(() => parseHolidayList('2026-05-20,2026-02-30')).toThrow(/"2026-02-30"/);
    expect(() => parseHolidayList('20260520')).toThrow(/"20260520"/);
    expect(() => parseHolidayList('2026-05-20;2026-07-13')).toThrow(/"2026-05-20;2026-07-13"/);
    expect(() => parseHolidayList('2026-13-01')).toThrow(Error);
  });
});

describe('the holiday file schema', () => {
  const name = { lo: 'ວັນພັກ', en: 'Holiday' };
  it('refuses a date filed under another year, or one listed twice', () => {
    const misplaced = holidayFileSchema.safeParse({
      source: 'test',
      years: { '2026': [{ date: '2027-01-01', name }] },
    });
    expect(misplaced.success).toBe(false);
    expect(misplaced.error?.issues[0]?.message).toBe('misplaced or repeated date 2027-01-01');
    const repeated = holidayFileSchema.safeParse({
      source: 'test',
      years: {
        '2026': [
          { date: '2026-05-01', name },
          { date: '2026-05-01', name },
        ],
      },
    });
    expect(repeated.error?.issues.map((i) => i.message)).toEqual([
      'misplaced or repeated date 2026-05-01',
    ]);
    expect(
      holidayFileSchema.safeParse({
        source: 'test',
        years: { '2026': [{ date: '2026-05-01', name }] },
      }).success,
    ).toBe(true);
  });
});

describe('lao-holidays.json', () => {
  const all = Object.values(data.years).flatMap((days) => days.map((h) => h.date));

  it('has 2026 and 2027, each with the fixed national holidays', () => {
    expect(Object.keys(data.years).sort()).toEqual(['2026', '2027']);
    for (const year of ['2026', '2027']) {
      const dates = data.years[year as '2026' | '2027'].map((h) => h.date.slice(5));
      expect(dates).toEqual(
        expect.arrayContaining(['01-01', '03-08', '04-14', '04-15', '04-16', '05-01', '12-02']),
      );
    }
  });

  it('has only real, unique dates, each under its own year, with Lao and English names', () => {
    expect(new Set(all).size).toBe(all.length);
    for (const [year, days] of Object.entries(data.years)) {
      for (const h of days) {
        expect(h.date).toMatch(new RegExp(`^${year}-\\d{2}-\\d{2}$`));
        expect(new Date(`${h.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(h.date);
        expect(h.name.lo).toMatch(/^[\u0E80-\u0EFF ]+$/);
        expect(h.name.en.length).toBeGreaterThan(0);
      }
    }
  });

  it('is what defaultHolidays returns, sorted', () => {
    expect(defaultHolidays()).toEqual([...all].sort());
    expect(defaultHolidays()).toHaveLength(14);
  });
});

describe('Vientiane day ranges (query-string days)', () => {
  it('a local day runs from 17:00Z the day before to 17:00Z, end exclusive', () => {
    const r = vientianeDayRange('2026-11-01');
    expect(r.start.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(r.end.toISOString()).toBe('2026-11-01T17:00:00.000Z');
    const newYear = vientianeDayRange('2027-01-01');
    expect(newYear.start.toISOString()).toBe('2026-12-31T17:00:00.000Z');
  });

  it('refuses what is not a calendar day', () => {
    expect(() => vientianeDayRange('2026-02-30')).toThrow('not a day: 2026-02-30');
    expect(() => vientianeDayRange('2026-2-3')).toThrow('not a day: 2026-2-3');
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-11-01T00:00')).toBe(false);
  });
});
