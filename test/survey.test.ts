/**
 * Closing the loop: a complaint resolved by staff asks the citizen once how satisfied they are,
 * on the channel it came from — by SMS (the real twilio client against a local stand-in for
 * Twilio's REST API; the answer is a signed webhook) and on Telegram (buttons, through a local
 * stand-in for the Bot API) — and the answer lands on the item. A bare digit outside the window,
 * or a press from another chat, changes nothing.
 */
import request from 'supertest';
import twilio from 'twilio';
import type { Queue, Worker } from 'bullmq';
import { SECRET_HEADER } from '../services/api/channels/telegram-webhook';
import { createLogger } from '../shared/logger';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { telegramChatModel } from '../shared/models/telegram-chat.model';
import { createNotifyQueue, type NotifyJob } from '../shared/notify';
import { parseTrackingCode } from '../shared/tracking-code';
import { createNotifyWorker } from '../workers/notify/notify.worker';
import { TelegramChatTransport } from '../workers/notify/telegram.transport';
import { TwilioSmsTransport } from '../workers/notify/twilio-sms.transport';
import { FakeTwilio } from './helpers/fake-twilio';
import { buttonsOf, Citizen, FakeTelegram, messageIdOf } from './helpers/fake-telegram';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import { queueIdle } from './helpers/quiet';
import { makeUser, signIn, type StaffAgent } from './helpers/staff';

const SID = 'AC' + 'c'.repeat(32);
const AUTH = 'survey-test-token-0123456789';
const PUBLIC = 'https://feedback.example.la';
const BOT = '7000000002:AAsurvey-token_0123456789abcdefghij';
const SECRET = 'survey-secret_0123456789abcdef';

let p: TestPlatform;
let twilioApi: FakeTwilio;
let botApi: FakeTelegram;
let notify: Worker;
let notifyQueue: Queue<NotifyJob>;
let tf: StaffAgent;

beforeAll(async () => {
  twilioApi = new FakeTwilio(SID, AUTH);
  botApi = new FakeTelegram(BOT);
  await Promise.all([twilioApi.start(), botApi.start()]);
  p = await startTestPlatform('survey', {
    worker: true,
    env: {
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: AUTH,
      PUBLIC_BASE_URL: PUBLIC,
      SMS_THREAD_WINDOW_MIN: '0',
      TELEGRAM_BOT_TOKEN: BOT,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: botApi.url,
      TELEGRAM_THREAD_WINDOW_MIN: '0',
    },
  });
  notify = createNotifyWorker({
    config: p.config,
    connection: p.workerRedis,
    Outbound: outboundMessageModel(p.conn),
    SmsContact: smsContactModel(p.conn),
    TelegramChat: telegramChatModel(p.conn),
    vault: p.vault,
    transport: new TwilioSmsTransport(SID, AUTH, '+85621000000', { apiBase: twilioApi.url }),
    chat: new TelegramChatTransport(BOT, { apiRoot: botApi.url }),
    log: createLogger('test', 'silent'),
  });
  notify.on('error', () => undefined);
  notifyQueue = createNotifyQueue(p.config, p.redis);
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  tf = await signIn(p.app, 'tf@odsc.gov.la');
}, 60_000);

afterAll(async () => {
  await notify?.close(true);
  await notifyQueue?.close();
  await p?.close();
  await Promise.all([twilioApi?.stop(), botApi?.stop()]);
});

let sid = 0;
function sms(From: string, Body: string) {
  const body = {
    AccountSid: SID,
    To: '+85621000000',
    NumSegments: '1',
    NumMedia: '0',
    MessageSid: `SM${(++sid).toString(16).padStart(32, 'e')}`,
    From,
    Body,
  };
  const sig = twilio.getExpectedTwilioSignature(AUTH, `${PUBLIC}/webhooks/sms/twilio`, body);
  return request(p.app)
    .post('/webhooks/sms/twilio')
    .type('form')
    .set('X-Twilio-Signature', sig)
    .send(body)
    .expect(200);
}
const replyOf = (xml: string) => /<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? '';
const codeIn = (text: string) => /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1] ?? '';

async function resolve(code: string) {
  await tf.agent
    .patch(`/api/v1/feedback/${code}`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ status: 'resolved', resolutionNote: 'The counter now opens at 8:00.' })
    .expect(200);
}
/** Nothing left that could still send or store anything: both queues have no job to run. */
const settled = () => Promise.all([queueIdle(p.queue), queueIdle(notifyQueue)]);
const satisfied = (code: string, value: number) =>
  waitFor(async () => {
    const d = await p.Feedback.findById(parseTrackingCode(code)).lean();
    return d?.satisfaction === value ? d : null;
  }, `satisfaction ${value} on ${code}`);

test('SMS: resolved → asked once by SMS; a reply "໔" within the window is the answer', async () => {
  const from = '+8562055507001';
  const res = await sms(from, 'ຫ້ອງການ ຫຼວງພະບາງ ລໍຖ້າດົນຫຼາຍ ບໍ່ພໍໃຈ');
  const code = codeIn(replyOf(res.text));
  await p.counted(code);
  await resolve(code);
  const question = await waitFor(
    () => twilioApi.sent.find((m) => m.To === from && m.Body.includes(code)),
    'the survey SMS',
  );
  expect(question.Body).toMatch(/^ODSC: ເລື່ອງ .* ຕອບ 1 ຫາ 5/);
  const answer = await sms(from, ' ໔ ');
  expect(replyOf(answer.text)).toBe('ຂອບໃຈສຳລັບຄຳຕອບ!');
  const doc = await satisfied(code, 4);
  expect(doc.history!.filter((h) => h.action === 'satisfaction').map((h) => h.to)).toEqual([4]);
  const item = (await tf.agent.get(`/api/v1/feedback/${code}`)).body;
  expect(item.satisfaction).toBe(4);
  expect(item.thread.map((t: { type: string }) => t.type)).toEqual(['message', 'survey']);
  // The answer reaches the figures: satisfaction with the resolution, over the complaints.
  await tf.agent
    .patch(`/api/v1/feedback/${code}`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ kind: 'complaint' })
    .expect(200);
  const figures = (await tf.agent.get('/api/v1/reports/summary').expect(200)).body;
  expect(figures).toMatchObject({
    resolutionSatisfactionAvg: 4,
    resolutionSatisfactionCount: 1,
    complaints: { resolved: 1 },
  });

  // The window closed with the answer: a later "5" is feedback of its own; the answer stays 4.
  const later = await sms(from, '5');
  const other = codeIn(replyOf(later.text));
  expect(other).not.toBe(code);
  await p.counted(other);
  expect((await p.Feedback.findById(parseTrackingCode(code)).lean())!.satisfaction).toBe(4);
  // Resolving again after a reopen does not ask twice.
  await tf.agent
    .patch(`/api/v1/feedback/${code}`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ status: 'triaged' })
    .expect(200);
  await resolve(code);
  await settled(); // a second question would be on the notify queue by now
  expect(twilioApi.sent.filter((m) => m.To === from && m.Body.includes(code))).toHaveLength(1);
});

test('Telegram: resolved → asked with five buttons; a press from the same chat is the answer, from another chat nothing', async () => {
  const c = new Citizen(990_000_001);
  const ok = (u: Record<string, unknown>) =>
    request(p.app).post('/webhooks/telegram').set(SECRET_HEADER, SECRET).send(u).expect(200);
  await ok(c.text('ຢູ່ຫ້ອງການ ເມືອງໄຊເສດຖາ ລໍຖ້າ ໔ ຊົ່ວໂມງ ບໍ່ພໍໃຈ'));
  const code = codeIn(String(botApi.last(c.chatId)!.body.text));
  await p.counted(code);
  // A staff reply reaches the chat through the notify worker and the Bot API.
  const reply = await tf.agent
    .post(`/api/v1/feedback/${code}/replies`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ text: 'ພວກເຮົາໄດ້ລົມກັບຫົວໜ້າສູນແລ້ວ' })
    .expect(202);
  await waitFor(
    () => botApi.sent('sendMessage', c.chatId).find((m) => m.body.text === 'ພວກເຮົາໄດ້ລົມກັບຫົວໜ້າສູນແລ້ວ'),
    'the reply in the chat',
  );
  await waitFor(async () => {
    const item = (await tf.agent.get(`/api/v1/feedback/${code}`)).body;
    return item.thread.find(
      (t: { replyId?: string; delivery?: string }) =>
        t.replyId === reply.body.replyId && t.delivery === 'sent',
    );
  }, 'the reply shown as sent');
  await resolve(code);
  const survey = await waitFor(
    () =>
      botApi
        .sent('sendMessage', c.chatId)
        // Answered too: the presses below need the id the stand-in gave the message.
        .find(
          (call) =>
            call.result !== undefined && buttonsOf(call).some(([, d]) => d.startsWith('sv:')),
        ),
    'the survey message',
  );
  const id = parseTrackingCode(code)!;
  expect(buttonsOf(survey).map(([, d]) => d)).toEqual([1, 2, 3, 4, 5].map((n) => `sv:${id}:${n}`));
  const intruder = new Citizen(990_000_002);
  await ok(intruder.press(messageIdOf(survey), `sv:${id}:1`));
  await ok(c.press(messageIdOf(survey), `sv:${id}:5`));
  await satisfied(code, 5);
  await settled(); // the intruder's press, had it counted, would have been handled by now
  const doc = (await p.Feedback.findById(id).lean())!;
  expect(doc.satisfaction).toBe(5);
  expect(doc.history!.filter((h) => h.action === 'satisfaction').map((h) => h.to)).toEqual([5]);
});
