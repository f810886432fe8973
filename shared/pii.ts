/**
 * Personal data at rest: AES-256-GCM for what must be read back (to reply to a citizen) and a
 * keyed HMAC for look-ups ("all feedback from this number") without decrypting anything.
 * Sub-keys are derived from PII_KEY with HKDF so one secret never serves two purposes.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** Derives a purpose-bound 32-byte key from the master PII key. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `odsc:${purpose}`, 32));
}

/** Encrypts and hashes personal data with keys derived from PII_KEY. */
export class PiiVault {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(master: Buffer) {
    this.encKey = deriveKey(master, 'pii-encryption');
    this.hashKey = deriveKey(master, 'pii-lookup');
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Throws if the value was not produced by this key (tampered or wrong key). */
  decrypt(sealed: string): string {
    const [version, iv, tag, ct] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ct === undefined) {
      throw new Error('PII value is not in the v1 sealed format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ct, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /** Stable keyed hash for equality look-ups; reveals nothing without PII_KEY. */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
  }
}
