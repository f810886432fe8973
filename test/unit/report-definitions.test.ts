/**
 * The report definitions at the edges mutation testing found unguarded: adding rollup counts, which
 * feedback is a case, what counts as resolved and on time, and which durations and satisfaction
 * answers enter the medians and the average (0 days and a rating of 1 do; "none yet" does not).
 */
import {
  addInto,
  caseFigures,
  emptyCounts,
  isCase,
  isResolved,
  isResolvedOnTime,
  type Case,
} from '../../shared/reports/metrics';

const T = (iso: string) => Date.parse(iso);
const NOW = T('2026-11-25T03:00:00Z');

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

test('rollup counts add field by field, every rating level apart', () => {
  expect(emptyCounts()).toEqual({
    count: 0,
    ratingSum: 0,
    ratingCount: 0,
    ratings: [0, 0, 0, 0, 0],
    complaints: 0,
    praise: 0,
  });
  const a = {
    count: 5,
    ratingSum: 9,
    ratingCount: 3,
    ratings: [1, 0, 1, 0, 1] as [number, number, number, number, number],
    complaints: 2,
    praise: 1,
  };
  const b = {
    count: 2,
    ratingSum: 6,
    ratingCount: 2,
    ratings: [0, 1, 0, 1, 0] as [number, number, number, number, number],
    complaints: 1,
    praise: 0,
  };
  const sum = addInto(emptyCounts(), a);
  expect(addInto(sum, b)).toBe(sum); // in place
  expect(sum).toEqual({
    count: 7,
    ratingSum: 15,
    ratingCount: 5,
    ratings: [1, 1, 1, 1, 1],
    complaints: 3,
    praise: 1,
  });
});

test('a case is a complaint not marked spam or duplicate', () => {
  expect(isCase('complaint', 'new')).toBe(true);
  expect(isCase('complaint', 'resolved')).toBe(true);
  expect(isCase('complaint', 'spam')).toBe(false);
  expect(isCase('complaint', 'duplicate')).toBe(false);
  expect(isCase('praise', 'new')).toBe(false);
  expect(isCase(null, 'new')).toBe(false);
});

test('resolved needs both the status and a resolution time', () => {
  const at = T('2026-11-10T03:00:00Z');
  expect(isResolved({ status: 'resolved', resolvedAt: at })).toBe(true);
  expect(isResolved({ status: 'closed', resolvedAt: at })).toBe(true);
  expect(isResolved({ status: 'closed', resolvedAt: 0 })).toBe(false);
  expect(isResolved({ status: 'in_progress', resolvedAt: at })).toBe(false);
});

test('a resolved case without a due time counts as on time', () => {
  const at = T('2026-11-10T03:00:00Z');
  expect(isResolvedOnTime({ status: 'resolved', resolvedAt: at, dueAt: 0 })).toBe(true);
  expect(isResolvedOnTime({ status: 'resolved', resolvedAt: at, dueAt: at - 1 })).toBe(false);
});

test('0 days and a satisfaction of 1 are answers; -1 days and 0 are "none yet"', () => {
  const resolvedAt = T('2026-11-10T03:00:00Z');
  const f = caseFigures(
    [
      kase({
        status: 'resolved',
        resolvedAt,
        resolutionDays: 0,
        firstReplyDays: 0,
        satisfaction: 1,
      }),
      kase({
        status: 'resolved',
        resolvedAt,
        resolutionDays: 4,
        firstReplyDays: 2,
        satisfaction: 5,
      }),
      kase({
        status: 'resolved',
        resolvedAt,
        resolutionDays: -1,
        firstReplyDays: -1,
        satisfaction: 0,
      }),
      kase({ status: 'new', resolutionDays: 9, firstReplyDays: -1, satisfaction: 6 }),
    ],
    NOW,
  );
  expect(f.medianResolutionDays).toBe(2); // of [0, 4]: the open case's 9 is not a resolution
  expect(f.medianFirstReplyDays).toBe(1); // of [0, 2]
  expect(f.resolutionSatisfactionAvg).toBe(3); // (1 + 5) / 2; 0 and 6 are not answers
  expect(f.resolutionSatisfactionCount).toBe(2);
  expect(f.resolved).toBe(3);
});
