/**
 * `npm run chaos [-- --cluster]`: the reliability proof. On this machine, for CHAOS_SECONDS
 * (default 300): signed SMS webhooks, Telegram updates, web form posts and kiosk batches at once,
 * at fixed rates, into two api processes and two workers (the real processes from dist/), on the
 * run's own FerretDB and its own persistent Redis — or, with --cluster, a 3-master Redis Cluster
 * with the queues on it. During the run (fractions of CHAOS_SECONDS):
 *   20%  kill -9 worker 1, a new one started 5 s later
 *   35%  kill -9 api 2, restarted 5 s later on the same port
 *   50%  Redis restarted (stopped, CHAOS_REDIS_DOWN_S = 5 s down, started on the same port and
 *        data folder; on the cluster, the master that holds the platform's hash tag)
 *   65%  FerretDB stopped for CHAOS_FERRET_DOWN_S (60 s), then started again
 * Then the backlog drains and the run verifies (chaos/verify.ts): every request answered with a
 * receipt or 2xx stored exactly once, spools empty, no dead letters (if any: replayed, verified
 * again), rollups equal to a recount. It reports intake latency per channel, pipeline throughput
 * beside the raw insertMany ceiling of the same FerretDB measured in the same run, and the drain
 * time after each fault. Results: bench/results/chaos.json (chaos-cluster.json with --cluster);
 * the exit code is 1 when the verification fails.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { seedCatalogView } from '../shared/catalog/catalog';
import { connectMongo } from '../shared/db/mongo';
import { KioskDevices } from '../shared/kiosk-devices';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { PiiVault } from '../shared/pii';
import { QUEUE_INTAKE, QUEUE_NOTIFY, redisConnection } from '../shared/queues';
import { TrackingCodes } from '../shared/tracking-code';
import { replayDeadLetters } from '../scripts/dlq';
import { readLabelled } from '../scripts/eval-classify';
import { parseSmsCommand } from '../services/api/channels/sms-keywords';
import { startChaosBotApi } from './chaos/bot-api';
import { ChaosLoad, type Rates } from './chaos/load';
import { ChaosPlatform, CHAOS_PII_KEY } from './chaos/platform';
import { channelStats, completionRate, drainTimes, type Fault, type Sample } from './chaos/report';
import { verifyRun, type Verification } from './chaos/verify';

const ROOT = path.resolve(__dirname, '..', '..');
const CLUSTER = process.argv.includes('--cluster');
const SECONDS = Number(process.env.CHAOS_SECONDS ?? 300);
const FERRET_DOWN_S = Number(process.env.CHAOS_FERRET_DOWN_S ?? 60);
const REDIS_DOWN_S = Number(process.env.CHAOS_REDIS_DOWN_S ?? 5);
const RESTART_AFTER_S = 5;
/**
 * CHAOS_FAULTS: `all` (default), `none` (the same load without faults: a baseline), or some of
 * worker,api,redis,ferret (to look at one fault alone).
 */
const FAULTS = new Set(
  (process.env.CHAOS_FAULTS ?? 'all') === 'all'
    ? ['worker', 'api', 'redis', 'ferret']
    : (process.env.CHAOS_FAULTS ?? '').split(',').map((f) => f.trim()),
);
/** How long clients go on retrying after the load stops, and the drain may take at most. */
const DRAIN_LIMIT_S = Number(process.env.CHAOS_DRAIN_LIMIT_S ?? 900);
const RATES: Rates = {
  sms: Number(process.env.CHAOS_RATE_SMS ?? 10),
  telegram: Number(process.env.CHAOS_RATE_TELEGRAM ?? 10),
  web: Number(process.env.CHAOS_RATE_WEB ?? 30),
  kiosk: Number(process.env.CHAOS_RATE_KIOSK ?? 30),
};
const KIOSK_CENTERS = ['LA-VT-XAYSETHA', 'LA-LP', 'LA-CH', 'LA-SV'];
const CEILING_N = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${m}`);

/** A promise that gives up after ms (then resolves null). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([p.catch(() => null), sleep(ms).then(() => null)]);
}

/** insertMany of CEILING_N feedback-shaped documents, 1,000 per call, into a scratch collection. */
async function insertCeiling(conn: Connection): Promise<number> {
  const raw = conn.db!.collection('insert_ceiling');
  await raw.createIndex({ channel: 1, externalId: 1 }, { unique: true });
  const doc = (i: number) => ({
    _id: `C${i}` as never,
    trackingCode: `C${i}`,
    channel: 'web',
    externalId: `ceil-${i}`,
    status: 'received',
    receivedAt: new Date(),
    day: '2026-11-27',
    month: '2026-11',
    sender: { kind: 'anonymous', consentToContact: false },
    text: { raw: `ລໍຖ້າດົນຫຼາຍ ${i}`, normalized: `ລໍຖ້າດົນຫຼາຍ ${i}`, script: 'lo', truncated: false },
    rating: 3,
    center: { code: 'LA-LP', confidence: 1, method: 'explicit' },
    service: { code: 'family_book', confidence: 1, method: 'explicit' },
    topics: [],
    kind: { code: 'other', confidence: 0.7, method: 'rating' },
    sentiment: 0,
    needsTriage: false,
    meta: {},
    rollupBatch: 'ceiling',
  });
  const t = performance.now();
  for (let i = 0; i < CEILING_N; i += 1000)
    await raw.insertMany(
      Array.from({ length: 1000 }, (_, k) => doc(i + k)),
      { ordered: false },
    );
  const perS = Math.round(CEILING_N / ((performance.now() - t) / 1000));
  await raw.drop();
  return perS;
}

/** What the processes logged that tells how they lived through the faults, per log file. */
function logCounts(dir: string): Record<string, Record<string, number>> {
  const watch = {
    monitorWedgeRepaired: 'mongodb driver monitor wedged',
    deadLettered: 'dead-lettered',
    smsSpooled: 'SMS kept in the spool',
    smsSpoolHandedOn: 'sms spool: handed on',
    intakeAttemptFailed: 'intake attempt failed',
    requestFailed5xx: '"request failed"',
  };
  const out: Record<string, Record<string, number>> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.log') && n !== 'ferretdb.log')) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    out[f.replace(/\.log$/, '')] = Object.fromEntries(
      Object.entries(watch).map(([k, needle]) => [k, text.split(needle).length - 1]),
    );
  }
  return out;
}

async function pairTablets(p: ChaosPlatform, conn: Connection, redis: IORedis) {
  const devices = new KioskDevices(kioskDeviceModel(conn), redis, p.prefix, 3600);
  const tablets: { token: string; center: string }[] = [];
  for (const [i, center] of KIOSK_CENTERS.entries()) {
    const { code } = await devices.create(center, `chaos tablet ${i + 1}`);
    const res = await fetch(`${p.apiUrl(i % 2)}/api/v1/kiosk/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pairingCode: code }),
    });
    if (!res.ok) throw new Error(`pairing failed: ${res.status} ${await res.text()}`);
    tablets.push({ token: ((await res.json()) as { deviceToken: string }).deviceToken, center });
  }
  return tablets;
}

function texts() {
  const all = readLabelled(path.join(ROOT, 'test', 'fixtures', 'classify-dev.jsonl')).map(
    (m) => m.text,
  );
  return {
    // Feedback, not keywords or a bare survey answer.
    sms: all.filter((t) => !parseSmsCommand(t) && !/^\s*[1-5]\s*$/.test(t)),
    telegram: all.filter((t) => !t.trim().startsWith('/') && t.trim()),
  };
}

async function main() {
  const started = new Date();
  const scratch = mkdtempSync(path.join(os.tmpdir(), `odsc-chaos${CLUSTER ? '-cluster' : ''}-`));
  log(`scratch ${scratch}; ${CLUSTER ? '3-master Redis Cluster' : 'single Redis'}; ${SECONDS} s`);
  const botApi = await startChaosBotApi();
  const p = await ChaosPlatform.start({ scratch, cluster: CLUSTER, botApiUrl: botApi.url, log });
  platformOfRun = p;
  const conn = await connectMongo(p.mongoUrl, { timeoutMs: 120_000 });
  const ceiling = await insertCeiling(conn);
  log(`insertMany ceiling: ${ceiling} docs/s`);
  await Promise.all([p.startApi(0), p.startApi(1), p.startWorker(0), p.startWorker(1)]);
  const workerRedis = redisConnection(p.redisUrl, 'worker');
  workerRedis.on('error', () => undefined);
  const tablets = await pairTablets(p, conn, workerRedis);
  const monitor = redisConnection(p.redisUrl, 'producer');
  monitor.on('error', () => undefined);
  const intake = new Queue(QUEUE_INTAKE, { connection: monitor, prefix: p.prefix });
  const notify = new Queue(QUEUE_NOTIFY, { connection: monitor, prefix: p.prefix });
  intake.on('error', () => undefined);
  notify.on('error', () => undefined);
  const events = new QueueEvents(QUEUE_INTAKE, { connection: workerRedis, prefix: p.prefix });
  events.on('error', () => undefined);
  let completed = 0;
  events.on('completed', () => completed++);
  // Jobs a killed worker held, taken back by the others once its lock lapsed.
  const stalledAt: number[] = [];
  events.on('stalled', () => stalledAt.push(Math.round(load.now() * 10) / 10));
  await events.waitUntilReady();

  const t = texts();
  const load = new ChaosLoad({
    apis: [p.apiUrl(0), p.apiUrl(1)],
    rates: RATES,
    smsTexts: t.sms,
    tgTexts: t.telegram,
    catalog: seedCatalogView(),
    tablets,
  });
  const samples: Sample[] = [];
  const readCounts = async (q: Queue) =>
    within(q.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused', 'failed'), 1500);
  const sample = async () => {
    const [c, n] = await Promise.all([readCounts(intake), readCounts(notify)]);
    const spool = p.spoolSizes().entries.reduce((a, b) => a + b, 0);
    const backlog = c ? c.wait! + c.active! + c.delayed! + c.prioritized! + c.paused! : null;
    samples.push({
      t: Math.round(load.now() * 10) / 10,
      backlog,
      waiting: c ? c.wait! + c.prioritized! + c.paused! : null,
      delayed: c?.delayed ?? null,
      active: c?.active ?? null,
      failed: c?.failed ?? null,
      notifyBacklog: n ? n.wait! + n.active! + n.delayed! + n.prioritized! + n.paused! : null,
      completed,
      spool,
      clientsOpen: load.pending(),
    });
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const next = sleep(1000);
      await sample();
      const s = samples.at(-1)!;
      if (Math.round(s.t) % 10 === 0)
        log(
          `t=${Math.round(s.t)}s backlog=${s.backlog ?? '?'} delayed=${s.delayed ?? '?'} failed=${s.failed ?? '?'} spool=${s.spool} completed=${completed} open=${s.clientsOpen} sent=${load.sent.length}`,
        );
      await next;
    }
  })();

  const loadAvgStart = os.loadavg();
  const cpuStart = p.cpuByRole();
  const faults: Fault[] = [];
  const fault = async (
    kind: string,
    name: string,
    at: number,
    run: () => Promise<string | void>,
  ) => {
    if (!FAULTS.has(kind)) return;
    const wait = at * SECONDS - load.now();
    if (wait > 0) await sleep(wait * 1000);
    const start = load.now();
    const startIso = new Date().toISOString();
    log(`fault: ${name}`);
    const detail = await run();
    faults.push({
      name,
      ...(detail ? { detail } : {}),
      start: Math.round(start * 10) / 10,
      end: Math.round(load.now() * 10) / 10,
      startIso,
      endIso: new Date().toISOString(),
    });
    log(`fault over: ${name} (${(load.now() - start).toFixed(1)} s)`);
  };
  load.start();
  const schedule = (async () => {
    await fault('worker', 'kill -9 worker 1; a new worker 5 s later', 0.2, async () => {
      await p.killWorker(0);
      await sleep(RESTART_AFTER_S * 1000);
      await p.startWorker(0);
    });
    await fault('api', 'kill -9 api 2; restarted 5 s later', 0.35, async () => {
      await p.killApi(1);
      await sleep(RESTART_AFTER_S * 1000);
      await p.startApi(1);
    });
    await fault('redis', `Redis restarted (${REDIS_DOWN_S} s down)`, 0.5, () =>
      p.restartRedis(REDIS_DOWN_S * 1000),
    );
    await fault('ferret', `FerretDB stopped for ${FERRET_DOWN_S} s`, 0.65, async () => {
      await p.stopFerret();
      await sleep(FERRET_DOWN_S * 1000);
      await p.startFerret();
    });
  })();
  await sleep(SECONDS * 1000);
  load.stop();
  const loadEnd = load.now();
  log(`load stopped after ${loadEnd.toFixed(1)} s; ${load.sent.length} messages sent`);
  await schedule; // a fault still running (a short run) ends before the drain is measured
  load.retryDeadline = load.now() + DRAIN_LIMIT_S;

  // The drain: clients concluded, intake and notify queues empty, spools empty.
  const drainDeadline = load.now() + DRAIN_LIMIT_S;
  let drainedAt: number | null = null;
  while (load.now() < drainDeadline) {
    const s = samples.at(-1);
    if (
      s &&
      s.t > loadEnd &&
      load.pending() === 0 &&
      s.backlog === 0 &&
      s.notifyBacklog === 0 &&
      s.spool === 0
    ) {
      drainedAt = s.t;
      break;
    }
    await sleep(500);
  }
  await within(load.settled(), 5000);
  const cpu = p.cpuByRole();
  const wall = load.now();
  const loadAvgEnd = os.loadavg();

  const vault = new PiiVault(Buffer.from(CHAOS_PII_KEY, 'hex'));
  const codes = new TrackingCodes(Buffer.from(CHAOS_PII_KEY, 'hex'));
  const verify = () =>
    verifyRun({
      conn,
      vault,
      codes,
      sent: load.sent,
      telegramReceipts: botApi.receipts,
      spool: p.spoolSizes(),
      queues: { intake, notify },
    });
  log('verifying');
  const first: Verification = await verify();
  let replayed: { intake: string[]; notify: string[] } | null = null;
  let afterReplay: Verification | null = null;
  if (Object.values(first.deadLetters).some((l) => l.length)) {
    replayed = {
      intake: await replayDeadLetters(intake, 'all'),
      notify: await replayDeadLetters(notify, 'all'),
    };
    log(
      `replayed dead letters: intake ${replayed.intake.length}, notify ${replayed.notify.length}`,
    );
    for (let i = 0; i < 600; i++) {
      await sleep(1000);
      const [c, n] = [await readCounts(intake), await readCounts(notify)];
      if (c && n && [c, n].every((x) => !x.wait && !x.active && !x.delayed && !x.prioritized))
        break;
    }
    afterReplay = await verify();
  }
  const final = afterReplay ?? first;
  sampling = false;
  await sampler;

  const loadSeconds = loadEnd;
  const stats = channelStats(load.sent, load.kioskBatches, loadSeconds, faults);
  const accepted = load.sent.filter((s) => s.outcome === 'accepted');
  const during = completionRate(samples, 0, loadEnd);
  const drain = completionRate(samples, loadEnd, drainedAt ?? wall);
  const whole = completionRate(samples, 0, drainedAt ?? wall);
  const cores = os.cpus().length;
  const cpuUsed = Object.entries(cpu).reduce((a, [k, v]) => a + v - (cpuStart[k] ?? 0), 0);
  const results = {
    run: CLUSTER ? 'cluster' : 'single',
    when: started.toISOString(),
    machine: {
      cpus: cores,
      cpuModel: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAvgAtStart: loadAvgStart.map((x) => Math.round(x * 100) / 100),
      loadAvgAtEnd: loadAvgEnd.map((x) => Math.round(x * 100) / 100),
    },
    settings: {
      seconds: SECONDS,
      ratesPerS: RATES,
      redis: CLUSTER
        ? '3-master Redis Cluster (redis-cluster://), queues under {chaos}'
        : 'single Redis, appendonly yes',
      processes:
        '2 api (NODE_ENV=test, signed webhooks, abuse limits lifted) + 2 workers (INTAKE_CONCURRENCY default)',
      faults: [...FAULTS],
      ferretDownS: FERRET_DOWN_S,
      redisDownS: REDIS_DOWN_S,
    },
    load: {
      seconds: Math.round(loadSeconds * 10) / 10,
      messagesSent: load.sent.length,
      acceptedPerS: Math.round((accepted.length / loadSeconds) * 10) / 10,
      channels: stats,
    },
    throughput: {
      jobsCompletedDuringLoadPerS: during.perS,
      jobsCompletedDuringDrainPerS: drain.perS,
      jobsCompletedOverallPerS: whole.perS,
      peak10sPerS: whole.peak10sPerS,
      ceiling: {
        name: `insertMany (1,000 per call) into the same FerretDB, ${CEILING_N} docs`,
        docsPerS: ceiling,
      },
      peakRatio: whole.peak10sPerS ? Math.round((whole.peak10sPerS / ceiling) * 1000) / 1000 : null,
      storedDocuments: final.stored.documents,
      threadPieces: final.stored.threadPieces,
    },
    cpu: {
      secondsByRole: Object.fromEntries(
        Object.entries(cpu).map(([k, v]) => [k, Math.round((v - (cpuStart[k] ?? 0)) * 10) / 10]),
      ),
      benchProcessS: Math.round(process.cpuUsage().user / 1e5) / 10,
      platformShareOfMachine: Math.round((cpuUsed / (wall * cores)) * 100) / 100,
    },
    faults,
    stalledJobs: {
      note: 'jobs a killed worker held, moved back to the queue once their lock lapsed (WORKER_LOCK_MS)',
      count: stalledAt.length,
      at: stalledAt,
    },
    logs: logCounts(path.join(scratch, 'logs')),
    drain: {
      afterFaults: drainTimes(samples, faults),
      afterLoad: {
        loadEnd: Math.round(loadEnd * 10) / 10,
        drainedAt,
        drainSeconds: drainedAt === null ? null : Math.round((drainedAt - loadEnd) * 10) / 10,
      },
    },
    verification: {
      ok: final.ok,
      first,
      ...(replayed ? { replayed, afterReplay } : {}),
    },
    timeline: samples.filter((_, i) => i % 2 === 0),
    scratch,
  };
  const outDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, CLUSTER ? 'chaos-cluster.json' : 'chaos.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(
    path.join(scratch, 'requests.jsonl'),
    load.sent.map((s) => JSON.stringify(s)).join('\n') + '\n',
  );
  log(`written: ${path.relative(ROOT, file)}; every request: ${scratch}/requests.jsonl`);
  log(
    `verification ${final.ok ? 'PASSED' : 'FAILED'}: accepted ${final.accepted}, stored once ${final.acceptedStoredOnce}, missing ${final.missing}, duplicates ${final.duplicates}, wrong feedback ${final.wrongFeedback}, unexplained ${final.unexplained}, spool ${final.spool.entries.join('+')}, dead letters ${Object.entries(
      first.deadLetters,
    )
      .map(([k, v]) => `${k} ${v.length}`)
      .join(', ')}, rollup buckets differing ${final.rollups.bucketsDiffering}`,
  );

  await Promise.all([intake.close(), notify.close(), events.close()]).catch(() => undefined);
  monitor.disconnect();
  workerRedis.disconnect();
  await conn.close();
  await p.stop();
  await botApi.close();
  // Keep the logs and the request records; the data folders are large.
  if (final.ok && !process.env.CHAOS_KEEP)
    for (const d of ['ferretdb', 'redis', 'redis-cluster'])
      rmSync(path.join(scratch, d), { recursive: true, force: true });
  process.exit(final.ok ? 0 : 1);
}

/** The platform of the run, stopped if the run itself fails. */
let platformOfRun: ChaosPlatform | null = null;

main().catch(async (err) => {
  console.error(err);
  await platformOfRun?.abort().catch(() => undefined);
  process.exit(2);
});
