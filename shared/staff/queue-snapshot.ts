/**
 * A process's copy of the queue index's entries, for tab counts under filters: counting 25,000
 * entries read from Redis on every call costs hundreds of milliseconds (the transfer), counting them
 * in memory a few. It is a cache, not state: each call first asks Redis what changed since the
 * copy's version (the index keeps a log of changed codes) and re-reads only those entries; a copy
 * too far behind, or from before the index was cleared, is read again whole. Every api replica
 * keeps its own; none can serve stale counts.
 */
import type { QueueEntry, QueueIndex } from './queue-index';

export class QueueSnapshot {
  private readonly byCode = new Map<string, QueueEntry>();
  private version = -1;
  private epoch = '';
  private syncing: Promise<void> | null = null;

  constructor(private readonly index: QueueIndex) {}

  /** Every entry as the index holds it now (without text and excerpt). */
  async entries(): Promise<Iterable<QueueEntry>> {
    // One refresh at a time; callers that arrive meanwhile wait for it, then check again.
    while (this.syncing) await this.syncing;
    this.syncing = this.sync().finally(() => (this.syncing = null));
    await this.syncing;
    return this.byCode.values();
  }

  private async sync(): Promise<void> {
    const ch = await this.index.changesSince(this.version, this.epoch);
    if (ch.codes === null) {
      // Read whole: from a version taken before the read, so later changes are re-read next time.
      this.byCode.clear();
      for await (const e of this.index.all()) this.byCode.set(e.c, e);
    } else if (ch.codes.length) {
      const codes = [...new Set(ch.codes)];
      const fresh = await this.index.entries(codes);
      codes.forEach((c, i) => {
        const e = fresh[i];
        if (e) this.byCode.set(c, e);
        else this.byCode.delete(c);
      });
    }
    this.version = ch.version;
    this.epoch = ch.epoch;
  }
}
