/**
 * `npm run seed:demo -- [--items N] [--months M] [--seed S] [--db-url URL] [--append]`: fills a
 * database with made-up but realistic feedback for demos and benchmarks — every catalog center
 * (busy provinces more), every service and channel, complaints, praise, suggestions and questions
 * in Lao and English, over the last M months, with the staff work done on them (resolved, late,
 * still open, overdue). No personal data. See docs/benchmarks-insight.md.
 *
 * Storage as `npm start` finds it: MONGO_URL / REDIS_URL, or the embedded defaults (FerretDB in
 * DATA_DIR/ferretdb, Redis), started here when they are not running and stopped again at the end.
 * It refuses a database that already holds feedback unless --append. The same --seed on an empty
 * database gives the same data (times are relative to now).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, EMBEDDED_MONGO_PORT, loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { redisConnection } from '../shared/queues';
import { prepareDemoCollections, seedDemo, SeedRefused } from './demo/demo-writer';
import {
  ensureRedis,
  indexFerretIds,
  portOpen,
  startFerretDb,
  StorageError,
  type RunningServer,
} from './storage';

const USAGE =
  'usage: npm run seed:demo -- [--items N] [--months M] [--seed S] [--db-url mongodb://…] [--append]';

export interface SeedDemoArgs {
  items: number;
  months: number;
  seed: number;
  dbUrl?: string;
  append: boolean;
}

/** A bad command line: the message says what is wrong, with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseSeedDemoArgs(argv: string[]): SeedDemoArgs {
  const a: SeedDemoArgs = { items: 10_000, months: 12, seed: 1, append: false };
  const int = (flag: string, v: string | undefined, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--items') a.items = int(flag, argv[++i], 1, 10_000_000);
    else if (flag === '--months') a.months = int(flag, argv[++i], 1, 120);
    else if (flag === '--seed') a.seed = int(flag, argv[++i], 0, 2 ** 31 - 1);
    else if (flag === '--db-url') {
      a.dbUrl = argv[++i];
      if (!a.dbUrl || !/^mongodb(\+srv)?:\/\//.test(a.dbUrl))
        throw new UsageError(`--db-url must be a mongodb:// URL\n${USAGE}`);
    } else if (flag === '--append') a.append = true;
    else throw new UsageError(`unknown option ${flag}\n${USAGE}`);
  }
  return a;
}

/** Bytes under a folder (the embedded store's data). */
function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

async function main() {
  const args = parseSeedDemoArgs(process.argv.slice(2));
  const config = loadConfig();
  const servers: RunningServer[] = [];
  let mongoUrl = args.dbUrl ?? config.mongoUrl;
  let sqliteDir: string | undefined;
  if (!args.dbUrl && config.mongoEmbedded) {
    sqliteDir = path.join(config.dataDir, 'ferretdb', 'sqlite');
    if (!(await portOpen(EMBEDDED_MONGO_PORT))) {
      console.log('starting FerretDB (embedded store, SQLite backend)…');
      const f = await startFerretDb({
        dataDir: path.join(config.dataDir, 'ferretdb'),
        port: EMBEDDED_MONGO_PORT,
      });
      servers.push(f);
      mongoUrl = f.url;
    } else console.log(`using the store already listening on 127.0.0.1:${EMBEDDED_MONGO_PORT}`);
  }
  if (config.redisEmbedded)
    servers.push(await ensureRedis(config.redisUrl, path.join(config.dataDir, 'redis')));
  const conn = await connectMongo(mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  // The producer connection queues nothing while it connects: wait until it is ready.
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
  try {
    await prepareDemoCollections(conn);
    // FerretDB's SQLite tables get the `_id` indexes its look-ups need (docs/storage.md).
    if (sqliteDir && existsSync(sqliteDir)) indexFerretIds(sqliteDir);
    console.log(
      `seed:demo: ${args.items.toLocaleString('en')} items over ${args.months} months ` +
        `(seed ${args.seed}) into ${mongoUrl.replace(/\/\/[^@/]*@/, '//…@')}`,
    );
    const s = await seedDemo(
      { conn, redis, prefix: config.queuePrefix, config, log: (l) => console.log(l) },
      { items: args.items, months: args.months, seed: args.seed, append: args.append },
    );
    if (sqliteDir && existsSync(sqliteDir)) indexFerretIds(sqliteDir);
    const pct = (n: number) => `${((100 * n) / Math.max(1, s.inserted)).toFixed(1)} %`;
    console.log(
      [
        `done in ${s.seconds.total} s: ${s.inserted.toLocaleString('en')} feedback ` +
          `(${s.docsPerSec.toLocaleString('en')} docs/s overall)` +
          (s.alreadyStored ? `, ${s.alreadyStored} already stored (skipped)` : ''),
        `  phases: feedback ${s.seconds.feedback} s, rollups ${s.seconds.rollups} s ` +
          `(${s.buckets.toLocaleString('en')} buckets), report days ${s.seconds.reportDays} s ` +
          `(${s.reportDays} days)`,
        `  channels: ${Object.entries(s.byChannel)
          .map(([k, n]) => `${k} ${pct(n)}`)
          .join(', ')}`,
        `  kinds: ${Object.entries(s.byKind)
          .map(([k, n]) => `${k} ${pct(n)}`)
          .join(', ')}`,
        `  complaints: ${s.complaints.resolved.toLocaleString('en')} resolved, ` +
          `${s.complaints.open.toLocaleString('en')} open (${s.complaints.overdue.toLocaleString('en')} overdue)`,
        `  review queue index: ${s.indexed.toLocaleString('en')} items`,
        `  peak memory of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
        ...(sqliteDir && existsSync(sqliteDir)
          ? [`  data folder: ${sqliteDir} ${(folderBytes(sqliteDir) / 2 ** 20).toFixed(0)} MiB`]
          : []),
      ].join('\n'),
    );
  } finally {
    redis.disconnect();
    await conn.close();
    for (const srv of servers.reverse()) await srv.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof SeedRefused || err instanceof ConfigError || err instanceof StorageError)
      console.error(`seed:demo: ${err.message}`);
    else
      console.error('seed:demo failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
