import { extractKipAmounts } from '../../shared/classify/money';

test.each([
  ['asked 50000 kip extra', [50000]],
  ['ເກັບເງິນເພີ່ມ 200,000 ກີບ', [200000]],
  ['paid 300k to the officer', [300000]],
  ['ຈ່າຍ 2 ລ້ານກີບ', [2000000]],
  ['1.5 million kip', [1500000]],
  ['໑໕໐,໐໐໐ ກີບ', [150000]],
  ['ຄ່າທຳນຽມແທ້ 400,000', [400000]],
  ['paid 20000₭ and 5.000 kip', [20000, 5000]],
])('%s → %j', (text, amounts) => {
  expect(extractKipAmounts(text)).toEqual(amounts);
});

test.each([
  'waited 3 hours',
  'call 020 5555 1234',
  'window 3',
  'room 12',
  '10000 per page',
  '5 kip',
])('%s has no amount', (text) => {
  expect(extractKipAmounts(text)).toEqual([]);
});
