/**
 * The locked test split of the labelled messages: a message belongs to it when the sha256 of its
 * NFC-normalised, trimmed text, read as a big-endian number, is divisible by 5 (about 20%).
 * Being decided by the text alone, the split never changes when lines are added, reordered or
 * relabelled, and the same message written twice always lands on the same side. Never train or
 * tune on a locked message; score on it separately.
 */
import { createHash } from 'node:crypto';

/** The share of messages the split locks: 1 in LOCKED_MODULUS. */
export const LOCKED_MODULUS = 5;

/** The hash residue (0..4) that decides the split; exported so reports can show it. */
export function splitBucket(text: string): number {
  const digest = createHash('sha256').update(text.normalize('NFC').trim(), 'utf8').digest();
  // 256 ≡ 1 (mod 5), so the number's residue is the sum of its bytes mod 5.
  let sum = 0;
  for (const byte of digest) sum += byte;
  return sum % LOCKED_MODULUS;
}

/** True when the message is in the locked test split. */
export function isLockedTest(text: string): boolean {
  return splitBucket(text) === 0;
}
