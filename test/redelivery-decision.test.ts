/**
 * A message delivered again (Telegram after a non-2xx, Twilio's fallback URL after an error) is
 * what its first delivery decided — its own feedback, or a piece of the same feedback — even when
 * the chat's or number's thread has moved meanwhile. `npm run chaos` found a Telegram message
 * stored twice: its first delivery (an api killed -9 before answering) enqueued it as new feedback
 * and was stored; the chat's next message started a thread of its own; the redelivery then joined
 * that thread, and the worker appended it there too (shared/intake-decision.ts).
 */
import request from 'supertest';
import twilio from 'twilio';
import { SECRET_HEADER } from '../services/api/channels/telegram-webhook';
import { threadKey } from '../shared/sms-conversation';
import { telegramThreadKey, telegramUpdateKey } from '../shared/telegram-keys';
import { parseTrackingCode } from '../shared/tracking-code';
import { storedExternalId } from '../workers/intake/intake.worker';
import { Citizen, FakeTelegram } from './helpers/fake-telegram';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';

const TOKEN = '7000000001:AAredeliver-token_0123456789abcde';
const SECRET = 'redeliver-secret_0123456789abcdef';
const AUTH_TOKEN = 'redeliver-auth-token-0123456789abcd';
const PUBLIC = 'https://feedback.example.la';
let fake: FakeTelegram;
let p: TestPlatform;

beforeAll(async () => {
  fake = new FakeTelegram(TOKEN);
  await fake.start();
  p = await startTestPlatform('redeliver', {
    worker: true,
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL: PUBLIC,
    },
  });
});
afterAll(async () => {
  await p.close();
  await fake.stop();
});

const codeIn = (text: string) =>
  parseTrackingCode(/([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1] ?? '') ?? '';
const drained = () =>
  waitFor(async () => {
    const c = await p.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    return (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0;
  }, 'intake drained');
/** Every feedback holding this (channel, stored external id), as itself or as a piece. */
async function holders(channel: 'sms' | 'telegram', stored: string): Promise<string[]> {
  const docs = await p.Feedback.find({ channel }, { externalId: 1, parts: 1 }).lean();
  return docs.filter((d) => d.externalId === stored || d.parts?.includes(stored)).map((d) => d._id);
}

test('Telegram: a redelivered update joins what its first delivery joined, not the thread of now', async () => {
  const c = new Citizen(880_555_001);
  const deliver = (u: Record<string, unknown>) =>
    request(p.app).post('/webhooks/telegram').set(SECRET_HEADER, SECRET).send(u).expect(200);
  const receipt = () => codeIn(String(fake.sent('sendMessage', c.chatId).at(-1)?.body.text));

  const first = c.text('ລໍຖ້າດົນຫຼາຍ ຢູ່ ຫ້ອງການ ເມືອງໄຊເສດຖາ');
  await deliver(first);
  const own = receipt();
  await p.counted(own);
  await drained();
  // The state a kill -9 after the enqueue leaves: the update never marked done, the chat's
  // thread never set.
  const hash = p.vault.hash(`telegram:${c.chatId}`);
  await p.redis.del(telegramUpdateKey(p.config.queuePrefix, TOKEN, Number(first.update_id)));
  await p.redis.del(telegramThreadKey(p.config.queuePrefix, hash));
  // The chat's next message starts a feedback of its own.
  await deliver(c.text('The family book office was closed at lunch time again'));
  const next = receipt();
  expect(next).not.toBe(own);
  await p.counted(next);

  await deliver(first); // Telegram delivers the first update again
  expect(receipt()).toBe(own);
  await drained();
  const message = first.message as { message_id: number };
  const stored = storedExternalId('telegram', `${c.chatId}:${message.message_id}`, p.vault);
  expect(await holders('telegram', stored)).toEqual([own]);
});

test("SMS: Twilio's fallback delivery of a thread piece joins the same feedback, not a newer thread", async () => {
  const From = '+8562055554001';
  let n = 0;
  const sms = (Body: string, MessageSid = `SM${(++n).toString(16).padStart(32, 'e')}`) => {
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
  };
  const a = codeIn((await sms('ຢູ່ ຫ້ອງການ ສະຫວັນນະເຂດ ເຮັດໃບຂັບຂີ່')).text);
  await p.counted(a);
  const pieceSid = `SM${'b'.repeat(32)}`;
  expect(codeIn((await sms('ລໍຖ້າ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້', pieceSid)).text)).toBe(a);
  await drained();
  // The window closes; the number's next message is a new thread.
  await p.redis.del(threadKey(p.config.queuePrefix, p.vault.hash(`phone:${From}`)));
  const c = codeIn((await sms('The land office in Pakse lost my documents')).text);
  expect(c).not.toBe(a);
  await p.counted(c);

  // The fallback URL delivers the piece again (its first answer was lost).
  expect(codeIn((await sms('ລໍຖ້າ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້', pieceSid)).text)).toBe(a);
  await drained();
  expect(await holders('sms', pieceSid)).toEqual([a]);
});
