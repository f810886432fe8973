/** Alerts, rules and tablets in words (Lao, the default language): figures, parameters, order. */
import {
  alertFigure,
  fieldMessage,
  formatPercent,
  kioskOrder,
  paramToText,
  parseNumber,
  ruleWords,
  textToParam,
} from './alert-format';

test("an alert's figure says its value against the threshold, in % or hours", () => {
  expect(alertFigure({ kind: 'satisfaction_below', value: 0.3, threshold: 0.6 })).toEqual({
    main: 'ໃຫ້ຄະແນນ 4–5: 30.0% — ຕ່ຳກວ່າເກນ 60%',
    sub: 'ໃນ 7 ມື້ຫຼ້າສຸດ',
  });
  // The rule's own window when it is known.
  expect(
    alertFigure({ kind: 'satisfaction_below', value: 0.5, threshold: 0.9 }, { params: { days: 3 } })
      .sub,
  ).toBe('ໃນ 3 ມື້ຫຼ້າສຸດ');
  expect(alertFigure({ kind: 'kiosk_silent', value: 30, threshold: 24 }).main).toBe(
    'ບໍ່ມີສັນຍານມາ 30 ຊົ່ວໂມງ — ເກນ 24 ຊົ່ວໂມງ',
  );
});

test('a topic alert says both weeks: "none before" is not read as a small rise', () => {
  // 0 → 5: the API's value is the count itself.
  expect(alertFigure({ kind: 'topic_up', value: 5, threshold: 50, count: 5, before: 0 }).main).toBe(
    '5 ຄຳຮ້ອງທຸກໃນ 7 ມື້ຫຼ້າສຸດ, ບໍ່ມີໃນ 7 ມື້ກ່ອນນັ້ນ',
  );
  // 4 → 10: up 150 %.
  expect(
    alertFigure({ kind: 'topic_up', value: 150, threshold: 50, count: 10, before: 4 }),
  ).toEqual({
    main: '10 ຄຳຮ້ອງທຸກໃນ 7 ມື້ຫຼ້າສຸດ, 4 ໃນ 7 ມື້ກ່ອນນັ້ນ (+150%)',
    sub: 'ເກນ: ເພີ່ມຂຶ້ນ 50% ຂຶ້ນໄປ',
  });
});

test('rules read as sentences, with the evaluator’s fallbacks for what is left out', () => {
  expect(
    ruleWords({ kind: 'satisfaction_below', params: { threshold: 0.6, days: 7, minRated: 10 } }),
  ).toBe('ສ່ວນທີ່ໃຫ້ຄະແນນ 4–5 ຂອງສູນໜຶ່ງຕ່ຳກວ່າ 60% ໃນ 7 ມື້ຫຼ້າສຸດ, ເມື່ອມີຢ່າງໜ້ອຍ 10 ຄຳຕອບທີ່ໃຫ້ຄະແນນ');
  expect(ruleWords({ kind: 'kiosk_silent', params: {} })).toBe('ແທັບເລັດບໍ່ມີສັນຍານມາ 24 ຊົ່ວໂມງ ຂຶ້ນໄປ');
  expect(formatPercent(0.655)).toBe('65.5%');
});

test('numbers are typed in Lao or Western digits; the threshold in %', () => {
  expect(parseNumber('໒໔')).toBe(24);
  expect(parseNumber(' 12,5 ')).toBe(12.5);
  expect(parseNumber('24h')).toBeNull();
  expect(parseNumber('')).toBeNull();
  expect(textToParam('threshold', '໖໕')).toBe(0.65);
  expect(textToParam('days', '7')).toBe(7);
  expect(paramToText('threshold', 0.6)).toBe('60');
  expect(paramToText('hours', 24)).toBe('24');
});

test("the API's 422 bounds are said in the field's units", () => {
  expect(fieldMessage('params.days', 'Too small: expected number to be >=1')).toBe('ຕ້ອງບໍ່ໜ້ອຍກວ່າ 1.');
  expect(fieldMessage('params.threshold', 'Too big: expected number to be <=1')).toBe(
    'ຕ້ອງບໍ່ເກີນ 100.',
  );
  expect(fieldMessage('params.days', 'Invalid input: expected int, received number')).toBe(
    'ຕ້ອງເປັນຈຳນວນຖ້ວນ.',
  );
  expect(fieldMessage('centers', 'Invalid string')).toBe('ຄ່ານີ້ບໍ່ຖືກຕ້ອງ: Invalid string');
});

test('tablets: silent first (never heard from before the longest silent), then offline, online, revoked', () => {
  const k = (id: string, state: string, silentHours: number | null) =>
    ({ id, state, silentHours, centerCode: 'LA-VT' }) as Parameters<typeof kioskOrder>[0];
  const list = [
    k('a', 'online', 0),
    k('b', 'revoked', 50),
    k('c', 'silent', 30),
    k('d', 'offline', 2),
    k('e', 'silent', null),
    k('f', 'silent', 90),
  ];
  expect([...list].sort(kioskOrder).map((x) => x.id)).toEqual(['e', 'f', 'c', 'd', 'a', 'b']);
});
