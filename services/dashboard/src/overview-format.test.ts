/** The overview's numbers and periods: one decimal for shares, two for averages, "—" for none. */
import {
  changeTone,
  diff,
  formatAvg,
  formatChange,
  formatCount,
  formatDays,
  formatShare,
  presetPeriod,
  shortCenterName,
} from './overview-format';

test('shares with one decimal, averages with two, and no data is "—", never 0', () => {
  expect(formatShare(6 / 11)).toBe('54.5%');
  expect(formatShare(1)).toBe('100.0%');
  expect(formatShare(0)).toBe('0.0%');
  expect(formatShare(null)).toBe('—');
  expect(formatAvg(35 / 11)).toBe('3.18');
  expect(formatAvg(null)).toBe('—');
  expect(formatCount(12345)).toBe('12,345');
  expect(formatCount(0)).toBe('0');
  expect(formatDays(0)).toBe('0');
  expect(formatDays(1.5)).toBe('1.5');
  expect(formatDays(null)).toBe('—');
});

test('a change has an arrow and a sign; shares change in percentage points', () => {
  expect(formatChange(9, 'count')).toBe('▲ +9');
  expect(formatChange(-1234, 'count')).toBe('▼ -1,234');
  expect(formatChange(0, 'count')).toBe('0');
  expect(formatChange(6 / 11 - 0.5, 'share')).toBe('▲ +4.5');
  expect(formatChange(-0.0004, 'share')).toBe('0');
  expect(formatChange(0.181818, 'avg')).toBe('▲ +0.18');
  expect(formatChange(null, 'avg')).toBe('—');
  expect(diff(3, null)).toBeNull();
  expect(diff(0.75, 0.5)).toBe(0.25);
  expect(changeTone(2, 'down')).toBe('bad');
  expect(changeTone(-2, 'down')).toBe('good');
  expect(changeTone(2, 'none')).toBe('flat');
  expect(changeTone(null, 'up')).toBe('flat');
});

test('period presets are Vientiane days, both ends included', () => {
  const day = '2026-03-10';
  expect(presetPeriod('7d', {}, day)).toEqual({ from: '2026-03-04', to: day });
  expect(presetPeriod('30d', {}, day)).toEqual({ from: '2026-02-09', to: day });
  expect(presetPeriod('90d', {}, day)).toEqual({ from: '2025-12-11', to: day });
  expect(presetPeriod('month', {}, day)).toEqual({ from: '2026-03-01', to: day });
  expect(presetPeriod('lastmonth', {}, day)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  expect(presetPeriod('lastmonth', {}, '2026-01-05')).toEqual({
    from: '2025-12-01',
    to: '2025-12-31',
  });
  expect(presetPeriod('12m', {}, day)).toEqual({ from: '2025-04-01', to: day });
  expect(presetPeriod('custom', { from: '2026-01-01', to: '2026-01-31' }, day)).toEqual({
    from: '2026-01-01',
    to: '2026-01-31',
  });
  // A custom period that is not one falls back to the last 30 days.
  expect(presetPeriod('custom', { from: '2026-02-01', to: '2026-01-01' }, day)).toEqual(
    presetPeriod('30d', {}, day),
  );
  expect(presetPeriod('custom', { from: '2026-02-30', to: day }, day).from).toBe('2026-02-09');
});

test("centers' names lose the words they all share, so shortened labels still differ", () => {
  expect(shortCenterName('ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໄຊເສດຖາ')).toBe('ເມືອງໄຊເສດຖາ');
  expect(shortCenterName('Xaysetha district ODSC')).toBe('Xaysetha');
  expect(shortCenterName('Luang Prabang provincial ODSC')).toBe('Luang Prabang');
  expect(shortCenterName('ODSC')).toBe('ODSC');
});
