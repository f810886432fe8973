/**
 * Production refuses the development escape hatches (shared/config.ts): signature bypass, provider
 * API roots other than the real ones, and a hop-count TRUST_PROXY; each named in the error.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../shared/config';

const production = (extra: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-prod-')),
    PII_KEY: 'b'.repeat(64),
    STAFF_SESSION_SECRET: 's'.repeat(40),
    PUBLIC_BASE_URL: 'https://feedback.example.la',
    ...extra,
  });

const refusal = (extra: Record<string, string>): string => {
  try {
    production(extra);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('production started with ' + JSON.stringify(extra));
};

test('a clean production environment starts, with the real provider roots and the proxy trusted by address', () => {
  const c = production({ TRUST_PROXY: '172.28.0.2' });
  expect(c.telegram.apiRoot).toBe('https://api.telegram.org');
  expect(c.twilio.apiBase).toBeUndefined();
  expect(c.sms.signatureBypass).toBe(false);
  expect(c.trustProxy).toBe('172.28.0.2');
  expect(c.metrics).toEqual({
    host: '127.0.0.1',
    apiPort: 9464,
    workerPort: 9465,
    botPort: 9466,
    token: undefined,
  });
  // The real root written with a trailing slash is still the real root.
  expect(production({ TELEGRAM_API_ROOT: 'https://api.telegram.org/' }).telegram.apiRoot).toBe(
    'https://api.telegram.org',
  );
});

test('each escape hatch stops production with a message naming it', () => {
  expect(refusal({ SMS_SIGNATURE_BYPASS: 'true' })).toMatch(
    /SMS_SIGNATURE_BYPASS: must not be true/,
  );
  expect(refusal({ TWILIO_API_BASE: 'http://127.0.0.1:4010' })).toMatch(
    /TWILIO_API_BASE: must be unset in production/,
  );
  expect(refusal({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' })).toMatch(
    /TELEGRAM_API_ROOT: must be unset or https:\/\/api\.telegram\.org in production/,
  );
  expect(refusal({ TRUST_PROXY: '1' })).toMatch(/TRUST_PROXY: name the proxy by address/);
  expect(refusal({ TRUST_PROXY: 'true' })).toMatch(/TRUST_PROXY/);
  // All at once, so one restart fixes them all.
  const all = refusal({
    SMS_SIGNATURE_BYPASS: 'true',
    TWILIO_API_BASE: 'http://fake',
    TELEGRAM_API_ROOT: 'http://fake',
  });
  for (const v of ['SMS_SIGNATURE_BYPASS', 'TWILIO_API_BASE', 'TELEGRAM_API_ROOT'])
    expect(all).toContain(v);
});

test('outside production the same settings are allowed (tests and local fakes use them)', () => {
  const c = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-dev-')),
    SMS_SIGNATURE_BYPASS: 'true',
    TWILIO_API_BASE: 'http://127.0.0.1:4010',
    TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
    TRUST_PROXY: '1',
  });
  expect(c.sms.signatureBypass).toBe(true);
  expect(c.telegram.apiRoot).toBe('http://127.0.0.1:8081');
  expect(c.trustProxy).toBe(1);
});

test('a malformed TRUST_PROXY or a short METRICS_TOKEN is refused by name', () => {
  expect(() => production({ TRUST_PROXY: 'a b;c' })).toThrow(/TRUST_PROXY/);
  expect(() => production({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
});
