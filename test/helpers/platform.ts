/**
 * Test wiring over the real servers from global-setup: each test file gets its own database and
 * its own BullMQ prefix, so files can run in parallel without seeing each other's data.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Worker } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { loadCatalogView, seedCatalog } from '../../shared/catalog/catalog';
import type { SmsSpool } from '../../services/api/channels/sms-spool';
import { loadConfig, type Config } from '../../shared/config';
import { connectMongo } from '../../shared/db/mongo';
import { createLogger } from '../../shared/logger';
import { catalogModels, type CatalogModels } from '../../shared/models/catalog.model';
import {
  feedbackModel,
  type FeedbackDoc,
  type FeedbackModel,
} from '../../shared/models/feedback.model';
import { rollupModel, type RollupModel } from '../../shared/models/rollup.model';
import { PiiVault } from '../../shared/pii';
import { createIntakeQueue, redisConnection, type IntakeQueue } from '../../shared/queues';
import { parseTrackingCode, TrackingCodes } from '../../shared/tracking-code';
import { createApp } from '../../services/api/app';
import { CatalogTextClassifier, type Classifier } from '../../workers/intake/classify.step';
import { aliasModel, loadAliases } from '../../shared/models/alias.model';
import { createIntakeWorker } from '../../workers/intake/intake.worker';
import { createFeedbackStore } from '../../workers/intake/store.step';
import { countedDoc } from '../../workers/intake/rollup-writer';
import type { Express } from 'express';
import type { OutboundMessageModel } from '../../shared/models/outbound-message.model';

/** A fixed key for tests only. */
export const TEST_PII_KEY = 'a'.repeat(64);

export function uniqueName(tag: string): string {
  return `t_${tag.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** A Config for one test file: own database, own queue prefix, silent logs. */
export function testConfig(tag: string, env: Record<string, string> = {}): Config {
  const db = uniqueName(tag);
  return loadConfig({
    NODE_ENV: 'test',
    MONGO_URL: `${process.env.TEST_MONGO_BASE}/${db}`,
    REDIS_URL: process.env.TEST_REDIS_URL,
    PII_KEY: TEST_PII_KEY,
    QUEUE_PREFIX: db,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-data-')),
    INTAKE_BACKOFF_MS: '50',
    // Every request of a test comes from 127.0.0.1: the per-address limits are lifted unless a
    // test sets them (test/abuse.test.ts does).
    RATE_WEB_PER_MIN: '100000',
    RATE_WEB_COUNTED_PER_HOUR: '100000',
    RATE_STATUS_PER_MIN: '100000',
    RATE_PAIR_PER_HOUR: '10000',
    TELEGRAM_COUNTED_PER_HOUR: '10000',
    ...env,
  });
}

export interface TestPlatform {
  config: Config;
  conn: Connection;
  app: Express;
  redis: IORedis;
  workerRedis: IORedis;
  queue: IntakeQueue;
  worker?: Worker;
  Feedback: FeedbackModel;
  Rollup: RollupModel;
  catalog: CatalogModels;
  vault: PiiVault;
  codes: TrackingCodes;
  /** The api's SMS spool (services/api/channels/sms-spool.ts). */
  smsSpool: SmsSpool;
  startWorker(classifier?: Classifier, over?: { codes?: TrackingCodes }): Promise<Worker>;
  /** Waits until the feedback with this tracking code is stored and counted in the rollups. */
  counted(code: string, timeoutMs?: number): Promise<FeedbackDoc>;
  close(): Promise<void>;
}

/** The api (in-process, for supertest) and optionally an intake worker, on the real servers. */
export async function startTestPlatform(
  tag: string,
  opts: {
    worker?: boolean;
    env?: Record<string, string>;
    redisUrl?: string;
    mongoUrl?: string;
  } = {},
): Promise<TestPlatform> {
  const env = { ...(opts.env ?? {}) };
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
  let config = testConfig(tag, env);
  if (opts.mongoUrl) config = { ...config, mongoUrl: opts.mongoUrl };
  const conn = await connectMongo(config.mongoUrl);
  const catalog = catalogModels(conn);
  const Feedback = feedbackModel(conn);
  const Rollup = rollupModel(conn);
  await Promise.all([
    catalog.Center.init(),
    catalog.Service.init(),
    catalog.Topic.init(),
    Feedback.init(),
    Rollup.init(),
  ]);
  await seedCatalog(catalog);
  const redis = redisConnection(config.redisUrl, 'producer');
  redis.on('error', () => undefined);
  // The producer connection queues no command while it connects (enableOfflineQueue off): a test
  // that writes to Redis right after start-up must find it ready.
  // (At most 10 s: a test that starts with Redis down goes on without it.)
  if (redis.status !== 'ready')
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const workerRedis = redisConnection(config.redisUrl, 'worker');
  workerRedis.on('error', () => undefined);
  const queue = createIntakeQueue(config, redis);
  queue.on('error', () => undefined);
  const log = createLogger('test', config.logLevel);
  let smsSpool: SmsSpool | undefined;
  const app = createApp({
    config,
    conn,
    redis,
    intakeQueue: queue,
    log,
    onSmsSpool: (s) => (smsSpool = s),
  });
  const vault = new PiiVault(config.piiKey);
  const codes = new TrackingCodes(config.piiKey);
  const workers: Worker[] = [];
  const platform: TestPlatform = {
    config,
    conn,
    app,
    redis,
    workerRedis,
    queue,
    Feedback,
    Rollup,
    catalog,
    vault,
    codes,
    smsSpool: smsSpool!,
    async startWorker(
      classifier: Classifier = new CatalogTextClassifier({
        catalog: () => loadCatalogView(catalog),
        aliases: () => loadAliases(aliasModel(conn)),
      }),
      over: { codes?: TrackingCodes } = {},
    ) {
      const store = await createFeedbackStore(conn, workerRedis, config.queuePrefix);
      const w = createIntakeWorker({
        config,
        connection: workerRedis,
        store,
        vault,
        codes: over.codes ?? codes,
        classifier,
        log,
      });
      w.on('error', () => undefined);
      await w.waitUntilReady();
      workers.push(w);
      platform.worker = w;
      return w;
    },
    async counted(code: string, timeoutMs = 15_000) {
      const canonical = parseTrackingCode(code) ?? code;
      return waitFor(
        () => countedDoc(Feedback, Rollup, canonical),
        `feedback ${code} stored and counted`,
        timeoutMs,
      );
    },
    async close() {
      smsSpool!.stop();
      for (const w of workers) await w.close(true).catch(() => undefined);
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      redis.disconnect();
      workerRedis.disconnect();
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
  if (opts.worker) await platform.startWorker();
  return platform;
}

/** Serves an app on a free localhost port (for the browser); returns its base URL and a closer. */
export async function serveOnLocalhost(
  app: Express,
): Promise<{ base: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until fn returns a truthy value or the timeout passes (then throws with the label). */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  label: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until an outbound message reaches one of the given statuses; returns its record. */
export function outboundSettled(Outbound: OutboundMessageModel, id: string, statuses: string[]) {
  return waitFor(
    async () => {
      const m = await Outbound.findById(id).lean();
      return m && statuses.includes(m.status) ? m : null;
    },
    `message ${id} in ${statuses.join('/')}`,
  );
}

/** A valid web submission body. */
export function validBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    centerCode: 'LA-VT-XAYSETHA',
    serviceCode: 'land_registration',
    rating: 2,
    text: 'ລໍຖ້າດົນຫຼາຍ',
    ...over,
  };
}

/**
 * Runs a compiled operator script (`dist/scripts/<name>.js`) the way an operator does, against the
 * platform's database, Redis and key prefix; rejects (with stdout/stderr) on a non-zero exit.
 */
export function runScript(
  p: TestPlatform,
  name: string,
  args: string[] = [],
): Promise<{ stdout: string; stderr: string }> {
  const root = path.resolve(__dirname, '../..');
  return promisify(execFile)(
    process.execPath,
    [path.join(root, 'dist/scripts', `${name}.js`), ...args],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        MONGO_URL: p.config.mongoUrl,
        REDIS_URL: process.env.TEST_REDIS_URL,
        QUEUE_PREFIX: p.config.queuePrefix,
        PII_KEY: TEST_PII_KEY,
        LOG_LEVEL: 'silent',
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-data-')),
      },
    },
  );
}
