/**
 * The SMS webhook accepts a message with nothing but the local disk: Redis stopped, or MongoDB
 * frozen (SIGSTOP, so every call to it hangs), each on its own server started by the test. What
 * the queue or the database could not take is spooled (fsync'd) under DATA_DIR, answered with the
 * receipt, and handed on when the server is back — stored once, counted once, the spool empty.
 */
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import twilio from 'twilio';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { parseTrackingCode } from '../shared/tracking-code';
import { freePort, startFerretDb, startRedis, type RunningServer } from '../scripts/storage';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';

const AUTH_TOKEN = 'spool-auth-token-0123456789abcdef';
const PUBLIC = 'https://feedback.example.la';
const ENV = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_BASE_URL: PUBLIC, SMS_THREAD_WINDOW_MIN: '0' };
const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'odsc-spool-'));

let sid = 0;
const nextSid = () => `SM${(++sid).toString(16).padStart(32, 'c')}`;
function sms(p: TestPlatform, From: string, Body: string, MessageSid = nextSid()) {
  const body = { MessageSid, From, To: '+85621000000', Body, NumSegments: '1' };
  return request(p.app)
    .post('/webhooks/sms/twilio')
    .type('form')
    .set(
      'X-Twilio-Signature',
      twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}/webhooks/sms/twilio`, body),
    )
    .send(body);
}
const replyOf = (xml: string) => /<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? '';
const codeIn = (text: string) => parseTrackingCode(/([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)![1]!)!;
const spoolDir = (p: TestPlatform) => path.join(p.config.dataDir, 'spool', 'sms');
const entries = (p: TestPlatform) => readdirSync(spoolDir(p)).filter((n) => n.endsWith('.json'));

describe('Redis stopped', () => {
  let redis: RunningServer;
  let redisDir: string;
  let p: TestPlatform;

  beforeAll(async () => {
    redisDir = scratch();
    redis = await startRedis({ dataDir: redisDir, port: await freePort() });
    p = await startTestPlatform('spoolredis', { worker: true, redisUrl: redis.url, env: ENV });
  });
  afterAll(async () => {
    await p.close();
    await redis.stop();
  });

  test('an SMS gets its receipt from the spool, and is stored and counted once when Redis is back', async () => {
    await redis.stop();
    await waitFor(() => p.redis.status !== 'ready', 'the api noticing Redis is gone');

    const res = await sms(p, '+8562055512345', 'ລໍຖ້າ ໃບທະບຽນລົດ ດົນ ຢູ່ ຫ້ອງການ ເມືອງໄຊເສດຖາ');
    expect(res.status).toBe(200);
    const receipt = replyOf(res.text);
    expect(receipt).toContain('ໄດ້ຮັບແລ້ວ'); // the same Lao receipt as on a healthy day
    const code = codeIn(receipt);
    const spooled = entries(p);
    expect(spooled).toHaveLength(1);
    // A process that dies after handing an entry on and before deleting it hands it on again.
    copyFileSync(
      path.join(spoolDir(p), spooled[0]!),
      path.join(
        spoolDir(p),
        spooled[0]!.replace(/^\d{15}/, (t) => String(Number(t) + 1).padStart(15, '0')),
      ),
    );
    // A STOP in the outage is honoured too (MongoDB is up: written at once).
    const stop = await sms(p, '+8562055599999', 'ຢຸດ');
    expect(stop.status).toBe(200);
    expect(replyOf(stop.text)).toContain('ຢຸດ');
    expect(await p.Feedback.countDocuments({})).toBe(0);

    redis = await startRedis({ dataDir: redisDir, port: redis.port });
    const doc = await p.counted(code, 30_000);
    expect(doc).toMatchObject({ channel: 'sms' });
    await waitFor(() => entries(p).length === 0, 'the spool empty');
    await waitFor(
      async () => (await p.queue.getJobCounts('wait', 'active', 'delayed')).wait === 0,
      'queue drained',
    );
    expect(await p.Feedback.countDocuments({})).toBe(1);
    const rollups = await p.Rollup.find({}).lean();
    expect(rollups.reduce((n, r) => n + r.count, 0)).toBe(1);
    const stopped = await smsContactModel(p.conn)
      .findById(p.vault.hash('phone:+8562055599999'))
      .lean();
    expect(stopped?.optedOut).toBe(true);
  });
});

describe('MongoDB frozen', () => {
  let ferret: RunningServer;
  let p: TestPlatform;

  beforeAll(async () => {
    ferret = await startFerretDb({ dataDir: scratch(), port: await freePort() });
    p = await startTestPlatform('spoolmongo', {
      worker: true,
      mongoUrl: `${ferret.url.replace(/\/[^/]*$/, '')}/spoolmongo`,
      env: ENV,
    });
  });
  afterAll(async () => {
    ferret.process?.kill('SIGCONT');
    await p.close();
    await ferret.stop();
  });

  test('feedback, STOP and STATUS are answered within Twilio’s wait; the STOP is applied when MongoDB is back', async () => {
    const phone = '+8562077712345';
    const before = await sms(p, phone, 'The land office queue was long');
    const first = codeIn(replyOf(before.text));
    await p.counted(first);

    ferret.process!.kill('SIGSTOP');
    const t0 = Date.now();
    const during = await sms(p, phone, 'ບໍ່ມີບ່ອນນັ່ງ ຢູ່ ຫ້ອງການ');
    expect(during.status).toBe(200);
    const code = codeIn(replyOf(during.text));
    const stop = await sms(p, phone, 'STOP');
    expect(stop.status).toBe(200);
    expect(replyOf(stop.text)).toMatch(/ຢຸດ|no more messages/);
    expect(entries(p)).toHaveLength(1); // the STOP; the feedback went to the queue
    const status = await sms(p, phone, `STATUS ${first}`);
    expect(status.status).toBe(200);
    expect(replyOf(status.text)).toMatch(/ກວດສະຖານະບໍ່ໄດ້|cannot look up/);
    // Three answers, none waiting for the frozen database (Twilio gives up after 15 s).
    expect(Date.now() - t0).toBeLessThan(12_000);

    ferret.process!.kill('SIGCONT');
    await p.counted(code, 60_000);
    await waitFor(() => entries(p).length === 0, 'the spool empty', 20_000);
    const contact = await smsContactModel(p.conn)
      .findById(p.vault.hash(`phone:${phone}`))
      .lean();
    expect(contact?.optedOut).toBe(true);
    // A START sent after the spooled STOP wins, though the spool is handed on later.
    await p.smsSpool.putContact({
      phoneHash: p.vault.hash(`phone:${phone}`),
      set: { optedOut: true },
      at: new Date(Date.now() - 60_000).toISOString(),
    });
    const start = await sms(p, phone, 'START');
    expect(start.status).toBe(200);
    await p.smsSpool.drain();
    expect(entries(p)).toHaveLength(0);
    const after = await smsContactModel(p.conn)
      .findById(p.vault.hash(`phone:${phone}`))
      .lean();
    expect(after?.optedOut).toBe(false);
  });
});
