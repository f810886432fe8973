/**
 * The Redis a deployment is given: an evicting or memory-only Redis is reported (and an evicting
 * one refused in production), two deployments cannot share a queue prefix, and the whole intake —
 * queue, worker, Lua scripts of the staff queue index — runs on a 3-master Redis Cluster.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { connectMongo } from '../shared/db/mongo';
import { redisConnection } from '../shared/queues';
import {
  checkRedisForIntake,
  claimQueuePrefix,
  inspectRedis,
  ownerKey,
  QueuePrefixTakenError,
} from '../shared/redis-checks';
import { parseTrackingCode } from '../shared/tracking-code';
import { freePort, startRedis, startRedisCluster } from '../scripts/storage';
import { startTestPlatform, testConfig, uniqueName, validBody } from './helpers/platform';

const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'odsc-redis-'));

test('a Redis that keeps nothing on disk is reported; one that may evict keys is refused in production', async () => {
  const server = await startRedis({ dataDir: scratch(), port: await freePort(), persist: false });
  const redis = redisConnection(server.url, 'worker');
  try {
    const warned: string[] = [];
    const log = { warn: (m: string) => warned.push(m) };
    let r = await inspectRedis(redis);
    expect(r).toMatchObject({ evicting: false, policy: 'noeviction', persistent: false });
    await checkRedisForIntake(redis, { production: true, log });
    expect(warned).toEqual([expect.stringMatching(/keeps nothing on disk/)]);

    await redis.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await redis.call('CONFIG', 'SET', 'appendonly', 'yes');
    r = await inspectRedis(redis);
    expect(r).toMatchObject({ evicting: true, policy: 'allkeys-lru', persistent: true });
    await expect(checkRedisForIntake(redis, { production: true, log })).rejects.toThrow(
      /Refusing to start: Redis may evict keys \(maxmemory-policy allkeys-lru\)/,
    );
    warned.length = 0;
    await checkRedisForIntake(redis, { production: false, log });
    expect(warned).toEqual([expect.stringMatching(/may evict keys/)]);
  } finally {
    redis.disconnect();
    await server.stop();
  }
});

test('a second deployment (another database) on the same Redis and QUEUE_PREFIX is refused', async () => {
  const config = testConfig('owner');
  const base = config.mongoUrl.replace(/\/[^/?]*(\?.*)?$/, '');
  const a = await connectMongo(`${base}/${uniqueName('depa')}`);
  const b = await connectMongo(`${base}/${uniqueName('depb')}`);
  const redis = redisConnection(config.redisUrl, 'worker');
  const prefix = uniqueName('shared');
  try {
    const id = await claimQueuePrefix(a, redis, prefix);
    expect(await claimQueuePrefix(a, redis, prefix)).toBe(id); // its own processes: fine
    await expect(claimQueuePrefix(b, redis, prefix)).rejects.toThrow(QueuePrefixTakenError);
    await expect(claimQueuePrefix(b, redis, prefix)).rejects.toThrow(
      /belongs to another running deployment/,
    );
    // The claim lapses 10 minutes after the last process stops (OWNER_TTL_S, by value).
    const ttl = await redis.ttl(ownerKey(prefix));
    expect(ttl).toBeGreaterThan(600 - 60);
    expect(ttl).toBeLessThanOrEqual(600);
    // Its own prefix is fine.
    expect(await claimQueuePrefix(b, redis, uniqueName('other'))).not.toBe(id);
  } finally {
    await redis.del(ownerKey(prefix));
    redis.disconnect();
    await a.dropDatabase();
    await b.dropDatabase();
    await a.close();
    await b.close();
  }
});

test('intake runs on a 3-master Redis Cluster: the prefix is one hash tag, feedback is stored and counted', async () => {
  const cluster = await startRedisCluster({ dataDir: scratch(), masters: 3 });
  const p = await startTestPlatform('cluster', { worker: true, redisUrl: cluster.url });
  try {
    expect(p.config.queuePrefix).toMatch(/^\{[\w-]+\}$/);
    const codes: string[] = [];
    for (const text of ['ລໍຖ້າ ດົນ ຢູ່ ຫ້ອງການ', 'The family book office was quick today']) {
      const res = await request(p.app)
        .post('/api/v1/feedback')
        .send(validBody({ text }))
        .expect(202);
      codes.push(parseTrackingCode(res.body.trackingCode)!);
    }
    for (const code of codes) await p.counted(code, 30_000);
    expect(await p.Feedback.countDocuments({})).toBe(2);
    // Every key the platform wrote sits in the slot of its hash tag, on one of the three masters.
    const slots = new Set<number>();
    for (const node of cluster.nodes) {
      const r = redisConnection(node.url, 'worker');
      for (const key of await r.keys(`${p.config.queuePrefix}*`))
        slots.add(Number(await r.call('CLUSTER', 'KEYSLOT', key)));
      r.disconnect();
    }
    expect(slots.size).toBe(1);
  } finally {
    await p.close();
    await cluster.stop();
  }
});
