/**
 * The one place that reads process.env. Every variable is validated once at start-up; a bad
 * value stops the process with a message that names the variable (see .env.example).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const intWithDefault = (def: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));

/** Embedded defaults: what `npm start` runs when MONGO_URL / REDIS_URL are unset. */
export const EMBEDDED_MONGO_PORT = 27017;
export const EMBEDDED_REDIS_URL = 'redis://127.0.0.1:6379';

const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'test', 'production']).default('development'),
  ),
  PORT: intWithDefault(3000, 0, 65535),
  PUBLIC_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  MONGO_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('data')),
  PII_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => decodeKey(v) !== null, 'must be 32 bytes as 64 hex characters or base64')
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ),
  QUEUE_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('odsc'),
  ),
  INTAKE_CONCURRENCY: intWithDefault(256, 1, 2000),
  INTAKE_ATTEMPTS: intWithDefault(10, 1, 100),
  INTAKE_BACKOFF_MS: intWithDefault(2000, 10, 3_600_000),
  WORKER_LOCK_MS: intWithDefault(30_000, 1000, 600_000),
  COMPLAINT_SLA_DAYS: intWithDefault(15, 1, 365),
  MAX_BODY_KB: intWithDefault(64, 1, 10_240),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM: optionalString,
  TWILIO_API_BASE: z.preprocess(emptyToUndefined, z.url().optional()),
  SMS_SIGNATURE_BYPASS: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  SMS_SPAM_PER_HOUR: intWithDefault(20, 1, 10_000),
  NOTIFY_BACKOFF_MS: intWithDefault(5000, 10, 3_600_000),
  SMS_THREAD_WINDOW_MIN: intWithDefault(15, 0, 24 * 60),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{16,256}$/,
        "16–256 characters: letters, digits, _ and - (Telegram's rule)",
      )
      .optional(),
  ),
  TELEGRAM_SESSION_TTL_H: intWithDefault(24, 1, 24 * 30),
  TELEGRAM_THREAD_WINDOW_MIN: intWithDefault(5, 0, 24 * 60),
  KIOSK_MIN_GAP_MS: intWithDefault(4000, 0, 60_000),
  KIOSK_THANKS_MS: intWithDefault(5000, 200, 60_000),
  KIOSK_HEARTBEAT_S: intWithDefault(60, 1, 3600),
  KIOSK_PAIRING_TTL_H: intWithDefault(72, 1, 24 * 30),
  TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url().default('https://api.telegram.org')),
});

/** Validated configuration shared by every process. */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  publicBaseUrl: string;
  mongoUrl: string;
  mongoEmbedded: boolean;
  redisUrl: string;
  redisEmbedded: boolean;
  dataDir: string;
  piiKey: Buffer;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  queuePrefix: string;
  intake: { concurrency: number; attempts: number; backoffMs: number; lockMs: number };
  complaintSlaDays: number;
  maxBodyBytes: number;
  twilio: { accountSid?: string; authToken?: string; from?: string; apiBase?: string };
  sms: { signatureBypass: boolean; spamPerHour: number; threadWindowS: number };
  notify: { backoffMs: number };
  telegram: {
    botToken?: string;
    webhookSecret?: string;
    apiRoot: string;
    sessionTtlS: number;
    threadWindowS: number;
  };
  kiosk: { minGapMs: number; thanksMs: number; heartbeatS: number; pairingTtlS: number };
}

/** Thrown when the environment is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Accepts a 32-byte key written as 64 hex characters or as base64 / base64url. */
export function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  return null;
}

/**
 * Outside production a missing PII_KEY is generated once and kept in DATA_DIR, so that a
 * second start can still read what the first one encrypted. Production must set it.
 */
function devPiiKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { PII_KEY?: string };
    const key = saved.PII_KEY ? decodeKey(saved.PII_KEY) : null;
    if (key) return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, JSON.stringify({ PII_KEY: key.toString('hex') }, null, 2), { mode: 0o600 });
  return key;
}

/** Reads and validates the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}\nSee .env.example.`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.PII_KEY) {
    throw new ConfigError(
      'Invalid environment:\n  PII_KEY: required in production (32 random bytes, hex or base64)\nSee .env.example.',
    );
  }
  if (e.NODE_ENV === 'production' && e.SMS_SIGNATURE_BYPASS === 'true') {
    throw new ConfigError(
      'Invalid environment:\n  SMS_SIGNATURE_BYPASS: must not be true in production (every Twilio request must be signed)\nSee .env.example.',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const piiKey = e.PII_KEY ? (decodeKey(e.PII_KEY) as Buffer) : devPiiKey(dataDir);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    mongoUrl: e.MONGO_URL ?? `mongodb://127.0.0.1:${EMBEDDED_MONGO_PORT}/odsc`,
    mongoEmbedded: !e.MONGO_URL,
    redisUrl: e.REDIS_URL ?? EMBEDDED_REDIS_URL,
    redisEmbedded: !e.REDIS_URL,
    dataDir,
    piiKey,
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    intake: {
      concurrency: e.INTAKE_CONCURRENCY,
      attempts: e.INTAKE_ATTEMPTS,
      backoffMs: e.INTAKE_BACKOFF_MS,
      lockMs: e.WORKER_LOCK_MS,
    },
    complaintSlaDays: e.COMPLAINT_SLA_DAYS,
    maxBodyBytes: e.MAX_BODY_KB * 1024,
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      from: e.TWILIO_FROM,
      apiBase: e.TWILIO_API_BASE,
    },
    sms: {
      signatureBypass: e.SMS_SIGNATURE_BYPASS === 'true',
      spamPerHour: e.SMS_SPAM_PER_HOUR,
      threadWindowS: e.SMS_THREAD_WINDOW_MIN * 60,
    },
    notify: { backoffMs: e.NOTIFY_BACKOFF_MS },
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      sessionTtlS: e.TELEGRAM_SESSION_TTL_H * 3600,
      threadWindowS: e.TELEGRAM_THREAD_WINDOW_MIN * 60,
    },
    kiosk: {
      minGapMs: e.KIOSK_MIN_GAP_MS,
      thanksMs: e.KIOSK_THANKS_MS,
      heartbeatS: e.KIOSK_HEARTBEAT_S,
      pairingTtlS: e.KIOSK_PAIRING_TTL_H * 3600,
    },
  };
}
