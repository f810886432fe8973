/**
 * The bot as its own process: `npm run bot` (long polling against a local stand-in for the Bot
 * API), killed in the middle of a guided flow and started again; `npm run bot:webhook`
 * registering the webhook; and the bot being off without a token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Telegraf } from 'telegraf';
import { pollUpdates } from '../services/telegram/polling';
import { t } from '../services/telegram/strings';
import { createLogger } from '../shared/logger';
import { metricsText } from '../shared/metrics';
import { freePort } from '../scripts/storage';
import { buttonsOf, Citizen, FakeTelegram, messageIdOf } from './helpers/fake-telegram';
import { startTestPlatform, TEST_PII_KEY, waitFor, type TestPlatform } from './helpers/platform';

const TOKEN = '7000000002:AApolling-token_0123456789abcdefgh';
const SECRET = 'polling-suite-secret_0123456789';
const DIST = path.resolve(__dirname, '../dist');
let fake: FakeTelegram;
let p: TestPlatform;
let bot: ChildProcess | null = null;
/** The bot's internal listener (BOT_METRICS_PORT): /metrics and the detailed /readyz. */
let botMetricsPort = 0;

/** One sample's value from a Prometheus text exposition (0 when the series is absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  botMetricsPort = await freePort();
  fake = new FakeTelegram(TOKEN);
  await fake.start();
  p = await startTestPlatform('tgpoll', { worker: true });
});
afterAll(async () => {
  bot?.kill('SIGKILL');
  await p.close();
  await fake.stop();
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    MONGO_URL: p.config.mongoUrl,
    REDIS_URL: p.config.redisUrl,
    PII_KEY: TEST_PII_KEY,
    QUEUE_PREFIX: p.config.queuePrefix,
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-bot-')),
    LOG_LEVEL: 'warn',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    BOT_METRICS_PORT: String(botMetricsPort),
    ...extra,
  };
}

function startBot(): ChildProcess {
  const child = spawn(process.execPath, [path.join(DIST, 'services/telegram/main.js')], {
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

/** Runs a compiled script to its end. Not spawnSync: the Bot API stand-in lives in this process. */
function runNode(
  file: string,
  extra: Record<string, string>,
  args: string[] = [],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(DIST, file), ...args], { env: env(extra) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });

/** Pushes an update to getUpdates and waits until the bot has answered it (one more call). */
async function step(update: Record<string, unknown>, chatId: number, expect: string) {
  fake.pushUpdate(update);
  // The call is recorded when it arrives and answered after: wait for the answer too, since the
  // next step reads the id of the message it sent.
  await waitFor(
    () => {
      const call = fake.last(chatId);
      return (
        String(call?.body.text ?? '').includes(expect) &&
        (call!.method !== 'sendMessage' || call!.result !== undefined)
      );
    },
    `the bot to answer "${expect.slice(0, 30)}"`,
    20_000,
  );
}

function pressUpdate(c: Citizen, arg: string) {
  const call = fake.menu(c.chatId);
  const data = buttonsOf(call).find(([, d]) => d.endsWith(`:${arg}`))![1];
  return c.press(messageIdOf(call), data);
}

test('npm run bot:webhook registers the webhook with its secret and the Lao and English command menus', async () => {
  const run = (extra: Record<string, string>) =>
    runNode('scripts/telegram-webhook.js', {
      PUBLIC_BASE_URL: 'https://feedback.example.la',
      ...extra,
    });
  const missing = await run({});
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/TELEGRAM_WEBHOOK_SECRET is not set/);
  expect(fake.webhook).toBeNull();

  const r = await run({ TELEGRAM_WEBHOOK_SECRET: SECRET });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('Webhook set: https://feedback.example.la/webhooks/telegram');
  expect(fake.webhook).toEqual({
    url: 'https://feedback.example.la/webhooks/telegram',
    secret_token: SECRET,
    allowed_updates: ['message', 'callback_query'],
  });
  const langs = (fake.commands as { language_code?: string; commands: unknown[] }[]).map(
    (c) => c.language_code ?? 'default',
  );
  expect(langs.sort()).toEqual(['default', 'en', 'lo']);
  // The webhook stays set: the polling bot below has to remove it itself.
});

test('npm run bot polls; killed in the middle of a guided flow, the next process continues it, answering nothing twice', async () => {
  const c = new Citizen(990_000_001);
  bot = startBot();
  await step(c.text('/start'), c.chatId, 'Please choose a language');
  expect(fake.webhook).toBeNull(); // removed, or getUpdates would conflict
  await step(pressUpdate(c, 'lo'), c.chatId, t('lo', 'province'));
  await step(pressUpdate(c, 'LA-VT'), c.chatId, t('lo', 'center'));

  // Killed without warning: whatever it had not confirmed, Telegram gives to the next poller.
  bot.kill('SIGKILL');
  await exited(bot);
  bot = startBot();
  await step(pressUpdate(c, 'LA-VT-SISATTANAK'), c.chatId, t('lo', 'service'));
  await step(pressUpdate(c, 'family_book'), c.chatId, t('lo', 'rating'));
  await step(pressUpdate(c, '3'), c.chatId, t('lo', 'comment'));
  await step(c.text('ພະນັກງານ ຊ່ວຍດີ ແຕ່ ລໍຖ້າ ໒ ຊົ່ວໂມງ'), c.chatId, t('lo', 'contact'));

  // A clean stop (SIGTERM) in between works the same.
  bot.kill('SIGTERM');
  expect(await exited(bot)).toBe(0);
  bot = startBot();
  await step(pressUpdate(c, 'chat'), c.chatId, t('lo', 'confirm'));
  await step(pressUpdate(c, 'ok'), c.chatId, 'ລະຫັດຕິດຕາມ');

  const code = /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(String(fake.last(c.chatId)!.body.text))![1]!;
  const doc = await p.counted(code);
  expect(doc).toMatchObject({
    channel: 'telegram',
    rating: 3,
    center: { code: 'LA-VT-SISATTANAK', method: 'explicit' },
    service: { code: 'family_book', method: 'explicit' },
  });
  // Each update was answered once: one /start reply, one edit per step pressed before the comment.
  const texts = fake.textsTo(c.chatId);
  expect(texts.filter((x) => x.includes('Please choose a language'))).toHaveLength(1);
  expect(texts.filter((x) => x === t('lo', 'service'))).toHaveLength(1);
  expect(texts.filter((x) => x.includes('ລະຫັດຕິດຕາມ'))).toHaveLength(1);

  // The third process's internal listener: the two updates it handled, when it last polled, and
  // its stores' readiness.
  const scraped = await fetch(`http://127.0.0.1:${botMetricsPort}/metrics`).then((r) => r.text());
  expect(sample(scraped, 'odsc_telegram_poll_updates_total{outcome="handled"}')).toBe(2);
  expect(sample(scraped, 'odsc_telegram_poll_updates_total{outcome="retry"}')).toBe(0);
  const polled = sample(scraped, 'odsc_telegram_poll_last_success_timestamp_seconds');
  expect(Math.abs(polled - Date.now() / 1000)).toBeLessThan(120);
  const ready = await fetch(`http://127.0.0.1:${botMetricsPort}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({
    status: 'ready',
    checks: { mongo: 'ok', redis: 'ok' },
  });
  bot.kill('SIGTERM');
  expect(await exited(bot)).toBe(0);
  bot = null;
});

test('without a token, npm run bot says the bot is off and exits cleanly', async () => {
  const r = await runNode('services/telegram/main.js', { TELEGRAM_BOT_TOKEN: '' });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('Telegram bot is off: TELEGRAM_BOT_TOKEN is not set');
});

test('an update that keeps failing (an outage) is retried with growing pauses, never skipped, and confirmed only once handled', async () => {
  fake.webhook = null;
  const poller = new Telegraf(TOKEN, { telegram: { apiRoot: fake.url } });
  poller.catch((err) => {
    throw err;
  });
  let failures = 0;
  const handled: number[] = [];
  poller.use(async (ctx) => {
    if (failures < 12) {
      failures++;
      throw new Error('MongoDB is not reachable');
    }
    handled.push(ctx.update.update_id);
  });
  const c = new Citizen(990_000_002);
  const first = c.text('ລໍຖ້າດົນ');
  const second = c.text('second message');
  fake.pushUpdate(first);
  fake.pushUpdate(second);
  const retries: [number, number][] = [];
  const ac = new AbortController();
  const before = (await metricsText()).body;
  const run = pollUpdates(poller, {
    signal: ac.signal,
    log: createLogger('test', 'silent'),
    timeoutS: 1,
    retryBaseMs: 1,
    onRetry: (id, attempt) => retries.push([id, attempt]),
  });
  await waitFor(() => handled.length === 2, 'both updates handled', 20_000);
  // More tries than the old limit of 10 (which dropped the update after ~2.5 min of outage).
  expect(retries).toHaveLength(12);
  expect(new Set(retries.map(([id]) => id))).toEqual(new Set([first.update_id]));
  expect(retries.map(([, a]) => a)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(handled).toEqual([first.update_id, second.update_id]);
  // Counted for Prometheus: twelve failed tries and two updates handled.
  const after = (await metricsText()).body;
  const delta = (series: string) => sample(after, series) - sample(before, series);
  expect(delta('odsc_telegram_poll_updates_total{outcome="retry"}')).toBe(12);
  expect(delta('odsc_telegram_poll_updates_total{outcome="handled"}')).toBe(2);
  ac.abort();
  await run;
  expect(fake.pendingUpdates).toBe(0); // confirmed on the way out
});

test('a stop signal ends the 50-second long poll at once: the poller hangs up instead of waiting it out', async () => {
  fake.webhook = null;
  const poller = new Telegraf(TOKEN, { telegram: { apiRoot: fake.url } });
  const ac = new AbortController();
  const abandoned = fake.abandonedPolls;
  // The default timeout (50 s), which the stand-in holds for as long as asked: without the abort,
  // `run` would only end when the poll is answered empty, and the poll would not count as abandoned.
  const run = pollUpdates(poller, { signal: ac.signal, log: createLogger('test', 'silent') });
  await waitFor(() => fake.heldPolls === 1, 'the poller is holding a long poll');
  ac.abort();
  await run;
  expect(fake.abandonedPolls - abandoned).toBe(1);
  expect(fake.heldPolls).toBe(0);
});
