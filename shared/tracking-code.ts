/**
 * Tracking codes citizens read aloud, type into an SMS or a form: 10 characters of Crockford
 * base32 (no I, L, O, U), shown as XXXXX-XXXXX. Derived with a keyed HMAC of
 * (channel, externalId), so a redelivered message gets the same code and nobody can compute
 * another citizen's code from a guessable message id.
 */
import { createHmac } from 'node:crypto';
import { deriveKey, PiiKeyring } from './pii';
import { laoDigitsToAscii } from './text-normalize';

export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_CODE_LENGTH = 10;

/** Derives the tracking code for one delivery. */
export class TrackingCodes {
  private readonly key: Buffer;
  /** Keyed by the keyring's hash key, which never rotates: a code, once given, stays valid. */
  constructor(keys: Buffer | PiiKeyring) {
    this.key = deriveKey(PiiKeyring.from(keys).hashKey, 'tracking-code');
  }

  derive(channel: string, externalId: string): string {
    const mac = createHmac('sha256', this.key).update(`${channel}\u0000${externalId}`).digest();
    let bits = 0n;
    for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(mac[i]!);
    let out = '';
    for (let i = 0; i < TRACKING_CODE_LENGTH; i++) {
      out += CROCKFORD[Number((bits >> BigInt(59 - i * 5)) & 31n)];
    }
    return out;
  }
}

/** The display form, XXXXX-XXXXX. */
export function formatTrackingCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * Reads a Crockford code as people type it: any case, spaces or dashes, Lao digits, and the
 * look-alikes (O→0, I/L→1). Returns the canonical characters, or null when it is not `length` long.
 */
export function readCrockford(input: string, length: number): string | null {
  const s = laoDigitsToAscii(String(input))
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== length) return null;
  for (const ch of s) if (!CROCKFORD.includes(ch)) return null;
  return s;
}

/** Reads a tracking code a citizen typed; returns the canonical 10 characters or null. */
export function parseTrackingCode(input: string): string | null {
  return readCrockford(input, TRACKING_CODE_LENGTH);
}
