/**
 * AES-GCM as issue 13 asks: a 16-byte tag, the purpose of a value in its associated data, and
 * values sealed before (v1, v2) still readable. Provider error texts masked before they are kept.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { deriveKey, keyId, PiiVault } from '../../shared/pii';
import { maskNumbersIn } from '../../shared/phone';

const master = Buffer.alloc(32, 7);
const vault = new PiiVault(master);

test('a value is sealed as v3 with its purpose and a 16-byte tag, and opens for that purpose only', () => {
  const sealed = vault.encrypt('+8562055551234', 'phone');
  const [v, kid, purpose, iv, tag, ct] = sealed.split('.');
  expect([v, kid, purpose]).toEqual(['v3', keyId(master), 'phone']);
  expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
  expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
  expect(ct).toBeTruthy();
  expect(vault.decrypt(sealed)).toBe('+8562055551234');
  expect(vault.decrypt(sealed, 'phone')).toBe('+8562055551234');
  expect(() => vault.decrypt(sealed, 'telegram')).toThrow(/sealed as phone, read as telegram/);
  expect(PiiVault.purposeOf(sealed)).toBe('phone');
  expect(vault.isCurrent(sealed)).toBe(true);
});

test('relabelling the purpose breaks the tag: the purpose is authenticated, not just a label', () => {
  const sealed = vault.encrypt('123456789', 'telegram');
  const relabelled = sealed.replace('.telegram.', '.phone.');
  expect(() => vault.decrypt(relabelled)).toThrow();
  expect(() => vault.decrypt(relabelled, 'phone')).toThrow();
  // A shortened tag is refused, whatever GCM would accept.
  const parts = sealed.split('.');
  parts[4] = Buffer.from(parts[4]!, 'base64url').subarray(0, 12).toString('base64url');
  expect(() => vault.decrypt(parts.join('.'))).toThrow(/tag length/);
});

test('values sealed before purposes (v2 and v1) still open, for any purpose, and are re-sealed by pii:rotate', () => {
  const key = deriveKey(master, 'pii-encryption');
  const kid = keyId(master);
  const iv = randomBytes(12);
  const c2 = createCipheriv('aes-256-gcm', key, iv);
  c2.setAAD(Buffer.from(`v2.${kid}`));
  const ct2 = Buffer.concat([c2.update('+8562055550001', 'utf8'), c2.final()]);
  const v2 = ['v2', kid, iv, c2.getAuthTag(), ct2]
    .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
    .join('.');
  expect(vault.decrypt(v2)).toBe('+8562055550001');
  expect(vault.decrypt(v2, 'phone')).toBe('+8562055550001');
  expect(PiiVault.keyIdOf(v2)).toBe(kid);
  expect(PiiVault.purposeOf(v2)).toBeNull();
  expect(vault.isCurrent(v2)).toBe(false); // pii:rotate moves it to v3

  const c1 = createCipheriv('aes-256-gcm', key, iv);
  const ct1 = Buffer.concat([c1.update('+8562055550002', 'utf8'), c1.final()]);
  const v1 = ['v1', iv, c1.getAuthTag(), ct1].map((x) => x.toString('base64url')).join('.');
  expect(vault.decrypt(v1, 'telegram')).toBe('+8562055550002');
});

test('numbers in provider error texts are masked to their last two digits; codes stay', () => {
  const twilio =
    "twilio: 400 error 21211 The 'To' number +8562055551234 is not a valid phone number.";
  const masked = maskNumbersIn(twilio);
  expect(masked).toBe("twilio: 400 error 21211 The 'To' number •••34 is not a valid phone number.");
  expect(maskNumbersIn('to 020 5555 1234 and (856) 20-5555-9876')).toBe('to •••34 and •••76');
  expect(maskNumbersIn('Telegram 403: Forbidden: bot was blocked by the user')).toBe(
    'Telegram 403: Forbidden: bot was blocked by the user',
  );
});
