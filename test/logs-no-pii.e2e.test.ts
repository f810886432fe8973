/**
 * The compiled api and worker as processes (dist/), logging at debug level, through a full flow:
 * a signed SMS, a Telegram message on the webhook, and a web form submission with a phone number.
 * Their logs are captured whole and searched for the numbers, the chat id and the words sent:
 * none may appear. The web request's id is followed from the api into the worker's lines, and both
 * processes' internal listeners are scraped for the metrics the flow must have moved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import twilio from 'twilio';
import { seedCatalog } from '../shared/catalog/catalog';
import { connectMongo } from '../shared/db/mongo';
import { catalogModels } from '../shared/models/catalog.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { parseTrackingCode } from '../shared/tracking-code';
import { freePort } from '../scripts/storage';
import { Citizen, FakeTelegram } from './helpers/fake-telegram';
import { FakeTwilio } from './helpers/fake-twilio';
import { TEST_PII_KEY, uniqueName, waitFor } from './helpers/platform';

const AUTH = 'obs-auth-token-0123456789abcdef';
const SID = 'AC' + 'b'.repeat(32);
const BOT = '123456:obs-test-bot-token';
const SECRET = 'obs-webhook-secret-0123456789';
const PUBLIC = 'https://feedback.example.la';

// What the citizens sent: none of it may reach a log line, in any spelling.
const SMS_FROM = '+8562055519876';
const CHAT_ID = 990_123_457;
const WEB_PHONE = '020 5551 7744';
const SECRETS = {
  smsText: 'ບໍລິການຊ້າ ທີ່ ນະຄອນຫຼວງ ສຽງດັງ zebra-lantern-sms',
  tgText: 'ພະນັກງານ ບໍ່ສຸພາບ ທີ່ ວຽງຈັນ quokka-harbour-tg',
  webText: 'ຕ້ອງຈ່າຍເງິນເພີ່ມ ບໍ່ມີໃບບິນ marmot-violin-web',
};
const FORBIDDEN = [
  '2055519876',
  '20 5551 9876',
  '55519876',
  String(CHAT_ID),
  '20 5551 7744',
  '2055517744',
  '55517744',
  'zebra-lantern-sms',
  'quokka-harbour-tg',
  'marmot-violin-web',
  'ສຽງດັງ',
  'ບໍ່ສຸພາບ',
  'ບໍ່ມີໃບບິນ',
];

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
afterAll(() => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
});

function spawnProc(entry: string, env: Record<string, string>, readyLine: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, [path.resolve(__dirname, '..', 'dist', entry)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const proc: Proc = { child, output: () => out, exited };
  procs.push(proc);
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (readyLine.test(out)) resolve(proc);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`${entry} exited early (${code}): ${out}`)));
  });
}

const metricValue = (text: string, name: string, labels: Record<string, string>): number => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const want = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (want) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return NaN;
};

test('a full SMS + Telegram + web flow leaves no number, chat id or text in the logs; the request id reaches the worker; metrics move', async () => {
  const db = uniqueName('obslogs');
  const smsApi = new FakeTwilio(SID, AUTH);
  const botApi = new FakeTelegram(BOT);
  await Promise.all([smsApi.start(), botApi.start()]);
  const conn = await connectMongo(`${process.env.TEST_MONGO_BASE}/${db}`);
  await seedCatalog(catalogModels(conn));
  const [port, apiMetrics, workerMetrics] = [await freePort(), await freePort(), await freePort()];
  const env = {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_BASE_URL: PUBLIC,
    MONGO_URL: `${process.env.TEST_MONGO_BASE}/${db}`,
    REDIS_URL: process.env.TEST_REDIS_URL!,
    QUEUE_PREFIX: db,
    PII_KEY: TEST_PII_KEY,
    LOG_LEVEL: 'debug',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-obs-')),
    INTAKE_BACKOFF_MS: '50',
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: AUTH,
    TWILIO_FROM: '+85621000000',
    TWILIO_API_BASE: smsApi.url,
    TELEGRAM_BOT_TOKEN: BOT,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: botApi.url,
    TELEGRAM_THREAD_WINDOW_MIN: '0',
    SMS_THREAD_WINDOW_MIN: '0',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(apiMetrics),
    WORKER_METRICS_PORT: String(workerMetrics),
  };
  const worker = await spawnProc('workers/main.js', env, /"msg":"intake worker ready"/);
  const api = await spawnProc('services/api/main.js', env, /"msg":"api listening"/);
  const base = `http://127.0.0.1:${port}`;
  try {
    // SMS, signed as Twilio signs it.
    const smsBody = {
      MessageSid: `SM${'c'.repeat(32)}`,
      AccountSid: SID,
      From: SMS_FROM,
      To: '+85621000000',
      Body: SECRETS.smsText,
      NumSegments: '1',
      NumMedia: '0',
    };
    const smsReply = await request(base)
      .post('/webhooks/sms/twilio')
      .type('form')
      .set(
        'X-Twilio-Signature',
        twilio.getExpectedTwilioSignature(AUTH, `${PUBLIC}/webhooks/sms/twilio`, smsBody),
      )
      .send(smsBody)
      .expect(200);
    const smsCode = /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(smsReply.text)![1]!;

    // Telegram, on the webhook; the bot answers with the tracking code through the (fake) Bot API.
    const citizen = new Citizen(CHAT_ID);
    await request(base)
      .post('/webhooks/telegram')
      .set('X-Telegram-Bot-Api-Secret-Token', SECRET)
      .send(citizen.text(SECRETS.tgText))
      .expect(200);
    const tgReply = await waitFor(
      () =>
        botApi
          .sent('sendMessage', CHAT_ID)
          .map((c) => /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(String(c.body.text))?.[1])
          .find(Boolean),
      'the bot answered with a tracking code',
    );

    // The web form's JSON API, with a number to call back and a request id of our own.
    const web = await request(base)
      .post('/api/v1/feedback')
      .set('X-Request-Id', 'obs-web-request-1')
      .send({
        centerCode: 'LA-VT',
        rating: 2,
        text: SECRETS.webText,
        contact: { phone: WEB_PHONE, consentToContact: true },
      })
      .expect(202);
    expect(web.headers['x-request-id']).toBe('obs-web-request-1');

    const Feedback = feedbackModel(conn);
    for (const code of [smsCode, tgReply, web.body.trackingCode as string])
      await waitFor(
        () => Feedback.findById(parseTrackingCode(code)).lean(),
        `feedback ${code} stored`,
        20_000,
      );

    // The worker's line for the web job carries the api request's id and the job's id.
    const workerLine = await waitFor(
      () =>
        worker
          .output()
          .split('\n')
          .find((l) => l.includes('"requestId":"obs-web-request-1"')),
      'a worker log line with the request id',
    );
    expect(JSON.parse(workerLine)).toMatchObject({
      proc: 'worker',
      msg: 'intake job done',
      requestId: 'obs-web-request-1',
      jobId: expect.stringMatching(/^web-/),
    });

    // Metrics: the api's requests by route and status; the worker's jobs; no metrics in public.
    const apiText = (await request(`http://127.0.0.1:${apiMetrics}`).get('/metrics').expect(200))
      .text;
    expect(
      metricValue(apiText, 'odsc_http_requests_total', {
        method: 'POST',
        route: '/api/v1/feedback',
        status: '202',
      }),
    ).toBe(1);
    expect(
      metricValue(apiText, 'odsc_http_request_duration_seconds_count', {
        route: '/webhooks/sms/twilio',
        status: '200',
      }),
    ).toBe(1);
    expect(apiText).toMatch(/^odsc_queue_jobs\{queue="feedback-intake",state="waiting"\} \d+/m);
    expect(apiText).toMatch(/^odsc_sms_spool_entries \d+/m);
    const workerText = (
      await request(`http://127.0.0.1:${workerMetrics}`).get('/metrics').expect(200)
    ).text;
    expect(
      metricValue(workerText, 'odsc_jobs_total', {
        queue: 'feedback-intake',
        outcome: 'completed',
      }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      metricValue(workerText, 'odsc_classification_confidence_count', { field: 'center' }),
    ).toBeGreaterThanOrEqual(3);
    await request(base).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(404);
    // Readiness in detail on the internal port; through a proxy, the status word only.
    const inner = await request(`http://127.0.0.1:${apiMetrics}`).get('/readyz').expect(200);
    expect(inner.body).toEqual({ status: 'ready', checks: { mongo: 'ok', redis: 'ok' } });
    const outer = await request(base).get('/readyz').set('X-Forwarded-For', '203.0.113.9');
    expect(outer.body).toEqual({ status: 'ready' });
  } finally {
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await Promise.all([api.exited, worker.exited]);
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await Promise.all([smsApi.stop(), botApi.stop()]);
  }

  const logs = api.output() + worker.output();
  const lines = logs.split('\n').filter((l) => l.trim());
  expect(lines.length).toBeGreaterThan(10);
  // Every line is one JSON object with the structured fields.
  for (const l of lines)
    expect(JSON.parse(l)).toMatchObject({
      level: expect.any(String),
      t: expect.any(String),
      proc: expect.any(String),
    });
  for (const needle of FORBIDDEN)
    expect({ needle, found: logs.includes(needle) }).toEqual({
      needle,
      found: false,
    });
}, 90_000);
