/**
 * Checks PUBLIC_BASE_URL, the address providers call. Twilio signs the exact URL it requested and
 * the SMS adapter rebuilds it as `${PUBLIC_BASE_URL}${req.originalUrl}`
 * (https://www.twilio.com/docs/usage/security#validating-requests), so anything in the value that
 * cannot be the start of such a URL means no SMS is ever accepted. Those values stop the process
 * (shared/config.ts); values that only work behind a particular proxy are warnings the api logs.
 */

/** The outcome: the value to use, what stops the process, and what is only logged. */
export interface PublicBaseUrlCheck {
  /** The value without trailing slashes (the adapter appends the path, which starts with one). */
  url: string;
  problems: string[];
  warnings: string[];
}

export interface PublicBaseUrlContext {
  production: boolean;
  port: number;
  /** A provider must reach and sign against this address: TWILIO_AUTH_TOKEN is set. */
  twilio: boolean;
  /** TELEGRAM_WEBHOOK_SECRET is set: Telegram posts to this address (https only). */
  telegramWebhook: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|\[::\])$/i;

/** True when the host can only be reached from this machine. */
export function isLocalHost(hostname: string): boolean {
  return LOOPBACK.test(hostname) || hostname.toLowerCase().endsWith('.localhost');
}

export function checkPublicBaseUrl(
  value: string | undefined,
  ctx: PublicBaseUrlContext,
): PublicBaseUrlCheck {
  const raw = value?.trim() || `http://localhost:${ctx.port}`;
  const url = raw.replace(/\/+$/, '');
  const problems: string[] = [];
  const warnings: string[] = [];
  const called = [ctx.twilio && 'Twilio', ctx.telegramWebhook && 'Telegram'].filter(Boolean);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return {
      url,
      problems: ['must be an absolute URL, e.g. https://feedback.example.la'],
      warnings,
    };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    problems.push(`must start with https:// (got ${u.protocol}//)`);
    return { url, problems, warnings };
  }
  if (u.username || u.password)
    problems.push('must not contain a user name or password (it is also the citizens’ address)');
  if (raw.includes('?'))
    problems.push(
      `must not have a query string: the webhook path is appended to it, so ${url}/webhooks/sms/twilio is never the URL Twilio calls`,
    );
  if (raw.includes('#'))
    problems.push('must not have a #fragment: the webhook path is appended to it');

  const local = isLocalHost(u.hostname);
  if (ctx.production && called.length) {
    const why = `${called.join(' and ')} must call it (${ctx.twilio ? 'TWILIO_AUTH_TOKEN' : 'TELEGRAM_WEBHOOK_SECRET'} is set)`;
    if (!value?.trim()) problems.push(`required in production: the public https address ${why}`);
    else {
      if (u.protocol !== 'https:') problems.push(`must be https in production: ${why}`);
      if (local)
        problems.push(`must be the public address in production, not ${u.hostname}: ${why}`);
    }
  } else if (ctx.production && (u.protocol !== 'https:' || local)) {
    warnings.push(
      `PUBLIC_BASE_URL is ${url} in production: set the public https address before turning on SMS or the Telegram webhook (staff cookies are https-only)`,
    );
  } else if (ctx.twilio && local) {
    warnings.push(
      `PUBLIC_BASE_URL is ${url}: Twilio cannot call this machine's local address, so SMS signatures will not match. Expose the api (e.g. a tunnel) and set PUBLIC_BASE_URL to that https address`,
    );
  }
  if (u.pathname !== '/' && u.pathname !== '')
    warnings.push(
      `PUBLIC_BASE_URL has a path (${u.pathname}): Twilio signatures only validate if the proxy in front removes it before the request reaches the api`,
    );
  return { url, problems, warnings };
}
