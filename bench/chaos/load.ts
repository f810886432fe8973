/**
 * The chaos run's load: the four channels at once, at fixed rates (open loop: a request is sent
 * on schedule whatever the earlier ones are doing), alternating between the two api processes,
 * each client retrying the way the real one does:
 *
 * - SMS (https://www.twilio.com/docs/messaging/guides/webhook-request): a signed webhook per
 *   message (twilio.getExpectedTwilioSignature), one new MessageSid each, 30% from a number that
 *   wrote recently (threads). Twilio never sends an SMS again; after an error or a 15 s timeout it
 *   calls the fallback URL once (docs/channels.md "Configuring the Twilio number": the other api replica). Neither answering = lost.
 * - Telegram (https://core.telegram.org/bots/api#update): free-text Updates with a new update_id
 *   each, 35% from a chat that wrote recently; a non-2xx or no answer is delivered again, with
 *   pauses doubling from 1 s to 30 s, until it is answered 200.
 * - Web (POST /api/v1/feedback): JSON with an Idempotency-Key; a 5xx or no answer is resent with
 *   the same key after a pause (1 s doubling to 30 s); a 4xx is final.
 * - Kiosk (POST /api/v1/kiosk/responses): each paired tablet keeps its presses in a queue and
 *   sends up to 50 at a time; a failed batch is resent (1 s doubling to 30 s, jitter); only the
 *   ids in `accepted` leave the queue.
 * Every request is recorded: channel, its id, every attempt (api, status, latency) and the
 * tracking code of the answer when it has one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';
import type { CatalogView } from '../../shared/catalog/catalog';
import { TOPIC_CODES, type Channel } from '../../shared/intake-envelope.schema';
import { parseTrackingCode } from '../../shared/tracking-code';
import { CHAOS_AUTH_TOKEN, CHAOS_PUBLIC_URL, CHAOS_TG_SECRET } from './platform';

export interface Attempt {
  api: number;
  /** Seconds since the load started. */
  at: number;
  ms: number;
  /** HTTP status, or 0 when there was no answer (refused, reset, timed out). */
  status: number;
  error?: string;
}

export type Outcome = 'pending' | 'accepted' | 'refused' | 'lost';

/** One citizen message (one kiosk press) as the client saw it. */
export interface Sent {
  channel: Channel;
  /** What identifies it: MessageSid, update_id, Idempotency-Key, kiosk response id. */
  id: string;
  /** The external id the adapter builds from it (the platform's key with the channel). */
  externalId: string;
  firstAt: number;
  attempts: Attempt[];
  outcome: Outcome;
  acceptedAt?: number;
  /** The tracking code of the answer (TwiML receipt, 202 body), canonical. */
  code?: string;
}

export interface Rates {
  /** Messages (SMS, Telegram, web) or kiosk presses per second. */
  sms: number;
  telegram: number;
  web: number;
  kiosk: number;
}

interface KioskItem {
  sent: Sent;
  body: Record<string, unknown>;
}

interface Tablet {
  token: string;
  center: string;
  queue: KioskItem[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(a: readonly T[]): T => a[Math.floor(Math.random() * a.length)]!;
const backoffMs = (n: number) =>
  Math.min(30_000, 1000 * 2 ** Math.max(0, n - 1)) * (0.5 + Math.random() * 0.5);
const CODE = /([0-9A-Z]{5}-[0-9A-Z]{5})/;

function errorCode(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  return e?.cause?.code ?? e?.cause?.name ?? e?.name ?? 'error';
}

export class ChaosLoad {
  readonly sent: Sent[] = [];
  /** Every kiosk batch request (one attempt each), for the batch latency. */
  readonly kioskBatches: Attempt[] = [];
  private t0 = 0;
  private generating = false;
  private retryUntil = Infinity;
  private open = 0;
  private rr = 0;
  private ticker: NodeJS.Timeout | null = null;
  private generated: Rates = { sms: 0, telegram: 0, web: 0, kiosk: 0 };
  private recentNumbers: string[] = [];
  private recentChats: { id: number; next: number }[] = [];
  private updateId = 100_000 + Math.floor(Math.random() * 1_000_000);
  private tablets: Tablet[];
  private tabletLoops: Promise<void>[] = [];

  constructor(
    private readonly opts: {
      apis: string[];
      rates: Rates;
      smsTexts: string[];
      tgTexts: string[];
      catalog: CatalogView;
      tablets: { token: string; center: string }[];
    },
  ) {
    this.tablets = opts.tablets.map((t) => ({ ...t, queue: [] }));
  }

  /** Seconds since the load started. */
  now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Client operations not concluded yet (in flight or waiting to retry, kiosk queues). */
  pending(): number {
    return this.open + this.tablets.reduce((a, t) => a + t.queue.length, 0);
  }

  start(): void {
    this.t0 = performance.now();
    this.generating = true;
    this.ticker = setInterval(() => this.tick(), 20);
    this.tabletLoops = this.tablets.map((t) => this.tabletLoop(t));
  }

  /** Stops generating; clients go on retrying what is open until retryDeadline. */
  stop(): void {
    this.generating = false;
    if (this.ticker) clearInterval(this.ticker);
  }

  /** After this moment (seconds since start) nothing is retried: what is open is lost. */
  set retryDeadline(s: number) {
    this.retryUntil = s;
  }

  /** Resolves when every client has concluded. */
  async settled(): Promise<void> {
    while (this.pending() > 0) await sleep(200);
    await Promise.all(this.tabletLoops);
  }

  private tick(): void {
    if (!this.generating) return;
    const t = this.now();
    for (const ch of ['sms', 'telegram', 'web', 'kiosk'] as const) {
      const due = Math.floor(this.opts.rates[ch] * t);
      while (this.generated[ch] < due) {
        this.generated[ch]++;
        if (ch === 'sms') this.track(this.sms());
        else if (ch === 'telegram') this.track(this.telegram());
        else if (ch === 'web') this.track(this.web());
        else this.kioskPress();
      }
    }
  }

  private track(p: Promise<void>): void {
    this.open++;
    p.catch(() => undefined).finally(() => this.open--);
  }

  private nextApi(): number {
    return this.rr++ % this.opts.apis.length;
  }

  private async attempt(
    api: number,
    path: string,
    init: RequestInit,
    timeoutMs: number,
  ): Promise<Attempt & { body: string }> {
    const at = this.now();
    const t = performance.now();
    try {
      const res = await fetch(`${this.opts.apis[api]}${path}`, {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await res.text();
      return { api, at, ms: performance.now() - t, status: res.status, body };
    } catch (err) {
      return { api, at, ms: performance.now() - t, status: 0, error: errorCode(err), body: '' };
    }
  }

  private record(channel: Channel, id: string, externalId: string): Sent {
    const s: Sent = {
      channel,
      id,
      externalId,
      firstAt: this.now(),
      attempts: [],
      outcome: 'pending',
    };
    this.sent.push(s);
    return s;
  }

  private accept(s: Sent, code?: string): void {
    s.outcome = 'accepted';
    s.acceptedAt = this.now();
    if (code) s.code = parseTrackingCode(code) ?? code;
  }

  // ---- SMS ---------------------------------------------------------------------------------

  private async sms(): Promise<void> {
    let from: string;
    if (this.recentNumbers.length && Math.random() < 0.3) from = pick(this.recentNumbers);
    else {
      from = `+85620${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      this.recentNumbers.push(from);
      if (this.recentNumbers.length > 300) this.recentNumbers.shift();
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = {
      MessageSid: sid,
      AccountSid: 'AC' + 'c'.repeat(32),
      From: from,
      To: '+85621000000',
      Body: pick(this.opts.smsTexts),
      NumSegments: '1',
      NumMedia: '0',
    };
    const signature = twilio.getExpectedTwilioSignature(
      CHAOS_AUTH_TOKEN,
      `${CHAOS_PUBLIC_URL}/webhooks/sms/twilio`,
      params,
    );
    const s = this.record('sms', sid, sid);
    const first = this.nextApi();
    // The primary handler, then the fallback URL once (the other replica), as Twilio does.
    for (const api of [first, (first + 1) % this.opts.apis.length]) {
      const a = await this.attempt(
        api,
        '/webhooks/sms/twilio',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': signature,
          },
          body: new URLSearchParams(params).toString(),
        },
        15_000,
      );
      const { body, ...attempt } = a;
      s.attempts.push(attempt);
      if (a.status === 200) {
        this.accept(s, CODE.exec(body)?.[1]);
        return;
      }
    }
    s.outcome = s.attempts.some((a) => a.status === 0 || a.status >= 500) ? 'lost' : 'refused';
  }

  // ---- Telegram ------------------------------------------------------------------------------

  private async telegram(): Promise<void> {
    let chat: { id: number; next: number };
    if (this.recentChats.length && Math.random() < 0.35) chat = pick(this.recentChats);
    else {
      chat = { id: 100_000_000 + Math.floor(Math.random() * 899_999_999), next: 1 };
      this.recentChats.push(chat);
      if (this.recentChats.length > 300) this.recentChats.shift();
    }
    const messageId = chat.next++;
    const updateId = this.updateId++;
    const update = JSON.stringify({
      update_id: updateId,
      message: {
        message_id: messageId,
        from: { id: chat.id, is_bot: false, first_name: 'Citizen', language_code: 'lo' },
        chat: { id: chat.id, type: 'private', first_name: 'Citizen' },
        date: Math.floor(Date.now() / 1000),
        text: pick(this.opts.tgTexts),
      },
    });
    const s = this.record('telegram', String(updateId), `${chat.id}:${messageId}`);
    let api = this.nextApi();
    for (let n = 1; ; n++) {
      const { body: _b, ...a } = await this.attempt(
        api,
        '/webhooks/telegram',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': CHAOS_TG_SECRET,
          },
          body: update,
        },
        30_000,
      );
      s.attempts.push(a);
      if (a.status === 200) return this.accept(s);
      if (this.now() > this.retryUntil) break;
      await sleep(backoffMs(n));
      api = (api + 1) % this.opts.apis.length;
    }
    s.outcome = 'lost';
  }

  // ---- Web -----------------------------------------------------------------------------------

  private async web(): Promise<void> {
    const cat = this.opts.catalog;
    const body: Record<string, unknown> = {
      centerCode: pick(cat.centers).code,
      rating: 1 + Math.floor(Math.random() * 5),
    };
    if (Math.random() < 0.7) body.serviceCode = pick(cat.services).code;
    if (Math.random() < 0.8) body.text = pick(this.opts.tgTexts);
    if (Math.random() < 0.2)
      body.contact = {
        phone: `020 5${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
        consentToContact: true,
      };
    const key = randomUUID();
    const json = JSON.stringify(body);
    const s = this.record('web', key, `key:${key}`);
    let api = this.nextApi();
    for (let n = 1; ; n++) {
      const { body: answer, ...a } = await this.attempt(
        api,
        '/api/v1/feedback',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: json,
        },
        30_000,
      );
      s.attempts.push(a);
      if (a.status === 202) {
        let code: string | undefined;
        try {
          code = (JSON.parse(answer) as { trackingCode?: string }).trackingCode;
        } catch {
          /* recorded without a code */
        }
        return this.accept(s, code);
      }
      if (a.status >= 400 && a.status < 500) {
        s.outcome = 'refused';
        return;
      }
      if (this.now() > this.retryUntil) break;
      await sleep(backoffMs(n));
      api = (api + 1) % this.opts.apis.length;
    }
    s.outcome = 'lost';
  }

  // ---- Kiosk ---------------------------------------------------------------------------------

  private kioskPress(): void {
    const tablet = pick(this.tablets);
    const id = randomUUID();
    const cat = this.opts.catalog;
    const body: Record<string, unknown> = {
      id,
      rating: pick([1, 2, 4, 5] as const),
      createdAt: new Date().toISOString(),
    };
    if (Math.random() < 0.6) body.topics = [pick(TOPIC_CODES)];
    if (Math.random() < 0.6) body.service = pick(cat.services).code;
    tablet.queue.push({ sent: this.record('kiosk', id, id), body });
  }

  /** One tablet's sync loop: a batch of up to 50, resent with backoff until accepted. */
  private async tabletLoop(t: Tablet): Promise<void> {
    let failures = 0;
    for (;;) {
      if (!t.queue.length) {
        if (!this.generating) return;
        await sleep(500);
        continue;
      }
      if (this.now() > this.retryUntil && !this.generating) {
        for (const item of t.queue) item.sent.outcome = 'lost';
        t.queue = [];
        return;
      }
      const batch = t.queue.slice(0, 50);
      const { body: answer, ...a } = await this.attempt(
        this.nextApi(),
        '/api/v1/kiosk/responses',
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${t.token}`,
            'x-kiosk-version': 'chaos',
          },
          body: JSON.stringify({ responses: batch.map((i) => i.body) }),
        },
        30_000,
      );
      this.kioskBatches.push(a);
      for (const item of batch) item.sent.attempts.push(a);
      if (a.status === 200) {
        failures = 0;
        const r = JSON.parse(answer) as { accepted: string[]; rejected: { id: string | null }[] };
        const accepted = new Set(r.accepted);
        const rejected = new Set(r.rejected.map((x) => x.id));
        for (const item of batch) {
          if (accepted.has(item.sent.id)) this.accept(item.sent);
          else if (rejected.has(item.sent.id)) item.sent.outcome = 'refused';
        }
        t.queue = t.queue.filter((i) => i.sent.outcome === 'pending');
        // A tablet syncs about once a second while answers wait.
        if (t.queue.length < 50) await sleep(1000);
        continue;
      }
      if (a.status >= 400 && a.status < 500 && a.status !== 401) {
        for (const item of batch) item.sent.outcome = 'refused';
        t.queue = t.queue.filter((i) => i.sent.outcome === 'pending');
        continue;
      }
      await sleep(backoffMs(++failures));
    }
  }
}
