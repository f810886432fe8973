/**
 * Property-based fuzzing (fast-check) of every public endpoint on the real api, Redis and database:
 * the web form, the JSON feedback API, the status look-ups, the SMS webhook (forged signatures),
 * the Telegram webhook, the kiosk API and the scoreboard get random and malformed input — invalid
 * UTF-8, huge and deep JSON, wrong types, operator objects, odd content types, bidi and control
 * characters. Every answer is below 500, the api keeps answering, and a refused request leaves
 * nothing behind: no intake job, no spooled SMS, no feedback, no device.
 * The number of cases is printed at the end (docs/privacy.md quotes it).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { SECRET_HEADER } from '../services/api/channels/telegram-webhook';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { KioskDevices } from '../shared/kiosk-devices';
import { FakeTelegram } from './helpers/fake-telegram';
import { startTestPlatform, type TestPlatform } from './helpers/platform';

const SID = 'AC' + 'b'.repeat(32);
const TOKEN = 'fuzz-twilio-token-0123456789';
const TG_SECRET = 'fuzz-webhook-secret_0123456789';
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
let p: TestPlatform;
let deviceToken: string;
let cases = 0;
let fake: FakeTelegram;
/** URL-encodes any string, lone surrogates included (sent as U+FFFD, as a client would). */
const enc = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
const BOT_TOKEN = '7000000009:AAfuzz-token_0123456789abcdefghijk';

beforeAll(async () => {
  fake = new FakeTelegram(BOT_TOKEN);
  await fake.start();
  p = await startTestPlatform('fuzz', {
    env: {
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_ROOT: fake.url,
      PUBLIC_BASE_URL: 'https://feedback.example.la',
    },
  });
  const devices = new KioskDevices(kioskDeviceModel(p.conn), p.redis, p.config.queuePrefix, 3600);
  const { code } = await devices.create('LA-LP');
  const res = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code });
  expect(res.status).toBe(200);
  deviceToken = res.body.deviceToken;
});
afterAll(async () => {
  console.log(`fuzz: ${cases} requests thrown at the public endpoints, none answered 5xx`);
  await p.close();
  await fake.stop();
});

/** Jobs in the intake queue in any state: what an accepted request leaves behind. */
async function jobs(): Promise<number> {
  const c = await p.queue.getJobCounts();
  return Object.values(c).reduce((s, n) => s + n, 0);
}
function spooled(): number {
  try {
    return readdirSync(path.join(p.config.dataDir, 'spool', 'sms')).length;
  } catch {
    return 0;
  }
}

// ---- arbitraries ----------------------------------------------------------------------------

/** Characters that break naive code: bidi overrides, zero-width, controls, Lao, lone surrogates. */
const nasty = fc.constantFrom(
  '\u202e',
  '\u202d',
  '\u2066',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u0000',
  '\u0007',
  '\r\n',
  '\ud800',
  '\udfff',
  'ໃ',
  '໕',
  '\u0e8d',
  '$',
  '.',
  '"',
  '<script>',
  '{"$gt":""}',
  'a',
  ' ',
);
const nastyString = fc.oneof(
  fc.string({ unit: nasty, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ maxLength: 20 }),
);
const operator = fc.oneof(
  fc.constant({ $gt: '' }),
  fc.constant({ $ne: null }),
  fc.constant({ $where: 'sleep(1000)' }),
  fc.constant({ $regex: '.*' }),
  fc.record({ $in: fc.array(fc.string(), { maxLength: 3 }) }),
);
/** Any value of the wrong (or right) type, operator objects included. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  operator,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyString, { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);
/** Valid-looking values mixed with junk, per field of the feedback body. */
const feedbackBody = fc.record(
  {
    centerCode: fc.oneof(fc.constantFrom('LA-VT-XAYSETHA', 'LA-LP', 'la-vt', ''), anyValue),
    serviceCode: fc.oneof(fc.constantFrom('land_registration', 'X'), anyValue),
    rating: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constantFrom('5', '໕', 2.5), anyValue),
    text: fc.oneof(nastyString, anyValue),
    topicCodes: fc.oneof(fc.array(fc.constantFrom('fees', 'nope'), { maxLength: 12 }), anyValue),
    contact: fc.oneof(
      fc.record({
        phone: fc.oneof(nastyString, fc.constant('020 5555 1234')),
        consentToContact: anyValue,
      }),
      anyValue,
    ),
    anonymous: anyValue,
    locale: fc.oneof(fc.constantFrom('lo', 'en', 'fr'), anyValue),
    source: anyValue,
    __proto__: anyValue,
    constructor: anyValue,
  },
  { requiredKeys: [] },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zzz',
  'application/xml',
  'application/json, text/html',
  '',
);
/** A raw body: JSON text, invalid UTF-8, truncated JSON, deep nesting, or nothing. */
const rawBody = fc.oneof(
  feedbackBody.map((b) => Buffer.from(JSON.stringify(b))),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc])),
  fc.constant(Buffer.from('{"centerCode": "LA-VT-XAYSETHA", "rating": 2')),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from('['.repeat(n) + ']'.repeat(n))),
  fc
    .integer({ min: 1, max: 5_000 })
    .map((n) => Buffer.from('{"a":'.repeat(n) + '1' + '}'.repeat(n))),
  fc.constant(Buffer.alloc(0)),
);

// ---- the properties -------------------------------------------------------------------------

type Sent = { status: number; before: number; spoolBefore: number };

/** Sends, then checks the invariants every endpoint keeps. */
async function check(
  send: () => Promise<request.Response>,
  accepted: (status: number) => boolean = (s) => s >= 200 && s < 300,
): Promise<Sent> {
  const before = await jobs();
  const spoolBefore = spooled();
  const res = await send();
  cases++;
  if (res.status >= 500)
    throw new Error(`answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  if (!accepted(res.status)) {
    expect(await jobs()).toBe(before);
    expect(spooled()).toBe(spoolBefore);
  }
  return { status: res.status, before, spoolBefore };
}

const params = { numRuns: RUNS, endOnFailure: true } as const;

test('POST /api/v1/feedback: random bodies, content types, encodings, nesting: no 5xx, a refusal stores nothing', async () => {
  await fc.assert(
    fc.asyncProperty(rawBody, contentType, fc.option(nastyString), async (body, type, key) => {
      const req = request(p.app).post('/api/v1/feedback');
      if (type) req.set('Content-Type', type);
      if (key !== null) req.set('Idempotency-Key', enc(key).slice(0, 300));
      await check(() => req.send(body));
    }),
    params,
  );
  // A body past the size limit, and operator objects where strings belong.
  await check(() =>
    request(p.app)
      .post('/api/v1/feedback')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ centerCode: 'LA-VT-XAYSETHA', text: 'ກ'.repeat(3_000_000) })),
  );
  const op = await check(() =>
    request(p.app)
      .post('/api/v1/feedback')
      .send({ centerCode: { $gt: '' }, rating: { $ne: 1 } }),
  );
  expect(op.status).toBe(422);
});

test('POST /feedback (the HTML form): random fields and encodings: no 5xx, a refusal stores nothing', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(
        fc.oneof(
          fc.constantFrom(
            'centerCode',
            'rating',
            'text',
            'phone',
            'consent',
            'anonymous',
            'center[$gt]',
            'rating[]',
          ),
          nastyString,
        ),
        nastyString,
        { maxKeys: 8 },
      ),
      fc.constantFrom('https://feedback.example.la', 'https://evil.example', null),
      async (fields, origin) => {
        const req = request(p.app).post('/feedback').type('form');
        if (origin) req.set('Origin', origin);
        await check(
          () => req.send(new URLSearchParams(fields as Record<string, string>).toString()),
          (s) => s >= 200 && s < 400,
        );
      },
    ),
    params,
  );
});

test('status look-ups: any code, any query: no 5xx, never a body with personal data', async () => {
  await fc.assert(
    fc.asyncProperty(nastyString, nastyString, async (code, q) => {
      const a = await check(() => request(p.app).get(`/api/v1/status/${enc(code) || 'x'}`));
      expect([200, 400, 404, 422, 429]).toContain(a.status);
      await check(() => request(p.app).get('/status').query({ code: q, lang: q }));
    }),
    params,
  );
});

test('POST /webhooks/sms/twilio: forged or missing signatures are refused and nothing is queued or spooled', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(
        fc.oneof(
          fc.constantFrom('MessageSid', 'From', 'Body', 'To', 'AccountSid', 'NumMedia'),
          nastyString,
        ),
        nastyString,
        { maxKeys: 8 },
      ),
      fc.option(fc.oneof(nastyString, fc.base64String({ minLength: 28, maxLength: 28 }))),
      contentType,
      async (fields, signature, type) => {
        const req = request(p.app).post('/webhooks/sms/twilio');
        if (signature !== null) req.set('X-Twilio-Signature', enc(signature));
        if (type) req.set('Content-Type', type);
        const r = await check(
          () => req.send(new URLSearchParams(fields as Record<string, string>).toString()),
          () => false,
        );
        expect(r.status).toBeGreaterThanOrEqual(400);
      },
    ),
    params,
  );
});

test('POST /webhooks/telegram: a wrong secret is refused; random updates with the secret never 5xx', async () => {
  const update = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record(
      {
        update_id: fc.oneof(fc.integer(), anyValue),
        message: fc.oneof(
          fc.record(
            {
              message_id: fc.oneof(fc.integer({ min: 1 }), anyValue),
              date: fc.oneof(fc.integer({ min: 0 }), anyValue),
              chat: fc.oneof(
                fc.record({
                  id: fc.oneof(fc.integer(), anyValue),
                  type: fc.constantFrom('private', 'group', 'x'),
                }),
                anyValue,
              ),
              text: fc.oneof(nastyString, anyValue),
            },
            { requiredKeys: [] },
          ),
          anyValue,
        ),
        callback_query: anyValue,
      },
      { requiredKeys: [] },
    ),
  );
  await fc.assert(
    fc.asyncProperty(update, fc.option(nastyString), async (u, secret) => {
      const forged = await check(
        () => {
          const req = request(p.app).post('/webhooks/telegram');
          if (secret !== null) req.set(SECRET_HEADER, enc(secret) || 'x');
          return req.send(JSON.stringify(u)).set('Content-Type', 'application/json');
        },
        () => false,
      );
      expect(forged.status).toBeGreaterThanOrEqual(400);
      await check(
        () =>
          request(p.app)
            .post('/webhooks/telegram')
            .set(SECRET_HEADER, TG_SECRET)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(u)),
        () => true, // a well-formed private message is feedback: it may be queued
      );
    }),
    { ...params, numRuns: Math.ceil(RUNS / 2) },
  );
});

test('the kiosk API: random pairing codes, bearer tokens and batches: no 5xx, a refusal stores nothing', async () => {
  const devices = kioskDeviceModel(p.conn);
  const before = await devices.countDocuments();
  const response = fc.record(
    {
      id: fc.oneof(fc.uuid(), anyValue),
      rating: fc.oneof(fc.constantFrom(1, 2, 4, 5, 3, 0), anyValue),
      createdAt: fc.oneof(
        fc.constant(new Date().toISOString()),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        anyValue,
      ),
      topicCodes: anyValue,
      serviceCode: anyValue,
      contact: anyValue,
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(
      anyValue,
      fc.oneof(fc.record({ responses: fc.array(response, { maxLength: 5 }) }), anyValue),
      fc.boolean(),
      async (code, batch, realToken) => {
        await check(
          () => request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code }),
          () => false,
        );
        await check(() =>
          request(p.app)
            .post('/api/v1/kiosk/responses')
            .set('Authorization', realToken ? `Bearer ${deviceToken}` : 'Bearer forged.token')
            .send(JSON.stringify(batch))
            .set('Content-Type', 'application/json'),
        );
      },
    ),
    params,
  );
  expect(await devices.countDocuments()).toBe(before); // no pairing code was guessed
});

test('the scoreboard: any month and language: no 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(nastyString, nastyString, async (month, lang) => {
      await check(() => request(p.app).get('/api/v1/public/scoreboard').query({ month }));
      await check(() => request(p.app).get('/scoreboard').query({ lang, month }));
    }),
    params,
  );
  // Still alive and answering after all of it.
  expect((await request(p.app).get('/healthz')).status).toBe(200);
  expect(await p.Feedback.countDocuments()).toBe(0); // no worker ran: nothing reached the database
});
