import { fold } from '../../shared/classify/fold';
import {
  detectScript,
  laoDigitsToAscii,
  MAX_TEXT_LENGTH,
  normalizeText,
  prepareText,
} from '../../shared/text-normalize';

test('Lao digits become ASCII digits', () => {
  expect(laoDigitsToAscii('໐໑໒໓໔໕໖໗໘໙')).toBe('0123456789');
  expect(laoDigitsToAscii('ຈ່າຍ ໕໐໐໐໐ ກີບ')).toBe('ຈ່າຍ 50000 ກີບ');
});

test('NFC, zero-width characters and whitespace are normalised', () => {
  // ຳ written as ໍ + າ decomposed stays visually the same; NFC keeps it stable for matching.
  expect(normalizeText('ພະນັກ\u200Bງານ\u200D  ບໍ່\tສຸພາບ\n\n')).toBe('ພະນັກງານ ບໍ່ ສຸພາບ');
  expect(normalizeText('\uFEFFcafe\u0301')).toBe('caf\u00E9');
  expect(normalizeText('a\u00A0b\u3000c')).toBe('a b c');
});

test('script detection: Lao, English, mixed, none', () => {
  expect(detectScript('ລໍຖ້າດົນຫຼາຍ')).toBe('lo');
  expect(detectScript('waited three hours')).toBe('en');
  expect(detectScript('ລໍຖ້າ 3 hours at the counter')).toBe('mixed');
  expect(detectScript('ບໍລິການ ERC ຊ້າຫຼາຍ ລໍຖ້າດົນ')).toBe('lo');
  expect(detectScript('12345')).toBe('none');
});

test('long text is cut at the bound and the cut is recorded', () => {
  const long = 'ກ'.repeat(MAX_TEXT_LENGTH + 10);
  const r = prepareText(long);
  expect(r.truncated).toBe(true);
  expect(Array.from(r.normalized)).toHaveLength(MAX_TEXT_LENGTH);
  expect(prepareText('short').truncated).toBe(false);
});

test('folding for matching: zero-width marks, Latin accents and runs of spaces go', () => {
  expect(fold('ລໍ\u200bຖ້າ\u00ad')).toBe(fold('ລໍຖ້າ'));
  expect(fold('Café  RÉSUMÉ')).toBe('cafe resume');
  expect(fold('a \u00a0\t b')).toBe('a b');
  expect(fold('  ໜັງສື  ')).toBe('ຫນັງສື');
});
