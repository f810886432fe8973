/**
 * A durable spool on the local disk, for what a channel accepted but could not hand on (the SMS
 * webhook when Redis or MongoDB is down: Twilio does not deliver an inbound SMS again after a 5xx).
 *
 * put() writes one file per entry — to a temporary name, fsync, rename, fsync the directory — and
 * returns only then, so an entry the caller answered for survives a crash or a power cut. drain()
 * hands the entries to a handler, oldest first, and deletes each one only after the handler
 * succeeded; the first failure stops the round (the outage is not over) and the entry stays. Two
 * processes may share the directory: an entry is claimed by renaming it first, and a claim left by
 * a process that died is taken back after CLAIM_STALE_MS. Handlers must be idempotent (an entry
 * may be handed on twice if a process dies between the hand-on and the delete).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, mkdirSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';

const CLAIM_STALE_MS = 60_000;
const ENTRY = /^(\d{15})-([a-z]+)-([\w-]+)\.json$/;

export interface SpoolEntry<T> {
  file: string;
  kind: string;
  at: Date;
  data: T;
}

export class Spool {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Writes an entry durably; resolves once it is on disk. */
  async put(kind: string, data: unknown): Promise<string> {
    if (!/^[a-z]+$/.test(kind)) throw new Error(`bad spool kind ${kind}`);
    const name = `${String(Date.now()).padStart(15, '0')}-${kind}-${randomUUID()}.json`;
    const tmp = path.join(this.dir, `.tmp-${name}`);
    const fh = await fs.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path.join(this.dir, name));
    syncDir(this.dir);
    return name;
  }

  /** Entries waiting (claimed ones included). */
  async size(): Promise<number> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => ENTRY.test(n) || ENTRY.test(stripClaim(n))).length;
  }

  /**
   * Hands entries to `handle`, oldest first, deleting each after it succeeded. Returns how many
   * were handed on; stops at the first failure (thrown again only through onError).
   */
  async drain(
    handle: (entry: SpoolEntry<unknown>) => Promise<void>,
    onError: (err: Error, entry: SpoolEntry<unknown> | null) => void = () => undefined,
  ): Promise<number> {
    const names = (await fs.readdir(this.dir).catch(() => [] as string[])).sort();
    let done = 0;
    for (const name of names) {
      if (name.startsWith('.tmp-')) {
        // Never renamed into place, so never answered for: a crash mid-write.
        const stat = await fs.stat(path.join(this.dir, name)).catch(() => null);
        if (stat && Date.now() - stat.mtimeMs > CLAIM_STALE_MS)
          await fs.unlink(path.join(this.dir, name)).catch(() => undefined);
        continue;
      }
      const claimed = await this.claim(name);
      if (!claimed) continue;
      const m = ENTRY.exec(stripClaim(path.basename(claimed)))!;
      let entry: SpoolEntry<unknown> | null = null;
      try {
        const data: unknown = JSON.parse(await fs.readFile(claimed, 'utf8'));
        entry = { file: name, kind: m[2]!, at: new Date(Number(m[1])), data };
        await handle(entry);
      } catch (err) {
        // Back under its own name, for the next round.
        await fs.rename(claimed, path.join(this.dir, stripClaim(path.basename(claimed))));
        onError(err as Error, entry);
        return done;
      }
      await fs.unlink(claimed);
      done++;
    }
    if (done) syncDir(this.dir);
    return done;
  }

  /** Renames an entry to a claim of this process; takes back a stale claim of a dead one. */
  private async claim(name: string): Promise<string | null> {
    const full = path.join(this.dir, name);
    let base = name;
    if (!ENTRY.test(name)) {
      base = stripClaim(name);
      if (base === name || !ENTRY.test(base)) return null;
      const stat = await fs.stat(full).catch(() => null);
      if (!stat || Date.now() - stat.mtimeMs < CLAIM_STALE_MS) return null;
    }
    const mine = path.join(this.dir, `${base}.claim-${process.pid}-${randomUUID().slice(0, 8)}`);
    try {
      await fs.rename(full, mine);
      const now = new Date();
      await fs.utimes(mine, now, now);
      return mine;
    } catch {
      return null; // another process took it
    }
  }
}

const stripClaim = (name: string) => name.replace(/\.claim-[\w-]+$/, '');

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some filesystems cannot fsync a directory; the rename is still atomic */
  }
}
