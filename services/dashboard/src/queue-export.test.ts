/** The queue's export link: the period it always sends, and the filters it passes on. */
import { exportHref, exportPeriod } from './queue-export';

const DAY = '2026-11-30';

test("the filter's dates are the period; Lao digits are read", () => {
  expect(exportPeriod({ from: '2026-10-01', to: '2026-10-31' }, DAY)).toEqual({
    from: '2026-10-01',
    to: '2026-10-31',
    source: 'filter',
  });
  expect(exportPeriod({ from: '໒໐໒໖-໑໐-໐໑', to: '໒໐໒໖-໑໐-໓໑' }, DAY)).toEqual({
    from: '2026-10-01',
    to: '2026-10-31',
    source: 'filter',
  });
});

test('without dates, the last 30 days up to today; a missing end is today, a missing start 30 days', () => {
  expect(exportPeriod({}, DAY)).toEqual({ from: '2026-11-01', to: DAY, source: 'default' });
  expect(exportPeriod({ from: '', to: 'not a day' }, DAY)).toEqual({
    from: '2026-11-01',
    to: DAY,
    source: 'default',
  });
  expect(exportPeriod({ from: '2026-06-01' }, DAY)).toEqual({
    from: '2026-06-01',
    to: DAY,
    source: 'partial',
  });
  expect(exportPeriod({ to: '2026-03-31' }, DAY)).toEqual({
    from: '2026-03-02',
    to: '2026-03-31',
    source: 'partial',
  });
});

test('the address carries every filter set, the status tab and the period, nothing else', () => {
  const href = exportHref(
    { center: 'LA-VT-XAYSETHA', q: 'ລໍຖ້າ ດົນ', channel: '', from: '', to: '' },
    'open',
    { from: '2026-11-01', to: DAY },
  );
  const [path, query] = href.split('?');
  expect(path).toBe('/api/v1/exports/feedback.csv');
  expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
    center: 'LA-VT-XAYSETHA',
    q: 'ລໍຖ້າ ດົນ',
    status: 'open',
    from: '2026-11-01',
    to: DAY,
  });
});
