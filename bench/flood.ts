/**
 * `npm run bench:flood`: the abuse controls under a flood (docs/security.md). Within one minute,
 * FLOOD_WEB submissions (default 10,000) from one address to POST /api/v1/feedback and FLOOD_SMS
 * messages (default 1,000) from one number to the Twilio webhook, while honest citizens — each from
 * its own address — keep submitting. Measures the honest requests' latency (p50/p95/p99) and
 * whether each was accepted, and what the flood did to the official figures (the rollups): counted,
 * held, refused. The api (real HTTP server, default limits) and an intake worker run in this
 * process on FerretDB and Redis. Results: bench/results/flood.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createApp } from '../services/api/app';
import { loadCatalogView, seedCatalog } from '../shared/catalog/catalog';
import { loadConfig } from '../shared/config';
import { startScratchServers } from './scratch-servers';
import { connectMongo } from '../shared/db/mongo';
import { createLogger } from '../shared/logger';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import { catalogModels } from '../shared/models/catalog.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { rollupModel } from '../shared/models/rollup.model';
import { PiiVault } from '../shared/pii';
import { createIntakeQueue, redisConnection } from '../shared/queues';
import { TrackingCodes } from '../shared/tracking-code';
import { CatalogTextClassifier } from '../workers/intake/classify.step';
import { createIntakeWorker } from '../workers/intake/intake.worker';
import { createFeedbackStore } from '../workers/intake/store.step';

const FLOOD_WEB = Number(process.env.FLOOD_WEB ?? 10_000);
const FLOOD_SMS = Number(process.env.FLOOD_SMS ?? 1_000);
const WINDOW_MS = Number(process.env.FLOOD_WINDOW_MS ?? 60_000);
/** Honest submissions per second, each from a new address. */
const HONEST_PER_S = Number(process.env.FLOOD_HONEST_PER_S ?? 10);
const FLOOD_CENTER = 'LA-XS';
const HONEST_CENTER = 'LA-VT';

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;
}

/** Sends `total` requests spread evenly over the window, at most `inflight` at once. */
async function paced(
  total: number,
  inflight: number,
  send: (i: number) => Promise<number>,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const start = Date.now();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < total; i = next++) {
      const due = start + (i * WINDOW_MS) / total;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const s = await send(i).catch(() => 0);
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return statuses;
}

async function main() {
  const { scratch, ferret, redisServer, prefix } = await startScratchServers('flood', 'benchflood');
  // The shipped limits (.env.example), not the tests' lifted ones.
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGO_URL: `mongodb://127.0.0.1:${ferret.port}/benchflood`,
    REDIS_URL: redisServer.url,
    PII_KEY: 'd'.repeat(64),
    QUEUE_PREFIX: prefix,
    DATA_DIR: scratch,
    LOG_LEVEL: 'silent',
    SMS_SIGNATURE_BYPASS: 'true',
  });
  const conn = await connectMongo(config.mongoUrl);
  const catalog = catalogModels(conn);
  await seedCatalog(catalog);
  const redis = redisConnection(config.redisUrl, 'producer');
  const workerRedis = redisConnection(config.redisUrl, 'worker');
  const queue = createIntakeQueue(config, redis);
  const log = createLogger('bench', 'silent');
  const app = createApp({ config, conn, redis, intakeQueue: queue, log });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = await createFeedbackStore(conn, workerRedis, prefix);
  const worker = createIntakeWorker({
    config,
    connection: workerRedis,
    store,
    vault: new PiiVault(config.piiKey),
    codes: new TrackingCodes(config.piiKey),
    classifier: new CatalogTextClassifier({
      catalog: () => loadCatalogView(catalog),
      aliases: () => loadAliases(aliasModel(conn)),
    }),
    log,
  });
  await worker.waitUntilReady();

  const json = (ip: string, body: object) =>
    fetch(`${base}/api/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const sms = (i: number) =>
    fetch(`${base}/webhooks/sms/twilio`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        From: '+8562099990000',
        To: '+8562100000000',
        Body: `ບໍລິການຊ້າ flood ${i}`,
        NumSegments: '1',
      }).toString(),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  console.log(
    `flood: ${FLOOD_WEB} web submissions from one address and ${FLOOD_SMS} SMS from one number in ${WINDOW_MS / 1000} s, honest traffic ${HONEST_PER_S}/s…`,
  );
  const honestMs: number[] = [];
  const honestStatus = new Map<number, number>();
  const honestTotal = Math.round((HONEST_PER_S * WINDOW_MS) / 1000);
  const t0 = Date.now();
  const [web, smsStatuses] = await Promise.all([
    paced(FLOOD_WEB, 64, () => json('198.51.100.66', { centerCode: FLOOD_CENTER, rating: 1 })),
    paced(FLOOD_SMS, 16, sms),
    paced(honestTotal, 8, async (i) => {
      const t = process.hrtime.bigint();
      const s = await json(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, {
        centerCode: HONEST_CENTER,
        rating: 5,
        text: `ບໍລິການດີ ${randomUUID()}`,
      });
      honestMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      honestStatus.set(s, (honestStatus.get(s) ?? 0) + 1);
      return s;
    }),
  ]);
  const floodSeconds = (Date.now() - t0) / 1000;

  // Wait until the worker has stored everything that was accepted.
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (!Object.values(c).some(Boolean)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const Feedback = feedbackModel(conn);
  const Rollup = rollupModel(conn);
  const count = async (center: string, channel: string) =>
    (await Rollup.find({ centerCode: center, channel }).lean()).reduce((s, r) => s + r.count, 0);
  const stored = (q: object) => Feedback.countDocuments(q);
  const sorted = [...honestMs].sort((a, b) => a - b);
  const result = {
    at: new Date().toISOString(),
    machine: `${os.cpus().length} CPU, ${os.platform()} ${os.release()}`,
    store: 'FerretDB 1.24 (SQLite) + Redis',
    limits: config.abuse.limits,
    smsCountedPerHour: config.sms.spamPerHour,
    windowSeconds: floodSeconds,
    webFlood: {
      sent: FLOOD_WEB,
      statuses: Object.fromEntries(web),
      stored: await stored({ channel: 'web', 'center.code': FLOOD_CENTER }),
      held: await stored({
        channel: 'web',
        'center.code': FLOOD_CENTER,
        held: mongoose.trusted({ $exists: true }),
      }),
      countedInRollups: await count(FLOOD_CENTER, 'web'),
    },
    smsFlood: {
      sent: FLOOD_SMS,
      statuses: Object.fromEntries(smsStatuses),
      storedDocuments: await stored({ channel: 'sms' }),
      heldDocuments: await stored({ channel: 'sms', held: mongoose.trusted({ $exists: true }) }),
      countedInRollups: (await Rollup.find({ channel: 'sms' }).lean()).reduce(
        (s, r) => s + r.count,
        0,
      ),
    },
    honest: {
      sent: honestTotal,
      statuses: Object.fromEntries(honestStatus),
      accepted: honestStatus.get(202) ?? 0,
      countedInRollups: await count(HONEST_CENTER, 'web'),
      latencyMs: {
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
        max: sorted.at(-1) ?? 0,
      },
    },
  };
  console.log(JSON.stringify(result, null, 2));
  const out = path.join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'flood.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${path.join(out, 'flood.json')}`);

  server.close();
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  redis.disconnect();
  workerRedis.disconnect();
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
  await ferret.stop();
  await redisServer.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
