/** The dashboard's formatting: Vientiane time whatever the machine's zone, deadlines, masking. */
import { formatDate, formatDateTime, formatPhone, isMasked, textLang, timeLeft } from './format';

const HOUR = 3_600_000;

test('dates are shown in Asia/Vientiane (UTC+7) with Lao or English month names', () => {
  // 20:30 UTC on 4 March is 03:30 on 5 March in Vientiane.
  expect(formatDateTime('2025-03-04T20:30:00Z', 'lo')).toBe('5 ມີນາ 2025, 03:30');
  expect(formatDateTime('2025-03-04T20:30:00Z', 'en')).toBe('5 Mar 2025, 03:30');
  expect(formatDate('2025-12-31T17:00:00Z', 'en')).toBe('1 Jan 2026');
  expect(formatDateTime(null)).toBe('');
  expect(formatDateTime('not a date')).toBe('not a date');
});

test('time left is days and hours, minutes under an hour; past the deadline it is overdue', () => {
  const now = Date.parse('2025-03-01T00:00:00Z');
  const at = (ms: number) => new Date(now + ms).toISOString();
  expect(timeLeft(at(2 * 24 * HOUR + 5 * HOUR + 59_000), false, now)).toEqual({
    text: '2 ມື້ 5 ຊົ່ວໂມງ',
    overdue: false,
  });
  expect(timeLeft(at(3 * 24 * HOUR), false, now)?.text).toBe('3 ມື້');
  expect(timeLeft(at(40 * 60_000), false, now)?.text).toBe('40 ນາທີ');
  expect(timeLeft(at(-26 * HOUR), true, now)).toEqual({
    text: 'ກາຍກຳນົດ 1 ມື້ 2 ຊົ່ວໂມງ',
    overdue: true,
  });
  // The API's overdue flag wins even when the clocks disagree a little.
  expect(timeLeft(at(HOUR), true, now)?.overdue).toBe(true);
  expect(timeLeft(null, false, now)).toBeNull();
});

test('phone numbers read in groups and masked ones are recognised', () => {
  expect(formatPhone('+8562055551234')).toBe('+856 20 5555 1234');
  expect(formatPhone('+85620****567')).toBe('+856 20 **** 567');
  expect(isMasked('+85620****567')).toBe(true);
  expect(isMasked('+8562055551234')).toBe(false);
});

test("the citizen's text is marked Lao when it has Lao script", () => {
  expect(textLang('ລໍຖ້າດົນ 3 ຊົ່ວໂມງ')).toBe('lo');
  expect(textLang('waited 3 hours')).toBe('en');
});
