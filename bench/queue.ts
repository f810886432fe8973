/**
 * `npm run bench:queue` (also the last part of `npm run bench`): the staff review queue on the
 * embedded store, with BENCH_QUEUE_TOTAL feedback stored (default 1,000,000) of which
 * BENCH_QUEUE_OPEN are open (default 5,000) and BENCH_QUEUE_CLOSED were closed in the last
 * QUEUE_KEEP_CLOSED_DAYS (default 20,000; they stay in the index). Measures the list and the tab
 * counts as staff call them (through the api's Workspace, Redis index) beside the same list as a
 * filtered, sorted find() on FerretDB (the naive design), run BENCH_QUEUE_NAIVE_RUNS times
 * (default 1; it takes minutes at a million; 0 keeps the last run's). Each figure's
 * BENCH_QUEUE_CALLS calls (default 200) are split into BENCH_REPEATS rounds (default 3, as
 * `npm run bench`); each round gives its p50/p95, and the figure is the median round's with the
 * spread [min, max] of the rounds and every round's value; wrong answers are those of all rounds.
 * Results: bench/results/queue.json.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { connectMongo } from '../shared/db/mongo';
import { loadConfig } from '../shared/config';
import { startScratchServers } from './scratch-servers';
import { feedbackModel, localBuckets, type FeedbackDoc } from '../shared/models/feedback.model';
import { staffUserModel } from '../shared/models/staff-user.model';
import { auditModel } from '../shared/models/audit.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { aliasModel } from '../shared/models/alias.model';
import { rollupModel } from '../shared/models/rollup.model';
import { PiiVault } from '../shared/pii';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import { seedCatalogView, seedCenters, seedServices } from '../shared/catalog/catalog';
import { AuditLog } from '../shared/staff/audit-log';
import { Deadlines } from '../shared/staff/deadlines';
import { QueueIndex } from '../shared/staff/queue-index';
import { queueEntry, QueueQuerySchema } from '../shared/staff/queue-query';
import type { StaffPrincipal } from '../shared/staff/roles';
import { indexFerretIds } from '../scripts/storage';
import { Workspace } from '../services/api/staff/workspace';
import { RollupWriter } from '../workers/intake/rollup-writer';

const TOTAL = Number(process.env.BENCH_QUEUE_TOTAL ?? 1_000_000);
const OPEN = Number(process.env.BENCH_QUEUE_OPEN ?? 5_000);
const CLOSED = Number(process.env.BENCH_QUEUE_CLOSED ?? 20_000);
const CALLS = Number(process.env.BENCH_QUEUE_CALLS ?? 200);
const NAIVE_RUNS = Number(process.env.BENCH_QUEUE_NAIVE_RUNS ?? 1);
/** Rounds per figure, read as bench/run.ts reads it: the calls of a figure are split among them. */
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const TOPICS = ['waiting_time', 'fees', 'informal_payment', 'staff_conduct', 'documents'];
const CHANNELS = ['sms', 'telegram', 'web', 'kiosk'] as const;
const TEXTS = [
  'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ ຕ້ອງມາຫຼາຍເທື່ອ',
  'ຕ້ອງຈ່າຍເງິນເພີ່ມ 50000 ກີບ ໂດຍບໍ່ມີໃບບິນ',
  'Waited three hours for the land title, nobody explained the fee',
  'ບໍລິການດີ ແຕ່ບ່ອນຈອດລົດບໍ່ພໍ',
];

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Times n calls, split into REPEATS rounds (fewer when n is smaller; the first rounds take the odd
 * calls, and `fn` gets the call's number over all rounds). Each round gives its p50/p95; the figure
 * is the median of the rounds with their spread [min, max] and every round's value. `check` judges
 * each answer (a list that comes back empty or with items outside its filter, a count that is not
 * the number stored): wrong answers are counted over every round, and a query with any is not
 * "met" however fast it was.
 */
async function timed<T>(
  n: number,
  fn: (i: number) => Promise<T>,
  check: (r: T) => boolean = () => true,
) {
  const rounds = Math.max(1, Math.min(REPEATS, n));
  const p50: number[] = [];
  const p95: number[] = [];
  let maxMs = 0;
  let wrongAnswers = 0;
  let i = 0;
  for (let k = 0; k < rounds; k++) {
    const ms: number[] = [];
    const calls = Math.floor(n / rounds) + (k < n % rounds ? 1 : 0);
    for (let c = 0; c < calls; c++, i++) {
      const t = process.hrtime.bigint();
      const r = await fn(i);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!check(r)) wrongAnswers++;
    }
    ms.sort((a, b) => a - b);
    p50.push(round1(percentile(ms, 0.5)));
    p95.push(round1(percentile(ms, 0.95)));
    maxMs = Math.max(maxMs, ms.at(-1)!);
  }
  return {
    calls: n,
    p50Ms: round1(median(p50)),
    p95Ms: round1(median(p95)),
    maxMs: round1(maxMs),
    wrongAnswers,
    spread: {
      p50Ms: [Math.min(...p50), Math.max(...p50)],
      p95Ms: [Math.min(...p95), Math.max(...p95)],
    },
    rounds: { p50Ms: p50, p95Ms: p95 },
  };
}

/** One line per figure: the median p50 and p95 with their spread over the rounds. */
function printTimings(timings: Record<string, Awaited<ReturnType<typeof timed>>>) {
  const range = ([a, b]: number[]) => `${a}–${b}`;
  for (const [name, t] of Object.entries(timings))
    console.log(
      `  ${name}: p50 ${t.p50Ms} ms (${range(t.spread.p50Ms)}), p95 ${t.p95Ms} ms ` +
        `(${range(t.spread.p95Ms)}), max ${t.maxMs} ms, calls ${t.calls}, ` +
        `rounds ${t.rounds.p95Ms.length}, wrong answers ${t.wrongAnswers}`,
    );
}

function makeDoc(i: number, status: FeedbackDoc['staffStatus'], now: number): FeedbackDoc {
  const center = seedCenters[i % seedCenters.length]!.code;
  const service = seedServices[(i * 7) % seedServices.length]!.code;
  const receivedAt = new Date(now - (TOTAL - i) * 30_000);
  const complaint = i % 3 !== 0;
  const text = `${TEXTS[i % TEXTS.length]} #${i}`;
  const id = `B${i.toString(36).toUpperCase().padStart(9, '0')}`;
  return {
    _id: id,
    trackingCode: id,
    channel: CHANNELS[i % 4]!,
    externalId: `bench-${i}`,
    status: 'received',
    staffStatus: status,
    statusAt: receivedAt,
    receivedAt,
    ...localBuckets(receivedAt),
    sender: { kind: 'anonymous', consentToContact: false },
    text: { raw: text, normalized: text, script: 'lo', truncated: false },
    rating: (i % 5) + 1,
    center: { code: center, confidence: 0.9, method: 'keyword' },
    service: { code: service, confidence: 0.8, method: 'keyword' },
    topics: [{ code: TOPICS[i % TOPICS.length]!, confidence: 0.7, method: 'keyword' }],
    kind: { code: complaint ? 'complaint' : 'praise', confidence: 0.8, method: 'keyword' },
    sentiment: complaint ? -0.6 : 0.6,
    needsTriage: i % 11 === 0,
    meta: {},
    ...(complaint ? { slaDueAt: new Date(receivedAt.getTime() + 15 * 86_400_000) } : {}),
    rollupBatch: 'bench',
    createdAt: receivedAt,
    updatedAt: receivedAt,
  } as FeedbackDoc;
}

async function main() {
  const { scratch, ferret, redisServer, prefix } = await startScratchServers('queue', 'benchq');
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGO_URL: `mongodb://127.0.0.1:${ferret.port}/benchqueue`,
    REDIS_URL: redisServer.url,
    PII_KEY: 'c'.repeat(64),
    QUEUE_PREFIX: prefix,
    DATA_DIR: scratch,
    LOG_LEVEL: 'silent',
  });
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  const Feedback = feedbackModel(conn);
  await Feedback.init();
  console.log(indexFerretIds(ferret.sqliteDir!));
  const index = new QueueIndex(redis, prefix);
  const now = Date.now();

  // Store TOTAL documents: the first CLOSED+OPEN newest are the indexed ones.
  console.log(
    `storing ${TOTAL.toLocaleString()} feedback (${OPEN} open, ${CLOSED} recently closed)…`,
  );
  const t0 = Date.now();
  const BATCH = 2000;
  const col = Feedback.collection;
  for (let start = 0; start < TOTAL; start += BATCH) {
    const docs: FeedbackDoc[] = [];
    for (let i = start; i < Math.min(TOTAL, start + BATCH); i++) {
      const fromEnd = TOTAL - 1 - i;
      const status =
        fromEnd < OPEN
          ? (['new', 'triaged', 'in_progress'] as const)[i % 3]
          : fromEnd < OPEN + CLOSED
            ? (['resolved', 'closed', 'spam'] as const)[i % 3]
            : 'closed';
      docs.push(makeDoc(i, status, now));
    }
    await col.insertMany(docs as never[], { ordered: false });
    const indexed = docs.filter(
      (d) => TOTAL - 1 - Number.parseInt(d._id.slice(1), 36) < OPEN + CLOSED,
    );
    for (const d of indexed) await index.put(queueEntry(d));
    if ((start / BATCH) % 50 === 0)
      console.log(`  ${start.toLocaleString()} (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  const storeS = Math.round((Date.now() - t0) / 1000);

  const lock = new RedisLock(redis, prefix);
  const ws = new Workspace({
    Feedback,
    Users: staffUserModel(conn),
    Outbound: outboundMessageModel(conn),
    Alias: aliasModel(conn),
    index,
    audit: new AuditLog(auditModel(conn)),
    rollups: new RollupWriter(rollupModel(conn), lock),
    lock,
    catalog: async () => seedCatalogView(),
    notifyQueue: new Queue('bench-notify', { connection: redis, prefix }),
    deadlines: Deadlines.fromConfig(config),
    vault: new PiiVault(config.piiKey),
    redis,
    prefix,
  });
  const taskforce: StaffPrincipal = {
    id: 'bench-tf',
    email: 'tf@bench',
    role: 'taskforce',
    centers: [],
  };
  const manager: StaffPrincipal = {
    id: 'bench-mgr',
    email: 'mgr@bench',
    role: 'center_manager',
    centers: [seedCenters[3]!.code],
  };
  const q = (o: Record<string, string>) => QueueQuerySchema.parse(o);
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    stored: TOTAL,
    open: OPEN,
    recentlyClosedIndexed: CLOSED,
    repeats: REPEATS,
    storeSeconds: storeS,
    indexEntries: await index.size(),
    redisIndexBytes: Number(
      ((await redis.call('MEMORY', 'USAGE', `${prefix}:qi:doc`)) as number) ?? 0,
    ),
  };
  const center = seedCenters[3]!.code;
  /** A list page that came back full (there are thousands of open items). */
  const fullPage = (r: { items: unknown[] }) => r.items.length === q({}).limit;
  results.redisIndex = {
    'open list, newest first (taskforce)': await timed(
      CALLS,
      () => ws.list(taskforce, q({ status: 'open' })),
      fullPage,
    ),
    'open list, one center (center manager)': await timed(
      CALLS,
      () => ws.list(manager, q({ status: 'open' })),
      (r) => fullPage(r) && r.items.every((x) => x.centerCode === center),
    ),
    'open list, center + topic filter': await timed(
      CALLS,
      () => ws.list(taskforce, q({ status: 'open', center, topic: 'fees' })),
      (r) =>
        r.items.length > 0 &&
        r.items.every((x) => x.centerCode === center && x.topics.includes('fees')),
    ),
    'open list, text contains (Lao)': await timed(
      CALLS,
      () => ws.list(taskforce, q({ status: 'open', q: 'ໃບບິນ' })),
      (r) => fullPage(r) && r.items.every((x) => x.excerpt.includes('ໃບບິນ')),
    ),
    'open list, due soonest': await timed(
      CALLS,
      () => ws.list(taskforce, q({ status: 'open', sort: 'due' })),
      fullPage,
    ),
    'second page by cursor': await timed(
      CALLS,
      async () => {
        const one = await ws.list(taskforce, q({ status: 'open' }));
        const two = await ws.list(taskforce, q({ status: 'open', cursor: one.nextCursor! }));
        return { one, two };
      },
      // The second page goes on where the first stopped: full, and no item on both.
      ({ one, two }) =>
        fullPage(two) &&
        !two.items.some((x) => one.items.some((y) => y.trackingCode === x.trackingCode)),
    ),
    'tab counts (taskforce, no filter)': await timed(
      CALLS,
      () => ws.counts(taskforce, q({})),
      (r) => r.open === OPEN,
    ),
    'tab counts (center manager)': await timed(
      CALLS,
      () => ws.counts(manager, q({})),
      (r) => r.open > 0 && r.open < OPEN,
    ),
    'tab counts, topic filter (first call: the snapshot reads the index)': await timed(1, () =>
      ws.counts(taskforce, q({ topic: 'fees' })),
    ),
    'tab counts, topic filter': await timed(
      CALLS,
      () => ws.counts(taskforce, q({ topic: 'fees' })),
      (r) => r.open > 0 && r.open < OPEN,
    ),
    'tab counts, topic filter, an item changed before each call': await timed(
      CALLS,
      async (i) => {
        const d = makeDoc(TOTAL - 1 - (i % OPEN), 'triaged', now);
        await index.put(queueEntry({ ...d, rating: ((i + 1) % 5) + 1 }));
        return ws.counts(taskforce, q({ topic: 'fees' }));
      },
      (r) => r.open > 0 && r.open < OPEN,
    ),
    'item by tracking code': await timed(
      CALLS,
      (i) =>
        Feedback.findById(
          `B${(TOTAL - 1 - (i % OPEN)).toString(36).toUpperCase().padStart(9, '0')}`,
        ).lean(),
      (d) => d !== null,
    ),
  };
  console.log(`median of the rounds (spread min–max), ${REPEATS} rounds per figure:`);
  printTimings(results.redisIndex as Record<string, Awaited<ReturnType<typeof timed>>>);
  // The workspace issue's target: list and tab counts answer p95 < 300 ms at 1,000,000 stored, in
  // every round (a median of rounds would hide one slow round), with every answer right. The first filtered count of a
  // process (it fills the snapshot) is one call, reported beside the verdict, not in it.
  const timings = results.redisIndex as Record<
    string,
    { p95Ms: number; wrongAnswers: number; rounds: { p95Ms: number[] } }
  >;
  const judged = Object.entries(timings).filter(([name]) => !name.includes('first call'));
  results.verdict = {
    target:
      'p95 < 300 ms in every round (the figure is the median of the rounds) for every list and tab count, no wrong answer in any round, at 1,000,000 stored',
    slowest: judged.reduce((a, b) => (b[1].p95Ms > a[1].p95Ms ? b : a))[0],
    wrongAnswers: judged.reduce((n, [, t]) => n + t.wrongAnswers, 0),
    met:
      TOTAL >= 1_000_000 &&
      judged.every(([, t]) => Math.max(...t.rounds.p95Ms) < 300 && t.wrongAnswers === 0),
  };
  console.log(results.verdict);
  const outDir = path.join(path.resolve(__dirname, '..', '..'), 'bench', 'results');
  const file = path.join(outDir, 'queue.json');
  if (NAIVE_RUNS > 0) {
    results.naiveFerretDbScan = {
      query: "find({ 'center.code': c, staffStatus: 'new' }).sort({ receivedAt: -1 }).limit(50)",
      measuredAt: results.at,
      ...(await timed(NAIVE_RUNS, () =>
        Feedback.find({ 'center.code': center, staffStatus: 'new' })
          .sort({ receivedAt: -1 })
          .limit(50)
          .lean(),
      )),
    };
  } else if (existsSync(file)) {
    // BENCH_QUEUE_NAIVE_RUNS=0: the scan takes minutes at a million; keep the last measurement of
    // it (same number stored), with the date it was taken.
    const last = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const naive = last.naiveFerretDbScan as Record<string, unknown> | undefined;
    if (naive && last.stored === TOTAL)
      results.naiveFerretDbScan = { ...naive, measuredAt: naive.measuredAt ?? last.at };
  }
  console.log('naive', results.naiveFerretDbScan);

  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`written bench/results/queue.json`);
  await index.clear();
  redis.disconnect();
  await conn.close();
  await ferret.stop();
  await redisServer.stop();
  rmSync(scratch, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
