/**
 * SMS conversations: pieces of one complaint within the window join one feedback; outside it they
 * do not; when the text names no center we ask once, and the reply completes the same feedback.
 */
import request from 'supertest';
import twilio from 'twilio';
import { createLogger } from '../shared/logger';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { rollupModel } from '../shared/models/rollup.model';
import { createNotifyQueue } from '../shared/notify';
import { followupKey, FOLLOWUP_TEXT, smsFollowUp, threadKey } from '../shared/sms-conversation';
import { loadCatalogView } from '../shared/catalog/catalog';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import { CatalogTextClassifier } from '../workers/intake/classify.step';
import { createIntakeWorker } from '../workers/intake/intake.worker';
import { createFeedbackStore } from '../workers/intake/store.step';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import type { Worker } from 'bullmq';

const AUTH_TOKEN = 'thread-test-token-0123456789';
const PUBLIC = 'https://feedback.example.la';
let p: TestPlatform;
let worker: Worker;
const notifyQueue = () => createNotifyQueue(p.config, p.workerRedis);
let queue: ReturnType<typeof notifyQueue>;

beforeAll(async () => {
  p = await startTestPlatform('smsthread', {
    env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_BASE_URL: PUBLIC, SMS_THREAD_WINDOW_MIN: '15' },
  });
  queue = notifyQueue();
  const store = await createFeedbackStore(p.conn, p.workerRedis, p.config.queuePrefix);
  worker = createIntakeWorker({
    config: p.config,
    connection: p.workerRedis,
    store,
    vault: p.vault,
    codes: p.codes,
    classifier: new CatalogTextClassifier({
      catalog: () => loadCatalogView(p.catalog),
      aliases: () => loadAliases(aliasModel(p.conn)),
    }),
    log: createLogger('test', 'silent'),
    followUp: smsFollowUp({
      redis: p.workerRedis,
      prefix: p.config.queuePrefix,
      windowS: p.config.sms.followupWindowS,
      queue,
      Outbound: outboundMessageModel(p.conn),
    }),
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
});
afterAll(async () => {
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await p.close();
});

let sid = 0;
const nextSid = () => `SM${(++sid).toString(16).padStart(32, 'a')}`;
function sms(From: string, Body: string, MessageSid = nextSid()) {
  const body = { MessageSid, From, To: '+85621000000', Body, NumSegments: '1' };
  return request(p.app)
    .post('/webhooks/sms/twilio')
    .type('form')
    .set(
      'X-Twilio-Signature',
      twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}/webhooks/sms/twilio`, body),
    )
    .send(body)
    .expect(200);
}
const codeOf = (xml: string) => /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(xml)![1]!;
const drained = () =>
  waitFor(async () => {
    const c = await p.queue.getJobCounts('wait', 'active', 'delayed');
    return (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
  }, 'intake drained');

test('pieces within the window join one feedback; a redelivered piece is not appended twice', async () => {
  const From = '+8562055553001';
  const first = codeOf((await sms(From, 'ຢູ່ ຫ້ອງການ ສະຫວັນນະເຂດ ເຮັດໃບຂັບຂີ່')).text);
  await p.counted(first);
  const secondSid = nextSid();
  const second = codeOf((await sms(From, 'ລໍຖ້າ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້', secondSid)).text);
  expect(second).toBe(first);
  await sms(From, 'ລໍຖ້າ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້', secondSid); // Twilio redelivers the same message
  await drained();
  const doc = await waitFor(async () => {
    const d = await p.Feedback.findById(first.replace('-', '')).lean();
    return d?.parts?.length ? d : null;
  }, 'second piece appended');
  expect(doc.text?.raw).toBe('ຢູ່ ຫ້ອງການ ສະຫວັນນະເຂດ ເຮັດໃບຂັບຂີ່\nລໍຖ້າ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້');
  expect(doc.parts).toEqual([secondSid]);
  expect(doc).toMatchObject({
    center: { code: 'LA-SV' },
    service: { code: 'driving_licence' },
    kind: { code: 'complaint' },
  });
  expect(doc.topics.map((t) => t.code)).toContain('waiting_time');
  expect(await p.Feedback.countDocuments({ 'sender.idHash': p.vault.hash(`phone:${From}`) })).toBe(
    1,
  );
});

test('after the window a message is new feedback', async () => {
  const From = '+8562055553002';
  const first = codeOf((await sms(From, 'pakse odsc slow')).text);
  await p.counted(first);
  // What the window's end does: the thread key expires (its TTL is SMS_THREAD_WINDOW_MIN, 15 min,
  // asserted by value).
  const ttl = await p.redis.ttl(threadKey(p.config.queuePrefix, p.vault.hash(`phone:${From}`)));
  expect(ttl).toBeGreaterThan(15 * 60 - 120);
  expect(ttl).toBeLessThanOrEqual(15 * 60);
  await p.redis.del(threadKey(p.config.queuePrefix, p.vault.hash(`phone:${From}`)));
  const second = codeOf((await sms(From, 'pakse odsc good today')).text);
  expect(second).not.toBe(first);
  await p.counted(second);
});

test('no center named: we ask once which district or province, and the reply completes the same feedback', async () => {
  const From = '+8562055553003';
  const Outbound = outboundMessageModel(p.conn);
  const code = codeOf((await sms(From, 'staff very rude and asked for extra money')).text);
  const doc = await p.counted(code);
  expect(doc.center.code).toBeNull();
  expect(doc.needsTriage).toBe(true);
  const ask = await waitFor(
    () => Outbound.findOne({ feedbackId: doc._id, purpose: 'followup' }).lean(),
    'follow-up queued',
  );
  expect(ask.body).toBe(FOLLOWUP_TEXT.en);
  expect(ask.toHash).toBe(p.vault.hash(`phone:${From}`));
  // The message is recorded, then its job added: wait for the job, not only the record.
  await waitFor(() => queue.getJob(`notify-${ask._id}`), 'follow-up job queued');

  // The window has passed; the answer still joins because we asked.
  await p.redis.del(threadKey(p.config.queuePrefix, p.vault.hash(`phone:${From}`)));
  const answer = codeOf((await sms(From, 'Xaythany')).text);
  expect(answer).toBe(code);
  await drained();
  const done = await waitFor(async () => {
    const d = await p.Feedback.findById(doc._id).lean();
    return d?.center.code ? d : null;
  }, 'center completed by the reply');
  expect(done).toMatchObject({ center: { code: 'LA-VT-XAYTHANY' }, needsTriage: false });
  expect(await Outbound.countDocuments({ feedbackId: doc._id, purpose: 'followup' })).toBe(1);
  // The count moved from "unknown center" to Xaythany.
  const day = doc.day;
  const Rollup = rollupModel(p.conn);
  expect((await Rollup.findById(`${day}|_unknown|_unknown|sms`).lean())?.count ?? 0).toBe(0);
  expect((await Rollup.findById(`${day}|LA-VT-XAYTHANY|_unknown|sms`).lean())?.count).toBe(1);
});

test('a question left unanswered does not swallow the next, unrelated message; it waits SMS_FOLLOWUP_WINDOW_MIN', async () => {
  const From = '+8562055553004';
  const hash = p.vault.hash(`phone:${From}`);
  const Outbound = outboundMessageModel(p.conn);
  const code = codeOf((await sms(From, 'the officer was rude to my mother')).text);
  const doc = await p.counted(code);
  await waitFor(
    () => Outbound.findOne({ feedbackId: doc._id, purpose: 'followup' }).lean(),
    'follow-up queued',
  );
  // The question waits the follow-up window (120 min by default), not a day.
  const ttl = await p.redis.ttl(followupKey(p.config.queuePrefix, hash));
  expect(ttl).toBeGreaterThan(110 * 60);
  expect(ttl).toBeLessThanOrEqual(120 * 60);

  // Past the thread window, the citizen writes about something else (naming its center, so no
  // new question is asked): new feedback of its own, though it names a place.
  await p.redis.del(threadKey(p.config.queuePrefix, hash));
  const other = codeOf(
    (await sms(From, 'ເຮັດປຶ້ມສຳມະໂນຄົວ ຢູ່ ເມືອງ ສີສັດຕະນາກ ລໍຖ້າ ສອງອາທິດ ຍັງບໍ່ໄດ້ ພະນັກງານ ບອກໃຫ້ມາໃໝ່ ທຸກມື້')).text,
  );
  expect(other).not.toBe(code);
  expect((await p.counted(other)).center.code).toBe('LA-VT-SISATTANAK');
  // The question is still open: a short reply naming a place answers it.
  await p.redis.del(threadKey(p.config.queuePrefix, hash));
  const answer = codeOf((await sms(From, 'ເມືອງ ໄຊທານີ')).text);
  expect(answer).toBe(code);
  await drained();
  const done = await waitFor(async () => {
    const d = await p.Feedback.findById(doc._id).lean();
    return d?.center.code ? d : null;
  }, 'center completed by the reply');
  expect(done.center.code).toBe('LA-VT-XAYTHANY');
  expect(await p.Feedback.countDocuments({ 'sender.idHash': hash })).toBe(2);
  expect(await p.redis.exists(followupKey(p.config.queuePrefix, hash))).toBe(0);
});
