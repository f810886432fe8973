/**
 * The compiled api as a process (dist/services/api/main.js), on the real servers: a SIGTERM while a
 * request is in flight (readiness drops first, the request finishes, exit 0), a request whose
 * client has gone (its handler finishes before Redis closes), the hard shutdown limit, and a
 * start with MongoDB unreachable (queue-only intake works, database routes answer 503, and the api
 * connects once MongoDB appears), with the Twilio URLs it logs at start-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { seedCatalog } from '../shared/catalog/catalog';
import { connectMongo } from '../shared/db/mongo';
import { catalogModels } from '../shared/models/catalog.model';
import { createIntakeQueue, redisConnection } from '../shared/queues';
import { freePort, startFerretDb, type RunningServer } from '../scripts/storage';
import { telegramUpdateKey } from '../shared/telegram-keys';
import { FakeTelegram } from './helpers/fake-telegram';
import { testConfig, TEST_PII_KEY, uniqueName, validBody, waitFor } from './helpers/platform';

const TG_TOKEN = '7000000003:AAlifecycle-token_0123456789abcdefg';
const TG_SECRET = 'lifecycle-webhook-secret-0123456789';

const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'odsc-life-'));

interface ApiProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote so far (JSON log lines on stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Spawns the compiled api on a free port and resolves once it logs that it listens. */
function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(
    process.execPath,
    [path.resolve(__dirname, '..', 'dist', 'services', 'api', 'main.js')],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: '0',
        REDIS_URL: process.env.TEST_REDIS_URL!,
        PII_KEY: TEST_PII_KEY,
        LOG_LEVEL: 'info',
        DATA_DIR: scratch(),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"api listening","port":(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`api exited early (${code}): ${out}`)));
  });
}

interface Reply {
  status: number;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request on a connection of its own (no keep-alive pool hiding a closed server). */
function call(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent: false,
        headers: payload ? { 'Content-Type': 'application/json', ...headers } : headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A POST whose body arrives in two parts: the server holds it as an in-flight request until
 * `finish()` sends the rest.
 */
function slowPost(
  port: number,
  urlPath: string,
  body: unknown,
): Promise<{ finish(): Promise<Reply> }> {
  const payload = Buffer.from(JSON.stringify(body));
  const half = Math.floor(payload.length / 2);
  return new Promise((resolve, reject) => {
    let replied: (r: Reply) => void;
    const reply = new Promise<Reply>((r) => (replied = r));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          replied({ status: res.statusCode!, body: text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(payload.subarray(0, half));
    req.once('socket', (s) =>
      s.once('connect', () =>
        // Give the server a moment to parse the headers and start reading the body.
        setTimeout(
          () =>
            resolve({
              finish: () => {
                req.end(payload.subarray(half));
                return reply;
              },
            }),
          200,
        ),
      ),
    );
  });
}

/** True when a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on('error', () => resolve(true));
  });
}

/** Sends one Telegram update to the api's webhook as Telegram would; the caller may hang up. */
function postTelegramUpdate(
  port: number,
  updateId: number,
  chat: { id: number; type: string; first_name: string },
  text: string,
): http.ClientRequest {
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/webhooks/telegram',
    agent: false,
    headers: {
      'Content-Type': 'application/json',
      'X-Telegram-Bot-Api-Secret-Token': TG_SECRET,
    },
  });
  req.on('error', () => undefined);
  req.end(
    JSON.stringify({
      update_id: updateId,
      message: {
        message_id: 1,
        from: { id: chat.id, is_bot: false, first_name: chat.first_name },
        chat,
        date: Math.floor(Date.now() / 1000),
        text,
      },
    }),
  );
  return req;
}

describe('SIGTERM with a request in flight', () => {
  const config = testConfig('drain');
  const env = {
    MONGO_URL: config.mongoUrl,
    QUEUE_PREFIX: config.queuePrefix,
    SHUTDOWN_READY_GRACE_MS: '1500',
    SHUTDOWN_TIMEOUT_MS: '20000',
  };
  // Connected in beforeAll: a block whose tests are all filtered out (jest -t) runs no hooks, and a
  // connection opened here would then stay open and keep jest from exiting.
  let redis: ReturnType<typeof redisConnection>;
  let queue: ReturnType<typeof createIntakeQueue>;

  beforeAll(async () => {
    redis = redisConnection(config.redisUrl, 'producer');
    queue = createIntakeQueue(config, redis);
    // As in production, the catalog is seeded before the api starts.
    const conn = await connectMongo(config.mongoUrl);
    await seedCatalog(catalogModels(conn));
    await conn.close();
  });
  afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    const conn = await connectMongo(config.mongoUrl);
    await conn.dropDatabase();
    await conn.close();
  });

  test('readiness answers 503 during the grace, the request completes, and the api exits 0', async () => {
    const api = await spawnApi(env);
    await waitFor(
      async () => (await call(api.port, 'GET', '/readyz')).json().status === 'ready',
      'api ready with MongoDB',
    );
    const inFlight = await slowPost(
      api.port,
      '/api/v1/feedback',
      validBody({ text: 'sent while the api stops' }),
    );

    api.child.kill('SIGTERM');
    const draining = await waitFor(async () => {
      const r = await call(api.port, 'GET', '/readyz');
      return r.status === 503 ? r : null;
    }, 'readyz 503 while draining');
    expect(draining.json()).toEqual({
      status: 'draining',
      checks: { mongo: 'ok', redis: 'ok' },
    });
    // Still serving during the grace: the load balancer may send a last request or two.
    const late = await call(
      api.port,
      'POST',
      '/api/v1/feedback',
      validBody({ text: 'arrived during the grace' }),
    );
    expect(late.status).toBe(202);

    // After the grace the server stops accepting, but the request in flight is still served.
    await waitFor(() => refused(api.port), 'new connections refused', 10_000);
    expect(api.child.exitCode).toBeNull();
    const done = await inFlight.finish();
    expect(done.status).toBe(202);
    expect(done.json().trackingCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    expect(await api.exited).toBe(0);
    expect(api.output()).toMatch(/"msg":"draining: \/readyz answers 503/);
    expect(api.output()).toMatch(/"msg":"stopped"/);
    // Both were queued before Redis was closed.
    expect(await queue.getWaitingCount()).toBe(2);
  });

  /** An api on the Bot API stand-in, with no readiness grace, once it is ready. */
  async function readyApiWithTelegram(fake: FakeTelegram, more: Record<string, string> = {}) {
    const api = await spawnApi({
      ...env,
      SHUTDOWN_READY_GRACE_MS: '0',
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_ROOT: fake.url,
      ...more,
    });
    await waitFor(
      async () => (await call(api.port, 'GET', '/readyz')).json().status === 'ready',
      'api ready with MongoDB',
    );
    return api;
  }

  test('a request whose client has gone still finishes its work before Redis closes, and the api exits 0', async () => {
    // A Telegram update whose answer (sendMessage) Telegram is slow to take: the webhook's handler
    // is still at work when its client gives up and the api is told to stop. The closed socket
    // ends the server's wait for connections at once; the handler's Redis work must not be cut.
    const fake = new FakeTelegram(TG_TOKEN);
    await fake.start();
    try {
      const api = await readyApiWithTelegram(fake);
      const before = await queue.getWaitingCount();
      fake.holdNext('sendMessage', 1500);
      const chat = { id: 5_100_001, type: 'private', first_name: 'L' };
      const req = postTelegramUpdate(api.port, 900_001, chat, 'ລໍຖ້າດົນຫຼາຍ ຢູ່ ສູນໄຊເສດຖາ ເລື່ອງໃບຕາດິນ');
      await waitFor(() => fake.sent('sendMessage', chat.id).length > 0, 'the bot answering');
      req.destroy();
      api.child.kill('SIGTERM');

      expect(await api.exited).toBe(0);
      expect(api.output()).toMatch(
        /"msg":"waiting for handlers whose client has gone","handlers":1/,
      );
      // Before, Redis closed under the handler: "Stream isn't writeable", a 503, Telegram again.
      expect(api.output()).not.toMatch(/telegram update not handled|Stream isn't writeable/);
      expect(api.output()).toMatch(/"msg":"stopped"/);
      expect(await queue.getWaitingCount()).toBe(before + 1);
      // The handler ran to its end: the update is marked handled (cut short, its claim would
      // still be "in progress" and the update handled again when redelivered).
      expect(await redis.get(telegramUpdateKey(config.queuePrefix, TG_TOKEN, 900_001))).toBe(
        'done',
      );
    } finally {
      await fake.stop();
    }
  });

  test('a handler that outlives its client for too long does not hold the stop: Redis closes after a bounded wait, exit 0', async () => {
    // Telegram takes 60 s to answer: the handler is still at work long after its client left.
    // The wait for it is bounded (min(10 s, SHUTDOWN_TIMEOUT_MS - grace - 5 s) = 3 s here), so the
    // api stops cleanly, saying so, well before the 8 s hard limit would make it exit 1.
    const fake = new FakeTelegram(TG_TOKEN);
    await fake.start();
    try {
      const api = await readyApiWithTelegram(fake, { SHUTDOWN_TIMEOUT_MS: '8000' });
      fake.holdNext('sendMessage', 60_000);
      const chat = { id: 5_100_002, type: 'private', first_name: 'L' };
      const req = postTelegramUpdate(api.port, 900_002, chat, 'ພະນັກງານບໍ່ສຸພາບ ສູນປາກເຊ');
      await waitFor(() => fake.sent('sendMessage', chat.id).length > 0, 'the bot answering');
      req.destroy();
      const signalled = Date.now();
      api.child.kill('SIGTERM');

      expect(await api.exited).toBe(0);
      const took = Date.now() - signalled;
      expect(api.output()).toMatch(
        /"msg":"waiting for handlers whose client has gone","handlers":1/,
      );
      expect(api.output()).toMatch(
        /"level":"warn".*"msg":"handlers still running: closing anyway","handlers":1,"waitMs":3000/,
      );
      expect(api.output()).not.toMatch(/shutdown timed out/);
      expect(api.output()).toMatch(/"msg":"stopped"/);
      // It did wait for the handler (3 s) before closing; exit 0 means before the 8 s limit.
      expect(took).toBeGreaterThanOrEqual(3000);
    } finally {
      await fake.stop();
    }
  });

  test('past SHUTDOWN_TIMEOUT_MS a request that never finishes is cut and the api exits 1', async () => {
    const api = await spawnApi({
      ...env,
      SHUTDOWN_READY_GRACE_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '1500',
    });
    await slowPost(api.port, '/api/v1/feedback', validBody()); // never finished, on purpose
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(1);
    expect(api.output()).toMatch(/"level":"error".*"msg":"shutdown timed out/);
  });
});

describe('MongoDB unreachable at start-up', () => {
  let ferret: RunningServer | undefined;
  let mongoPort: number;
  let api: ApiProcess;
  const prefix = uniqueName('mongodown');

  beforeAll(async () => {
    mongoPort = await freePort(); // nothing listens here until the last test starts FerretDB
    api = await spawnApi({
      MONGO_URL: `mongodb://127.0.0.1:${mongoPort}/${prefix}`,
      QUEUE_PREFIX: prefix,
      PUBLIC_BASE_URL: 'https://feedback.example.la/',
      TWILIO_AUTH_TOKEN: 'test-auth-token-0123456789abcdef',
    });
  });
  afterAll(async () => {
    if (api.child.exitCode === null) api.child.kill('SIGKILL');
    const redis = redisConnection(process.env.TEST_REDIS_URL!, 'producer');
    const queue = createIntakeQueue(testConfig('mongodown', { QUEUE_PREFIX: prefix }), redis);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await ferret?.stop();
  });

  test('the api listens and is ready, degraded', async () => {
    const r = await call(api.port, 'GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'degraded', checks: { mongo: 'down', redis: 'ok' } });
    expect((await call(api.port, 'GET', '/healthz')).json()).toEqual({ status: 'ok' });
  });

  test('web-form feedback gets its receipt; database routes answer 503 in the error format', async () => {
    const ok = await call(api.port, 'POST', '/api/v1/feedback', validBody({ rating: 5 }));
    expect(ok.status).toBe(202);
    expect(ok.json().trackingCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    const login = await call(api.port, 'POST', '/api/v1/auth/login', {
      email: 'nobody@example.la',
      password: 'a long enough passphrase',
    });
    expect(login.status).toBe(503);
    const err = login.json<{ error: Record<string, unknown> }>().error;
    expect(err).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(err.requestId).toBeTruthy();
    const status = await call(api.port, 'GET', '/api/v1/status/ABCDE-FGHJK');
    expect(status.status).toBe(503);
  });

  test('it logs the URLs Twilio must call and checks that a signed request is accepted', async () => {
    await waitFor(
      () => api.output().includes('twilio signature self-test'),
      'the signature self-test',
    );
    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const hook = lines.find((l) => String(l.msg).startsWith('twilio sms webhook'));
    expect(hook).toMatchObject({
      url: 'https://feedback.example.la/webhooks/sms/twilio',
      statusCallback: 'https://feedback.example.la/webhooks/sms/twilio/status',
      signatures: 'checked',
    });
    expect(lines.map((l) => l.msg)).toContain('twilio signature self-test passed');
  });

  test('it connects once MongoDB appears, then stops cleanly', async () => {
    await waitFor(
      () => api.output().includes('"msg":"mongodb unreachable; retrying in the background"'),
      'a failed connection attempt',
    );
    ferret = await startFerretDb({ dataDir: scratch(), port: mongoPort });
    await waitFor(
      async () => (await call(api.port, 'GET', '/readyz')).json().status === 'ready',
      'api connected to MongoDB',
      40_000,
    );
    const login = await call(api.port, 'POST', '/api/v1/auth/login', {
      email: 'nobody@example.la',
      password: 'a long enough passphrase',
    });
    expect(login.status).toBe(401);
    expect(api.output()).toMatch(/"msg":"mongodb connected"/);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  }, 90_000);
});
