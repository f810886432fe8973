/**
 * Applies rollup increments, coalesced per bucket: while one `$inc` for a bucket is in flight,
 * further increments for it are summed and written together by the next one. Each caller's
 * promise settles when its own increment is in the database. On FerretDB, where `$inc` is not
 * atomic, each write also holds a Redis lock per bucket so worker processes never overlap.
 */
import { isDuplicateKey } from '../../shared/db/mongo';
import type { RedisLock } from '../../shared/redis-lock';
import type { RollupModel } from '../../shared/models/rollup.model';

export interface RollupIncrement {
  filter: { _id: string };
  update: { $inc: Record<string, number>; $setOnInsert: Record<string, unknown> };
}

interface Pending {
  inc: Record<string, number>;
  setOnInsert: Record<string, unknown>;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

export class RollupWriter {
  private readonly pending = new Map<string, Pending>();
  private readonly inflight = new Set<string>();

  constructor(
    private readonly Rollup: RollupModel,
    private readonly lock?: RedisLock,
  ) {}

  /** Adds one increment; resolves once it is written. */
  add(inc: RollupIncrement): Promise<void> {
    const id = inc.filter._id;
    return new Promise<void>((resolve, reject) => {
      let p = this.pending.get(id);
      if (!p) {
        p = { inc: {}, setOnInsert: inc.update.$setOnInsert, waiters: [] };
        this.pending.set(id, p);
      }
      for (const [k, v] of Object.entries(inc.update.$inc)) p.inc[k] = (p.inc[k] ?? 0) + v;
      p.waiters.push({ resolve, reject });
      if (!this.inflight.has(id)) void this.drain(id);
    });
  }

  private async write(id: string, p: Pending): Promise<void> {
    const op = () =>
      this.Rollup.updateOne(
        { _id: id },
        { $inc: p.inc, $setOnInsert: p.setOnInsert },
        { upsert: true },
      );
    try {
      await op();
    } catch (err) {
      // Two processes created the bucket at once (MongoDB retries this itself, FerretDB does not).
      if (!isDuplicateKey(err)) throw err;
      await op();
    }
  }

  private async drain(id: string): Promise<void> {
    this.inflight.add(id);
    try {
      for (let p = this.pending.get(id); p; p = this.pending.get(id)) {
        this.pending.delete(id);
        try {
          await (this.lock
            ? this.lock.with(`rollup:${id}`, () => this.write(id, p!))
            : this.write(id, p));
          for (const w of p.waiters) w.resolve();
        } catch (err) {
          for (const w of p.waiters) w.reject(err);
        }
      }
    } finally {
      this.inflight.delete(id);
    }
  }
}

/**
 * Moves one document's count from the bucket it was counted in to the one it belongs to now
 * (a staff correction, or a thread whose later text named the center). Nothing if both are equal.
 */
export async function moveRollup(
  rollups: RollupWriter,
  before: RollupIncrement,
  after: RollupIncrement,
): Promise<void> {
  if (
    before.filter._id === after.filter._id &&
    JSON.stringify(before.update.$inc) === JSON.stringify(after.update.$inc)
  )
    return;
  const negated = Object.fromEntries(Object.entries(before.update.$inc).map(([k, v]) => [k, -v]));
  await rollups.add({
    filter: before.filter,
    update: { $inc: negated, $setOnInsert: before.update.$setOnInsert },
  });
  await rollups.add(after);
}
