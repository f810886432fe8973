/**
 * `npm run reports:rebuild -- [<YYYY-MM-DD>… | --last <n> | --all]`: rebuilds the report days
 * (shared/reports/report-days.ts) of the given days — default: the last 7 — from the rollups and
 * the feedback. Every figure of the dashboard, the monthly report and the scoreboard reads them.
 * The worker rebuilds the days it recounts every night; run this after restoring a backup, after a
 * process was killed between a write and its mark, or to fill the report days of a database that
 * had feedback before they existed (`--all`). Safe while the platform runs: each day is written
 * under the lock the refresh takes, and everything rebuilt is read again by the next refresh.
 */
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import { addDays, today } from '../shared/reports/metrics';
import { reportDaysFor } from '../shared/reports/report-days';
import { Deadlines } from '../shared/staff/deadlines';
import { isDay } from '../shared/staff/vientiane-days';

export function parseRebuildArgs(argv: string[], now = Date.now()): string[] | 'all' {
  const days: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--all') return 'all';
    if (a === '--last') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 3660)
        throw new Error('--last needs a number of days from 1 to 3660');
      for (let k = n - 1; k >= 0; k--) days.push(addDays(today(now), -k));
    } else if (isDay(a)) days.push(a);
    else throw new Error(`not a day (YYYY-MM-DD), --last <n> or --all: ${a}`);
  }
  if (days.length) return days;
  return parseRebuildArgs(['--last', '7'], now);
}

if (require.main === module) {
  (async () => {
    const days = parseRebuildArgs(process.argv.slice(2));
    const config = loadConfig();
    const conn = await connectMongo(config.mongoUrl);
    const redis = redisConnection(config.redisUrl, 'producer');
    try {
      const reports = reportDaysFor(
        conn,
        redis,
        config.queuePrefix,
        Deadlines.fromConfig(config).calendar,
        new RedisLock(redis, config.queuePrefix),
      );
      const started = Date.now();
      const r = await reports.rebuildDays(days);
      console.log(
        `${days === 'all' ? 'all days' : days.join(', ')}: ${r.days} days rebuilt ` +
          `(${r.rows} rollup rows, ${r.cases} complaints) in ${Date.now() - started} ms`,
      );
    } finally {
      redis.disconnect();
      await conn.close();
    }
  })().catch((err) => {
    console.error('rebuild failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
