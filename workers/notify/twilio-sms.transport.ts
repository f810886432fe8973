/**
 * Sends one SMS with Twilio's REST API through the official client.
 * Provider docs: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 * TWILIO_API_BASE points the client at another origin (a local stand-in in tests); the request
 * itself is Twilio's own, built by the twilio package.
 */
import twilio from 'twilio';
import { maskNumbersIn } from '../../shared/phone';

export interface SmsTransport {
  readonly name: 'twilio' | 'log';
  /** Returns the provider's message id; throws SmsSendError. */
  send(to: string, body: string, statusCallback?: string): Promise<string | null>;
}

/** permanent: retrying cannot help (bad number, blocked); otherwise the job is retried. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

class OriginRequestClient extends twilio.RequestClient {
  constructor(
    private readonly origin: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs });
  }
  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    return super.request<T>({
      ...opts,
      uri: opts.uri.replace(/^https:\/\/[^/]+/, this.origin.replace(/\/+$/, '')),
    } as never);
  }
}

export class TwilioSmsTransport implements SmsTransport {
  readonly name = 'twilio' as const;
  private readonly client: twilio.Twilio;

  constructor(
    accountSid: string,
    authToken: string,
    private readonly from: string,
    opts: { apiBase?: string; timeoutMs?: number } = {},
  ) {
    const timeout = opts.timeoutMs ?? 10_000;
    this.client = twilio(accountSid, authToken, {
      httpClient: opts.apiBase
        ? new OriginRequestClient(opts.apiBase, timeout)
        : new twilio.RequestClient({ timeout }),
    });
  }

  async send(to: string, body: string, statusCallback?: string): Promise<string> {
    try {
      const msg = await this.client.messages.create({
        to,
        from: this.from,
        body,
        ...(statusCallback ? { statusCallback } : {}),
      });
      return msg.sid;
    } catch (err) {
      const e = err as { status?: number; code?: number; message?: string };
      // 4xx from Twilio (invalid number, unsubscribed recipient…) will fail the same way again;
      // 429, 5xx, timeouts and network errors are worth another try.
      const permanent =
        typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.status !== 429;
      // Twilio's text names the number ("The 'To' number +856… is not valid"): kept masked
      // beside its error code (https://www.twilio.com/docs/api/errors), never in clear.
      const code = e.code ? ` error ${e.code}` : '';
      throw new SmsSendError(
        `twilio: ${e.status ?? 'network'}${code} ${maskNumbersIn(e.message ?? String(err))}`,
        permanent,
        e.code ? String(e.code) : undefined,
      );
    }
  }
}

/** Without Twilio credentials: nothing leaves the machine; the record shows what would have gone. */
export class LogSmsTransport implements SmsTransport {
  readonly name = 'log' as const;
  async send(): Promise<null> {
    return null;
  }
}
