/**
 * `npm run privacy:reindex`: puts every stored feedback that still holds personal data in
 * erasure's look-up records (shared/privacy/lookups.ts) and records that the database is
 * backfilled, final. Needed once, for feedback stored before the records existed; run it after
 * every intake worker runs this release. Without it the first erasure or retention sweep does the
 * same (one full read of the feedback) but provisionally: the nightly sweep reads everything again
 * for two days, and erasures report `complete: false` until then. Safe to run again, and while the
 * platform runs. Prints counts.
 */
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { PiiVault } from '../shared/pii';
import { PrivacyLookups } from '../shared/privacy/lookups';
import { redisConnection } from '../shared/queues';

export async function privacyReindex(): Promise<{ read: number; listed: number; final: boolean }> {
  const config = loadConfig();
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'worker');
  try {
    return await new PrivacyLookups(conn, redis, config.queuePrefix).backfill(
      new PiiVault(config.piiKey),
    );
  } finally {
    redis.disconnect();
    await conn.close();
  }
}

if (require.main === module) {
  const t = performance.now();
  privacyReindex().then(
    (r) =>
      console.log(
        `privacy look-ups: ${r.read} feedback read, ${r.listed} with personal data listed ` +
          `(${((performance.now() - t) / 1000).toFixed(1)} s)`,
      ),
    (err: unknown) => {
      console.error('privacy:reindex failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
