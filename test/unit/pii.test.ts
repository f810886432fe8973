import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config';
import { maskDigits } from '../../shared/logger';
import { keyId, PiiKeyring, PiiVault } from '../../shared/pii';
import { TrackingCodes } from '../../shared/tracking-code';

const vault = new PiiVault(Buffer.alloc(32, 1));

test('sealed values open with the same key, are different each time, and hide the number', () => {
  const a = vault.encrypt('+8562055551234', 'phone');
  const b = vault.encrypt('+8562055551234', 'phone');
  expect(a).not.toBe(b);
  expect(a).not.toContain('55551234');
  expect(vault.decrypt(a)).toBe('+8562055551234');
});

test('a tampered value or another key does not open', () => {
  const sealed = vault.encrypt('+8562055551234', 'phone');
  const parts = sealed.split('.');
  parts[3] = Buffer.from('tampered').toString('base64url');
  expect(() => vault.decrypt(parts.join('.'))).toThrow();
  expect(() => new PiiVault(Buffer.alloc(32, 2)).decrypt(sealed)).toThrow();
  expect(() => vault.decrypt('not sealed')).toThrow(/format/);
});

test('the look-up hash is stable for a key and differs across keys', () => {
  expect(vault.hash('phone:+8562055551234')).toBe(vault.hash('phone:+8562055551234'));
  expect(vault.hash('phone:+8562055551234')).not.toBe(
    new PiiVault(Buffer.alloc(32, 2)).hash('phone:+8562055551234'),
  );
});

test('the logger masks anything that looks like a phone number', () => {
  expect(maskDigits('sms from +856 20 5555 1234 failed')).toBe('sms from [redacted…34] failed');
  expect(maskDigits('job 42 took 1500 ms')).toBe('job 42 took 1500 ms');
  expect(maskDigits('failed: 02055551234')).toBe('failed: [redacted…34]');
  // Hex ids with digit runs are not phone numbers.
  expect(maskDigits('web-82bceaf8a47e8c5f3d5bcf12345678b7c2ff471')).toBe(
    'web-82bceaf8a47e8c5f3d5bcf12345678b7c2ff471',
  );
});

// Keys of a rotation: A was PII_KEY, B replaces it.
const A = Buffer.from('a'.repeat(64), 'hex');
const B = Buffer.alloc(32, 0xb);
const before = new PiiVault(A);
const after = new PiiVault(new PiiKeyring({ current: B, old: [A], hashKey: A }));

/** What the first release stored (`v1`, no key id), sealed with A: kept from that code's output. */
const V1_FROM_A = 'v1.e0d9vJ1tUbV7enFi.TAl15zDJyCEWhi3XpzV4NQ.aqFSpleiXMfRMmvqc5I';

test('values of the first release still open, and its hashes and codes do not change', () => {
  expect(before.decrypt(V1_FROM_A)).toBe('+8562055551234');
  expect(after.decrypt(V1_FROM_A)).toBe('+8562055551234');
  // Computed by the code before key rotation existed: stored ids must stay the same.
  const hash = '6978603b19f583bad16941407cf7d65e29c08b4032ec69e4a8cf96a91058f786';
  expect(before.hash('phone:+8562055551234')).toBe(hash);
  expect(after.hash('phone:+8562055551234')).toBe(hash);
  const sid = 'SM0123456789abcdef0123456789abcdef';
  expect(new TrackingCodes(A).derive('sms', sid)).toBe('VQ69PNBK4E');
  expect(new TrackingCodes(after.keys).derive('sms', sid)).toBe('VQ69PNBK4E');
});

test('new values name the current key; values of an old key open after the rotation', () => {
  const sealedWithA = before.encrypt('+8562055551234', 'phone');
  expect(sealedWithA.split('.').slice(0, 2)).toEqual(['v3', keyId(A)]);
  expect(after.decrypt(sealedWithA)).toBe('+8562055551234');
  expect(after.isCurrent(sealedWithA)).toBe(false);
  const sealedWithB = after.encrypt('+8562055551234', 'phone');
  expect(PiiVault.keyIdOf(sealedWithB)).toBe(keyId(B));
  expect(after.isCurrent(sealedWithB)).toBe(true);
  expect(keyId(B)).toMatch(/^[0-9a-f]{8}$/);
  expect(keyId(B)).not.toBe(keyId(A));
  // A process still on the old key cannot open it: roll the new key out as an old key first.
  expect(() => before.decrypt(sealedWithB)).toThrow(new RegExp(keyId(B)));
  // Once every value is re-sealed, B alone opens them (the hash key stays A).
  const onlyB = new PiiVault(new PiiKeyring({ current: B, hashKey: A }));
  expect(onlyB.decrypt(sealedWithB)).toBe('+8562055551234');
  expect(() => onlyB.decrypt(sealedWithA)).toThrow(/neither PII_KEY .* nor in PII_KEYS_OLD/);
  expect(() => onlyB.decrypt(V1_FROM_A)).toThrow(/v1/);
});

test('a changed key id, version or tag fails the check', () => {
  const sealed = after.encrypt('+8562055551234', 'phone');
  const parts = sealed.split('.');
  // The other key of the keyring: wrong key and wrong authenticated data.
  expect(() => after.decrypt([parts[0], keyId(A), ...parts.slice(2)].join('.'))).toThrow();
  expect(() => after.decrypt([parts[0], 'deadbeef', ...parts.slice(2)].join('.'))).toThrow(
    /deadbeef/,
  );
  // Relabelled as a v1 value (no authenticated data): no key opens it.
  expect(() => after.decrypt(['v1', ...parts.slice(2)].join('.'))).toThrow();
  // A shortened tag is refused, not checked on fewer bytes.
  const short = Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url');
  expect(() => after.decrypt([...parts.slice(0, 3), short, parts[4]].join('.'))).toThrow(/format/);
});

test('the hash key is never guessed once there are old keys', () => {
  expect(() => new PiiKeyring({ current: B, old: [A] })).toThrow(/PII_HASH_KEY/);
  const ring = new PiiKeyring({ current: B, old: [A, A, B], hashKey: A });
  expect(ring.oldIds).toEqual([keyId(A)]);
});

describe('configuration', () => {
  const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'odsc-pii-'));
  const hexA = A.toString('hex');
  const hexB = B.toString('hex');

  test('PII_KEYS_OLD needs PII_HASH_KEY, and bad keys are named', () => {
    expect(() => loadConfig({ PII_KEY: hexB, PII_KEYS_OLD: hexA, DATA_DIR: dataDir() })).toThrow(
      /PII_HASH_KEY: required when PII_KEYS_OLD is set/,
    );
    expect(() =>
      loadConfig({
        PII_KEY: hexB,
        PII_KEYS_OLD: `${hexA},short`,
        PII_HASH_KEY: hexA,
        DATA_DIR: dataDir(),
      }),
    ).toThrow(/PII_KEYS_OLD: comma-separated keys/);
    expect(() => loadConfig({ PII_KEY: hexB, PII_HASH_KEY: 'nope', DATA_DIR: dataDir() })).toThrow(
      /PII_HASH_KEY: must be 32 bytes/,
    );
  });

  test('a rotated configuration opens old values and keeps hashes and codes', () => {
    const ring = loadConfig({
      PII_KEY: hexB,
      PII_KEYS_OLD: ` ${Buffer.alloc(32, 0xc).toString('base64')} , ${hexA}`,
      PII_HASH_KEY: hexA,
      DATA_DIR: dataDir(),
    }).piiKey;
    expect(ring.currentId).toBe(keyId(B));
    expect(ring.oldIds).toEqual([keyId(Buffer.alloc(32, 0xc)), keyId(A)]);
    const vault = new PiiVault(ring);
    expect(vault.decrypt(V1_FROM_A)).toBe('+8562055551234');
    expect(vault.hash('x')).toBe(before.hash('x'));
    expect(new TrackingCodes(ring).derive('web', 'w1')).toBe(
      new TrackingCodes(A).derive('web', 'w1'),
    );
  });

  test('the development key in DATA_DIR keeps sealing, hashing and coding as before', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).piiKey;
    const sealed = new PiiVault(first).encrypt('+8562055551234', 'phone');
    const again = loadConfig({ DATA_DIR: dir }).piiKey;
    const key = Buffer.from(
      JSON.parse(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')).PII_KEY,
      'hex',
    );
    expect(again.currentId).toBe(keyId(key));
    expect(new PiiVault(again).decrypt(sealed)).toBe('+8562055551234');
    expect(new PiiVault(again).hash('x')).toBe(new PiiVault(key).hash('x'));
    expect(new TrackingCodes(again).derive('sms', 's')).toBe(
      new TrackingCodes(key).derive('sms', 's'),
    );
  });
});
