/**
 * Outbound SMS through the notify queue: the real twilio client against a local stand-in for
 * Twilio's REST API; retries on 500 and time-outs; a permanent error recorded and not retried;
 * opt-outs never messaged; Twilio's signed status callbacks recorded; the log transport.
 */
import request from 'supertest';
import twilio from 'twilio';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { redisConnection } from '../shared/queues';
import { createLogger } from '../shared/logger';
import { withLogContext } from '../shared/log-context';
import {
  outboundMessageModel,
  type OutboundMessageModel,
} from '../shared/models/outbound-message.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { createNotifyQueue, enqueueNotify, type NotifyJob } from '../shared/notify';
import { createNotifyWorker } from '../workers/notify/notify.worker';
import {
  LogSmsTransport,
  TwilioSmsTransport,
  type SmsTransport,
} from '../workers/notify/twilio-sms.transport';
import { FakeTwilio } from './helpers/fake-twilio';
import { queueIdle } from './helpers/quiet';
import { outboundSettled, startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';

const SID = 'AC' + 'a'.repeat(32);
const TOKEN = 'notify-test-token-0123456789';
const PUBLIC = 'https://feedback.example.la';
let p: TestPlatform;
let fake: FakeTwilio;
let queue: Queue<NotifyJob>;
let Outbound: OutboundMessageModel;
let queueRedis: IORedis;
let worker: Awaited<ReturnType<typeof startNotify>> | undefined;

async function startNotify(transport: SmsTransport) {
  const w = createNotifyWorker({
    config: p.config,
    connection: p.workerRedis,
    Outbound,
    SmsContact: smsContactModel(p.conn),
    vault: p.vault,
    transport,
    log: createLogger('test', 'silent'),
  });
  w.on('error', () => undefined);
  await w.waitUntilReady();
  return w;
}

beforeAll(async () => {
  p = await startTestPlatform('notify', {
    env: {
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_ACCOUNT_SID: SID,
      PUBLIC_BASE_URL: PUBLIC,
      NOTIFY_BACKOFF_MS: '30',
    },
  });
  fake = new FakeTwilio(SID, TOKEN);
  await fake.start();
  Outbound = outboundMessageModel(p.conn);
  queueRedis = redisConnection(p.config.redisUrl, 'worker');
  queue = createNotifyQueue(p.config, queueRedis);
  worker = await startNotify(
    new TwilioSmsTransport(SID, TOKEN, '+85621000000', { apiBase: fake.url, timeoutMs: 300 }),
  );
});
afterAll(async () => {
  await worker?.close(true);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  queueRedis.disconnect();
  await fake.stop();
  await p.close();
});

const phone = (n: number) => `+85620555520${n.toString().padStart(2, '0')}`;
function send(n: number, body: string) {
  return enqueueNotify(queue, Outbound, {
    toSealed: p.vault.encrypt(phone(n), 'phone'),
    toHash: p.vault.hash(`phone:${phone(n)}`),
    body,
    purpose: 'reply',
  });
}
const settled = (id: string, statuses: string[]) => outboundSettled(Outbound, id, statuses);

test('a reply is sent with the Twilio client and recorded with its SID; the signed status callback marks it delivered', async () => {
  const id = await send(1, 'ຄຳຮ້ອງທຸກຂອງທ່ານ ກຳລັງພິຈາລະນາ');
  const m = await settled(id, ['sent']);
  const out = fake.sent.at(-1)!;
  expect(out).toMatchObject({
    To: phone(1),
    From: '+85621000000',
    Body: 'ຄຳຮ້ອງທຸກຂອງທ່ານ ກຳລັງພິຈາລະນາ',
  });
  expect(out.StatusCallback).toBe(`${PUBLIC}/webhooks/sms/twilio/status?m=${id}`);
  expect(m.providerSid).toMatch(/^SM[0-9a-f]{32}$/);
  expect(JSON.stringify(m)).not.toContain(phone(1)); // the record keeps only the hash

  const path = `/webhooks/sms/twilio/status?m=${id}`;
  const cb = (status: string, sig?: string) => {
    const body = {
      MessageSid: m.providerSid!,
      MessageStatus: status,
      AccountSid: SID,
      To: phone(1),
    };
    return request(p.app)
      .post(path)
      .type('form')
      .set(
        'X-Twilio-Signature',
        sig ?? twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, body),
      )
      .send(body);
  };
  await cb('delivered', 'forged').expect(403);
  expect((await Outbound.findById(id).lean())?.status).toBe('sent');
  await cb('delivered').expect(204);
  expect((await Outbound.findById(id).lean())?.status).toBe('delivered');
  await cb('sent').expect(204); // late and out of order: ignored
  expect((await Outbound.findById(id).lean())?.status).toBe('delivered');
});

test('Twilio answering 500 twice, then timing out once, is retried until the message goes', async () => {
  fake.next({ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'hang' });
  const before = fake.requests;
  const id = await send(2, 'retry me');
  const m = await settled(id, ['sent']);
  expect(fake.requests - before).toBe(4);
  expect(m.attempts).toBe(4);
  expect(fake.sent.filter((s) => s.Body === 'retry me')).toHaveLength(1);
});

test('the provider accepted it but recording that failed (MongoDB away): the retry records it and does not send again', async () => {
  await worker!.close();
  let failed = 0;
  // Fault injection at the database boundary: the one write that records "sent" fails once.
  const flaky = new Proxy(Outbound, {
    get(target, key, receiver) {
      if (key === 'updateOne')
        return (filter: unknown, update: { $set?: { status?: string } }) => {
          if (update?.$set?.status === 'sent' && failed++ === 0)
            return Promise.reject(new Error('MongoDB is not reachable'));
          return target.updateOne(filter as never, update as never);
        };
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const w = createNotifyWorker({
    config: p.config,
    connection: p.workerRedis,
    Outbound: flaky,
    SmsContact: smsContactModel(p.conn),
    vault: p.vault,
    transport: new TwilioSmsTransport(SID, TOKEN, '+85621000000', {
      apiBase: fake.url,
      timeoutMs: 300,
    }),
    log: createLogger('test', 'silent'),
  });
  w.on('error', () => undefined);
  try {
    const before = fake.requests;
    const id = await send(9, 'accepted once');
    const m = await settled(id, ['sent']);
    expect(failed).toBe(2); // the first record failed, the retry's succeeded
    expect(fake.requests - before).toBe(1); // sent once
    expect(fake.sent.filter((x) => x.Body === 'accepted once')).toHaveLength(1);
    expect(m.providerSid).toMatch(/^SM[0-9a-f]{32}$/);
  } finally {
    await w.close();
    worker = await startNotify(
      new TwilioSmsTransport(SID, TOKEN, '+85621000000', { apiBase: fake.url, timeoutMs: 300 }),
    );
  }
});

test('a permanent error (invalid number) is recorded as failed and not retried', async () => {
  fake.next({ kind: 'invalid-number' });
  const before = fake.requests;
  const id = await send(3, 'to a bad number');
  const m = await settled(id, ['failed']);
  expect(m.errorCode).toBe('21211');
  // Twilio's text names the number: recorded (and kept as the failed job's reason) masked.
  const digits = phone(3).slice(1);
  expect(m.lastError).toContain('21211');
  expect(m.lastError).toContain(`•••${digits.slice(-2)}`);
  expect(m.lastError).not.toContain(digits.slice(-6));
  const job = await queue.getJob(`notify-${id}`);
  await queueIdle(queue); // no retry follows: nothing is delayed for another attempt
  expect(fake.requests - before).toBe(1);
  const reason = (await queue.getJob(`notify-${id}`))?.failedReason ?? job?.failedReason;
  expect(reason).toContain('21211');
  expect(reason).not.toContain(digits.slice(-6));
});

test('a number that sent STOP is never messaged', async () => {
  await smsContactModel(p.conn).updateOne(
    { _id: p.vault.hash(`phone:${phone(4)}`) },
    { $set: { optedOut: true, updatedAt: new Date() } },
    { upsert: true },
  );
  const before = fake.requests;
  const id = await send(4, 'you opted out');
  await settled(id, ['suppressed']);
  expect(fake.requests).toBe(before);
});

test('without Twilio credentials the log transport records what would have been sent, and nothing leaves; the request id of the reply reaches the worker', async () => {
  const lines: string[] = [];
  const logQueue = createNotifyQueue(
    { ...p.config, queuePrefix: `${p.config.queuePrefix}_log` },
    p.redis,
  );
  const w = createNotifyWorker({
    config: { ...p.config, queuePrefix: `${p.config.queuePrefix}_log` },
    connection: p.workerRedis,
    Outbound,
    SmsContact: smsContactModel(p.conn),
    vault: p.vault,
    transport: new LogSmsTransport(),
    log: createLogger('test', 'debug', { write: (l) => lines.push(l) }),
  });
  const before = fake.requests;
  // Queued inside a request (a staff reply): the job carries its id, and so do the worker's lines.
  const id = await withLogContext({ requestId: 'staff-reply-req-5' }, () =>
    enqueueNotify(logQueue, Outbound, {
      toSealed: p.vault.encrypt(phone(5), 'phone'),
      toHash: 'h5',
      body: 'logged only',
      purpose: 'status',
    }),
  );
  expect((await logQueue.getJob(`notify-${id}`))?.data.requestId).toBe('staff-reply-req-5');
  const m = await settled(id, ['logged']);
  expect(m).toMatchObject({ transport: 'log', body: 'logged only' });
  expect(fake.requests).toBe(before);
  // The worker writes the record, then the line: wait for the line too.
  const line = await waitFor(
    () => lines.map((l) => JSON.parse(l) as { messageId?: string }).find((l) => l.messageId === id),
    "the worker's line for the message",
  );
  expect(line).toMatchObject({
    msg: expect.stringContaining('recorded for staff'),
    requestId: 'staff-reply-req-5',
    jobId: `notify-${id}`,
  });
  await w.close();
  await logQueue.obliterate({ force: true });
  await logQueue.close();
});
