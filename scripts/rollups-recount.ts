/**
 * `npm run rollups:recount -- <YYYY-MM-DD> [<YYYY-MM-DD>…]`: recomputes the daily rollups of the
 * given days from the feedback itself and writes the exact counts. Rollups are counted once per
 * document by the intake worker, but a worker that dies between an increment and its marker counts
 * that bucket twice on retry; running this for past days (e.g. nightly for yesterday) makes reports
 * exact. Run it for days no longer receiving feedback: it overwrites, it does not add.
 */
import type { Connection } from 'mongoose';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { feedbackModel, type FeedbackDoc } from '../shared/models/feedback.model';
import { rollupIncrement, rollupModel } from '../shared/models/rollup.model';

type Counts = Record<string, number>;

/** Recounts one Vientiane day; returns the number of buckets written. */
export async function recountDay(conn: Connection, day: string): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day} (YYYY-MM-DD)`);
  const Feedback = feedbackModel(conn);
  const Rollup = rollupModel(conn);
  const buckets = new Map<string, { counts: Counts; keys: Record<string, unknown> }>();
  const cursor = Feedback.find(
    { day },
    { day: 1, month: 1, center: 1, service: 1, channel: 1, rating: 1, kind: 1, needsTriage: 1 },
  )
    .lean<FeedbackDoc>()
    .cursor();
  for await (const doc of cursor) {
    const inc = rollupIncrement(doc as FeedbackDoc);
    const b = buckets.get(inc.filter._id) ?? {
      counts: {} as Counts,
      keys: inc.update.$setOnInsert,
    };
    for (const [k, v] of Object.entries(inc.update.$inc)) b.counts[k] = (b.counts[k] ?? 0) + v;
    buckets.set(inc.filter._id, b);
  }
  const zero = {
    count: 0,
    ratingSum: 0,
    ratingCount: 0,
    complaints: 0,
    praise: 0,
    needsTriage: 0,
    'ratings.r1': 0,
    'ratings.r2': 0,
    'ratings.r3': 0,
    'ratings.r4': 0,
    'ratings.r5': 0,
  };
  // Buckets of that day that no document supports any more go to zero.
  const existing = await Rollup.find({ day }, { _id: 1 }).lean();
  for (const r of existing) if (!buckets.has(r._id)) buckets.set(r._id, { counts: {}, keys: {} });
  for (const [id, b] of buckets) {
    await Rollup.updateOne(
      { _id: id },
      { $set: { ...zero, ...b.counts, ...b.keys } },
      { upsert: true },
    );
  }
  return buckets.size;
}

if (require.main === module) {
  const days = process.argv.slice(2);
  if (!days.length) {
    console.error('usage: npm run rollups:recount -- <YYYY-MM-DD> [<YYYY-MM-DD>…]');
    process.exit(2);
  }
  (async () => {
    const conn = await connectMongo(loadConfig().mongoUrl);
    try {
      for (const day of days)
        console.log(`${day}: ${await recountDay(conn, day)} buckets recounted`);
    } finally {
      await conn.close();
    }
  })().catch((err) => {
    console.error('recount failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
