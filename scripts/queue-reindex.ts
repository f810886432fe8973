/**
 * `npm run queue:reindex`: rebuilds the review queue's Redis index from the feedback collection —
 * after Redis lost its data, or to pick up items changed by hand. Every open item, and every item
 * that left the working set within QUEUE_KEEP_CLOSED_DAYS, is put back; nothing in MongoDB changes.
 * It reads every feedback document once (a full scan on FerretDB: minutes for a million).
 */
import type { Connection } from 'mongoose';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { feedbackModel, type FeedbackDoc } from '../shared/models/feedback.model';
import { redisConnection } from '../shared/queues';
import { QueueIndex } from '../shared/staff/queue-index';
import { queueEntry, staffStatusOf } from '../shared/staff/queue-query';
import { isOpen } from '../shared/staff/staff-status';

export async function rebuildQueueIndex(
  conn: Connection,
  index: QueueIndex,
  keepClosedDays: number,
  now = Date.now(),
): Promise<{ scanned: number; indexed: number }> {
  const since = now - keepClosedDays * 86_400_000;
  await index.clear();
  let scanned = 0;
  let indexed = 0;
  const cursor = feedbackModel(conn)
    .find({}, { notes: 0, history: 0, replies: 0, meta: 0 })
    .lean<FeedbackDoc[]>()
    .cursor({ batchSize: 1000 });
  for await (const doc of cursor as AsyncIterable<FeedbackDoc>) {
    scanned++;
    const st = staffStatusOf(doc);
    const at = new Date(doc.statusAt ?? doc.receivedAt).getTime();
    // Rating-only answers closed at intake never needed reading.
    const wasRead = !!doc.text || !!doc.sender?.idSealed;
    if (isOpen(st) || (wasRead && at >= since)) {
      // An entry written since the clear came from a live change and is fresher than this read.
      await index.put(queueEntry(doc), { onlyIfAbsent: true });
      indexed++;
    }
  }
  return { scanned, indexed };
}

if (require.main === module) {
  (async () => {
    const config = loadConfig();
    const conn = await connectMongo(config.mongoUrl);
    const redis = redisConnection(config.redisUrl, 'producer');
    const r = await rebuildQueueIndex(
      conn,
      new QueueIndex(redis, config.queuePrefix),
      config.staff.keepClosedDays,
    );
    console.log(`queue index rebuilt: ${r.indexed} items indexed of ${r.scanned} feedback`);
    redis.disconnect();
    await conn.close();
  })().catch((err: unknown) => {
    console.error('queue:reindex failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
