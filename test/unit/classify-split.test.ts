/** The locked test split: decided by the text alone, stable by value, about a fifth of the set. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isLockedTest, LOCKED_MODULUS, splitBucket } from '../../shared/classify/split';

test.each([
  ['hello', 0, true],
  ['ດີ', 0, true],
  ['ok', 1, false],
  ['staff nice 👍', 1, false],
  ['ຊ້າ', 2, false],
  ['ໃບຕາດິນ ຊ້າ', 2, false],
  ['the queue was long', 3, false],
  ['ຂອບໃຈ', 3, false],
  ['good', 4, false],
  ['ສະບາຍດີ', 4, false],
])('%s is in bucket %d (locked: %s)', (text, bucket, locked) => {
  expect(splitBucket(text)).toBe(bucket);
  expect(isLockedTest(text)).toBe(locked);
});

test('the bucket is the sha256 of the text, read as one big number, mod 5', () => {
  for (const text of ['hello', 'ດີ', 'staff nice 👍', 'ເຮັດບັດ ໄວ', 'x'.repeat(300)]) {
    const hex = createHash('sha256').update(text, 'utf8').digest('hex');
    expect(splitBucket(text)).toBe(Number(BigInt(`0x${hex}`) % BigInt(LOCKED_MODULUS)));
  }
});

test('surrounding spaces and Unicode composition do not move a message', () => {
  expect(splitBucket('  hello\n')).toBe(splitBucket('hello'));
  expect(splitBucket('cafe\u0301')).toBe(splitBucket('caf\u00e9'));
  expect(splitBucket('cafe\u0301')).toBe(2);
});

test('the labelled set puts between 15% and 25% of its messages in the locked split', () => {
  const file = path.resolve(__dirname, '../fixtures/classify-labelled.jsonl');
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
  expect(texts.length).toBeGreaterThanOrEqual(1000);
  const share = texts.filter(isLockedTest).length / texts.length;
  expect(share).toBeGreaterThanOrEqual(0.15);
  expect(share).toBeLessThanOrEqual(0.25);
});
