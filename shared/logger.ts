/**
 * Structured JSON-lines logs through pino (https://getpino.io), one line per event:
 * `{"level","t","proc","requestId"?,"jobId"?,"msg",...fields}`; info and below on stdout, warn and
 * error on stderr. The request or job a line belongs to comes from shared/log-context.ts.
 *
 * Personal data must never reach a logger. As safety nets: every string that looks like a phone
 * number (8+ digits) is masked, and fields named like personal data (phone, chatId, text, …) are
 * replaced by "[redacted]" wherever they appear in the first levels of a line.
 */
import pino from 'pino';
import { currentLogContext } from './log-context';

type Level = 'debug' | 'info' | 'warn' | 'error';

// A run of 8+ digits (spaces and dashes allowed) that is not part of a longer word or hex id.
const phoneLike = /(?<![\w+])\+?\d[\d\s-]{6,}\d(?!\w)/g;

/** Masks digit runs that could be phone numbers, keeping the last two digits for support. */
export function maskDigits(s: string): string {
  return s.replace(phoneLike, (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 8 ? `[redacted…${digits.slice(-2)}]` : m;
  });
}

/** Field names whose values are personal data or citizens' words: never written. */
const PERSONAL_KEYS = new Set([
  'phone',
  'phonenumber',
  'to',
  'from',
  'chatid',
  'chat_id',
  'userid',
  'user_id',
  'text',
  'body',
  'contact',
]);

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskDigits(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: maskDigits(value.message) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const personal = PERSONAL_KEYS.has(k.toLowerCase());
    out[k] = personal && v !== undefined && v !== null ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}

/** A minimal structured logger bound to a process name. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger for one process (`proc` on every line). `destination` replaces stdout/stderr (tests
 * capture lines with it).
 */
export function createLogger(
  name: string,
  level: Level | 'silent' = (process.env.LOG_LEVEL as Level | undefined) ?? 'info',
  destination?: { write(line: string): void },
): Logger {
  const streams = destination
    ? pino.multistream([{ level: 'debug', stream: destination }])
    : pino.multistream(
        [
          { level: 'debug', stream: process.stdout },
          { level: 'warn', stream: process.stderr },
        ],
        { dedupe: true },
      );
  const p = pino(
    {
      level: ['debug', 'info', 'warn', 'error', 'silent'].includes(level) ? level : 'info',
      base: { proc: name },
      // The message is written as a field (before the others) so lines read msg-first.
      messageKey: '__unused_msg',
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = currentLogContext();
        return {
          ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
          ...(ctx.jobId ? { jobId: ctx.jobId } : {}),
        };
      },
    },
    streams,
  );
  const write = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(lvl)) return;
    p[lvl]({ msg: maskDigits(msg), ...(fields ? (scrub(fields) as Record<string, unknown>) : {}) });
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
