/** The catalog seed on the real database, and the dead-letter set with its replay script. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedCatalog, seedCenters, seedServices, seedTopics } from '../shared/catalog/catalog';
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { listDeadLetters, replayDeadLetters } from '../scripts/dlq';
import type { Classifier } from '../workers/intake/classify.step';
import { startTestPlatform, TEST_PII_KEY, waitFor, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('dlq', { env: { INTAKE_ATTEMPTS: '2', INTAKE_BACKOFF_MS: '20' } });
});
afterAll(async () => {
  await p.close();
});

test('seeding twice is idempotent and keeps Lao and English names and aliases', async () => {
  await seedCatalog(p.catalog);
  await seedCatalog(p.catalog);
  expect(await p.catalog.Center.countDocuments({})).toBe(seedCenters.length);
  expect(await p.catalog.Service.countDocuments({})).toBe(seedServices.length);
  expect(await p.catalog.Topic.countDocuments({})).toBe(seedTopics.length);
  const xaysetha = await p.catalog.Center.findOne({ code: 'LA-VT-XAYSETHA' }).lean();
  expect(xaysetha).toMatchObject({
    level: 'district',
    province: 'LA-VT',
    place: { lo: 'ໄຊເສດຖາ', en: 'Xaysetha' },
  });
  expect(xaysetha?.aliases).toEqual(expect.arrayContaining(['Saysettha', 'Xaisettha']));
  const family = await p.catalog.Service.findOne({ code: 'family_book' }).lean();
  expect(family?.name.lo).toBe('ປຶ້ມສຳມະໂນຄົວ');
  // A center an admin added survives a re-seed.
  await p.catalog.Center.create({
    code: 'LA-VT-TEST',
    level: 'district',
    province: 'LA-VT',
    name: { lo: 'ທົດລອງ', en: 'Test' },
    place: { lo: 'ທົດລອງ', en: 'Test' },
  });
  await seedCatalog(p.catalog);
  expect(await p.catalog.Center.countDocuments({})).toBe(seedCenters.length + 1);
});

test('a job that fails every attempt stays in the failed set, is listed without personal data, and replays', async () => {
  let failing = true;
  let calls = 0;
  const flaky: Classifier = {
    classify: () => {
      calls++;
      if (failing) throw new Error('classifier backend down');
      return {
        center: { code: 'LA-SV', confidence: 1, method: 'explicit' },
        service: { code: null, confidence: 0, method: 'none' },
        topics: [],
        kind: { code: 'praise', confidence: 0.7, method: 'rating' },
        sentiment: 1,
        needsTriage: false,
      };
    },
  };
  await p.startWorker(flaky);
  const env: IntakeEnvelope = {
    v: 1,
    channel: 'web',
    externalId: 'dlq-1',
    receivedAt: new Date().toISOString(),
    sender: {
      kind: 'phone',
      id: p.vault.encrypt('+8562055551234', 'phone'),
      consentToContact: true,
    },
    rating: 5,
    centerCode: 'LA-SV',
    meta: {},
  };
  const job = await p.queue.add('web', env, { jobId: 'web-dlq-1' });
  await waitFor(async () => (await job.getState()) === 'failed', 'job dead-lettered');
  const listed = await listDeadLetters(p.queue);
  expect(listed).toEqual([
    expect.objectContaining({
      id: 'web-dlq-1',
      channel: 'web',
      attemptsMade: 2,
      failedReason: 'classifier backend down',
    }),
  ]);
  expect(JSON.stringify(listed)).not.toMatch(/5555|v[12]\./);
  expect(await p.Feedback.countDocuments({ externalId: 'dlq-1' })).toBe(0);
  expect(calls).toBe(2);

  // Replayed by the operator's command while the fault is still there: the job gets its full
  // INTAKE_ATTEMPTS (2) again, counted from zero, and is dead-lettered again with attempts=2.
  const replay = spawnSync(
    process.execPath,
    [path.resolve(__dirname, '../dist/scripts/dlq.js'), 'replay', 'web-dlq-1'],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        REDIS_URL: p.config.redisUrl,
        MONGO_URL: p.config.mongoUrl,
        PII_KEY: TEST_PII_KEY,
        QUEUE_PREFIX: p.config.queuePrefix,
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-dlq-')),
      },
      encoding: 'utf8',
    },
  );
  expect(replay.stderr).toBe('');
  expect(replay.stdout).toContain('replayed 1 job(s): web-dlq-1');
  await waitFor(
    async () => (await job.getState()) === 'failed',
    'replayed job dead-lettered again',
  );
  expect(calls).toBe(4);
  expect((await listDeadLetters(p.queue)).map((d) => [d.id, d.attemptsMade])).toEqual([
    ['web-dlq-1', 2],
  ]);

  failing = false;
  expect(await replayDeadLetters(p.queue, 'all')).toEqual(['web-dlq-1']);
  await p.counted(p.codes.derive('web', 'dlq-1'));
  expect(await p.queue.getFailedCount()).toBe(0);
  expect(await replayDeadLetters(p.queue, ['no-such-job'])).toEqual([]);
});

test('an envelope that fails validation is dead-lettered at once, not retried', async () => {
  const job = await p.queue.add('web', { v: 2, channel: 'fax' } as unknown as IntakeEnvelope, {
    jobId: 'web-bad-envelope',
  });
  await waitFor(async () => (await job.getState()) === 'failed', 'invalid envelope failed');
  const failed = await p.queue.getJob('web-bad-envelope');
  expect(failed?.attemptsMade).toBe(1);
  expect(failed?.failedReason).toMatch(/invalid IntakeEnvelope/);
});
