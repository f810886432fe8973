/**
 * JSON-lines logger. Personal data must never reach it; as a safety net every string that
 * looks like a phone number (8+ digits) is masked before it is written.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

// A run of 8+ digits (spaces and dashes allowed) that is not part of a longer word or hex id.
const phoneLike = /(?<![\w+])\+?\d[\d\s-]{6,}\d(?!\w)/g;

/** Masks digit runs that could be phone numbers, keeping the last two digits for support. */
export function maskDigits(s: string): string {
  return s.replace(phoneLike, (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 8 ? `[redacted…${digits.slice(-2)}]` : m;
  });
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskDigits(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: maskDigits(value.message) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

/** A minimal structured logger bound to a process name. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  name: string,
  level: Level | 'silent' = (process.env.LOG_LEVEL as Level | undefined) ?? 'info',
): Logger {
  const min = order[level] ?? order.info;
  const write = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < min) return;
    const line = JSON.stringify({
      t: new Date().toISOString(),
      level: lvl,
      proc: name,
      msg: maskDigits(msg),
      ...(fields ? (scrub(fields) as Record<string, unknown>) : {}),
    });
    (lvl === 'error' || lvl === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
