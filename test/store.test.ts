/**
 * The store step under pressure, on the real servers: concurrent jobs of one bucket from two
 * workers, a document stored but not counted (a crash in between), the Redis lock, and the
 * FerretDB _id index helper.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { freePort, indexFerretIds, startFerretDb } from '../scripts/storage';
import { intakeJobId, type IntakeEnvelope } from '../shared/intake-envelope.schema';
import { RedisLock } from '../shared/redis-lock';
import { recountDay } from '../scripts/rollups-recount';
import { isFerretDb } from '../shared/db/mongo';
import { RollupWriter } from '../workers/intake/rollup-writer';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('store');
});
afterAll(async () => {
  await p.close();
});

const envelope = (externalId: string, over: Partial<IntakeEnvelope> = {}): IntakeEnvelope => ({
  v: 1,
  channel: 'kiosk',
  externalId,
  receivedAt: '2026-11-20T03:00:00.000Z',
  sender: { kind: 'kiosk', consentToContact: false },
  rating: 4,
  centerCode: 'LA-SV',
  serviceCode: 'family_book',
  meta: {},
  ...over,
});

test('300 jobs of one rollup bucket, two workers: 300 documents, counted exactly 300 times', async () => {
  await p.startWorker();
  await p.startWorker();
  const jobs = Array.from({ length: 300 }, (_, i) => {
    const e = envelope(`burst-${i}`, { rating: (i % 5) + 1 });
    return { name: 'kiosk', data: e, opts: { jobId: intakeJobId('kiosk', e.externalId) } };
  });
  await p.queue.addBulk(jobs);
  await waitFor(
    async () => (await p.Feedback.countDocuments({ externalId: /^burst-/ })) === 300,
    '300 stored',
    30_000,
  );
  await waitFor(
    async () => {
      const c = await p.queue.getJobCounts('wait', 'active', 'delayed', 'failed');
      return (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    },
    'queue drained',
    30_000,
  );
  const rollup = await p.Rollup.findById('2026-11-20|LA-SV|family_book|kiosk').lean();
  expect(rollup).toMatchObject({
    count: 300,
    ratingCount: 300,
    ratingSum: 900,
    ratings: { r1: 60, r2: 60, r3: 60, r4: 60, r5: 60 },
    complaints: 120,
    praise: 120,
  });
  expect(await p.queue.getFailedCount()).toBe(0);
});

test('a document stored before a crash but never counted is counted once when its job is retried', async () => {
  const e = envelope('crashed-1', { centerCode: 'LA-CH', receivedAt: '2026-11-21T03:00:00.000Z' });
  const code = p.codes.derive('kiosk', e.externalId);
  // What a worker that died between its insert and its rollup increment leaves behind.
  await p.Feedback.collection.insertOne({
    _id: code as never,
    trackingCode: code,
    channel: 'kiosk',
    externalId: 'crashed-1',
    status: 'received',
    receivedAt: new Date(e.receivedAt),
    day: '2026-11-21',
    month: '2026-11',
    sender: { kind: 'kiosk', consentToContact: false },
    rating: 4,
    center: { code: 'LA-CH', confidence: 1, method: 'explicit' },
    service: { code: 'family_book', confidence: 1, method: 'explicit' },
    topics: [],
    kind: { code: 'praise', confidence: 0.7, method: 'rating' },
    sentiment: 0.5,
    needsTriage: false,
    meta: {},
    rollupBatch: 'batch-that-died',
  });
  await p.queue.add('kiosk', e, { jobId: intakeJobId('kiosk', e.externalId) });
  await p.counted(code);
  const id = '2026-11-21|LA-CH|family_book|kiosk';
  expect((await p.Rollup.findById(id).lean())?.count).toBe(1);
  // Delivered once more: found, already counted, nothing changes.
  await waitFor(
    async () => !(await p.queue.getJob(intakeJobId('kiosk', e.externalId))),
    'first job removed',
  );
  await p.queue.add('kiosk', { ...e }, { jobId: intakeJobId('kiosk', e.externalId) });
  await waitFor(
    async () => !(await p.queue.getJob(intakeJobId('kiosk', e.externalId))),
    'second job done',
  );
  expect((await p.Rollup.findById(id).lean())?.count).toBe(1);
  expect(await p.Feedback.countDocuments({ externalId: 'crashed-1' })).toBe(1);
  expect((await p.Feedback.findById(code).lean())?.counted).toMatchObject({ v: 1, b: id });
});

test('a tracking-code collision is never merged: the job is dead-lettered with the reason', async () => {
  const e = envelope('collides-1');
  const code = p.codes.derive('kiosk', e.externalId);
  await p.Feedback.collection.insertOne({
    _id: code as never,
    trackingCode: code,
    channel: 'sms',
    externalId: 'SMother',
    rollupBatch: 'x',
  });
  const job = await p.queue.add('kiosk', e, { jobId: intakeJobId('kiosk', e.externalId) });
  await waitFor(async () => (await job.getState()) === 'failed', 'collision dead-lettered');
  expect((await p.queue.getJob(String(job.id)))?.failedReason).toMatch(/tracking code collision/);
  expect((await p.Feedback.findById(code).lean())?.channel).toBe('sms');
});

test('rollup writers in many processes never lose an increment (FerretDB $inc is not atomic)', async () => {
  const ferret = await isFerretDb(p.conn);
  // Eight writers stand for eight worker processes: each coalesces on its own, they share the lock.
  const writers = Array.from(
    { length: 8 },
    () =>
      new RollupWriter(
        p.Rollup,
        ferret ? new RedisLock(p.workerRedis, p.config.queuePrefix) : undefined,
      ),
  );
  const b = '2026-11-22|LA-SV|family_book|kiosk';
  await Promise.all(
    writers.flatMap((w, k) =>
      Array.from({ length: 3 }, async (_, j) => {
        for (let i = 0; i < 10; i++) await w.apply({ doc: `L${k}x${j}x${i}`, v: 1, plus: { b } });
      }),
    ),
  );
  expect((await p.Rollup.findById(b).lean())?.count).toBe(240);
});

test('a recount makes the rollups of a day exact again after a double count', async () => {
  const id = '2026-11-20|LA-SV|family_book|kiosk';
  // What a worker dying between an increment and its marker leaves: the bucket counted twice.
  await p.Rollup.updateOne({ _id: id }, { $inc: { count: 5, ratingSum: 20, 'ratings.r4': 5 } });
  await p.Rollup.create({
    _id: '2026-11-20|LA-XE|_unknown|kiosk',
    day: '2026-11-20',
    month: '2026-11',
    centerCode: 'LA-XE',
    serviceCode: '_unknown',
    channel: 'kiosk',
    count: 3,
  });
  expect(await recountDay(p.conn, '2026-11-20')).toBe(2);
  expect(await p.Rollup.findById(id).lean()).toMatchObject({
    count: 300,
    ratingSum: 900,
    ratingCount: 300,
    ratings: { r1: 60, r2: 60, r3: 60, r4: 60, r5: 60 },
    complaints: 120,
    praise: 120,
  });
  expect((await p.Rollup.findById('2026-11-20|LA-XE|_unknown|kiosk').lean())?.count).toBe(0);
  await expect(recountDay(p.conn, '20-11-2026')).rejects.toThrow(/not a day/);
});

test('the Redis lock lets one holder in at a time', async () => {
  const lock = new RedisLock(p.workerRedis, p.config.queuePrefix);
  let inside = 0;
  let maxInside = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      lock.with('k', async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
      }),
    ),
  );
  expect(maxInside).toBe(1);
});

test('idindex gives FerretDB the _id index its queries use', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'odsc-idx-'));
  const ferret = await startFerretDb({ dataDir: dir, port: await freePort() });
  const conn = await mongoose.createConnection(ferret.url).asPromise();
  try {
    await conn
      .db!.collection('feedback')
      .insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `K${i}` as never, n: i })));
    await conn.db!.collection('rollups').insertOne({ _id: 'r' as never });
    expect(indexFerretIds(ferret.sqliteDir!)).toMatch(
      /_id indexes ensured and used on 2 collections in 1 databases/,
    );
    // Idempotent, and the data is untouched.
    expect(indexFerretIds(ferret.sqliteDir!)).toMatch(/on 2 collections/);
    expect((await conn.db!.collection('feedback').findOne({ _id: 'K42' as never }))?.n).toBe(42);
  } finally {
    await conn.close();
    await ferret.stop();
  }
});
