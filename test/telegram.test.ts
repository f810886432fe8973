/**
 * The Telegram bot through its webhook: Update JSON shaped like the Bot API's, a local stand-in
 * for the Bot API recording what the bot sends, the real queue, worker and database.
 */
import type { Worker } from 'bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { createApp } from '../services/api/app';
import { SECRET_HEADER } from '../services/api/channels/telegram-webhook';
import { t } from '../services/telegram/strings';
import { createLogger } from '../shared/logger';
import {
  outboundMessageModel,
  type OutboundMessageModel,
} from '../shared/models/outbound-message.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { telegramChatModel, type TelegramChatModel } from '../shared/models/telegram-chat.model';
import { createNotifyQueue, enqueueNotify, type NotifyJob } from '../shared/notify';
import { telegramSessionKey, telegramUpdateKey } from '../shared/telegram-keys';
import { parseTrackingCode } from '../shared/tracking-code';
import { createNotifyWorker } from '../workers/notify/notify.worker';
import { TelegramChatTransport } from '../workers/notify/telegram.transport';
import { LogSmsTransport } from '../workers/notify/twilio-sms.transport';
import { buttonsOf, Citizen, FakeTelegram, messageIdOf } from './helpers/fake-telegram';
import {
  outboundSettled,
  startTestPlatform,
  validBody,
  waitFor,
  type TestPlatform,
} from './helpers/platform';
import { queueIdle } from './helpers/quiet';
import { enqueueReply, NoWayToReplyError } from '../shared/replies';

const TOKEN = '7000000001:AAtest-token_0123456789abcdefghijk';
const SECRET = 'webhook-secret_0123456789abcdef';
let fake: FakeTelegram;
let p: TestPlatform;
let TelegramChat: TelegramChatModel;

beforeAll(async () => {
  fake = new FakeTelegram(TOKEN);
  await fake.start();
  p = await startTestPlatform('telegram', {
    worker: true,
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      NOTIFY_BACKOFF_MS: '30',
    },
  });
  TelegramChat = telegramChatModel(p.conn);
  // The menus come from the database: a center an admin added shows up, a retired service does not.
  await p.catalog.Center.create({
    code: 'LA-VT-NONGTENG',
    level: 'district',
    province: 'LA-VT',
    name: { lo: 'ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໜອງເຕັງ', en: 'Nongteng District ODSC' },
    place: { lo: 'ໜອງເຕັງ', en: 'Nongteng' },
    aliases: [],
    towns: [],
    active: true,
  });
  await p.catalog.Service.updateOne({ code: 'vehicle_registration' }, { $set: { active: false } });
});
afterAll(async () => {
  await p.close();
  await fake.stop();
});

let nextChat = 880_000_100;
const citizen = (languageCode = 'lo') => new Citizen(++nextChat, { languageCode });

function deliver(update: Record<string, unknown>, secret: string | null = SECRET) {
  const req = request(p.app).post('/webhooks/telegram');
  if (secret !== null) req.set(SECRET_HEADER, secret);
  return req.send(update);
}
async function ok(update: Record<string, unknown>) {
  const res = await deliver(update);
  expect(res.status).toBe(200);
}

/** Presses the button whose callback data ends with `:<arg>`, or whose label matches a RegExp. */
async function press(c: Citizen, which: string | RegExp): Promise<void> {
  const call = fake.menu(c.chatId);
  const button = buttonsOf(call).find(([text, data]) =>
    typeof which === 'string' ? data.endsWith(`:${which}`) : which.test(text),
  );
  if (!button) throw new Error(`no button ${String(which)} in ${JSON.stringify(buttonsOf(call))}`);
  await ok(c.press(messageIdOf(call), button[1]));
}

const codeIn = (text: string) => /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1] ?? null;
const lastText = (chatId: number) => String(fake.last(chatId)?.body.text ?? '');

test('the guided flow in Lao: language, menus from the database, Back, a Lao comment, tracking code, stored feedback', async () => {
  const c = citizen();
  const start = c.text('/start');
  await ok(start);
  // Before a language is chosen the bot writes Lao first, English below.
  expect(lastText(c.chatId)).toMatch(/^ກະລຸນາເລືອກພາສາ\nPlease choose a language$/);
  await press(c, 'lo');
  expect(lastText(c.chatId)).toBe(t('lo', 'province'));
  const provinces = buttonsOf(fake.menu(c.chatId)).map(([text]) => text);
  expect(provinces[0]).toBe('ນະຄອນຫຼວງວຽງຈັນ'); // Vientiane Capital first, in Lao
  expect(provinces).toContain('ຫຼວງພະບາງ');
  expect(provinces).toEqual(expect.arrayContaining([t('lo', 'back'), t('lo', 'cancel')]));

  await press(c, 'LA-VT');
  const centers = buttonsOf(fake.menu(c.chatId)).map(([text]) => text);
  expect(centers).toContain('ເມືອງໄຊເສດຖາ');
  expect(centers).toContain('ເມືອງໜອງເຕັງ'); // added to the database above
  // Back returns to the provinces, then forward again.
  await press(c, '<');
  expect(lastText(c.chatId)).toBe(t('lo', 'province'));
  await press(c, 'LA-VT');
  await press(c, 'LA-VT-XAYSETHA');
  expect(lastText(c.chatId)).toBe(t('lo', 'service'));
  const services = buttonsOf(fake.menu(c.chatId)).map(([, data]) => data.split(':')[3]);
  expect(services).toContain('land_registration');
  expect(services).not.toContain('vehicle_registration'); // retired in the database
  await press(c, 'land_registration');
  expect(buttonsOf(fake.menu(c.chatId)).filter(([text]) => /^\S+ [1-5]$/.test(text))).toHaveLength(
    5,
  );
  await press(c, '2');
  expect(lastText(c.chatId)).toBe(t('lo', 'comment'));
  // The comment is typed; Lao digits are fine.
  await ok(c.text('ລໍຖ້າ ໓ ຊົ່ວໂມງ ແລະ ຕ້ອງຈ່າຍ ໕໐.໐໐໐ ກີບ'));
  expect(lastText(c.chatId)).toBe(t('lo', 'contact'));
  await press(c, 'chat');
  const summary = lastText(c.chatId);
  expect(summary).toContain('ເມືອງໄຊເສດຖາ');
  expect(summary).toContain('🙁 2');
  expect(summary).toContain('ລໍຖ້າ ໓ ຊົ່ວໂມງ');
  // The session lives in Redis with its TTL, TELEGRAM_SESSION_TTL_H (24 h), from the last update.
  const chatHash = p.vault.hash(`telegram:${c.chatId}`);
  const ttl = await p.redis.ttl(telegramSessionKey(p.config.queuePrefix, chatHash));
  expect(p.config.telegram.sessionTtlS).toBe(24 * 3600);
  expect(ttl).toBeGreaterThan(24 * 3600 - 120);
  expect(ttl).toBeLessThanOrEqual(24 * 3600);

  await press(c, 'ok');
  const receipt = lastText(c.chatId);
  expect(receipt).toContain('ລະຫັດຕິດຕາມ');
  const code = codeIn(receipt)!;
  expect(code).not.toBeNull();
  const doc = await p.counted(code);
  expect(doc).toMatchObject({
    channel: 'telegram',
    rating: 2,
    locale: 'lo',
    center: { code: 'LA-VT-XAYSETHA', method: 'explicit' },
    service: { code: 'land_registration', method: 'explicit' },
    sender: { kind: 'telegram', consentToContact: true, idHash: chatHash },
    meta: { flow: 'guided', contact: 'chat' },
  });
  expect(doc.text?.normalized).toContain('3');
  expect(doc.text?.amountsKip).toContain(50000);
  expect(p.vault.decrypt(doc.sender.idSealed!)).toBe(String(c.chatId));
  // The chat id is nowhere in the stored document in clear, not even in the external id.
  expect(JSON.stringify(doc)).not.toContain(String(c.chatId));
  expect(doc.externalId).toBe(
    `tg.${p.vault.hash(`telegram-message:${c.chatId}:${(start.message as { message_id: number }).message_id}`)}`,
  );
  // The flow is over: the session keeps the language only.
  const session = JSON.parse(
    (await p.redis.get(telegramSessionKey(p.config.queuePrefix, chatHash)))!,
  ) as { lang: string; flow?: unknown };
  expect(session).toMatchObject({ lang: 'lo' });
  expect(session.flow).toBeUndefined();
  expect((await TelegramChat.findById(chatHash).lean())?.lang).toBe('lo');
});

test('in English: a one-center province skips the center step, Back undoes it, the shared phone number is sealed', async () => {
  const c = citizen('en');
  await ok(c.text('/feedback')); // no language yet: asked first
  await press(c, 'en');
  expect(lastText(c.chatId)).toBe(t('en', 'province'));
  expect(buttonsOf(fake.menu(c.chatId)).map(([x]) => x)).toContain('Luang Prabang');
  await press(c, '<'); // back to the language step
  expect(lastText(c.chatId)).toContain('Please choose a language');
  await press(c, 'en');
  await press(c, 'LA-LP');
  expect(lastText(c.chatId)).toBe(t('en', 'service')); // one center in Luang Prabang: no center step
  await press(c, '<');
  expect(lastText(c.chatId)).toBe(t('en', 'province'));
  await press(c, 'LA-LP');
  await press(c, '-'); // not sure which service
  await press(c, '5');
  await press(c, 'skip');
  await press(c, 'phone');
  const ask = fake.last(c.chatId)!;
  expect(ask.body.text).toBe(t('en', 'phoneAsk'));
  const kb = ask.body.reply_markup as { keyboard: { text: string; request_contact?: boolean }[][] };
  expect(kb.keyboard.flat().find((b) => b.request_contact)?.text).toBe(t('en', 'phoneButton'));
  // A forwarded contact card (someone else's number) is refused.
  await ok(c.contact('8562077778888', 12345));
  expect(lastText(c.chatId)).toBe(t('en', 'phoneNotYours'));
  await ok(c.contact('8562055551234'));
  const sends = fake.sent('sendMessage', c.chatId);
  const thanks = sends[sends.length - 2]!;
  expect(thanks.body).toMatchObject({
    text: t('en', 'phoneThanks'),
    reply_markup: { remove_keyboard: true },
  });
  expect(lastText(c.chatId)).toContain(t('en', 'contactPhone'));
  await press(c, 'ok');
  const code = codeIn(lastText(c.chatId))!;
  const doc = await p.counted(code);
  expect(doc).toMatchObject({
    rating: 5,
    locale: 'en',
    center: { code: 'LA-LP', method: 'explicit' },
    meta: { contact: 'phone' },
  });
  expect(doc.service.method).not.toBe('explicit');
  expect(p.vault.decrypt(String(doc.meta.contactPhoneSealed))).toBe('+8562055551234');
  expect(JSON.stringify(doc)).not.toContain('2055551234');
});

test('Cancel ends the flow; its old buttons then only say the menu expired; /cancel with nothing open says so', async () => {
  const c = citizen();
  await ok(c.text('/start'));
  await press(c, 'lo');
  await press(c, 'LA-VT');
  const before = await p.Feedback.countDocuments({ channel: 'telegram' });
  const oldMenu = fake.menu(c.chatId);
  await press(c, 'x');
  expect(lastText(c.chatId)).toBe(t('lo', 'cancelled'));
  const stale = buttonsOf(oldMenu).find(([, d]) => d.endsWith(':LA-VT-XAYSETHA'))!;
  await ok(c.press(messageIdOf(oldMenu), stale[1]));
  const answers = fake.sent('answerCallbackQuery');
  expect(answers[answers.length - 1]!.body.text).toBe(t('lo', 'expired'));
  await ok(c.text('/cancel'));
  expect(lastText(c.chatId)).toBe(t('lo', 'nothingToCancel'));
  // Cancel from the phone step removes the contact keyboard.
  await ok(c.text('/feedback'));
  await press(c, 'LA-LP');
  await press(c, 'driving_licence');
  await press(c, '1');
  await press(c, 'skip');
  await press(c, 'phone');
  await ok(c.text(t('lo', 'cancel')));
  expect(fake.last(c.chatId)!.body).toMatchObject({
    text: t('lo', 'cancelled'),
    reply_markup: { remove_keyboard: true },
  });
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({ channel: 'telegram' })).toBe(before);
});

test('a poster deep link (/start <center>) preselects the center; Back from the service goes to the provinces', async () => {
  const c = citizen();
  await ok(c.text('/start LA-VT-XAYSETHA'));
  await press(c, 'lo');
  expect(lastText(c.chatId)).toBe(t('lo', 'service'));
  await press(c, '<');
  expect(lastText(c.chatId)).toBe(t('lo', 'province'));
});

test('/language switches the language, kept in the database for the next conversation; /help follows it', async () => {
  const c = citizen();
  await ok(c.text('/help'));
  // No language chosen yet: Lao first, then English.
  expect(lastText(c.chatId)).toBe(`${t('lo', 'help')}\n\n${t('en', 'help')}`);
  await ok(c.text('/language'));
  await press(c, 'en');
  expect(lastText(c.chatId)).toBe(t('en', 'langSet'));
  const chatHash = p.vault.hash(`telegram:${c.chatId}`);
  expect((await TelegramChat.findById(chatHash).lean())?.lang).toBe('en');
  // The session expires (or Redis loses it): the language comes back from the database.
  await p.redis.del(telegramSessionKey(p.config.queuePrefix, chatHash));
  await ok(c.text('/help'));
  expect(lastText(c.chatId)).toBe(t('en', 'help'));
  await ok(c.text('/feedback'));
  expect(lastText(c.chatId)).toBe(t('en', 'province')); // no language question this time
});

test('a double tap delivered on two connections at once is handled one after the other', async () => {
  const c = citizen();
  await ok(c.text('/start'));
  await press(c, 'lo');
  const call = fake.menu(c.chatId);
  const data = (code: string) => buttonsOf(call).find(([, d]) => d.endsWith(`:${code}`))![1];
  const answersBefore = fake.sent('answerCallbackQuery').length;
  const [a, b] = await Promise.all([
    deliver(c.press(messageIdOf(call), data('LA-VT'))),
    deliver(c.press(messageIdOf(call), data('LA-LP'))),
  ]);
  expect([a.status, b.status]).toEqual([200, 200]);
  const answers = fake.sent('answerCallbackQuery').slice(answersBefore);
  expect(answers).toHaveLength(2);
  // Exactly one tap moved the flow on; the other found the menu already gone.
  expect(answers.filter((x) => x.body.text === t('lo', 'expired'))).toHaveLength(1);
  const chatHash = p.vault.hash(`telegram:${c.chatId}`);
  const session = JSON.parse(
    (await p.redis.get(telegramSessionKey(p.config.queuePrefix, chatHash)))!,
  ) as { flow: { province: string; step: string } };
  expect(session.flow.step).toBe(session.flow.province === 'LA-VT' ? 'center' : 'service');
  expect(lastText(c.chatId)).toBe(t('lo', session.flow.step as 'center' | 'service'));
});

test('anonymous feedback keeps no link to its chat: a random external id, no owner marker naming the chat, /status by the code alone', async () => {
  const c = citizen();
  await ok(c.text('/start'));
  await press(c, 'lo');
  await press(c, 'LA-CH');
  await press(c, /./); // the first center of Champasak
  await press(c, 'enterprise_registration');
  await press(c, '1');
  await ok(c.text('ພະນັກງານບໍ່ສຸພາບ'));
  await press(c, 'anonymous');
  await press(c, 'ok');
  const code = codeIn(lastText(c.chatId))!;
  const doc = await p.counted(code);
  expect(doc.sender).toEqual({ kind: 'anonymous', consentToContact: false });
  expect(JSON.stringify(doc)).not.toContain(String(c.chatId));
  expect(JSON.stringify(doc)).not.toContain(p.vault.hash(`telegram:${c.chatId}`));
  // Not the keyed hash of any of this chat's messages: a random name, so even the key holder
  // cannot find the chat's anonymous feedback.
  expect(doc.externalId).toMatch(/^tga\.[0-9a-f]{32}$/);
  expect(doc.meta).not.toHaveProperty('chatTag');
  const owner = await p.redis.get(`${p.config.queuePrefix}:tg:owner:${parseTrackingCode(code)}`);
  expect(owner).toBe('anonymous');

  await ok(c.text(`/status ${code}`));
  expect(lastText(c.chatId)).toBe(t('lo', 'status', { code, status: 'ໄດ້ຮັບແລ້ວ' }));
  // No chat is told apart from another: whoever holds the code sees its status, as on the web.
  const other = citizen();
  await ok(other.text(`/status ${code}`));
  expect(lastText(other.chatId)).toBe(t('lo', 'status', { code, status: 'ໄດ້ຮັບແລ້ວ' }));
});

test('free text outside a flow is feedback: classified by the worker, with a receipt; /status works from this chat only', async () => {
  const c = citizen();
  const msg = c.text('ຢູ່ຫ້ອງການ ເມືອງໄຊເສດຖາ ລໍຖ້າ ໔ ຊົ່ວໂມງ ເພື່ອຈົດທະບຽນວິສາຫະກິດ');
  await ok(msg);
  const receipt = fake.last(c.chatId)!;
  expect(receipt.body.reply_parameters).toMatchObject({
    message_id: (msg.message as { message_id: number }).message_id,
  });
  const code = codeIn(String(receipt.body.text))!;
  expect(String(receipt.body.text)).toContain('ລະຫັດຕິດຕາມ');
  const doc = await p.counted(code);
  expect(doc).toMatchObject({
    channel: 'telegram',
    center: { code: 'LA-VT-XAYSETHA' },
    service: { code: 'enterprise_registration' },
    sender: { kind: 'telegram', consentToContact: true },
    meta: { flow: 'free' },
  });
  expect(doc.center.method).not.toBe('explicit');
  expect(doc.text?.normalized).toContain('4');

  // Lao digits and a lower-case code without the dash are read the same.
  await ok(c.text(`/status ${code.replace('-', '').toLowerCase()}`));
  expect(lastText(c.chatId)).toBe(t('lo', 'status', { code, status: 'ໄດ້ຮັບແລ້ວ' }));
  const other = citizen();
  await ok(other.text(`/status ${code}`));
  expect(lastText(other.chatId)).toBe(t('lo', 'notFound', { code }));
  await ok(c.text('/status'));
  expect(lastText(c.chatId)).toBe(t('lo', 'statusUsage'));
  await ok(c.text('/status NOTACODE'));
  expect(lastText(c.chatId)).toBe(t('lo', 'notFound', { code: 'NOTACODE' }));
});

test('free text sent in pieces joins one feedback, like SMS; a new /feedback starts afresh', async () => {
  const c = citizen();
  await ok(c.text('ຢູ່ ຫ້ອງການ ເມືອງໄຊເສດຖາ ລໍຖ້າ ໓ ຊົ່ວໂມງ'));
  const code = codeIn(lastText(c.chatId))!;
  await p.counted(code);
  await ok(c.text('ມາເຮັດປຶ້ມສຳມະໂນຄົວ ແຕ່ບໍ່ໄດ້'));
  expect(lastText(c.chatId)).toBe(t('lo', 'appended', { code }));
  const doc = await waitFor(async () => {
    const d = await p.Feedback.findById(parseTrackingCode(code)).lean();
    return d?.parts?.length === 1 ? d : null;
  }, 'the second piece appended');
  expect(doc.text?.raw).toBe('ຢູ່ ຫ້ອງການ ເມືອງໄຊເສດຖາ ລໍຖ້າ ໓ ຊົ່ວໂມງ\nມາເຮັດປຶ້ມສຳມະໂນຄົວ ແຕ່ບໍ່ໄດ້');
  expect(doc.center.code).toBe('LA-VT-XAYSETHA');
  expect(doc.service.code).toBe('family_book'); // classified again on the whole text
  expect(JSON.stringify(doc)).not.toContain(String(c.chatId));

  await ok(c.text('/feedback'));
  await ok(c.text('/cancel'));
  await ok(c.text('another matter: the parking at Pakse is full'));
  const other = codeIn(lastText(c.chatId))!;
  expect(other).not.toBe(code);
  expect(lastText(c.chatId)).toBe(t('en', 'receipt', { code: other })); // English text, no language chosen
});

test('a complaint typed at a button step is kept as feedback with what was chosen, and a typed rating counts', async () => {
  const c = citizen();
  await ok(c.text('/feedback'));
  await press(c, 'lo');
  await press(c, 'LA-LP');
  await press(c, 'driving_licence');
  await ok(c.text('໔')); // a Lao digit typed at the rating step
  expect(lastText(c.chatId)).toBe(t('lo', 'comment'));
  await press(c, '<'); // back to the rating step, then a whole complaint typed instead of a button
  const words = 'ພະນັກງານ ບໍ່ຢູ່ໂຕະ ລໍຖ້າ ເຄິ່ງມື້ ບໍ່ມີໃຜ ບອກຫຍັງ';
  await ok(c.text(words));
  const sends = fake.sent('sendMessage', c.chatId);
  const code = codeIn(lastText(c.chatId))!;
  expect(lastText(c.chatId)).toBe(t('lo', 'receipt', { code }));
  const edits = fake.sent('editMessageText', c.chatId);
  expect(edits[edits.length - 1]!.body.text).toBe(t('lo', 'flowEnded'));
  const doc = await p.counted(code);
  expect(doc.text?.raw).toBe(words);
  expect(doc).toMatchObject({
    center: { code: 'LA-LP', method: 'explicit' },
    service: { code: 'driving_licence', method: 'explicit' },
  });
  expect(doc.rating).toBe(4); // the typed rating, kept when the citizen went back
  // The flow is over: its old buttons have expired.
  expect(sends.filter((m) => m.body.text === t('lo', 'useButtons'))).toHaveLength(0);
});

test('typing during a menu step stores nothing and brings the buttons back; photos, captions and unknown commands', async () => {
  const c = citizen();
  await ok(c.text('/start'));
  await press(c, 'lo');
  const before = await p.Feedback.countDocuments({ channel: 'telegram' });
  await ok(c.text('hello?'));
  const sends = fake.sent('sendMessage', c.chatId);
  expect(sends[sends.length - 2]!.body.text).toBe(t('lo', 'useButtons'));
  expect(lastText(c.chatId)).toBe(t('lo', 'province'));
  await press(c, 'LA-VT'); // the re-sent menu works
  await ok(c.text('/cancel'));

  await ok(c.photo());
  expect(lastText(c.chatId)).toBe(t('lo', 'textOnly'));
  await ok(c.text('/frobnicate'));
  expect(lastText(c.chatId)).toBe(t('lo', 'help'));
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({ channel: 'telegram' })).toBe(before);

  await ok(c.photo('ໃບບິນ: ເກັບເງິນ 100000 ກີບ ບໍ່ມີໃບຮັບເງິນ'));
  const doc = await p.counted(codeIn(lastText(c.chatId))!);
  expect(doc.meta).toMatchObject({ flow: 'free', media: true });
  expect(doc.text?.amountsKip).toContain(100000);
});

test('a redelivered update is handled once: one feedback, one answer — even when its claim is gone', async () => {
  const c = citizen();
  const update = c.text('The queue at the Luang Prabang one-door office was two hours long');
  await ok(update);
  await ok(update);
  expect(fake.sent('sendMessage', c.chatId)).toHaveLength(1);
  const code = codeIn(lastText(c.chatId))!;
  await p.counted(code);
  // The handled update is remembered for 48 hours (the TTL the bot sets, asserted by value), then
  // forgotten. Past that (it expired, or Redis lost it): the feedback is still stored once.
  const doneKey = telegramUpdateKey(p.config.queuePrefix, TOKEN, update.update_id as number);
  expect(await p.redis.get(doneKey)).toBe('done');
  const ttl = await p.redis.ttl(doneKey);
  expect(ttl).toBeGreaterThan(48 * 3600 - 60);
  expect(ttl).toBeLessThanOrEqual(48 * 3600);
  await p.redis.del(doneKey);
  await ok(update);
  expect(codeIn(lastText(c.chatId))).toBe(code);
  await waitFor(
    async () => (await p.queue.getJobCountByTypes('waiting', 'active', 'delayed')) === 0,
    'intake queue drained',
  );
  const chatHash = p.vault.hash(`telegram:${c.chatId}`);
  const mine = await p.Feedback.find({ channel: 'telegram' }, { sender: 1 }).lean();
  expect(mine.filter((d) => d.sender.idHash === chatHash)).toHaveLength(1);

  // A double tap on Send: two callback queries, one feedback.
  const d = citizen();
  await ok(d.text('/feedback'));
  await press(d, 'lo');
  await press(d, 'LA-LP');
  await press(d, '-');
  await press(d, '4');
  await press(d, 'skip');
  await press(d, 'chat');
  const confirm = fake.menu(d.chatId);
  const send = buttonsOf(confirm).find(([, x]) => x.endsWith(':ok'))![1];
  await ok(d.press(messageIdOf(confirm), send));
  await ok(d.press(messageIdOf(confirm), send));
  const answers = fake.sent('answerCallbackQuery');
  expect(answers[answers.length - 1]!.body.text).toBe(t('lo', 'expired'));
  await p.counted(codeIn(lastText(d.chatId))!);
});

test('an update whose handler died mid-way is handled on redelivery once its claim lapses, and marked done after', async () => {
  const c = citizen();
  const update = c.text('ຫ້ອງການ ບໍລິການ ປະຕູດຽວ ເມືອງໄຊເສດຖາ ບໍ່ມີບ່ອນນັ່ງ');
  const key = telegramUpdateKey(p.config.queuePrefix, TOKEN, update.update_id as number);
  // A process claimed it, then died (kill -9): its "in progress" claim is no longer renewed.
  await p.redis.set(key, 'run:dead-process', 'PX', 700);
  const busy = await deliver(update);
  expect(busy.status).toBe(503); // not thrown away: Telegram delivers it again
  expect(fake.sent('sendMessage', c.chatId)).toHaveLength(0);
  // Redis lets the dead process's claim lapse (its TTL, not a key deleted by the test).
  await waitFor(async () => (await p.redis.exists(key)) === 0, 'the dead claim lapsed');
  await ok(update);
  expect(fake.sent('sendMessage', c.chatId)).toHaveLength(1);
  expect(await p.redis.get(key)).toBe('done');
  expect(await p.redis.ttl(key)).toBeGreaterThan(47 * 3600);
  await p.counted(codeIn(lastText(c.chatId))!);
  // Done: a later redelivery is answered 200 and does nothing.
  await ok(update);
  expect(fake.sent('sendMessage', c.chatId)).toHaveLength(1);
});

test('wrong or missing secret: 401 and nothing processed; a malformed body is a 400', async () => {
  const c = citizen();
  const calls = fake.calls.length;
  const update = c.text('should not be processed');
  const wrong = await deliver(update, 'not-the-secret-0123456789');
  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe('UNAUTHORIZED');
  expect((await deliver(update, null)).status).toBe(401);
  expect(fake.calls.length).toBe(calls);
  expect(
    await p.redis.exists(
      telegramUpdateKey(p.config.queuePrefix, TOKEN, update.update_id as number),
    ),
  ).toBe(0);
  const bad = await deliver({ message: { text: 'no update id' } });
  expect(bad.status).toBe(400);
  // The same update with the right secret is then handled normally.
  await ok(update);
  expect(fake.sent('sendMessage', c.chatId)).toHaveLength(1);
});

test('when the Bot API fails mid-update the webhook answers 503, and the redelivery is answered once', async () => {
  const c = citizen();
  const update = c.text('ບໍລິການຊ້າຫຼາຍ ຢູ່ ແຂວງຫຼວງພະບາງ');
  fake.failNext('sendMessage', 502, 'Bad Gateway');
  const res = await deliver(update);
  expect(res.status).toBe(503);
  await ok(update); // Telegram delivers it again
  const receipts = fake.sent('sendMessage', c.chatId);
  expect(receipts).toHaveLength(2); // the failed one and the answer
  const code = codeIn(lastText(c.chatId))!;
  await p.counted(code);
});

test('without a bot token the webhook says the bot is off', async () => {
  const app = createApp({
    config: { ...p.config, telegram: { ...p.config.telegram, botToken: undefined } },
    conn: p.conn,
    redis: p.redis,
    intakeQueue: p.queue,
    log: createLogger('test', 'silent'),
  });
  const res = await request(app)
    .post('/webhooks/telegram')
    .set(SECRET_HEADER, SECRET)
    .send(citizen().text('hi'));
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('TELEGRAM_OFF');
});

describe('staff replies through the notify queue', () => {
  let queue: Queue<NotifyJob>;
  let Outbound: OutboundMessageModel;
  let worker: Worker;

  beforeAll(async () => {
    queue = createNotifyQueue(p.config, p.redis);
    Outbound = outboundMessageModel(p.conn);
    worker = createNotifyWorker({
      config: p.config,
      connection: p.workerRedis,
      Outbound,
      SmsContact: smsContactModel(p.conn),
      TelegramChat,
      vault: p.vault,
      transport: new LogSmsTransport(),
      chat: new TelegramChatTransport(TOKEN, { apiRoot: fake.url }),
      log: createLogger('test', 'silent'),
    });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const reply = (c: Citizen, body: string) =>
    enqueueNotify(queue, Outbound, {
      channel: 'telegram',
      toSealed: p.vault.encrypt(String(c.chatId), 'telegram'),
      toHash: p.vault.hash(`telegram:${c.chatId}`),
      body,
      purpose: 'reply',
    });
  const settled = (id: string, statuses: string[]) => outboundSettled(Outbound, id, statuses);

  test('a reply reaches the chat and is recorded as sent with its message id', async () => {
    const c = citizen();
    const id = await reply(c, 'ສະບາຍດີ. ພວກເຮົາໄດ້ກວດສອບເລື່ອງຂອງທ່ານແລ້ວ.');
    const m = await settled(id, ['sent']);
    const sent = fake.sent('sendMessage', c.chatId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toBe('ສະບາຍດີ. ພວກເຮົາໄດ້ກວດສອບເລື່ອງຂອງທ່ານແລ້ວ.');
    expect(m).toMatchObject({ channel: 'telegram', transport: 'telegram', attempts: 1 });
    expect(m.providerSid).toBe(String(messageIdOf(sent[0])));
  });

  test('403 (the citizen blocked the bot): failed once, chat marked unreachable, later replies suppressed, cleared when the chat writes again', async () => {
    const c = citizen();
    fake.failNext('sendMessage', 403, 'Forbidden: bot was blocked by the user');
    const id = await reply(c, 'first');
    const m = await settled(id, ['failed']);
    expect(m).toMatchObject({ attempts: 1, errorCode: '403' });
    await queueIdle(queue); // no retry follows: nothing is delayed for another attempt
    expect(fake.sent('sendMessage', c.chatId)).toHaveLength(1);
    const chatHash = p.vault.hash(`telegram:${c.chatId}`);
    expect((await TelegramChat.findById(chatHash).lean())?.unreachable).toBe(true);

    const second = await reply(c, 'second');
    await settled(second, ['suppressed']);
    expect(fake.sent('sendMessage', c.chatId)).toHaveLength(1);

    await ok(c.text('I unblocked you'));
    expect((await TelegramChat.findById(chatHash).lean())?.unreachable).toBe(false);
    const third = await reply(c, 'third');
    await settled(third, ['sent']);
  });

  test("429: Telegram's retry_after is waited out exactly, without spending a try", async () => {
    const c = citizen();
    fake.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const id = await reply(c, 'rate limited');
    const m = await settled(id, ['sent']);
    const tries = fake.sent('sendMessage', c.chatId);
    expect(tries).toHaveLength(2);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(m).toMatchObject({ rateLimited: 1, attempts: 1 });
  });

  test('a reply to a feedback goes back the way it came: its Telegram chat, or an SMS to the number given; never to the anonymous', async () => {
    const deps = { Feedback: p.Feedback, Outbound, queue };
    const c = citizen();
    await ok(c.text('ພະນັກງານ ບໍ່ສຸພາບ ຢູ່ ຫຼວງພະບາງ'));
    const code = parseTrackingCode(codeIn(lastText(c.chatId))!)!;
    await p.counted(code);
    const sent = await enqueueReply(deps, code, 'ຂໍອະໄພ. ພວກເຮົາກຳລັງກວດສອບ.');
    expect(sent.channel).toBe('telegram');
    const m = await settled(sent.messageId, ['sent']);
    expect(m).toMatchObject({ feedbackId: code, purpose: 'reply' });
    expect(lastText(c.chatId)).toBe('ຂໍອະໄພ. ພວກເຮົາກຳລັງກວດສອບ.');

    // Web feedback with a number and consent: an SMS (logged here: no Twilio credentials).
    const web = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ contact: { phone: '020 5555 4321', consentToContact: true } }));
    expect(web.status).toBe(202);
    const webCode = parseTrackingCode(web.body.trackingCode)!;
    await p.counted(webCode);
    const sms = await enqueueReply(deps, webCode, 'Thank you, we are on it.');
    expect(sms.channel).toBe('sms');
    await settled(sms.messageId, ['logged']);

    // Anonymous feedback: nothing to reply to, and nothing queued.
    const anon = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ anonymous: true }));
    const anonCode = parseTrackingCode(anon.body.trackingCode)!;
    await p.counted(anonCode);
    const before = await Outbound.countDocuments({});
    await expect(enqueueReply(deps, anonCode, 'hello')).rejects.toThrow(NoWayToReplyError);
    await expect(enqueueReply(deps, 'NOSUCHCODE', 'hello')).rejects.toThrow(/not found/);
    expect(await Outbound.countDocuments({})).toBe(before);
  });

  test('a message too long for Telegram is refused before it is queued', async () => {
    await expect(reply(citizen(), 'x'.repeat(4097))).rejects.toThrow(/at most 4096/);
  });
});
