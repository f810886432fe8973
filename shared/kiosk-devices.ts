/**
 * Kiosk devices: created by an admin for one center (`npm run kiosk:pair`), paired once with a
 * one-time code, then identified by a bearer token `<deviceId>.<secret>` of which only a hash of
 * the secret is stored. Pairing codes live in Redis with a TTL (KIOSK_PAIRING_TTL_H, at most
 * 72 h) and are taken with GETDEL, so a code works exactly once even when two tablets try it at the
 * same moment. A code is 12 Crockford characters (60 bits) and the pair route allows few attempts
 * per address (RATE_PAIR_PER_HOUR), so guessing one is hopeless. Revoking a device cancels its
 * unused codes, and a code issued before a revocation can never undo it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type IORedis from 'ioredis';
import type { KioskDeviceDoc, KioskDeviceModel } from './models/kiosk-device.model';
import { CROCKFORD, readCrockford } from './tracking-code';

export const PAIRING_CODE_LENGTH = 12;

function randomCrockford(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += CROCKFORD[b & 31];
  return out;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** `XXXX-XXXX-XXXX` as shown to the admin. */
export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** What a person typed on the tablet (see readCrockford: case, dashes, Lao digits). */
export function parsePairingCode(input: string): string | null {
  return readCrockford(input, PAIRING_CODE_LENGTH);
}

export class KioskDevices {
  constructor(
    private readonly Device: KioskDeviceModel,
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly pairingTtlS: number,
  ) {}

  private pairingKey(code: string): string {
    return `${this.prefix}:kiosk:pairing:${sha256(code)}`;
  }

  /** The pairing keys issued for a device and not yet used (so that a revocation can cancel them). */
  private codesKey(deviceId: string): string {
    return `${this.prefix}:kiosk:codes:${deviceId}`;
  }

  /** Creates a device for a center and returns it with a fresh one-time pairing code. */
  async create(centerCode: string, label?: string): Promise<{ deviceId: string; code: string }> {
    const deviceId = `kd_${randomCrockford(10)}`;
    await this.Device.create({ _id: deviceId, centerCode, ...(label ? { label } : {}) });
    return { deviceId, code: await this.issueCode(deviceId) };
  }

  /** A new one-time code for an existing device (a replaced or reset tablet). */
  async issueCode(deviceId: string): Promise<string> {
    const code = randomCrockford(PAIRING_CODE_LENGTH);
    const key = this.pairingKey(code);
    // The value carries the moment of issue: a code older than the device's revocation is void.
    await this.redis
      .multi()
      .set(key, `${deviceId}|${Date.now()}`, 'EX', this.pairingTtlS)
      .sadd(this.codesKey(deviceId), key)
      .expire(this.codesKey(deviceId), this.pairingTtlS)
      .exec();
    return code;
  }

  /**
   * Exchanges a pairing code for a device token. The code is gone afterwards; the device's
   * previous token (if any) stops working.
   */
  async pair(input: string): Promise<{ device: KioskDeviceDoc; token: string } | null> {
    const code = parsePairingCode(input);
    if (!code) return null;
    const key = this.pairingKey(code);
    const ttl = await this.redis.ttl(key);
    const value = await this.redis.getdel(key);
    if (!value) return null;
    const [deviceId = '', issued = '0'] = value.split('|');
    await this.redis.srem(this.codesKey(deviceId), key).catch(() => 0);
    const secret = randomBytes(32).toString('base64url');
    let device: KioskDeviceDoc | null;
    try {
      const cur = await this.Device.findById(deviceId, { revokedAt: 1 }).lean<KioskDeviceDoc>();
      // A leftover code from before a revocation cannot bring the device back.
      if (!cur || (cur.revokedAt && cur.revokedAt.getTime() > Number(issued))) return null;
      device = await this.Device.findOneAndUpdate(
        { _id: deviceId },
        { $set: { tokenHash: sha256(secret), pairedAt: new Date() }, $unset: { revokedAt: 1 } },
        { returnDocument: 'after' },
      ).lean<KioskDeviceDoc>();
    } catch (err) {
      // The database did not take it: the code stays usable for another try.
      await this.redis.set(key, value, 'EX', ttl > 0 ? ttl : this.pairingTtlS).catch(() => {});
      throw err;
    }
    if (!device) return null;
    return { device, token: `${deviceId}.${secret}` };
  }

  /** The device a bearer token belongs to, or null (unknown, malformed, revoked or replaced). */
  async authenticate(token: string | undefined): Promise<KioskDeviceDoc | null> {
    const m = /^(kd_[0-9A-Z]{10})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
    if (!m) return null;
    const device = await this.Device.findById(m[1]).lean<KioskDeviceDoc>();
    if (!device?.tokenHash || device.revokedAt) return null;
    const a = Buffer.from(sha256(m[2]!), 'hex');
    const b = Buffer.from(device.tokenHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? device : null;
  }

  /**
   * Revokes a device: its token gets 401 from now on and its unused pairing codes are cancelled;
   * only a code issued after this can pair it again.
   */
  async revoke(deviceId: string): Promise<boolean> {
    const r = await this.Device.updateOne(
      { _id: deviceId },
      { $set: { revokedAt: new Date() }, $unset: { tokenHash: 1 } },
    );
    const keys = await this.redis.smembers(this.codesKey(deviceId));
    if (keys.length) await this.redis.del(...keys, this.codesKey(deviceId));
    return r.matchedCount === 1;
  }
}
