/**
 * `npm run seed:demo` on the real servers: 2,000 made-up items over a month, then every read model
 * checked against the feedback it was built from — the rollups against a recount
 * (rollupDifferences), the report days against a rebuild from a scan and the figures against the
 * same figures summed from a scan, the review queue's index against `queue:reindex` — and the data
 * itself: every center, all channels, Lao and English texts, no phone number anywhere. The CLI is
 * run once as operators run it, and refuses a database that already holds feedback.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { loadCatalogView, seedCenters, seedServices } from '../shared/catalog/catalog';
import type { Config } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { catalogModels } from '../shared/models/catalog.model';
import { feedbackModel, type FeedbackDoc } from '../shared/models/feedback.model';
import { parseEntries, rollupModel, type RollupDoc } from '../shared/models/rollup.model';
import { PiiVault } from '../shared/pii';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import { Figures } from '../shared/reports/figures';
import { addDays, today } from '../shared/reports/metrics';
import { parseDay, reportDayModel, reportDaysFor } from '../shared/reports/report-days';
import { lineDifferences, scanFigures } from '../shared/reports/scan-figures';
import { Deadlines } from '../shared/staff/deadlines';
import { QueueIndex } from '../shared/staff/queue-index';
import { TrackingCodes } from '../shared/tracking-code';
import { rebuildQueueIndex } from '../scripts/queue-reindex';
import { DemoFeedback } from '../scripts/demo/demo-feedback';
import { DemoStaffLife } from '../scripts/demo/demo-staff-life';
import { seedDemo, SeedRefused, type SeedDemoSummary } from '../scripts/demo/demo-writer';
import { rollupDifferences } from '../workers/intake/rollup-recount';
import { TEST_PII_KEY, testConfig, uniqueName } from './helpers/platform';

const ITEMS = 2000;
const NOW = Date.now();
const ALL = { all: true } as const;

let config: Config;
let conn: Connection;
let redis: IORedis;
let summary: SeedDemoSummary;
let docs: FeedbackDoc[];

beforeAll(async () => {
  config = testConfig('seeddemo');
  conn = await connectMongo(config.mongoUrl);
  redis = redisConnection(config.redisUrl, 'producer');
  summary = await seedDemo(
    { conn, redis, prefix: config.queuePrefix, config },
    { items: ITEMS, months: 1, seed: 7, now: NOW, batchSize: 1000 },
  );
  docs = await feedbackModel(conn).find({}).lean<FeedbackDoc[]>();
}, 600_000);

afterAll(async () => {
  await new QueueIndex(redis, config.queuePrefix).clear();
  redis.disconnect();
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
});

const days = () => [...new Set(docs.map((d) => d.day))].sort();

test('every item is stored once, as the intake stores it, with its count state', () => {
  expect(summary).toMatchObject({ items: ITEMS, inserted: ITEMS, alreadyStored: 0 });
  expect(docs).toHaveLength(ITEMS);
  const codes = new TrackingCodes(config.piiKey);
  for (const d of docs) {
    expect(d._id).toBe(codes.derive(d.channel, d.externalId));
    expect(d.counted).toMatchObject({ v: 1 });
    expect(d.counted!.prev).toBeUndefined();
    expect(d.receivedAt.getTime()).toBeLessThanOrEqual(NOW);
  }
});

test('the rollups equal a recount of the feedback, and list each document once at version 1', async () => {
  const deps = { Feedback: feedbackModel(conn), Rollup: rollupModel(conn) };
  expect(await rollupDifferences(deps, days())).toEqual([]);
  const buckets = await rollupModel(conn).find({}).select('+c').lean<RollupDoc[]>();
  const listed = buckets.flatMap((b) => [...parseEntries(b.c)]);
  expect(new Set(listed.map(([code]) => code)).size).toBe(ITEMS);
  expect(listed).toHaveLength(ITEMS);
  expect(listed.every(([, v]) => v === 1)).toBe(true);
  const byId = new Map(docs.map((d) => [d._id, d.counted!.b]));
  for (const b of buckets)
    for (const code of parseEntries(b.c).keys()) expect(byId.get(code)).toBe(b._id);
}, 600_000);

test('the report days written from memory are what a rebuild from a scan writes', async () => {
  const Days = reportDayModel(conn);
  const sorted = (xs: { code?: string; center?: string; service?: string; channel?: string }[]) =>
    [...xs].sort((a, b) =>
      `${a.code}${a.center}${a.service}${a.channel}`.localeCompare(
        `${b.code}${b.center}${b.service}${b.channel}`,
      ),
    );
  const read = async () =>
    (await Days.find({}).sort({ _id: 1 }).lean()).map((d) => {
      const p = parseDay(d);
      return { day: p.day, rows: sorted(p.rows), cases: sorted(p.cases) };
    });
  const written = await read();
  expect(written.map((d) => d.day)).toEqual(days());
  expect(written.reduce((n, d) => n + d.cases.length, 0)).toBeGreaterThan(100);
  const lock = new RedisLock(redis, config.queuePrefix);
  const calendar = Deadlines.fromConfig(config).calendar;
  await reportDaysFor(conn, redis, config.queuePrefix, calendar, lock).rebuildDays('all', {
    remark: false,
  });
  expect(await read()).toEqual(written);
}, 600_000);

test('the figures from the report days equal the same figures summed from a scan', async () => {
  const calendar = Deadlines.fromConfig(config).calendar;
  const lock = new RedisLock(redis, config.queuePrefix);
  const figures = new Figures(
    reportDaysFor(conn, redis, config.queuePrefix, calendar, lock),
    () => loadCatalogView(catalogModels(conn)),
    () => NOW,
  );
  const to = today(NOW);
  const Feedback = feedbackModel(conn);
  for (const from of [days()[0]!, addDays(to, -6)]) {
    const scanned = await scanFigures(Feedback, calendar, from, to, {}, NOW);
    const s = await figures.summary(from, to, { scope: ALL });
    const fromDays = {
      received: s.received,
      ratingAvg: s.ratingAvg,
      satisfiedShare: s.satisfiedShare,
      complaints: s.complaints,
      resolvedOnTimeShare: s.resolvedOnTimeShare,
    };
    expect(lineDifferences(fromDays, scanned.summary)).toEqual([]);
    expect(scanned.summary.received).toBeGreaterThan(0);
    const league = await figures.centers(from, to, { scope: ALL });
    for (const c of league.items) {
      const sc = scanned.centers.get(c.centerCode);
      expect({
        code: c.centerCode,
        received: c.received,
        ratingAvg: c.ratingAvg,
        satisfiedShare: c.satisfiedShare,
        complaints: c.complaints,
        overdue: c.overdue,
        onTime: c.resolvedOnTimeShare,
      }).toEqual({
        code: c.centerCode,
        received: sc?.received ?? 0,
        ratingAvg: sc?.ratingAvg ?? null,
        satisfiedShare: sc?.satisfiedShare ?? null,
        complaints: sc?.complaints.total ?? 0,
        overdue: sc?.complaints.overdue ?? 0,
        onTime: sc?.resolvedOnTimeShare ?? null,
      });
    }
  }
  // One center, through the filter.
  const center = 'LA-SV';
  const one = await figures.summary(days()[0]!, to, { scope: ALL, center });
  const scannedOne = await scanFigures(Feedback, calendar, days()[0]!, to, { center }, NOW);
  expect(one.received).toBe(scannedOne.summary.received);
  expect(one.complaints).toEqual(scannedOne.summary.complaints);
}, 600_000);

test('the review queue index holds what queue:reindex would put in it', async () => {
  const index = new QueueIndex(redis, config.queuePrefix);
  const key = `${config.queuePrefix}:qi:recv`;
  const before = (await redis.zrange(key, 0, -1)).sort();
  expect(before.length).toBe(summary.indexed);
  expect(before.length).toBeGreaterThan(0);
  await rebuildQueueIndex(conn, index, config.staff.keepClosedDays, NOW);
  expect((await redis.zrange(key, 0, -1)).sort()).toEqual(before);
}, 300_000);

test('every center and channel appears; complaints and praise in a realistic share', () => {
  expect(new Set(docs.map((d) => d.center?.code).filter(Boolean))).toEqual(
    new Set(seedCenters.map((c) => c.code)),
  );
  expect(new Set(docs.map((d) => d.channel))).toEqual(new Set(['sms', 'telegram', 'web', 'kiosk']));
  expect(new Set(docs.map((d) => d.service?.code).filter(Boolean)).size).toBe(seedServices.length);
  const share = (kind: string) => docs.filter((d) => d.kind?.code === kind).length / ITEMS;
  expect(share('complaint')).toBeGreaterThan(0.2);
  expect(share('complaint')).toBeLessThan(0.4);
  expect(share('praise')).toBeGreaterThan(0.15);
  expect(share('praise')).toBeLessThan(0.35);
  const kiosk = docs.filter((d) => d.channel === 'kiosk');
  expect(kiosk.filter((d) => !d.text).length / kiosk.length).toBeGreaterThan(0.95);
  expect(kiosk.every((d) => [1, 2, 4, 5].includes(d.rating!))).toBe(true);
  // A staff life: resolved complaints with notes, and some still open past their due date.
  const complaints = docs.filter((d) => d.kind?.code === 'complaint' && d.text);
  expect(complaints.some((d) => d.staffStatus === 'resolved' && d.resolutionNote)).toBe(true);
  expect(summary.complaints.overdue).toBeGreaterThan(0);
  expect(docs.every((d) => !d.resolvedAt || d.resolvedAt.getTime() <= NOW)).toBe(true);
});

test('texts are in Lao and in English, some with Lao digits; the normalized text has ASCII digits', () => {
  const texts = docs.filter((d) => d.text);
  expect(texts.filter((d) => d.text!.script === 'lo').length).toBeGreaterThan(texts.length / 2);
  expect(texts.filter((d) => d.text!.script === 'en').length).toBeGreaterThan(texts.length / 10);
  const laoDigits = texts.filter((d) => /[໐-໙]/.test(d.text!.raw));
  expect(laoDigits.length).toBeGreaterThan(0);
  expect(laoDigits.every((d) => !/[໐-໙]/.test(d.text!.normalized))).toBe(true);
  const notes = docs.map((d) => d.resolutionNote).filter((n): n is string => !!n);
  expect(notes.some((n) => /[\u0E80-\u0EFF]/.test(n))).toBe(true);
  expect(notes.some((n) => /^[A-Z][a-z]/.test(n))).toBe(true);
});

test('no feedback holds a phone number; senders are sealed made-up ids', () => {
  const vault = new PiiVault(config.piiKey);
  // Lao numbers as people write them: +856 20 5550 1234, 020 5550 1234, 2055501234.
  const phone = /\+856|\b(?:856[\s-]?)?0?[23]0[\s-]?\d{4}[\s-]?\d{4}\b/;
  let sealed = 0;
  for (const d of docs) {
    const { idSealed, idHash, ...sender } = d.sender;
    const visible = JSON.stringify({ ...d, sender, _id: undefined, trackingCode: undefined });
    expect(visible).not.toMatch(phone);
    if (idSealed) {
      sealed++;
      expect(vault.decrypt(idSealed)).toMatch(/^DEMO-(SMS|TG|WEB|KIOSK)-\d{6}$/);
      expect(idHash).toMatch(/^[0-9a-f]{64}$/);
    }
  }
  expect(sealed).toBeGreaterThan(ITEMS / 4);
});

test('the same seed makes the same feedback', () => {
  const deadlines = Deadlines.fromConfig(config);
  const make = () => {
    const gen = new DemoFeedback(
      { items: 200, months: 6, seed: 42, now: NOW },
      {
        vault: new PiiVault(config.piiKey),
        codes: new TrackingCodes(config.piiKey),
        deadlines,
        centers: seedCenters,
        services: seedServices,
      },
    );
    const life = new DemoStaffLife(gen.r, {
      deadlines,
      now: NOW,
      escalation: { managerAfterMs: 86_400_000, taskforceAfterMs: 3 * 86_400_000 },
      batch: 'b',
    });
    // Sealing uses a random IV: compare everything else.
    return Array.from({ length: 200 }, () => {
      const f = life.apply(gen.next());
      return JSON.stringify({ ...f, sender: { ...f.sender, idSealed: !!f.sender.idSealed } });
    });
  };
  const a = make();
  expect(make()).toEqual(a);
  expect(new Set(a).size).toBe(200);
});

test('a second run is refused unless --append, and changes nothing', async () => {
  await expect(
    seedDemo(
      { conn, redis, prefix: config.queuePrefix, config },
      { items: 10, months: 1, seed: 8, now: NOW },
    ),
  ).rejects.toBeInstanceOf(SeedRefused);
  expect(await feedbackModel(conn).countDocuments({})).toBe(ITEMS);
});

test('--append skips what is stored, adds the rest, and merges into the buckets', async () => {
  const deps = { conn, redis, prefix: config.queuePrefix, config };
  // The same seed makes the same deliveries: all stored already, as redeliveries are at intake.
  const same = await seedDemo(deps, { items: 300, months: 1, seed: 7, now: NOW, append: true });
  expect(same).toMatchObject({ inserted: 0, alreadyStored: 300 });
  const more = await seedDemo(deps, { items: 300, months: 1, seed: 9, now: NOW, append: true });
  expect(more).toMatchObject({ inserted: 300, alreadyStored: 0 });
  expect(more.bucketsMerged).toBe(more.buckets);
  const buckets = await rollupModel(conn).find({}).select('+c').lean<RollupDoc[]>();
  expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(ITEMS + 300);
  for (const b of buckets) expect(parseEntries(b.c).size).toBe(b.count);
  const calendar = Deadlines.fromConfig(config).calendar;
  const figures = new Figures(
    reportDaysFor(
      conn,
      redis,
      config.queuePrefix,
      calendar,
      new RedisLock(redis, config.queuePrefix),
    ),
    () => loadCatalogView(catalogModels(conn)),
    () => NOW,
  );
  const from = days()[0]!;
  const s = await figures.summary(from, today(NOW), { scope: ALL });
  const scanned = await scanFigures(feedbackModel(conn), calendar, from, today(NOW), {}, NOW);
  expect(s.received).toBe(ITEMS + 300);
  expect(
    lineDifferences(
      {
        received: s.received,
        ratingAvg: s.ratingAvg,
        satisfiedShare: s.satisfiedShare,
        complaints: s.complaints,
        resolvedOnTimeShare: s.resolvedOnTimeShare,
      },
      scanned.summary,
    ),
  ).toEqual([]);
}, 600_000);

test('npm run seed:demo fills a database and refuses it the second time', async () => {
  const db = uniqueName('seeddemocli');
  const url = `${process.env.TEST_MONGO_BASE}/${db}`;
  const run = () =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          path.resolve(__dirname, '..', 'dist/scripts/seed-demo.js'),
          '--items',
          '300',
          '--months',
          '2',
          '--seed',
          '3',
          '--db-url',
          url,
        ],
        {
          env: {
            ...process.env,
            NODE_ENV: 'test',
            REDIS_URL: config.redisUrl,
            QUEUE_PREFIX: db,
            PII_KEY: TEST_PII_KEY,
            DATA_DIR: config.dataDir,
          },
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  const c2 = await connectMongo(url);
  const r2 = redisConnection(config.redisUrl, 'producer');
  try {
    const first = await run();
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/done in [\d.]+ s: 300 feedback \([\d,]+ docs\/s overall\)/);
    expect(await feedbackModel(c2).countDocuments({})).toBe(300);
    const second = await run();
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/already holds feedback/);
    expect(await feedbackModel(c2).countDocuments({})).toBe(300);
  } finally {
    await new QueueIndex(r2, db).clear();
    r2.disconnect();
    await c2.dropDatabase().catch(() => undefined);
    await c2.close();
  }
}, 300_000);
