/**
 * Key rotation end to end on real FerretDB and Redis: feedback and a reply are stored and queued
 * with key A (one value in the first release's v1 format), the configuration moves to key B with A
 * old, and `npm run pii:rotate` (the built script, as operators run it) re-seals every stored value
 * with B, keeps look-ups and tracking codes, leaves queued jobs to the keyring, and is idempotent.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { createLogger } from '../shared/logger';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { createNotifyQueue, type NotifyJob } from '../shared/notify';
import { deriveKey, keyId, PiiKeyring, PiiVault } from '../shared/pii';
import { enqueueReply } from '../shared/replies';
import { telegramSessionKey } from '../shared/telegram-keys';
import { TrackingCodes } from '../shared/tracking-code';
import { processNotify } from '../workers/notify/notify.worker';
import type { SmsTransport } from '../workers/notify/twilio-sms.transport';
import { startTestPlatform, TEST_PII_KEY, validBody, type TestPlatform } from './helpers/platform';

const A = Buffer.from(TEST_PII_KEY, 'hex');
const B_HEX = 'b'.repeat(64);
const B = Buffer.from(B_HEX, 'hex');
/** The keyring once every stored value is re-sealed: B alone, hashes still keyed by A. */
const onlyB = new PiiVault(new PiiKeyring({ current: B, hashKey: A }));
const SCRIPT = path.resolve(__dirname, '../dist/scripts/pii-rotate.js');

let p: TestPlatform;
let notifyQueue: Queue<NotifyJob>;
beforeAll(async () => {
  p = await startTestPlatform('pii-rotate', { worker: true });
  notifyQueue = createNotifyQueue(p.config, p.redis);
});
afterAll(async () => {
  await notifyQueue.obliterate({ force: true }).catch(() => undefined);
  await notifyQueue.close();
  await p.close();
});

/** A value as the first release sealed it: `v1.<iv>.<tag>.<ct>`, no key id, no authenticated data. */
function sealV1(master: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(master, 'pii-encryption'), iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct].map((x) => x.toString('base64url')).join('.');
}

function rotate(
  args: string[] = [],
  keys: Record<string, string> = {
    PII_KEY: B_HEX,
    PII_KEYS_OLD: TEST_PII_KEY,
    PII_HASH_KEY: TEST_PII_KEY,
  },
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      MONGO_URL: p.config.mongoUrl,
      REDIS_URL: p.config.redisUrl,
      QUEUE_PREFIX: p.config.queuePrefix,
      DATA_DIR: p.config.dataDir,
      ...keys,
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

async function stored(): Promise<FeedbackDoc[]> {
  return p.conn.db!.collection<FeedbackDoc>('feedback').find({}).sort({ _id: 1 }).toArray();
}

test('npm run pii:rotate re-seals every stored value with the new key and keeps every look-up', async () => {
  // With key A: two web submissions with a number to call back.
  const codes: string[] = [];
  for (const phone of ['020 5555 1234', '020 5555 9876']) {
    const res = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ contact: { phone, consentToContact: true } }))
      .expect(202);
    codes.push((await p.counted(res.body.trackingCode))._id);
  }
  const [first, second] = codes as [string, string];
  // One sender as the first release stored it (v1), a Telegram-style shared number on the other.
  await p.conn
    .db!.collection<FeedbackDoc>('feedback')
    .updateOne({ _id: first }, { $set: { 'sender.idSealed': sealV1(A, '+8562055551234') } });
  await p.conn
    .db!.collection<FeedbackDoc>('feedback')
    .updateOne(
      { _id: second },
      { $set: { 'meta.contactPhoneSealed': p.vault.encrypt('+8562055550000', 'phone') } },
    );
  // A staff reply waiting in the notify queue (its recipient sealed with A, in Redis only), and a
  // Telegram conversation holding a shared number.
  const Outbound = outboundMessageModel(p.conn);
  const reply = await enqueueReply(
    { Feedback: p.Feedback, Outbound, queue: notifyQueue },
    second,
    'We are looking into it.',
  );
  await p.redis.set(
    telegramSessionKey(p.config.queuePrefix, 'chat-hash'),
    JSON.stringify({ flow: { phoneSealed: p.vault.encrypt('+8562055551111', 'phone') } }),
    'EX',
    600,
  );
  const before = await stored();

  // Dry run: counts, writes nothing.
  const dry = await rotate(['--dry-run']);
  expect(dry).toMatchObject({ code: 0 });
  expect(dry.out).toContain(
    `keys: current ${keyId(B)}; old ${keyId(A)}; look-up hashes ${keyId(A)} (an old key)`,
  );
  expect(dry.out).toContain('feedback: 2 documents read');
  expect(dry.out).toContain('sender.idSealed: 2 to re-seal, 0 already current, 0 unreadable');
  expect(dry.out).toContain(
    'meta.contactPhoneSealed: 1 to re-seal, 0 already current, 0 unreadable',
  );
  expect(dry.out).toContain('0 intake jobs, 1 notify jobs, 1 Telegram conversations');
  expect(await stored()).toEqual(before);

  // A hash key other than the one the look-ups were made with stops the run before any write.
  const wrong = await rotate([], {
    PII_KEY: B_HEX,
    PII_KEYS_OLD: TEST_PII_KEY,
    PII_HASH_KEY: B_HEX,
  });
  expect(wrong.code).toBe(1);
  expect(wrong.err).toMatch(/PII_HASH_KEY .* does not reproduce the stored look-up hashes/);
  expect(await stored()).toEqual(before);
  // Without PII_HASH_KEY the configuration itself is refused.
  const unset = await rotate([], { PII_KEY: B_HEX, PII_KEYS_OLD: TEST_PII_KEY });
  expect(unset.code).toBe(1);
  expect(unset.err).toMatch(/PII_HASH_KEY: required when PII_KEYS_OLD is set/);

  const run = await rotate();
  expect(run).toMatchObject({ code: 0 });
  expect(run.out).toContain('sender.idSealed: 2 re-sealed, 0 already current, 0 unreadable');
  expect(run.out).toContain(
    'meta.contactPhoneSealed: 1 re-sealed, 0 already current, 0 unreadable',
  );

  const after = await stored();
  const clearOf: Record<string, string> = { [first]: '+8562055551234', [second]: '+8562055559876' };
  for (const [i, doc] of after.entries()) {
    // Every stored value carries B's key id and opens without A to the same number.
    expect(doc.sender.idSealed!.startsWith(`v3.${keyId(B)}.`)).toBe(true);
    expect(onlyB.decrypt(doc.sender.idSealed!)).toBe(clearOf[doc._id]);
    // Look-ups by hash still find it; the tracking code still derives to its id. A number left
    // on the web form is unverified and hashed apart from numbers that texted us.
    expect(doc.sender.idHash).toBe(before[i]!.sender.idHash);
    const found = await p.Feedback.find({
      'sender.idHash': onlyB.hash(`unverified-phone:${clearOf[doc._id]}`),
    }).lean();
    expect(found.map((f) => f._id)).toEqual([doc._id]);
    expect(new TrackingCodes(onlyB.keys).derive(doc.channel, doc.externalId)).toBe(doc._id);
    // Re-sealing is not a change anyone made: updatedAt stays.
    expect(doc.updatedAt).toEqual(before[i]!.updatedAt);
  }
  const phoneMeta = after.find((d) => d._id === second)!.meta.contactPhoneSealed as string;
  expect(phoneMeta.startsWith(`v3.${keyId(B)}.`)).toBe(true);
  expect(onlyB.decrypt(phoneMeta)).toBe('+8562055550000');
  const status = await request(p.app).get(`/api/v1/status/${first}`).expect(200);
  expect(status.body.trackingCode).toBeDefined();

  // The queued reply is still sealed with A and is delivered through the keyring (B, A old).
  expect(run.out).toContain('0 intake jobs, 1 notify jobs, 1 Telegram conversations');
  const job = (await notifyQueue.getJob(`notify-${reply.messageId}`))!;
  expect(PiiVault.keyIdOf(job.data.toSealed)).toBe(keyId(A));
  const sent: string[] = [];
  const transport: SmsTransport = {
    name: 'twilio',
    send: async (to) => {
      sent.push(to);
      return 'SM' + 'f'.repeat(32);
    },
  };
  const ring = new PiiVault(new PiiKeyring({ current: B, old: [A], hashKey: A }));
  const result = await processNotify(
    {
      config: p.config,
      Outbound,
      SmsContact: smsContactModel(p.conn),
      vault: ring,
      transport,
      log: createLogger('test', 'silent'),
    },
    job.data,
    1,
  );
  expect(result).toBe('sent');
  expect(sent).toEqual(['+8562055559876']);

  // A second run has nothing left to do.
  const again = await rotate();
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toContain('sender.idSealed: 0 re-sealed, 2 already current, 0 unreadable');
  expect(again.out).toContain(
    'meta.contactPhoneSealed: 0 re-sealed, 1 already current, 0 unreadable',
  );
  expect(await stored()).toEqual(after);
});

test('a value sealed with a key that is not in the keyring is reported, kept, and fails the run', async () => {
  const doc = (await stored()).find((d) => !d.meta.contactPhoneSealed)!;
  const foreign = new PiiVault(Buffer.alloc(32, 0xe)).encrypt('+8562055551234', 'phone');
  await p.conn
    .db!.collection<FeedbackDoc>('feedback')
    .updateOne({ _id: doc._id }, { $set: { 'meta.contactPhoneSealed': foreign } });
  const run = await rotate();
  expect(run.code).toBe(1);
  expect(run.out).toContain(
    'meta.contactPhoneSealed: 0 re-sealed, 1 already current, 1 unreadable',
  );
  expect(run.out).toContain(`unreadable values (key not in PII_KEY / PII_KEYS_OLD) in: ${doc._id}`);
  const kept = await p.conn.db!.collection<FeedbackDoc>('feedback').findOne({ _id: doc._id });
  expect(kept!.meta.contactPhoneSealed).toBe(foreign);
});
