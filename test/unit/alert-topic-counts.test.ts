/**
 * A topic alert carries both weeks' counts: its `value` alone is the rise in %, or the count itself
 * when the week before had none, so without them "5" could read as "up 5 %" (it was 0 → 5).
 */
import { evaluateRule } from '../../shared/reports/alerts';
import { addDays, today } from '../../shared/reports/metrics';
import type { Case } from '../../shared/reports/metrics';
import type { ReportDay } from '../../shared/reports/report-days';
import { alertText } from '../../workers/staff/alerts.job';

const now = Date.parse('2026-11-20T05:00:00Z');
const day = (ago: number, topics: string[][]): ReportDay => ({
  day: addDays(today(now), -ago),
  rows: [],
  cases: topics.map((t, i) => ({ code: `c${ago}-${i}`, center: 'LA-LP', topics: t }) as Case),
});
const rule = { kind: 'topic_up' as const, params: { percent: 50, minCount: 5 }, centers: [] };

test('none the week before: the value is the count, and the counts say so', () => {
  const days = [day(1, [['fees'], ['fees'], ['fees']]), day(2, [['fees'], ['fees']])];
  const [f] = evaluateRule(rule, days, [], now);
  expect(f).toMatchObject({ subject: 'fees', value: 5, threshold: 50, count: 5, before: 0 });
  const text = alertText({ ...f!, kind: 'topic_up' });
  expect(text).toContain('(5 / 0)');
  expect(text).not.toContain('up 5%');
});

test('4 → 10: the value is the rise in %, with both counts', () => {
  const days = [
    day(
      1,
      Array.from({ length: 10 }, () => ['fees']),
    ),
    day(
      9,
      Array.from({ length: 4 }, () => ['fees']),
    ),
  ];
  const [f] = evaluateRule(rule, days, [], now);
  expect(f).toMatchObject({ value: 150, count: 10, before: 4 });
  expect(alertText({ ...f!, kind: 'topic_up' })).toContain(
    'Complaints on fees are up 150% week on week (10 / 4)',
  );
});
