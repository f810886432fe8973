/**
 * What a process checks about the Redis it is given, before it trusts it with citizens' messages:
 *
 * - inspectRedis: does it keep anything on disk (AOF or RDB snapshots), and may it evict keys
 *   (maxmemory-policy other than noeviction — a queued job is a key)? An evicting Redis is refused
 *   in production; everything else is a warning.
 * - claimQueuePrefix: two deployments pointed at one Redis with the same QUEUE_PREFIX would take
 *   each other's jobs. The processes of a deployment keep its database's id (a random id kept in
 *   MongoDB's `platform_meta`) under `<prefix>:owner`; a process whose database has another id
 *   refuses to start.
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { isDuplicateKey } from './db/mongo';

export interface RedisInspection {
  evicting: boolean;
  policy: string | null;
  persistent: boolean | null;
  warnings: string[];
}

/** CONFIG GET where allowed (managed Redis may refuse it), else the INFO sections. */
export async function inspectRedis(redis: IORedis): Promise<RedisInspection> {
  const config = async (name: string): Promise<string | null> => {
    try {
      const r = (await redis.call('CONFIG', 'GET', name)) as string[];
      return r.length >= 2 ? r[1]! : null;
    } catch {
      return null;
    }
  };
  const info = async (section: string): Promise<Record<string, string>> => {
    try {
      const text = await redis.info(section);
      return Object.fromEntries(
        text
          .split(/\r?\n/)
          .filter((l) => l.includes(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
      );
    } catch {
      return {};
    }
  };
  const policy =
    (await config('maxmemory-policy')) ?? (await info('memory')).maxmemory_policy ?? null;
  const aof = (await config('appendonly')) ?? (await info('persistence')).aof_enabled ?? null;
  const save = await config('save');
  const persistent =
    aof === null && save === null ? null : aof === 'yes' || aof === '1' || Boolean(save?.trim());
  const evicting = policy !== null && policy !== 'noeviction';
  const warnings: string[] = [];
  if (evicting)
    warnings.push(
      `Redis may evict keys (maxmemory-policy ${policy}): queued feedback could be dropped under memory pressure. Set maxmemory-policy noeviction.`,
    );
  if (persistent === false)
    warnings.push(
      'Redis keeps nothing on disk (appendonly no, no save points): a Redis restart loses queued feedback and staff sessions. Enable appendonly yes.',
    );
  return { evicting, policy, persistent, warnings };
}

export class QueuePrefixTakenError extends Error {}

export const ownerKey = (prefix: string) => `${prefix}:owner`;

/**
 * This database's deployment id, created on first use. The processes of a new deployment start
 * together, so two first upserts can race: the loser gets a duplicate-key error (FerretDB does not
 * retry an upsert that lost) and reads the winner's id — `npm run chaos` saw a worker refuse to
 * start on it.
 */
export async function deploymentId(conn: Connection): Promise<string> {
  const meta = conn.db!.collection<{ _id: string; id: string; createdAt: Date }>('platform_meta');
  for (let attempt = 1; ; attempt++) {
    try {
      const doc = await meta.findOneAndUpdate(
        { _id: 'deployment' },
        { $setOnInsert: { id: randomUUID(), createdAt: new Date() } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc!.id;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) throw err;
    }
  }
}

/** How long a claim outlives the deployment's last running process. */
export const OWNER_TTL_S = 600;
const RENEW_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Claims QUEUE_PREFIX on this Redis for this database; throws when another database has it. The
 * claim is renewed every 2 minutes while the process runs and lapses OWNER_TTL_S after the
 * deployment's last process stopped, so a database replaced on purpose (a fresh DATA_DIR) can
 * take the prefix back after that.
 */
export async function claimQueuePrefix(
  conn: Connection,
  redis: IORedis,
  prefix: string,
): Promise<string> {
  const id = await deploymentId(conn);
  const key = ownerKey(prefix);
  await redis.set(key, id, 'EX', OWNER_TTL_S, 'NX');
  const owner = await redis.get(key);
  if (owner !== id)
    throw new QueuePrefixTakenError(
      `QUEUE_PREFIX "${prefix}" on this Redis belongs to another running deployment (database id ` +
        `${owner}; this one is ${id}). Two deployments sharing a prefix take each other's jobs: ` +
        `give this one its own QUEUE_PREFIX or its own Redis. (A deployment whose processes all ` +
        `stopped gives the prefix up ${OWNER_TTL_S / 60} minutes later.)`,
    );
  const timer = setInterval(
    () => void redis.eval(RENEW_OWNER, 1, key, id, String(OWNER_TTL_S)).catch(() => undefined),
    120_000,
  );
  timer.unref();
  return id;
}

/**
 * Logs what inspectRedis found; throws in production when Redis may evict keys. Called by every
 * process at start-up (api, worker, bot) and by `npm start`.
 */
export async function checkRedisForIntake(
  redis: IORedis,
  opts: { production: boolean; log: { warn(msg: string): void } },
): Promise<RedisInspection> {
  const r = await inspectRedis(redis);
  if (opts.production && r.evicting)
    throw new Error(
      `Refusing to start: Redis may evict keys (maxmemory-policy ${r.policy}), which would drop queued feedback. Set maxmemory-policy noeviction.`,
    );
  for (const w of r.warnings) opts.log.warn(w);
  return r;
}
