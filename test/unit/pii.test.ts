import { maskDigits } from '../../shared/logger';
import { PiiVault } from '../../shared/pii';

const vault = new PiiVault(Buffer.alloc(32, 1));

test('sealed values open with the same key, are different each time, and hide the number', () => {
  const a = vault.encrypt('+8562055551234');
  const b = vault.encrypt('+8562055551234');
  expect(a).not.toBe(b);
  expect(a).not.toContain('55551234');
  expect(vault.decrypt(a)).toBe('+8562055551234');
});

test('a tampered value or another key does not open', () => {
  const sealed = vault.encrypt('+8562055551234');
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
