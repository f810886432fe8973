/**
 * Personal data at rest: AES-256-GCM for what must be read back (to reply to a citizen) and a
 * keyed HMAC for look-ups ("all feedback from this number") without decrypting anything.
 * Sub-keys are derived with HKDF so one secret never serves two purposes.
 *
 * Keys rotate (`npm run pii:rotate`, docs/operations.md "Rotating PII_KEY"): a sealed value names
 * the key that sealed it, and a keyring opens values of every key it holds while sealing new ones
 * with the current key (PII_KEY). Look-up hashes and tracking codes are stored as ids and indexes
 * and handed to citizens, so they never rotate: their key is PII_HASH_KEY, the installation's first
 * PII_KEY.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** `v1.<iv>.<tag>.<ct>`: the first format, naming no key; still opened by trying every key. */
const V1 = 'v1';
/** `v2.<kid>.<iv>.<tag>.<ct>`; `v2.<kid>` is authenticated data, so a changed kid fails the tag. */
const V2 = 'v2';
/**
 * `v3.<kid>.<purpose>.<iv>.<tag>.<ct>`, sealed today: `v3.<kid>.<purpose>` is authenticated data,
 * so a value cannot be relabelled, and a reader that names the purpose it expects (a phone number
 * to text, a chat to message) refuses a value sealed for another.
 */
const V3 = 'v3';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID = /^[0-9a-f]{8}$/;

/** What a sealed value is: a phone number, or a Telegram chat id. */
export const PII_PURPOSES = ['phone', 'telegram'] as const;
export type PiiPurpose = (typeof PII_PURPOSES)[number];
const isPurpose = (p: string | undefined): p is PiiPurpose =>
  (PII_PURPOSES as readonly string[]).includes(p ?? '');

/** Derives a purpose-bound 32-byte key from a master key. */
/**
 * What a sender's look-up hash is made of: `<namespace>:<id in clear>`. A number typed on the web
 * form or a kiosk is unverified (`verified: false`) and hashed apart from numbers that texted us, so
 * the two never merge.
 */
export function senderHashInput(kind: string, clear: string, verified?: boolean): string {
  return `${verified === false ? 'unverified-phone' : kind}:${clear}`;
}

export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `odsc:${purpose}`, 32));
}

/** The short id sealed values carry: 8 hex characters derived from the key, so nobody numbers keys. */
export function keyId(master: Buffer): string {
  return deriveKey(master, 'pii-key-id').subarray(0, 4).toString('hex');
}

/** PII_KEY, the keys it replaced (PII_KEYS_OLD) and the key of look-up hashes (PII_HASH_KEY). */
export class PiiKeyring {
  /** Seals every new value. */
  readonly currentKey: Buffer;
  readonly currentId: string;
  /** Open values sealed before a rotation; never seal. */
  readonly oldIds: readonly string[];
  /** Root of the look-up hash and tracking-code keys: fixed for the life of the data. */
  readonly hashKey: Buffer;
  /** Encryption sub-keys by key id, the current key first. */
  private readonly enc = new Map<string, Buffer>();

  /**
   * `hashKey` defaults to the current key only while there are no old keys: after a rotation the
   * look-ups must keep the key they were made with, so it has to be named (PII_HASH_KEY).
   */
  constructor(opts: { current: Buffer; old?: Buffer[]; hashKey?: Buffer }) {
    const old = opts.old ?? [];
    if (old.length && !opts.hashKey)
      throw new Error('a keyring with old keys needs its hash key (PII_HASH_KEY)');
    this.currentKey = opts.current;
    this.currentId = keyId(opts.current);
    this.hashKey = opts.hashKey ?? opts.current;
    for (const key of [opts.current, ...old]) {
      const id = keyId(key);
      const known = this.enc.get(id);
      if (known && !deriveKey(key, 'pii-encryption').equals(known))
        throw new Error(`two different PII keys share the key id ${id}; generate another key`);
      if (!known) this.enc.set(id, deriveKey(key, 'pii-encryption'));
    }
    this.oldIds = [...this.enc.keys()].slice(1);
  }

  /** A single key: the keyring of an installation that never rotated. */
  static from(keys: Buffer | PiiKeyring): PiiKeyring {
    return keys instanceof PiiKeyring ? keys : new PiiKeyring({ current: keys });
  }

  /** The encryption sub-key of a key id, if the keyring holds it. */
  encryptionKey(id: string): Buffer | undefined {
    return this.enc.get(id);
  }

  /** Every encryption sub-key, the current one first (the order v1 values are tried in). */
  encryptionKeys(): Buffer[] {
    return [...this.enc.values()];
  }
}

function open(key: Buffer, iv: Buffer, tag: Buffer, ct: Buffer, aad?: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}

/** Encrypts and hashes personal data with a keyring (or one key, for an installation that never rotated). */
export class PiiVault {
  readonly keys: PiiKeyring;
  private readonly hashKey: Buffer;

  constructor(keys: Buffer | PiiKeyring) {
    this.keys = PiiKeyring.from(keys);
    this.hashKey = deriveKey(this.keys.hashKey, 'pii-lookup');
  }

  /** `v3.<kid>.<purpose>.<iv>.<tag>.<ciphertext>`, binary parts base64url, with the current key. */
  encrypt(plain: string, purpose: PiiPurpose): string {
    if (!isPurpose(purpose)) throw new Error(`unknown PII purpose ${String(purpose)}`);
    const kid = this.keys.currentId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.encryptionKey(kid)!, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(Buffer.from(`${V3}.${kid}.${purpose}`));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      V3,
      kid,
      purpose,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  /**
   * Opens a value sealed with any key of the keyring. Throws when it was tampered with, or sealed
   * with a key the keyring does not hold (the message names the key id, never the value).
   * `expected` names the purpose the caller needs: a v3 value sealed for another is refused (v1
   * and v2 values name none and open for any).
   */
  decrypt(sealed: string, expected?: PiiPurpose): string {
    const parts = sealed.split('.');
    if (parts[0] === V3 && parts.length === 6 && KID.test(parts[1]!) && isPurpose(parts[2])) {
      const [, kid, purpose, iv, tag, ct] = parts as [
        string,
        string,
        PiiPurpose,
        string,
        string,
        string,
      ];
      if (expected && purpose !== expected)
        throw new Error(`PII value sealed as ${purpose}, read as ${expected}`);
      const key = this.keys.encryptionKey(kid);
      if (!key)
        throw new Error(
          `PII value sealed with key ${kid}, which is neither PII_KEY (${this.keys.currentId}) nor in PII_KEYS_OLD`,
        );
      const [ivB, tagB] = checkedParts(iv, tag);
      const aad = Buffer.from(`${V3}.${kid}.${purpose}`);
      return open(key, ivB, tagB, Buffer.from(ct, 'base64url'), aad);
    }
    if (parts[0] === V2 && parts.length === 5 && KID.test(parts[1]!)) {
      const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
      const key = this.keys.encryptionKey(kid);
      if (!key)
        throw new Error(
          `PII value sealed with key ${kid}, which is neither PII_KEY (${this.keys.currentId}) nor in PII_KEYS_OLD`,
        );
      const [ivB, tagB] = checkedParts(iv, tag);
      return open(key, ivB, tagB, Buffer.from(ct, 'base64url'), Buffer.from(`${V2}.${kid}`));
    }
    if (parts[0] === V1 && parts.length === 4) {
      const [, iv, tag, ct] = parts as [string, string, string, string];
      const [ivB, tagB] = checkedParts(iv, tag);
      for (const key of this.keys.encryptionKeys()) {
        try {
          return open(key, ivB, tagB, Buffer.from(ct, 'base64url'));
        } catch {
          // Not this key: v1 values do not say which one sealed them.
        }
      }
      throw new Error('PII value (v1) does not open with PII_KEY or any key in PII_KEYS_OLD');
    }
    throw new Error('PII value is not in a sealed format (v1 or v2)');
  }

  /** The id of the key that sealed a value; null for a v1 value, which names none. */
  static keyIdOf(sealed: string): string | null {
    const [version, kid] = sealed.split('.');
    return (version === V2 || version === V3) && kid && KID.test(kid) ? kid : null;
  }

  /** The purpose a v3 value was sealed for; null for older values, which name none. */
  static purposeOf(sealed: string): PiiPurpose | null {
    const [version, , purpose] = sealed.split('.');
    return version === V3 && isPurpose(purpose) ? purpose : null;
  }

  /**
   * True when the value is sealed with the current key in the current format (v3, with its
   * purpose): `npm run pii:rotate` leaves it alone, and re-seals v2 values into v3.
   */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${V3}.`) && PiiVault.keyIdOf(sealed) === this.keys.currentId;
  }

  /** Stable keyed hash for equality look-ups; reveals nothing without the hash key. */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
  }
}

function checkedParts(iv: string, tag: string): [Buffer, Buffer] {
  const ivB = Buffer.from(iv, 'base64url');
  const tagB = Buffer.from(tag, 'base64url');
  if (ivB.length !== IV_BYTES || tagB.length !== TAG_BYTES)
    throw new Error('PII value is not in a sealed format (bad IV or tag length)');
  return [ivB, tagB];
}
