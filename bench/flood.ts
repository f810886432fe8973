/**
 * `npm run bench:flood`: the abuse controls under a flood (docs/security.md). Within one minute,
 * FLOOD_WEB submissions (default 10,000) from one address to POST /api/v1/feedback and FLOOD_SMS
 * messages (default 1,000) from one number to the Twilio webhook, while honest citizens — each from
 * its own address — keep submitting. Measures the honest requests' latency (p50/p95/p99) and
 * whether each was accepted, and what the flood did to the official figures (the rollups): counted,
 * held, refused — beside a baseline of the same honest traffic with no flood. The api and an intake
 * worker are the real processes from dist/ (bench/chaos/platform.ts, with the shipped limits) on
 * their own FerretDB and Redis; this process only sends the load. Results: bench/results/flood.json,
 * with a verdict: "met" when every honest submission was accepted and counted, their p99 stayed
 * under 100 ms, the flood counted no more than the limits allow, and the window was kept.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import mongoose from 'mongoose';
import twilio from 'twilio';
import { connectMongo } from '../shared/db/mongo';
import { feedbackModel } from '../shared/models/feedback.model';
import { rollupModel } from '../shared/models/rollup.model';
import { QUEUE_INTAKE, redisConnection } from '../shared/queues';
import { CHAOS_AUTH_TOKEN, CHAOS_PUBLIC_URL, ChaosPlatform } from './chaos/platform';

const FLOOD_WEB = Number(process.env.FLOOD_WEB ?? 10_000);
const FLOOD_SMS = Number(process.env.FLOOD_SMS ?? 1_000);
const WINDOW_MS = Number(process.env.FLOOD_WINDOW_MS ?? 60_000);
/** Honest submissions per second, each from a new address. */
const HONEST_PER_S = Number(process.env.FLOOD_HONEST_PER_S ?? 10);
/** How long the honest traffic runs alone first, as a baseline. */
const BASELINE_MS = Number(process.env.FLOOD_BASELINE_MS ?? 20_000);
const FLOOD_CENTER = 'LA-XS';
const HONEST_CENTER = 'LA-VT';

const log = (m: string) => console.log(`[flood ${new Date().toISOString().slice(11, 19)}] ${m}`);

/** Resolves once the intake queue has nothing waiting, active or delayed. */
async function queueIdle(queue: Queue): Promise<void> {
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (!Object.values(c).some(Boolean)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;
}

/** Sends `total` requests spread evenly over the window, at most `inflight` at once. */
async function paced(
  total: number,
  inflight: number,
  send: (i: number) => Promise<number>,
  windowMs = WINDOW_MS,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const start = Date.now();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < total; i = next++) {
      const due = start + (i * windowMs) / total;
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
  // The real processes from dist/ (one api, one intake worker) on their own FerretDB and Redis, with
  // the shipped abuse limits: the load generator (this process) does not share their event loop.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'odsc-bench-flood-'));
  const platform = await ChaosPlatform.start({
    scratch,
    cluster: false,
    // Nothing in this run talks to Telegram; a closed port stands in for its API.
    botApiUrl: 'http://127.0.0.1:9',
    log,
    shippedLimits: true,
  });
  let result: object;
  try {
    await platform.startApi(0);
    await platform.startWorker(0);
    result = await floodRun(platform);
  } finally {
    await platform.stop().catch(() => platform.abort());
  }
  const out = path.join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'flood.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${path.join(out, 'flood.json')}`);
  rmSync(scratch, { recursive: true, force: true });
}

function latency(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: r(percentile(sorted, 0.5)),
    p95: r(percentile(sorted, 0.95)),
    p99: r(percentile(sorted, 0.99)),
    max: r(sorted.at(-1) ?? 0),
  };
}

async function floodRun(platform: ChaosPlatform) {
  const base = platform.apiUrl(0);
  const conn = await connectMongo(platform.mongoUrl);
  const redis = redisConnection(platform.redisUrl, 'producer');
  const queue = new Queue(QUEUE_INTAKE, { connection: redis, prefix: platform.prefix });
  const json = (ip: string, body: object) =>
    fetch(`${base}/api/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const sms = (i: number) => {
    const params = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: '+8562099990000',
      To: '+8562100000000',
      Body: `ບໍລິການຊ້າ flood ${i}`,
      NumSegments: '1',
    };
    return fetch(`${base}/webhooks/sms/twilio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          CHAOS_AUTH_TOKEN,
          `${CHAOS_PUBLIC_URL}/webhooks/sms/twilio`,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  };
  let honestSeq = 0;
  /** One honest submission from an address of its own: its latency and status. */
  const honest = async (into: { ms: number[]; status: Map<number, number> }) => {
    const i = honestSeq++;
    const t = process.hrtime.bigint();
    const s = await json(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, {
      centerCode: HONEST_CENTER,
      rating: 5,
      text: `ບໍລິການດີ ${randomUUID()}`,
    });
    into.ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    into.status.set(s, (into.status.get(s) ?? 0) + 1);
    return s;
  };

  // Baseline: the same honest traffic with no flood, so the flood's cost can be read beside it.
  log(`baseline: honest traffic alone, ${HONEST_PER_S}/s for ${BASELINE_MS / 1000} s…`);
  const baseline = { ms: [] as number[], status: new Map<number, number>() };
  await paced(
    Math.round((HONEST_PER_S * BASELINE_MS) / 1000),
    8,
    () => honest(baseline),
    BASELINE_MS,
  );
  await queueIdle(queue);
  const cpuBefore = platform.cpuByRole();

  console.log(
    `flood: ${FLOOD_WEB} web submissions from one address and ${FLOOD_SMS} SMS from one number in ${WINDOW_MS / 1000} s, honest traffic ${HONEST_PER_S}/s…`,
  );
  const flood = { ms: [] as number[], status: new Map<number, number>() };
  const honestTotal = Math.round((HONEST_PER_S * WINDOW_MS) / 1000);
  const t0 = Date.now();
  const [web, smsStatuses] = await Promise.all([
    paced(FLOOD_WEB, 64, () => json('198.51.100.66', { centerCode: FLOOD_CENTER, rating: 1 })),
    paced(FLOOD_SMS, 16, sms),
    paced(honestTotal, 8, () => honest(flood)),
  ]);
  const floodSeconds = (Date.now() - t0) / 1000;
  const cpuFlood = platform.cpuByRole();

  // Wait until the worker has stored everything that was accepted.
  const drainStart = Date.now();
  await queueIdle(queue);
  const drainSeconds = (Date.now() - drainStart) / 1000;
  const Feedback = feedbackModel(conn);
  const Rollup = rollupModel(conn);
  const count = async (q: object) => (await Rollup.find(q).lean()).reduce((s, r) => s + r.count, 0);
  const stored = (q: object) => Feedback.countDocuments(q);
  const held = { held: mongoose.trusted({ $exists: true }) };
  const cpu = Object.fromEntries(
    Object.entries(cpuFlood).map(([k, v]) => [k, Math.round((v - (cpuBefore[k] ?? 0)) * 10) / 10]),
  );
  const floodLatency = latency(flood.ms);
  const result = {
    at: new Date().toISOString(),
    machine: `${os.cpus().length} CPU, ${os.platform()} ${os.release()}, load average before ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
    processes:
      'api and intake worker as separate processes from dist/ (NODE_ENV=test, signed SMS, shipped limits); the load from this process',
    store: 'FerretDB 1.24 (SQLite) + Redis',
    limits: {
      webPerMinPerAddress: Number(process.env.RATE_WEB_PER_MIN ?? 30),
      webCountedPerHourPerAddress: Number(process.env.RATE_WEB_COUNTED_PER_HOUR ?? 10),
      smsCountedPerHourPerNumber: Number(process.env.SMS_SPAM_PER_HOUR ?? 20),
    },
    windowSeconds: floodSeconds,
    drainSeconds,
    cpuSecondsDuringFlood: cpu,
    webFlood: {
      sent: FLOOD_WEB,
      statuses: Object.fromEntries(web),
      stored: await stored({ channel: 'web', 'center.code': FLOOD_CENTER }),
      held: await stored({ channel: 'web', 'center.code': FLOOD_CENTER, ...held }),
      countedInRollups: await count({ centerCode: FLOOD_CENTER, channel: 'web' }),
    },
    smsFlood: {
      sent: FLOOD_SMS,
      statuses: Object.fromEntries(smsStatuses),
      storedDocuments: await stored({ channel: 'sms' }),
      heldDocuments: await stored({ channel: 'sms', ...held }),
      countedInRollups: await count({ channel: 'sms' }),
    },
    honestBaseline: {
      sent: baseline.ms.length,
      statuses: Object.fromEntries(baseline.status),
      latencyMs: latency(baseline.ms),
    },
    honest: {
      sent: honestTotal,
      statuses: Object.fromEntries(flood.status),
      accepted: flood.status.get(202) ?? 0,
      countedInRollups:
        (await count({ centerCode: HONEST_CENTER, channel: 'web' })) - baseline.ms.length,
      latencyMs: floodLatency,
    },
  };
  const honestOk =
    result.honest.accepted === honestTotal && result.honest.countedInRollups === honestTotal;
  const verdict = {
    honestAllAcceptedAndCounted: honestOk,
    honestP99Under100ms: floodLatency.p99 < 100,
    floodCountedAtMostLimits:
      result.webFlood.countedInRollups <= result.limits.webCountedPerHourPerAddress &&
      result.smsFlood.countedInRollups <= result.limits.smsCountedPerHourPerNumber,
    windowKept: floodSeconds <= (WINDOW_MS / 1000) * 1.1,
  };
  const final = { ...result, verdict, met: Object.values(verdict).every(Boolean) };
  console.log(JSON.stringify(final, null, 2));
  await queue.close();
  redis.disconnect();
  await conn.close();
  return final;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
