/**
 * `npm run pii:rotate -- [--dry-run]`: after PII_KEY changed (docs/operations.md "Rotating
 * PII_KEY"), re-seals every stored personal value that is not sealed with the current key, so
 * the keys in PII_KEYS_OLD can be retired. Look-up hashes and tracking codes are left alone: they are keyed by
 * PII_HASH_KEY, which never rotates — and the run first checks that PII_HASH_KEY is the key the
 * stored look-up hashes were made with, and stops before writing anything when it is not.
 *
 * Sealed values are kept in MongoDB only in `feedback` (SEALED_FIELDS; outbound_messages keeps the
 * recipient's hash, the sealed recipient travels in the notify job). Redis holds more, for a while:
 * queued and dead-lettered jobs (`sender.id` of intake envelopes, `toSealed` of notify jobs) and
 * Telegram conversations (the shared phone number). They are not rewritten: they keep opening
 * through the keyring as long as their key is in PII_KEYS_OLD, and the run counts them so the
 * operator knows when that key can go. The api's SMS spool on disk drains into the intake queue.
 *
 * Safe while the platform runs and safe to stop: values already sealed with the current key are
 * skipped, so a second run continues where the first stopped (and re-seals 0 once done). A sealed
 * field is written once at intake and never changed, so the write is a plain `_id` update (the only
 * filter FerretDB 1.24 answers from an index). The collection is read once, in natural order: on
 * FerretDB a sorted `_id > last` page is a full scan per page. updatedAt is not touched.
 */
import type IORedis from 'ioredis';
import { Queue, type JobType } from 'bullmq';
import type { Connection } from 'mongoose';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { keyId, PiiVault, senderHashInput } from '../shared/pii';
import { QUEUE_INTAKE, QUEUE_NOTIFY, redisConnection } from '../shared/queues';
import { telegramSessionKey } from '../shared/telegram-keys';

/** Every MongoDB field holding PiiVault.encrypt output, by collection (dotted paths; string _ids). */
export const SEALED_FIELDS: Record<string, string[]> = {
  feedback: ['sender.idSealed', 'meta.contactPhoneSealed'],
};

/** What happened to one field's values. */
export interface FieldCounts {
  /** Re-sealed with the current key (or, with --dry-run, would be). */
  resealed: number;
  /** Already sealed with the current key. */
  current: number;
  /** Sealed with a key the keyring does not hold, or damaged: left as they are. */
  unreadable: number;
}

export interface RotateReport {
  dryRun: boolean;
  collections: Record<string, { read: number; fields: Record<string, FieldCounts> }>;
  /** Stored senders whose look-up hash PII_HASH_KEY does not reproduce. */
  hashMismatches: number;
  /** Tracking codes of documents with unreadable values (at most 20), to look at. */
  unreadableIds: string[];
  /** Values in Redis still sealed with an old key: they need it in PII_KEYS_OLD until they are gone. */
  redis: { intakeJobs: number; notifyJobs: number; telegramConversations: number };
}

/** Thrown before anything is written when PII_HASH_KEY does not match the stored look-up hashes. */
export class HashKeyMismatchError extends Error {
  override name = 'HashKeyMismatchError';
}

const BATCH = 200;

function getPath(doc: Record<string, unknown>, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      doc,
    );
}

/** Re-seals the stored values of one collection; see the file comment. */
async function rotateCollection(
  conn: Connection,
  name: string,
  fields: string[],
  vault: PiiVault,
  report: RotateReport,
  dryRun: boolean,
  progress?: (collection: string, read: number) => void,
): Promise<void> {
  const counts = Object.fromEntries(
    fields.map((f) => [f, { resealed: 0, current: 0, unreadable: 0 }]),
  ) as Record<string, FieldCounts>;
  const stats = { read: 0, fields: counts };
  report.collections[name] = stats;
  // The driver's collection, not the model: no casting, and no timestamps (updatedAt is the
  // citizen's "last changed", which re-sealing does not change).
  const collection = conn.collection<{ _id: string }>(name);
  const projection = Object.fromEntries(
    [...fields, ...(name === 'feedback' ? ['sender.kind', 'sender.idHash'] : [])].map((f) => [
      f,
      1,
    ]),
  );
  let batch: { _id: string; set: Record<string, string> }[] = [];
  const flush = async () => {
    if (!dryRun)
      await Promise.all(batch.map((u) => collection.updateOne({ _id: u._id }, { $set: u.set })));
    batch = [];
  };
  for await (const doc of collection.find({}, { projection, batchSize: 500 })) {
    if (++stats.read % 100_000 === 0) progress?.(name, stats.read);
    const set: Record<string, string> = {};
    for (const field of fields) {
      const sealed = getPath(doc, field);
      if (typeof sealed !== 'string' || !sealed) continue;
      if (vault.isCurrent(sealed)) {
        counts[field]!.current++;
        continue;
      }
      let clear: string;
      try {
        clear = vault.decrypt(sealed);
      } catch {
        counts[field]!.unreadable++;
        if (report.unreadableIds.length < 20) report.unreadableIds.push(String(doc._id));
        continue;
      }
      if (name === 'feedback' && field === 'sender.idSealed') {
        const input = senderHashInput(
          String(getPath(doc, 'sender.kind')),
          clear,
          getPath(doc, 'sender.verified') !== false,
        );
        const stored = getPath(doc, 'sender.idHash');
        if (typeof stored === 'string' && vault.hash(input) !== stored) report.hashMismatches++;
      }
      // Older values name no purpose: the field (and a feedback's sender kind) tells it.
      const purpose =
        PiiVault.purposeOf(sealed) ??
        (field === 'sender.idSealed' && getPath(doc, 'sender.kind') === 'telegram'
          ? 'telegram'
          : 'phone');
      set[field] = vault.encrypt(clear, purpose);
      counts[field]!.resealed++;
    }
    if (Object.keys(set).length) batch.push({ _id: doc._id, set });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
}

/**
 * Throws unless PII_HASH_KEY reproduces the look-up hash of at least one of the first stored
 * senders (all of them differ only when it is the wrong key). Nothing to compare passes.
 */
export async function checkHashKey(conn: Connection, vault: PiiVault): Promise<void> {
  const docs = conn
    .collection<{
      _id: string;
      sender?: { kind?: string; idSealed?: string; idHash?: string; verified?: boolean };
    }>('feedback')
    .find({ 'sender.idHash': { $exists: true }, 'sender.idSealed': { $exists: true } })
    .project<{
      sender: { kind: string; idSealed: string; idHash: string; verified?: boolean };
    }>({ sender: 1 })
    .limit(20);
  let compared = 0;
  for await (const { sender } of docs) {
    let clear: string;
    try {
      clear = vault.decrypt(sender.idSealed);
    } catch {
      continue; // reported by the walk
    }
    if (vault.hash(senderHashInput(sender.kind, clear, sender.verified)) === sender.idHash) return;
    compared++;
  }
  if (compared)
    throw new HashKeyMismatchError(
      `PII_HASH_KEY (key id ${keyId(vault.keys.hashKey)}) does not reproduce the stored look-up ` +
        'hashes: set it to the key they were made with, the first PII_KEY of this installation. ' +
        'Nothing was written.',
    );
}

/** Counts values in Redis (queued jobs, Telegram conversations) not sealed with the current key. */
async function countRedis(
  redis: IORedis,
  prefix: string,
  vault: PiiVault,
): Promise<RotateReport['redis']> {
  const stale = (v: unknown) => typeof v === 'string' && v !== '' && !vault.isCurrent(v);
  const types: JobType[] = ['waiting', 'paused', 'prioritized', 'delayed', 'active', 'failed'];
  const countJobs = async (name: string, sealedOf: (data: Record<string, unknown>) => unknown) => {
    const queue = new Queue(name, { connection: redis, prefix });
    let n = 0;
    try {
      for (const type of types) {
        for (let start = 0; ; start += 500) {
          const jobs = await queue.getJobs([type], start, start + 499, true);
          for (const job of jobs)
            if (job && stale(sealedOf((job.data ?? {}) as Record<string, unknown>))) n++;
          if (jobs.length < 500) break;
        }
      }
    } finally {
      await queue.close();
    }
    return n;
  };
  const intakeJobs = await countJobs(
    QUEUE_INTAKE,
    (d) => (d.sender as { id?: unknown } | undefined)?.id,
  );
  const notifyJobs = await countJobs(QUEUE_NOTIFY, (d) => d.toSealed);
  let telegramConversations = 0;
  const stream = redis.scanStream({ match: telegramSessionKey(prefix, '*'), count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    if (!keys.length) continue;
    for (const raw of await redis.mget(...keys)) {
      try {
        const s = JSON.parse(raw ?? '{}') as { flow?: { phoneSealed?: unknown } };
        if (stale(s.flow?.phoneSealed)) telegramConversations++;
      } catch {
        // Not a conversation we wrote: nothing sealed in it.
      }
    }
  }
  return { intakeJobs, notifyJobs, telegramConversations };
}

/** Re-seals (or, dry, counts) every stored sealed value not sealed with the vault's current key. */
export async function rotatePii(deps: {
  conn: Connection;
  redis?: IORedis;
  prefix: string;
  vault: PiiVault;
  dryRun?: boolean;
  /** Called every 100 000 documents read. */
  progress?: (collection: string, read: number) => void;
}): Promise<RotateReport> {
  const dryRun = deps.dryRun ?? false;
  const report: RotateReport = {
    dryRun,
    collections: {},
    hashMismatches: 0,
    unreadableIds: [],
    redis: { intakeJobs: 0, notifyJobs: 0, telegramConversations: 0 },
  };
  await checkHashKey(deps.conn, deps.vault);
  for (const [name, fields] of Object.entries(SEALED_FIELDS))
    await rotateCollection(deps.conn, name, fields, deps.vault, report, dryRun, deps.progress);
  if (deps.redis) report.redis = await countRedis(deps.redis, deps.prefix, deps.vault);
  return report;
}

/** The report as the lines the command prints. */
export function reportLines(r: RotateReport, vault: PiiVault): string[] {
  const k = vault.keys;
  const hashId = keyId(k.hashKey);
  const lines = [
    `keys: current ${k.currentId}; old ${k.oldIds.join(', ') || 'none'}; look-up hashes ${hashId}` +
      (hashId === k.currentId ? ' (PII_KEY)' : k.oldIds.includes(hashId) ? ' (an old key)' : ''),
  ];
  for (const [name, c] of Object.entries(r.collections)) {
    lines.push(`${name}: ${c.read} documents read`);
    for (const [field, f] of Object.entries(c.fields))
      lines.push(
        `  ${field}: ${f.resealed} ${r.dryRun ? 'to re-seal' : 're-sealed'}, ${f.current} already current, ${f.unreadable} unreadable`,
      );
  }
  if (r.unreadableIds.length)
    lines.push(
      `unreadable values (key not in PII_KEY / PII_KEYS_OLD) in: ${r.unreadableIds.join(', ')}`,
    );
  if (r.hashMismatches)
    lines.push(`warning: ${r.hashMismatches} stored look-up hashes do not match their sender`);
  const q = r.redis;
  lines.push(
    `redis, still sealed with an old key (they open while it is in PII_KEYS_OLD): ` +
      `${q.intakeJobs} intake jobs, ${q.notifyJobs} notify jobs, ${q.telegramConversations} Telegram conversations`,
  );
  return lines;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  if (args.some((a) => a !== '--dry-run')) {
    console.error('usage: npm run pii:rotate -- [--dry-run]');
    process.exit(2);
  }
  (async () => {
    const config = loadConfig();
    const vault = new PiiVault(config.piiKey);
    const conn = await connectMongo(config.mongoUrl);
    const redis = redisConnection(config.redisUrl, 'producer');
    try {
      const r = await rotatePii({
        conn,
        redis,
        prefix: config.queuePrefix,
        vault,
        dryRun,
        progress: (name, read) => console.error(`${name}: ${read} documents read…`),
      });
      for (const line of reportLines(r, vault)) console.log(line);
      const unreadable = Object.values(r.collections)
        .flatMap((c) => Object.values(c.fields))
        .reduce((n, f) => n + f.unreadable, 0);
      if (unreadable) process.exitCode = 1;
    } finally {
      redis.disconnect();
      await conn.close();
    }
  })().catch((err: unknown) => {
    console.error('pii:rotate failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
