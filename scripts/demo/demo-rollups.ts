/**
 * The demo's rollup buckets, each written once: its counters and its entries string (`code=1,…`,
 * every document counted at version 1 — what the intake's bucket ops would have left). New buckets
 * go in bulk; a bucket that exists already (--append, or a worker that wrote it while the seed ran)
 * is merged under the bucket's Redis lock, the lock every rollup writer takes, never overwritten.
 */
import type { SeedDemoDeps } from './demo-writer';
import { isDuplicateKey } from '../../shared/db/mongo';
import {
  bucketFields,
  nestedCounts,
  parseEntries,
  rollupModel,
  type Counts,
} from '../../shared/models/rollup.model';
import { RedisLock } from '../../shared/redis-lock';
import { pool } from '../../shared/reports/report-days';

/** One bucket as the seed sums it: counters, and the documents it counts. */
export interface Bucket {
  counts: Required<Counts>;
  codes: string[];
}

type WriteError = { index: number; code: number };

/**
 * The positions an unordered insertMany refused as duplicates (E11000); anything else is thrown
 * again. At intake a duplicate is a redelivery: already stored, skipped.
 */
export function duplicateIndexes(err: unknown): number[] {
  const raw = (err as { writeErrors?: WriteError[] | WriteError }).writeErrors;
  const errors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (!errors.length || errors.some((e) => e.code !== 11000)) throw err;
  return errors.map((e) => e.index);
}

/**
 * Writes the buckets: new ones in bulk (fresh database), existing ones merged under their lock.
 * Returns how many were merged.
 */
export async function writeBuckets(
  d: Pick<SeedDemoDeps, 'conn' | 'redis' | 'prefix'>,
  buckets: Map<string, Bucket>,
  append: boolean,
): Promise<number> {
  const Rollup = rollupModel(d.conn);
  const col = Rollup.collection;
  const lock = new RedisLock(d.redis, d.prefix);
  const docOf = (id: string, b: Bucket) => ({
    _id: id,
    ...bucketFields(id),
    ...nestedCounts(b.counts),
    c: b.codes.map((c) => `${c}=1`).join(','),
    rev: 1,
  });
  const toMerge: string[] = [];
  if (append) toMerge.push(...buckets.keys());
  else {
    const ids = [...buckets.keys()];
    for (let i = 0; i < ids.length; i += 2000) {
      const part = ids.slice(i, i + 2000);
      try {
        await col.insertMany(part.map((id) => docOf(id, buckets.get(id)!)) as never[], {
          ordered: false,
        });
      } catch (err) {
        // Written meanwhile by a worker: merge into it.
        for (const i of duplicateIndexes(err)) toMerge.push(part[i]!);
      }
    }
  }
  await pool(toMerge, 8, (id) =>
    lock.with(`rollup:${id}`, async () => {
      const b = buckets.get(id)!;
      const read = async () =>
        (await col.findOne({ _id: id as never }, { projection: { c: 1 } })) as {
          c?: string;
        } | null;
      let cur = await read();
      if (!cur) {
        try {
          await col.insertOne(docOf(id, b) as never);
          return;
        } catch (err) {
          // Created meanwhile by a writer without the lock: merge into what it wrote.
          if (!isDuplicateKey(err)) throw err;
          cur = await read();
        }
      }
      const entries = parseEntries(cur?.c);
      for (const code of b.codes) entries.set(code, 1);
      await col.updateOne(
        { _id: id as never },
        {
          $inc: { ...(b.counts as Record<string, number>), rev: 1 },
          $set: { c: [...entries].map(([k, v]) => `${k}=${v}`).join(',') },
        },
      );
    }),
  );
  return toMerge.length;
}
