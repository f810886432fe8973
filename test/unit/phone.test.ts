import { maskNumbersIn, maskPhone, toE164 } from '../../shared/phone';

test.each([
  ['020 5555 1234', '+8562055551234'],
  ['02055551234', '+8562055551234'],
  ['2055551234', '+8562055551234'],
  ['+856 20 5555 1234', '+8562055551234'],
  ['+856 020 5555 1234', '+8562055551234'],
  ['00856 20 5555 1234', '+8562055551234'],
  ['856-20-5555-1234', '+8562055551234'],
  ['(020) 5555-1234', '+8562055551234'],
  ['໐໒໐ ໕໕໕໕ ໑໒໓໔', '+8562055551234'],
  ['030 512 3456', '+856305123456'],
  ['021 212 345', '+85621212345'],
  ['+66 81 234 5678', '+66812345678'],
])('%s → %s', (input, e164) => {
  expect(toE164(input)).toBe(e164);
});

test.each([
  '',
  '12',
  '020 555',
  'hello',
  '+856 99',
  '020 5555 1234 5678 9',
  '5555 1234',
  '+0 123 456 789',
])('%j is not a phone number', (input) => {
  expect(toE164(input)).toBeNull();
});

test('masking keeps the network code and the last four digits only', () => {
  expect(maskPhone('+8562055551234')).toBe('+856 20 •••• 1234');
  expect(maskPhone('+856305123456')).toBe('+856 30 •••• 3456');
  expect(maskPhone('+66812345678')).toBe('+66 •••• 5678');
});

test.each([
  // Written with a country code of 856 but no plus: not prefixed twice.
  ['856 20 5555 1856', '+8562055551856'],
  // Ends in 856 without starting with it: a local mobile number all the same.
  ['20 5555 1856', '+8562055551856'],
  // Foreign numbers in the 00 international form, and a foreign +20 (Egypt) that is not Lao 20.
  ['0044 20 7946 0958', '+442079460958'],
  ['+20 12 3456 7890', '+201234567890'],
])('%s → %s (prefix rules)', (input, e164) => {
  expect(toE164(input)).toBe(e164);
});

test.each([
  // Anything but digits, separators and a leading + or ( is not a number, wherever it stands.
  'tel 020 5555 1234',
  '020 5555 1234 ext 5',
  '020 5555 1234x',
  // A 20 or 30 inside a run that does not start with it is no Lao mobile prefix.
  '312205555',
  // More than 15 digits is not E.164.
  '+1234567890123456789',
])('%j is not a phone number (shape rules)', (input) => {
  expect(toE164(input)).toBeNull();
});

test('masking a fixed line keeps its two-digit area code', () => {
  expect(maskPhone('+85621212345')).toBe('+856 21 •••• 2345');
});

test("numbers in a provider's error text are masked to their last two digits; short codes stay", () => {
  expect(maskNumbersIn("The 'To' number +8562055551234 is not a valid phone number")).toBe(
    "The 'To' number •••34 is not a valid phone number",
  );
  expect(maskNumbersIn('call (020) 5555-1234 or 030 512 3456')).toBe('call •••34 or •••56');
  expect(maskNumbersIn('Twilio error 21211, HTTP 400, 12345')).toBe(
    'Twilio error 21211, HTTP 400, 12345',
  );
  expect(maskNumbersIn('ref 123456')).toBe('ref •••56');
  expect(maskNumbersIn('no numbers here')).toBe('no numbers here');
});
