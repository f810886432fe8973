/**
 * `npm run rollups:recount -- [--dry-run] [<YYYY-MM-DD>… | --last <n>]`: recounts the daily
 * rollups of the given days (default: yesterday, Vientiane time) from the feedback itself and
 * corrects every bucket that differs, recording each correction in `rollup_corrections`. The
 * worker already does this every night (workers/staff/staff-jobs.worker.ts); the counts are kept
 * exact through crashes and retries by the intake itself, so a correction means something went
 * wrong and is worth a look. `--dry-run` only prints the differences. Safe while the platform
 * runs: it takes the same Redis locks as the workers.
 */
import { ReportMarks } from '../shared/reports/report-days';
import type { Connection } from 'mongoose';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import {
  daysBefore,
  recountDeps,
  recountRollups,
  rollupDifferences,
} from '../workers/intake/rollup-recount';

/** Recounts one Vientiane day (no locks: for tests and quiet databases); returns the buckets seen. */
export async function recountDay(conn: Connection, day: string): Promise<number> {
  return (await recountRollups(recountDeps(conn), [day], { by: 'manual' })).buckets;
}

function parseArgs(argv: string[]): { days: string[]; dryRun: boolean } {
  const days: string[] = [];
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--last') days.push(...daysBefore(Date.now(), Number(argv[++i] ?? 'x') || 0));
    else days.push(a);
  }
  return { days: days.length ? days : daysBefore(Date.now(), 1), dryRun };
}

if (require.main === module) {
  const { days, dryRun } = parseArgs(process.argv.slice(2));
  (async () => {
    const config = loadConfig();
    const conn = await connectMongo(config.mongoUrl);
    const redis = redisConnection(config.redisUrl, 'producer');
    try {
      // The locks the workers take: without Redis, no recount (it would race them).
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`Redis not reachable at ${config.redisUrl}`)),
          5000,
        );
        redis.once('ready', () => (clearTimeout(t), resolve()));
      });
      const deps = recountDeps(
        conn,
        new RedisLock(redis, config.queuePrefix),
        undefined,
        new ReportMarks(redis, config.queuePrefix),
      );
      if (dryRun) {
        const diffs = await rollupDifferences(deps, days);
        for (const d of diffs)
          console.log(`${d.bucket}: count ${d.before.count} → ${d.after.count} (not written)`);
        console.log(`${days.join(', ')}: ${diffs.length} buckets differ`);
        return;
      }
      const r = await recountRollups(deps, days, { by: 'manual' });
      for (const d of r.corrected)
        console.log(`${d.bucket}: count ${d.before.count} → ${d.after.count} (corrected)`);
      console.log(
        `${days.join(', ')}: ${r.buckets} buckets recounted, ${r.corrected.length} corrected, ` +
          `${r.settled} documents' counts brought up to date first (interrupted changes, or ` +
          `stored before count versions)`,
      );
    } finally {
      redis.disconnect();
      await conn.close();
    }
  })().catch((err) => {
    console.error('recount failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
