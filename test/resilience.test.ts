/**
 * Failure behaviour on real servers: Redis going away and coming back, and a worker process
 * killed in the middle of a job. Each test starts its own Redis or FerretDB so it can stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { freePort, startFerretDb, startRedis, type RunningServer } from '../scripts/storage';
import { parseTrackingCode } from '../shared/tracking-code';
import {
  startTestPlatform,
  TEST_PII_KEY,
  validBody,
  waitFor,
  type TestPlatform,
} from './helpers/platform';

const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'odsc-res-'));

describe('Redis unreachable', () => {
  let redis: RunningServer;
  let p: TestPlatform;
  let redisDir: string;

  beforeAll(async () => {
    redisDir = scratch();
    redis = await startRedis({ dataDir: redisDir, port: await freePort() });
    p = await startTestPlatform('redisdown', { worker: true, redisUrl: redis.url });
  });
  afterAll(async () => {
    await p.close();
    await redis.stop();
  });

  test('answers 503 with nothing half-written, and flows again when Redis is back', async () => {
    const ok = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ text: 'before the outage' }))
      .expect(202);
    const first = parseTrackingCode(ok.body.trackingCode)!;
    await p.counted(first);

    await redis.stop();
    const down = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ text: 'during the outage' }))
      .expect(503);
    expect(down.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(down.body.error.message).toMatch(/nothing was stored/);
    const ready = await request(p.app).get('/readyz').expect(503);
    expect(ready.body.checks).toEqual({ mongo: 'ok', redis: 'down' });
    // The HTML form says so in Lao, too.
    const form = await request(p.app)
      .post('/feedback')
      .type('form')
      .send({ centerCode: 'LA-VT', rating: '3', idempotencyKey: 'outage-form-key-1' })
      .expect(503);
    expect(form.text).toContain('ລະບົບບໍ່ພ້ອມໃຊ້ງານຊົ່ວຄາວ');
    expect(await p.Feedback.countDocuments({ 'text.raw': 'during the outage' })).toBe(0);

    // Same port, same data folder (append-only file): Redis restarts as in production.
    redis = await startRedis({ dataDir: redisDir, port: redis.port });
    const after = await waitFor(
      async () => {
        const r = await request(p.app)
          .post('/api/v1/feedback')
          .send(validBody({ text: 'after the outage' }));
        return r.status === 202 ? r : null;
      },
      'api accepting again',
      20_000,
    );
    const code = parseTrackingCode(after.body.trackingCode)!;
    await p.counted(code, 20_000);
    await request(p.app).get('/readyz').expect(200);
    expect(await p.Feedback.countDocuments({})).toBe(2);
  });
});

describe('a worker killed mid-job', () => {
  let ferret: RunningServer;
  let p: TestPlatform;
  const children: ChildProcess[] = [];

  function spawnWorker(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '..', 'dist', 'workers', 'main.js')],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          MONGO_URL: p.config.mongoUrl,
          REDIS_URL: p.config.redisUrl,
          QUEUE_PREFIX: p.config.queuePrefix,
          PII_KEY: TEST_PII_KEY,
          WORKER_LOCK_MS: '2000',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('intake worker ready')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${out}`)));
    });
  }

  beforeAll(async () => {
    // Its own FerretDB, so freezing it does not disturb the other test files.
    ferret = await startFerretDb({ dataDir: scratch(), port: await freePort() });
    p = await startTestPlatform('killed', {
      mongoUrl: `${ferret.url.replace(/\/[^/]*$/, '')}/killed`,
    });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    ferret.process?.kill('SIGCONT');
    await p.close();
    await ferret.stop();
  });

  test('the job is retried by another worker and stored once', async () => {
    const workerA = await spawnWorker();
    const warm = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ text: 'warm-up' }))
      .expect(202);
    await p.counted(parseTrackingCode(warm.body.trackingCode)!);

    // Freeze the database so the worker is stuck inside the store step, then kill the worker.
    ferret.process!.kill('SIGSTOP');
    const res = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ text: 'killed mid-job', rating: 1 }))
      .expect(202);
    await waitFor(async () => (await p.queue.getActiveCount()) === 1, 'job active in worker A');
    workerA.kill('SIGKILL');
    await new Promise((r) => workerA.once('exit', r));
    ferret.process!.kill('SIGCONT');

    await spawnWorker();
    const code = parseTrackingCode(res.body.trackingCode)!;
    await p.counted(code, 30_000);
    await waitFor(
      async () => (await p.queue.getJobCounts('active', 'wait', 'delayed')).active === 0,
      'queue drained',
    );
    expect(await p.Feedback.countDocuments({ 'text.raw': 'killed mid-job' })).toBe(1);
    const rollup = await p.Rollup.findOne({
      centerCode: 'LA-VT-XAYSETHA',
      serviceCode: 'land_registration',
    }).lean();
    expect(rollup?.count).toBe(2); // the warm-up and the killed job, each counted once
    expect(await p.queue.getFailedCount()).toBe(0);
  });
});
