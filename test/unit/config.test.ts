import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../shared/config';
import { checkPublicBaseUrl, isLocalHost } from '../../shared/public-base-url';

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'odsc-cfg-'));

test('defaults are the embedded servers', () => {
  const c = loadConfig({ DATA_DIR: dataDir() });
  expect(c.mongoEmbedded).toBe(true);
  expect(c.redisEmbedded).toBe(true);
  expect(c.mongoUrl).toBe('mongodb://127.0.0.1:27017/odsc');
  expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
  expect(c.port).toBe(3000);
  expect(c.publicBaseUrl).toBe('http://localhost:3000');
});

test('each bad variable is named in the error', () => {
  const run = () =>
    loadConfig({
      PORT: 'eighty',
      MONGO_URL: 'postgres://x',
      REDIS_URL: 'http://r',
      PII_KEY: 'short',
      DATA_DIR: dataDir(),
    });
  expect(run).toThrow(ConfigError);
  try {
    run();
  } catch (e) {
    const msg = (e as Error).message;
    for (const v of ['PORT', 'MONGO_URL', 'REDIS_URL', 'PII_KEY']) expect(msg).toContain(v);
  }
});

test('production requires PII_KEY; development generates one and keeps it', () => {
  expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
    /PII_KEY: required in production/,
  );
  const dir = dataDir();
  const a = loadConfig({ DATA_DIR: dir }).piiKey.currentKey;
  const b = loadConfig({ DATA_DIR: dir }).piiKey.currentKey;
  expect(a.equals(b)).toBe(true);
  expect(JSON.parse(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')).PII_KEY).toBe(
    a.toString('hex'),
  );
});

test('the unsigned-SMS bypass is refused in production', () => {
  expect(() =>
    loadConfig({
      NODE_ENV: 'production',
      PII_KEY: 'ab'.repeat(32),
      SMS_SIGNATURE_BYPASS: 'true',
      DATA_DIR: dataDir(),
    }),
  ).toThrow(/SMS_SIGNATURE_BYPASS/);
  expect(
    loadConfig({ SMS_SIGNATURE_BYPASS: 'true', DATA_DIR: dataDir() }).sms.signatureBypass,
  ).toBe(true);
});

test("Telegram: the webhook secret follows Telegram's rule, and production needs one with a token", () => {
  expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'short', DATA_DIR: dataDir() })).toThrow(
    /TELEGRAM_WEBHOOK_SECRET/,
  );
  expect(() =>
    loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces in it, not allowed', DATA_DIR: dataDir() }),
  ).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  const c = loadConfig({
    TELEGRAM_API_ROOT: 'http://127.0.0.1:9999/',
    TELEGRAM_SESSION_TTL_H: '2',
    DATA_DIR: dataDir(),
  });
  expect(c.telegram).toMatchObject({ apiRoot: 'http://127.0.0.1:9999', sessionTtlS: 7200 });
});

test('keys are accepted as hex or base64', () => {
  const hex = 'ab'.repeat(32);
  expect(loadConfig({ PII_KEY: hex, DATA_DIR: dataDir() }).piiKey.currentKey.toString('hex')).toBe(
    hex,
  );
  const b64 = Buffer.alloc(32, 9).toString('base64');
  expect(
    loadConfig({ PII_KEY: b64, DATA_DIR: dataDir() }).piiKey.currentKey.equals(Buffer.alloc(32, 9)),
  ).toBe(true);
});

test('the api process stops at start-up with a message naming the bad variable', () => {
  const r = spawnSync(
    process.execPath,
    [path.resolve(__dirname, '../../dist/services/api/main.js')],
    {
      env: { PATH: process.env.PATH, PORT: 'not-a-port', DATA_DIR: dataDir() },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/PORT/);
});

test('production needs a staff session secret; development keeps a generated one', () => {
  expect(() =>
    loadConfig({ NODE_ENV: 'production', PII_KEY: 'ab'.repeat(32), DATA_DIR: dataDir() }),
  ).toThrow(/STAFF_SESSION_SECRET: required in production/);
  const dir = dataDir();
  const a = loadConfig({ DATA_DIR: dir }).staff.sessionSecret;
  expect(a).toHaveLength(64);
  expect(loadConfig({ DATA_DIR: dir }).staff.sessionSecret).toBe(a);
  const prod = loadConfig({
    NODE_ENV: 'production',
    PII_KEY: 'ab'.repeat(32),
    STAFF_SESSION_SECRET: 'x'.repeat(40),
    DATA_DIR: dataDir(),
  });
  expect(prod.staff).toMatchObject({ sessionSecret: 'x'.repeat(40), secureCookie: true });
});

test('per-service deadlines and extra holidays are read and checked', () => {
  const c = loadConfig({
    SLA_DAYS_BY_SERVICE: 'land_registration=20, vehicle_registration=5',
    DATA_DIR: dataDir(),
  });
  expect(c.slaDaysByService).toEqual({ land_registration: 20, vehicle_registration: 5 });
  expect(() => loadConfig({ SLA_DAYS_BY_SERVICE: 'land=x', DATA_DIR: dataDir() })).toThrow(
    /SLA_DAYS_BY_SERVICE/,
  );
});

describe('PUBLIC_BASE_URL: the address Twilio signs', () => {
  const prod = (over: Record<string, string> = {}) => ({
    NODE_ENV: 'production',
    PII_KEY: 'ab'.repeat(32),
    STAFF_SESSION_SECRET: 'x'.repeat(40),
    TWILIO_AUTH_TOKEN: 'test-auth-token',
    DATA_DIR: dataDir(),
    ...over,
  });

  test('a trailing slash is dropped: the adapter appends a path that starts with one', () => {
    const c = loadConfig({ PUBLIC_BASE_URL: 'https://feedback.example.la/', DATA_DIR: dataDir() });
    expect(c.publicBaseUrl).toBe('https://feedback.example.la');
  });

  test.each([
    ['https://feedback.example.la/?src=sms', /PUBLIC_BASE_URL: must not have a query string/],
    ['https://feedback.example.la#top', /PUBLIC_BASE_URL: must not have a #fragment/],
    ['https://user:secret@feedback.example.la', /PUBLIC_BASE_URL: must not contain a user name/],
    ['ftp://feedback.example.la', /PUBLIC_BASE_URL: must start with https:\/\//],
    ['localhost:3000', /PUBLIC_BASE_URL: must start with https:\/\//],
    ['feedback.example.la', /PUBLIC_BASE_URL/],
  ])('%s can never validate a signature: refused in every environment', (value, message) => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: value, DATA_DIR: dataDir() })).toThrow(message);
  });

  test('in production with Twilio it must be set, https and not localhost', () => {
    expect(() => loadConfig(prod())).toThrow(/PUBLIC_BASE_URL: required in production/);
    expect(() => loadConfig(prod({ PUBLIC_BASE_URL: 'http://feedback.example.la' }))).toThrow(
      /PUBLIC_BASE_URL: must be https in production/,
    );
    expect(() => loadConfig(prod({ PUBLIC_BASE_URL: 'https://localhost:8443' }))).toThrow(
      /PUBLIC_BASE_URL: must be the public address in production, not localhost/,
    );
    expect(() => loadConfig(prod({ PUBLIC_BASE_URL: 'https://127.0.0.1' }))).toThrow(
      /not 127\.0\.0\.1/,
    );
    expect(loadConfig(prod({ PUBLIC_BASE_URL: 'https://feedback.example.la' })).publicBaseUrl).toBe(
      'https://feedback.example.la',
    );
  });

  test('the Telegram webhook needs https in production too', () => {
    expect(() =>
      loadConfig(
        prod({
          TWILIO_AUTH_TOKEN: '',
          TELEGRAM_WEBHOOK_SECRET: 's'.repeat(20),
          PUBLIC_BASE_URL: 'http://feedback.example.la',
        }),
      ),
    ).toThrow(/PUBLIC_BASE_URL: must be https in production: Telegram must call it/);
  });

  test('production without a provider calling in starts, with a warning (docker compose on a laptop)', () => {
    const c = loadConfig(prod({ TWILIO_AUTH_TOKEN: '' }));
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    const check = checkPublicBaseUrl(c.publicBaseUrl, {
      production: true,
      port: 3000,
      twilio: false,
      telegramWebhook: false,
    });
    expect(check.problems).toEqual([]);
    expect(check.warnings.join()).toMatch(/in production: set the public https address/);
  });

  test('doubtful values are warnings: a path, or Twilio pointed at this machine outside production', () => {
    const ctx = { production: false, port: 3000, twilio: true, telegramWebhook: false };
    const withPath = checkPublicBaseUrl('https://gov.example.la/odsc/', ctx);
    expect(withPath).toMatchObject({ url: 'https://gov.example.la/odsc', problems: [] });
    expect(withPath.warnings.join()).toMatch(/has a path \(\/odsc\)/);
    expect(checkPublicBaseUrl('http://localhost:3000', ctx).warnings.join()).toMatch(
      /Twilio cannot call this machine's local address/,
    );
    expect(checkPublicBaseUrl('https://feedback.example.la', ctx)).toEqual({
      url: 'https://feedback.example.la',
      problems: [],
      warnings: [],
    });
    expect(isLocalHost('[::1]')).toBe(true);
    expect(isLocalHost('feedback.example.la')).toBe(false);
  });

  test('the api process refuses to start on a value that can never validate', () => {
    const r = spawnSync(
      process.execPath,
      [path.resolve(__dirname, '../../dist/services/api/main.js')],
      {
        env: {
          PATH: process.env.PATH,
          PUBLIC_BASE_URL: 'https://feedback.example.la/?x=1',
          DATA_DIR: dataDir(),
        },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PUBLIC_BASE_URL: must not have a query string/);
  });
});

test('shutdown: no readiness grace outside production, 5 s in production, and the limit must exceed it', () => {
  expect(loadConfig({ DATA_DIR: dataDir() }).shutdown).toEqual({
    readyGraceMs: 0,
    timeoutMs: 25_000,
  });
  const prod = {
    NODE_ENV: 'production',
    PII_KEY: 'ab'.repeat(32),
    STAFF_SESSION_SECRET: 'x'.repeat(40),
    DATA_DIR: dataDir(),
  };
  expect(loadConfig(prod).shutdown).toEqual({ readyGraceMs: 5000, timeoutMs: 25_000 });
  expect(
    loadConfig({ ...prod, SHUTDOWN_READY_GRACE_MS: '0', SHUTDOWN_TIMEOUT_MS: '9000' }).shutdown,
  ).toEqual({ readyGraceMs: 0, timeoutMs: 9000 });
  expect(() =>
    loadConfig({ ...prod, SHUTDOWN_READY_GRACE_MS: '10000', SHUTDOWN_TIMEOUT_MS: '8000' }),
  ).toThrow(/SHUTDOWN_TIMEOUT_MS: must be larger than SHUTDOWN_READY_GRACE_MS/);
  expect(() => loadConfig({ SHUTDOWN_READY_GRACE_MS: '-1', DATA_DIR: dataDir() })).toThrow(
    /SHUTDOWN_READY_GRACE_MS/,
  );
});
