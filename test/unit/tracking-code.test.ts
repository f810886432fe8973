import { formatTrackingCode, parseTrackingCode, TrackingCodes } from '../../shared/tracking-code';

const codes = new TrackingCodes(Buffer.alloc(32, 7));

test('the same (channel, externalId) always gives the same code; anything else gives another', () => {
  const a = codes.derive('sms', 'SM0123456789abcdef0123456789abcdef');
  expect(codes.derive('sms', 'SM0123456789abcdef0123456789abcdef')).toBe(a);
  expect(codes.derive('telegram', 'SM0123456789abcdef0123456789abcdef')).not.toBe(a);
  expect(codes.derive('sms', 'SM0123456789abcdef0123456789abcdef0')).not.toBe(a);
  // A different key gives a different code: codes cannot be computed from public message ids.
  expect(
    new TrackingCodes(Buffer.alloc(32, 8)).derive('sms', 'SM0123456789abcdef0123456789abcdef'),
  ).not.toBe(a);
});

test('codes are 10 unambiguous characters (no I, L, O, U)', () => {
  for (let i = 0; i < 2000; i++) {
    expect(codes.derive('web', `id-${i}`)).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
  }
});

test('2,000 distinct deliveries get 2,000 distinct codes', () => {
  const seen = new Set(Array.from({ length: 2000 }, (_, i) => codes.derive('kiosk', `uuid-${i}`)));
  expect(seen.size).toBe(2000);
});

test('parsing forgives case, spaces, dashes, look-alikes and Lao digits', () => {
  const c = codes.derive('web', 'x');
  expect(parseTrackingCode(formatTrackingCode(c))).toBe(c);
  expect(parseTrackingCode(` ${c.slice(0, 5).toLowerCase()} ${c.slice(5)} `)).toBe(c);
  expect(parseTrackingCode('K7M2Q-9XDR4')).toBe('K7M2Q9XDR4');
  expect(parseTrackingCode('k7m2q-9xdr4')).toBe('K7M2Q9XDR4');
  expect(parseTrackingCode('AB0DE-F1H1K')).toBe(parseTrackingCode('ABODE-FIHLK'));
  expect(parseTrackingCode('ABCDE-໑໒໓໔໕')).toBe('ABCDE12345');
  expect(parseTrackingCode('ABCDE')).toBeNull();
  expect(parseTrackingCode('ABCDE-FGHJU')).toBeNull(); // U is not in the alphabet
  expect(parseTrackingCode('ABCDE-FGHJ!')).toBeNull();
});
