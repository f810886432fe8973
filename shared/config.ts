/**
 * The one place that reads process.env. Every variable is validated once at start-up; a bad
 * value stops the process with a message that names the variable (see .env.example).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PiiKeyring } from './pii';
import { checkPublicBaseUrl } from './public-base-url';

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
      .regex(
        /^(rediss?|redis-cluster):\/\//,
        'must start with redis://, rediss:// or redis-cluster:// (host:port,host:port,…)',
      )
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
  PII_KEYS_OLD: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (v) => splitKeys(v).length > 0 && splitKeys(v).every((k) => decodeKey(k) !== null),
        'comma-separated keys, each 32 bytes as 64 hex characters or base64',
      )
      .optional(),
  ),
  PII_HASH_KEY: z.preprocess(
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
  INTAKE_ATTEMPTS: intWithDefault(300, 1, 100_000),
  INTAKE_BACKOFF_MS: intWithDefault(2000, 10, 3_600_000),
  INTAKE_BACKOFF_MAX_MS: intWithDefault(300_000, 10, 24 * 3_600_000),
  DLQ_KEEP_DAYS: intWithDefault(90, 1, 3650),
  DLQ_KEEP_COUNT: intWithDefault(100_000, 100, 10_000_000),
  PII_RETENTION_DAYS: intWithDefault(365, 0, 36500),
  WORKER_LOCK_MS: intWithDefault(30_000, 1000, 600_000),
  COMPLAINT_SLA_DAYS: intWithDefault(15, 1, 365),
  SCOREBOARD_MIN_RESPONSES: intWithDefault(10, 1, 100000),
  ALERTS_EVERY_MIN: intWithDefault(15, 1, 1440),
  /** The Chromium the monthly report's PDF is rendered with (shared/reports/pdf.ts). */
  CHROMIUM_PATH: z.preprocess(emptyToUndefined, z.string().default('/usr/bin/chromium')),
  MAX_BODY_KB: intWithDefault(64, 1, 10_240),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM: optionalString,
  TWILIO_API_BASE: z.preprocess(emptyToUndefined, z.url().optional()),
  SMS_SIGNATURE_BYPASS: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  SMS_SPAM_PER_HOUR: intWithDefault(20, 1, 10_000),
  NOTIFY_BACKOFF_MS: intWithDefault(5000, 10, 3_600_000),
  NOTIFY_ATTEMPTS: intWithDefault(120, 1, 100_000),
  NOTIFY_BACKOFF_MAX_MS: intWithDefault(600_000, 10, 24 * 3_600_000),
  SMS_THREAD_WINDOW_MIN: intWithDefault(15, 0, 24 * 60),
  SMS_FOLLOWUP_WINDOW_MIN: intWithDefault(120, 0, 24 * 60),
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
  KIOSK_PAIRING_TTL_H: intWithDefault(24, 1, 72),
  RATE_WEB_PER_MIN: intWithDefault(30, 1, 10_000_000),
  RATE_WEB_COUNTED_PER_HOUR: intWithDefault(10, 1, 10_000_000),
  RATE_STATUS_PER_MIN: intWithDefault(60, 1, 100_000),
  RATE_PAIR_PER_HOUR: intWithDefault(10, 1, 10_000),
  TELEGRAM_COUNTED_PER_HOUR: intWithDefault(30, 1, 10_000),
  THREAD_MAX_PARTS: intWithDefault(20, 1, 1000),
  THREAD_MAX_CHARS: intWithDefault(10_000, 500, 20_000),
  CATALOG_REFRESH_S: intWithDefault(60, 1, 3600),
  TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url().default('https://api.telegram.org')),
  STAFF_SESSION_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'at least 32 characters of random text').optional(),
  ),
  STAFF_SESSION_IDLE_MIN: intWithDefault(30, 1, 24 * 60),
  LOGIN_MAX_FAILURES: intWithDefault(5, 1, 100),
  LOGIN_MAX_FAILURES_PER_IP: intWithDefault(20, 1, 10_000),
  LOGIN_LOCKOUT_MIN: intWithDefault(15, 1, 24 * 60),
  QUEUE_KEEP_CLOSED_DAYS: intWithDefault(30, 1, 3650),
  ESCALATION_SWEEP_MIN: intWithDefault(15, 1, 24 * 60),
  ESCALATE_MANAGER_AFTER_H: intWithDefault(24, 0, 24 * 365),
  ESCALATE_TASKFORCE_AFTER_H: intWithDefault(72, 0, 24 * 365),
  SLA_DAYS_BY_SERVICE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[a-z0-9_]+=\d{1,3}\s*(,\s*[a-z0-9_]+=\d{1,3}\s*)*$/,
        'service_code=days pairs separated by commas, e.g. land_registration=20,vehicle_registration=5',
      )
      .optional(),
  ),
  PUBLIC_HOLIDAYS: z.preprocess(emptyToUndefined, z.string().optional()),
  SHUTDOWN_READY_GRACE_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(0).max(300_000).optional(),
  ),
  SHUTDOWN_TIMEOUT_MS: intWithDefault(25_000, 1000, 600_000),
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^(\d{1,2}|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/,
        'a hop count (0-99) or comma-separated addresses/CIDRs (or loopback, linklocal, uniquelocal)',
      )
      .default('loopback'),
  ),
  METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  METRICS_PORT: intWithDefault(9464, 0, 65535),
  WORKER_METRICS_PORT: intWithDefault(9465, 0, 65535),
  BOT_METRICS_PORT: intWithDefault(9466, 0, 65535),
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'at least 32 characters of random text').optional(),
  ),
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
  /**
   * PII_KEY with the keys it replaced (PII_KEYS_OLD) and the look-up hash key (PII_HASH_KEY):
   * give it whole to PiiVault and TrackingCodes.
   */
  piiKey: PiiKeyring;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  queuePrefix: string;
  intake: {
    concurrency: number;
    attempts: number;
    backoffMs: number;
    /** The longest pause between two tries (the doubling stops there). */
    backoffMaxMs: number;
    lockMs: number;
  };
  /** How long, and how many, dead-lettered (failed) jobs each queue keeps. */
  dlq: { keepDays: number; keepCount: number };
  /** Personal data (numbers, chat ids, contact fields) is erased this long after receipt; 0 never. */
  piiRetentionDays: number;
  /** Working days a complaint has before it is overdue, by default and per service. */
  complaintSlaDays: number;
  slaDaysByService: Record<string, number>;
  /** Holidays added to the shipped Lao calendar (YYYY-MM-DD, comma-separated). */
  extraHolidays?: string;
  staff: {
    sessionSecret: string;
    sessionIdleS: number;
    secureCookie: boolean;
    maxFailures: number;
    maxFailuresPerIp: number;
    lockoutS: number;
    keepClosedDays: number;
    sweepS: number;
    managerAfterS: number;
    taskforceAfterS: number;
  };
  maxBodyBytes: number;
  twilio: { accountSid?: string; authToken?: string; from?: string; apiBase?: string };
  sms: {
    signatureBypass: boolean;
    spamPerHour: number;
    threadWindowS: number;
    /** How long the answer to "which center?" is awaited (0: the question is not asked). */
    followupWindowS: number;
  };
  notify: { backoffMs: number; attempts: number; backoffMaxMs: number };
  telegram: {
    botToken?: string;
    webhookSecret?: string;
    apiRoot: string;
    sessionTtlS: number;
    threadWindowS: number;
  };
  kiosk: { minGapMs: number; thanksMs: number; heartbeatS: number; pairingTtlS: number };
  /**
   * Abuse controls (shared/abuse/): per-address limits of the public routes, shared through Redis
   * (`web` refuses with 429, `webHeld` holds what is stored beyond it), what one Telegram chat may
   * have counted per hour, and how far one feedback's thread may grow.
   */
  abuse: {
    limits: Record<'web' | 'webHeld' | 'status' | 'pair', { points: number; durationS: number }>;
    telegramCountedPerHour: number;
    threadMaxParts: number;
    threadMaxChars: number;
  };
  /** How long a process serves its copy of the catalog before reading it again (CATALOG_REFRESH_S). */
  catalogRefreshMs: number;
  /** The public scoreboard shows a center's month only from this many responses. */
  reports: {
    scoreboardMinResponses: number;
    /** How often the worker evaluates the alert rules (ALERTS_EVERY_MIN). */
    alertsEveryMin: number;
    /** The Chromium binary that renders report PDFs (CHROMIUM_PATH). */
    chromiumPath: string;
  };
  /**
   * On SIGTERM the api answers /readyz 503 for readyGraceMs while still serving, then stops
   * accepting and lets in-flight requests finish; after timeoutMs (from the signal) it exits 1.
   */
  shutdown: { readyGraceMs: number; timeoutMs: number };
  /** Which hops' X-Forwarded-* headers the api believes (express `trust proxy`). */
  trustProxy: number | string;
  /**
   * The internal listener of each process (`/metrics`, detailed `/readyz`): host, api port and
   * worker port (0: none). With a token, `/metrics` is also served on the public port to
   * `Authorization: Bearer <token>`.
   */
  metrics: { host: string; apiPort: number; workerPort: number; botPort: number; token?: string };
}

/** Thrown when the environment is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function splitKeys(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
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
 * Outside production a missing secret (PII_KEY, STAFF_SESSION_SECRET) is generated once and kept
 * in DATA_DIR, so that a second start can still read what the first one encrypted and keep its
 * sessions. Production must set them.
 */
function devSecret(dataDir: string, name: string, valid: (v: string) => boolean): string {
  const file = path.join(dataDir, 'dev-secrets.json');
  const saved: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  const have = saved[name];
  if (have && valid(have)) return have;
  mkdirSync(dataDir, { recursive: true });
  saved[name] = randomBytes(32).toString('hex');
  writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return saved[name]!;
}

/** Telegram's Bot API: the only root production may talk to. */
export const TELEGRAM_DEFAULT_API_ROOT = 'https://api.telegram.org';

/**
 * Development escape hatches production refuses: a provider API root other than the real one
 * would send citizens' numbers and messages to whatever server it names (tests point them at
 * fakes). SMS_SIGNATURE_BYPASS is refused beside them.
 */
function productionEscapeHatches(e: z.infer<typeof envSchema>): string[] {
  if (e.NODE_ENV !== 'production') return [];
  const out: string[] = [];
  if (e.TWILIO_API_BASE)
    out.push(
      "  TWILIO_API_BASE: must be unset in production (Twilio's own API is used; it is for tests and local fakes)",
    );
  if (e.TELEGRAM_API_ROOT.replace(/\/+$/, '') !== TELEGRAM_DEFAULT_API_ROOT)
    out.push(
      `  TELEGRAM_API_ROOT: must be unset or ${TELEGRAM_DEFAULT_API_ROOT} in production (another root is for tests and local fakes)`,
    );
  if (e.TRUST_PROXY === 'true' || (/^\d+$/.test(e.TRUST_PROXY) && Number(e.TRUST_PROXY) > 0))
    out.push(
      '  TRUST_PROXY: name the proxy by address in production (a hop count lets any client forge X-Forwarded-For)',
    );
  return out;
}

/** Reads and validates the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}\nSee .env.example.`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = checkPublicBaseUrl(e.PUBLIC_BASE_URL, {
    production,
    port: e.PORT,
    twilio: Boolean(e.TWILIO_AUTH_TOKEN),
    telegramWebhook: Boolean(e.TELEGRAM_WEBHOOK_SECRET),
  });
  // A load balancer needs a few seconds to see the 503 before connections stop being accepted.
  const readyGraceMs = e.SHUTDOWN_READY_GRACE_MS ?? (production ? 5000 : 0);
  // Every problem at once, so one restart fixes them all.
  const missing = [
    production &&
      !e.PII_KEY &&
      '  PII_KEY: required in production (32 random bytes, hex or base64)',
    e.PII_KEYS_OLD &&
      !e.PII_HASH_KEY &&
      '  PII_HASH_KEY: required when PII_KEYS_OLD is set: the key the look-up hashes and tracking codes were made with (the first PII_KEY of this installation)',
    production &&
      !e.STAFF_SESSION_SECRET &&
      '  STAFF_SESSION_SECRET: required in production (at least 32 random characters)',
    production &&
      e.SMS_SIGNATURE_BYPASS === 'true' &&
      '  SMS_SIGNATURE_BYPASS: must not be true in production (every Twilio request must be signed)',
    ...productionEscapeHatches(e),
    ...publicUrl.problems.map((p) => `  PUBLIC_BASE_URL: ${p}`),
    readyGraceMs >= e.SHUTDOWN_TIMEOUT_MS &&
      `  SHUTDOWN_TIMEOUT_MS: must be larger than SHUTDOWN_READY_GRACE_MS (${readyGraceMs} ms)`,
  ].filter(Boolean);
  if (missing.length)
    throw new ConfigError(`Invalid environment:\n${missing.join('\n')}\nSee .env.example.`);
  const dataDir = path.resolve(e.DATA_DIR);
  const piiKey = new PiiKeyring({
    current: decodeKey(
      e.PII_KEY ?? devSecret(dataDir, 'PII_KEY', (v) => decodeKey(v) !== null),
    ) as Buffer,
    old: splitKeys(e.PII_KEYS_OLD).map((k) => decodeKey(k) as Buffer),
    hashKey: e.PII_HASH_KEY ? (decodeKey(e.PII_HASH_KEY) as Buffer) : undefined,
  });
  const sessionSecret =
    e.STAFF_SESSION_SECRET ?? devSecret(dataDir, 'STAFF_SESSION_SECRET', (v) => v.length >= 32);
  const slaDaysByService = Object.fromEntries(
    (e.SLA_DAYS_BY_SERVICE ?? '')
      .split(',')
      .filter((p) => p.trim())
      .map((p) => {
        const [k, v] = p.split('=');
        return [k!.trim(), Number(v)];
      }),
  );
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: publicUrl.url,
    mongoUrl: e.MONGO_URL ?? `mongodb://127.0.0.1:${EMBEDDED_MONGO_PORT}/odsc`,
    mongoEmbedded: !e.MONGO_URL,
    redisUrl: e.REDIS_URL ?? EMBEDDED_REDIS_URL,
    redisEmbedded: !e.REDIS_URL,
    dataDir,
    piiKey,
    logLevel: e.LOG_LEVEL,
    // On a Redis Cluster every key of the platform carries one hash tag, {prefix}: a queue's keys
    // (and the Lua scripts that touch several of them) must live in one slot.
    queuePrefix: e.REDIS_URL?.startsWith('redis-cluster://')
      ? `{${e.QUEUE_PREFIX}}`
      : e.QUEUE_PREFIX,
    intake: {
      concurrency: e.INTAKE_CONCURRENCY,
      attempts: e.INTAKE_ATTEMPTS,
      backoffMs: e.INTAKE_BACKOFF_MS,
      backoffMaxMs: e.INTAKE_BACKOFF_MAX_MS,
      lockMs: e.WORKER_LOCK_MS,
    },
    dlq: { keepDays: e.DLQ_KEEP_DAYS, keepCount: e.DLQ_KEEP_COUNT },
    piiRetentionDays: e.PII_RETENTION_DAYS,
    complaintSlaDays: e.COMPLAINT_SLA_DAYS,
    reports: {
      scoreboardMinResponses: e.SCOREBOARD_MIN_RESPONSES,
      alertsEveryMin: e.ALERTS_EVERY_MIN,
      chromiumPath: e.CHROMIUM_PATH,
    },
    slaDaysByService,
    extraHolidays: e.PUBLIC_HOLIDAYS,
    staff: {
      sessionSecret,
      sessionIdleS: e.STAFF_SESSION_IDLE_MIN * 60,
      secureCookie: e.NODE_ENV === 'production',
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      lockoutS: e.LOGIN_LOCKOUT_MIN * 60,
      keepClosedDays: e.QUEUE_KEEP_CLOSED_DAYS,
      sweepS: e.ESCALATION_SWEEP_MIN * 60,
      managerAfterS: e.ESCALATE_MANAGER_AFTER_H * 3600,
      taskforceAfterS: e.ESCALATE_TASKFORCE_AFTER_H * 3600,
    },
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
      followupWindowS: e.SMS_FOLLOWUP_WINDOW_MIN * 60,
    },
    notify: {
      backoffMs: e.NOTIFY_BACKOFF_MS,
      attempts: e.NOTIFY_ATTEMPTS,
      backoffMaxMs: e.NOTIFY_BACKOFF_MAX_MS,
    },
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
    abuse: {
      limits: {
        web: { points: e.RATE_WEB_PER_MIN, durationS: 60 },
        webHeld: { points: e.RATE_WEB_COUNTED_PER_HOUR, durationS: 3600 },
        status: { points: e.RATE_STATUS_PER_MIN, durationS: 60 },
        pair: { points: e.RATE_PAIR_PER_HOUR, durationS: 3600 },
      },
      telegramCountedPerHour: e.TELEGRAM_COUNTED_PER_HOUR,
      threadMaxParts: e.THREAD_MAX_PARTS,
      threadMaxChars: e.THREAD_MAX_CHARS,
    },
    catalogRefreshMs: e.CATALOG_REFRESH_S * 1000,
    shutdown: { readyGraceMs, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    trustProxy: /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    metrics: {
      host: e.METRICS_HOST,
      apiPort: e.METRICS_PORT,
      workerPort: e.WORKER_METRICS_PORT,
      botPort: e.BOT_METRICS_PORT,
      token: e.METRICS_TOKEN,
    },
  };
}
