/**
 * Telegram free text needs only Redis: with MongoDB frozen (SIGSTOP on the test's own FerretDB,
 * so every call to it hangs), a chat the bot has never seen still gets its receipt within the
 * database budget, and the feedback is stored and counted once MongoDB is back. (The chaos run
 * found updates of new chats answered 503 for the whole of a MongoDB outage: the bot read the
 * chat's saved language without a time limit.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { SECRET_HEADER } from '../services/api/channels/telegram-webhook';
import { parseTrackingCode } from '../shared/tracking-code';
import { freePort, startFerretDb, type RunningServer } from '../scripts/storage';
import { Citizen, FakeTelegram } from './helpers/fake-telegram';
import { startTestPlatform, type TestPlatform } from './helpers/platform';

const TOKEN = '7000000001:AAoutage-token_0123456789abcdefgh';
const SECRET = 'outage-secret_0123456789abcdef';
const dir = mkdtempSync(path.join(os.tmpdir(), 'odsc-tgmongo-'));
let ferret: RunningServer;
let fake: FakeTelegram;
let p: TestPlatform;

beforeAll(async () => {
  ferret = await startFerretDb({ dataDir: dir, port: await freePort() });
  fake = new FakeTelegram(TOKEN);
  await fake.start();
  p = await startTestPlatform('tgmongo', {
    worker: true,
    mongoUrl: `${ferret.url.replace(/\/[^/]*$/, '')}/tgmongo`,
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    },
  });
});
afterAll(async () => {
  ferret.process?.kill('SIGCONT');
  await p.close();
  await fake.stop();
  await ferret.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('free text from a new chat is answered while MongoDB is frozen, and stored once it is back', async () => {
  const c = new Citizen(880_777_001);
  ferret.process!.kill('SIGSTOP');
  const t0 = Date.now();
  const res = await request(p.app)
    .post('/webhooks/telegram')
    .set(SECRET_HEADER, SECRET)
    .send(c.text('ລໍຖ້າດົນຫຼາຍ ຢູ່ ຫ້ອງການ ເມືອງໄຊເສດຖາ ເລື່ອງໃບຕາດິນ'));
  expect(res.status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(5000);
  const receipt = String(fake.sent('sendMessage', c.chatId).at(-1)?.body.text ?? '');
  const code = parseTrackingCode(/([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(receipt)?.[1] ?? '');
  expect(code).not.toBeNull();

  ferret.process!.kill('SIGCONT');
  const doc = await p.counted(code!, 60_000);
  expect(doc).toMatchObject({ channel: 'telegram' });
  expect(await p.Feedback.countDocuments({})).toBe(1);
});
