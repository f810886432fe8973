/**
 * Look-up records for erasure (docs/privacy.md#look-up-records): FerretDB 1.24 pushes down no
 * filter but `_id` equality (docs/storage.md), so "every feedback of this sender", "every feedback
 * that left this contact number" and "every feedback received that day that still holds personal
 * data" are kept as records keyed by `_id` in `privacy_lookups`:
 *
 * - `s:<sender.idHash>`, `c:<meta.contactPhoneHash>` and `d:<Vientiane day>` hold `ids`, the
 *   tracking codes;
 * - `days` holds `days`, every day that has a `d:` record (the sweep's list);
 * - `state` holds `backfilledAt` once every feedback stored before the records existed is in them;
 *   `auto` while that was the automatic backfill of a first erasure or sweep (below), which the
 *   nightly sweep runs again until `AUTO_BACKFILL_WINDOW_MS` has passed.
 *
 * The intake writes the records of a batch *before* it inserts the batch's feedback, so a stored
 * feedback is always findable (an id whose feedback was never stored is harmless: it finds nothing).
 * New records go in with one unordered insertMany; records that exist get the ids with `$addToSet`
 * (`$each`), so a retried job adds nothing twice. FerretDB applies an update as read, modify, write,
 * so two writers of one record would lose ids: updates and removals take a Redis lock per record
 * (all of a batch's records at once, all or none, so two batches never wait on each other in a
 * circle), at most `LOCK_CHUNK` records at a time, so the backfill's large groups never hold the
 * intake's day record for long. An insert needs no lock: it succeeds only while the record does not
 * exist.
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import type { Connection, mongo } from 'mongoose';
import { localBuckets } from '../models/feedback.model';
import { toE164 } from '../phone';
import type { PiiVault } from '../pii';

export const LOOKUP_COLLECTION = 'privacy_lookups';

export interface LookupDoc {
  _id: string;
  ids?: string[];
  days?: string[];
  backfilledAt?: Date;
  backfilled?: number;
  /** The backfill was automatic: run again by the nightly sweep until final (`autoSince` + 2 days). */
  auto?: boolean;
  autoSince?: Date;
}

/** What the records are known to hold (the `state` record). */
export interface BackfillState {
  /** When the latest backfill started: every feedback stored before it is listed. */
  backfilledAt: Date;
  /**
   * False while the backfill is automatic: an intake worker of the previous release (mid roll-out)
   * may have stored feedback since `backfilledAt` without records, which no erasure finds until the
   * next backfill. True once `npm run privacy:reindex` ran, or the automatic one is final.
   */
  final: boolean;
}

/** The fields of a feedback the look-up records are made from. */
export interface LookupSource {
  _id: string;
  receivedAt?: Date;
  sender?: { idSealed?: string; idHash?: string };
  meta?: { contactPhoneSealed?: string; contactPhoneHash?: string; chatTag?: string } & Record<
    string,
    unknown
  >;
}

/**
 * Creates the collection (`npm run seed`), so it exists when `npm start` adds FerretDB's `_id`
 * indexes (docs/storage.md): every read of a record is an `_id` look-up.
 */
export async function ensureLookupCollection(conn: Connection): Promise<void> {
  const found = await conn.db!.listCollections({ name: LOOKUP_COLLECTION }).toArray();
  if (found.length) return;
  try {
    await conn.db!.createCollection(LOOKUP_COLLECTION);
  } catch (err) {
    if ((err as { code?: number }).code !== 48) throw err; // created meanwhile
  }
}

/**
 * For writers that store feedback without records (`npm run seed:demo`, `npm run restore`): the
 * next erasure or sweep backfills first, so nothing they wrote is missed.
 */
export async function markNotBackfilled(conn: Connection): Promise<void> {
  await conn.db!.collection<LookupDoc>(LOOKUP_COLLECTION).deleteOne({ _id: STATE });
}

export const senderKey = (hash: string) => `s:${hash}`;
export const contactKey = (hash: string) => `c:${hash}`;
export const dayKey = (day: string) => `d:${day}`;
export const DAYS = 'days';
export const STATE = 'state';

/** The keyed hash of a contact number (E.164), in its own namespace: `meta.contactPhoneHash`. */
export function contactPhoneHash(vault: PiiVault, e164: string): string {
  return vault.hash(`contact-phone:${e164}`);
}

/** Opens a sealed contact number and hashes it; null when it does not open or is not a number. */
export function contactPhoneHashOf(vault: PiiVault, sealed: string): string | null {
  try {
    const e164 = toE164(vault.decrypt(sealed, 'phone'));
    return e164 ? contactPhoneHash(vault, e164) : null;
  } catch {
    return null;
  }
}

/**
 * The meta a feedback is stored with: the contact-number hash the intake computed (one given in
 * the envelope is never trusted: it would list the feedback under someone else's number).
 */
export function withContactHash(
  meta: Record<string, unknown>,
  hash: string | undefined,
): Record<string, unknown> {
  if (!hash && !('contactPhoneHash' in meta)) return meta;
  const { contactPhoneHash: _given, ...rest } = meta;
  return hash ? { ...rest, contactPhoneHash: hash } : rest;
}

export const holdsPersonalData = (d: LookupSource) =>
  Boolean(
    d.sender?.idSealed ||
    d.sender?.idHash ||
    d.meta?.contactPhoneSealed ||
    d.meta?.contactPhoneHash ||
    d.meta?.chatTag,
  );

/** The records a feedback belongs in: none once it holds no personal data. */
export function lookupKeysOf(d: LookupSource): string[] {
  if (!holdsPersonalData(d)) return [];
  const keys: string[] = [];
  if (d.receivedAt) keys.push(dayKey(localBuckets(new Date(d.receivedAt)).day));
  if (d.sender?.idHash) keys.push(senderKey(d.sender.idHash));
  if (typeof d.meta?.contactPhoneHash === 'string') keys.push(contactKey(d.meta.contactPhoneHash));
  return keys;
}

const ACQUIRE = `for i = 1, #KEYS do if redis.call('exists', KEYS[i]) == 1 then return 0 end end
for i = 1, #KEYS do redis.call('set', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
return 1`;
const RELEASE = `local n = 0
for i = 1, #KEYS do if redis.call('get', KEYS[i]) == ARGV[1] then n = n + redis.call('del', KEYS[i]) end end
return n`;
const RENEW = `for i = 1, #KEYS do if redis.call('get', KEYS[i]) == ARGV[1] then redis.call('pexpire', KEYS[i], ARGV[2]) end end
return 1`;

interface BulkErrorLike {
  code?: number;
  writeErrors?: { index: number; code: number }[] | { index: number; code: number };
}
const writeErrorsOf = (err: unknown) => {
  const raw = (err as BulkErrorLike).writeErrors;
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
};
const onlyDuplicates = (err: unknown) => {
  const errors = writeErrorsOf(err);
  return errors.length
    ? errors.every((e) => e.code === 11000)
    : (err as BulkErrorLike).code === 11000;
};

const DAY_MS = 86_400_000;

/**
 * How long an automatic backfill stays provisional: the nightly sweep backfills again until then
 * (an upgrade's roll-out is expected to be over within it), and the first sweep after it marks the
 * records final.
 */
export const AUTO_BACKFILL_WINDOW_MS = 2 * DAY_MS;

/**
 * Records updated under one set of locks, in one bulkWrite (tens of ms on FerretDB, never seconds).
 * Also below 100: FerretDB 1.24 (SQLite) never answered an `update` command of 100 statements in
 * our tests (99 took about 60 ms).
 */
export const LOCK_CHUNK = 50;

export class PrivacyLookups {
  /**
   * Days this process has put in the `days` list. The sweep may drop a day older than yesterday
   * (once its record is empty), so a remembered day is trusted only while it is yesterday or later
   * at the time of the look-up; older days are listed again (one write).
   */
  private readonly listed = new Set<string>();

  constructor(
    private readonly conn: Connection,
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly ttlMs = 10_000,
    private readonly waitMs = 30_000,
  ) {}

  get col(): mongo.Collection<LookupDoc> {
    return this.conn.collection<LookupDoc>(LOOKUP_COLLECTION);
  }

  /** Runs fn holding the locks of every record named (taken all at once, or none and retried). */
  async withLocks<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const names = [...new Set(keys)].map((k) => `${this.prefix}:lock:privacy:${k}`);
    if (!names.length) return fn();
    const token = randomUUID();
    const deadline = Date.now() + this.waitMs;
    while (
      (await this.redis.eval(ACQUIRE, names.length, ...names, token, String(this.ttlMs))) !== 1
    ) {
      if (Date.now() > deadline)
        throw new Error(`privacy look-up locks not acquired within ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 4));
    }
    const timer = setInterval(
      () =>
        void this.redis
          .eval(RENEW, names.length, ...names, token, String(this.ttlMs))
          .catch(() => undefined),
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      await this.redis.eval(RELEASE, names.length, ...names, token).catch(() => undefined);
    }
  }

  /**
   * Puts feedback in their records (the intake, before it inserts them; the backfill). Idempotent.
   * Round trips per call: one insertMany, and when records already exist, per `LOCK_CHUNK` of them
   * (an intake batch has far fewer), one lock script, one bulkWrite and one release; a day not
   * trusted from memory (see `listed`) adds one more.
   */
  async add(docs: LookupSource[], now = Date.now()): Promise<void> {
    const groups = new Map<string, Set<string>>();
    for (const d of docs)
      for (const key of lookupKeysOf(d)) {
        let ids = groups.get(key);
        if (!ids) groups.set(key, (ids = new Set()));
        ids.add(d._id);
      }
    if (!groups.size) return;
    const keys = [...groups.keys()];
    let existing: string[] = [];
    try {
      await this.col.insertMany(
        keys.map((k) => ({ _id: k, ids: [...groups.get(k)!] })),
        { ordered: false },
      );
    } catch (err) {
      if (!onlyDuplicates(err)) throw err;
      const errors = writeErrorsOf(err);
      existing = errors.length ? errors.map((e) => keys[e.index]!) : keys;
    }
    // Chunks locked one after another (never two at once): the backfill's thousands of existing
    // records would otherwise hold, through one long bulkWrite, the day record every concurrent
    // intake batch needs.
    for (let i = 0; i < existing.length; i += LOCK_CHUNK) {
      const chunk = existing.slice(i, i + LOCK_CHUNK);
      const ops = chunk.map((k) => ({
        updateOne: {
          filter: { _id: k },
          update: { $addToSet: { ids: { $each: [...groups.get(k)!] } } },
          upsert: true,
        },
      }));
      await this.withLocks(chunk, async () => {
        try {
          await this.col.bulkWrite(ops, { ordered: false });
        } catch (err) {
          // FerretDB: an upsert that raced an insert of the same record loses with E11000; the
          // record exists now, and $addToSet makes the second try harmless.
          if (!onlyDuplicates(err)) throw err;
          await this.col.bulkWrite(ops, { ordered: false });
        }
      });
    }
    // Days go in the sweep's list after their record, so the sweep never drops a day whose
    // record is being written (it drops a day only with its record, both locked, when empty).
    const days = keys.filter((k) => k.startsWith('d:')).map((k) => k.slice(2));
    // The sweep never drops yesterday or later (retention is at least a day); an older day it may
    // have dropped since this process listed it, and a late feedback (a kiosk's answer from weeks
    // ago, a replayed job) must put it back.
    const yesterday = localBuckets(new Date(now - DAY_MS)).day;
    for (const day of this.listed) if (day < yesterday) this.listed.delete(day);
    const unlisted = days.filter((day) => !this.listed.has(day));
    if (unlisted.length) {
      await this.withLocks([DAYS], () =>
        this.col.updateOne(
          { _id: DAYS },
          { $addToSet: { days: { $each: unlisted } } },
          { upsert: true },
        ),
      );
      for (const day of unlisted) if (day >= yesterday) this.listed.add(day);
    }
  }

  /** The tracking codes a record lists. */
  async ids(key: string): Promise<string[]> {
    const rec = await this.col.findOne({ _id: key }, { projection: { ids: 1 } });
    return rec?.ids ?? [];
  }

  /** Every day that has a `d:` record. */
  async days(): Promise<string[]> {
    const rec = await this.col.findOne({ _id: DAYS }, { projection: { days: 1 } });
    return [...(rec?.days ?? [])].sort();
  }

  /**
   * Takes ids out of records (erased, or no longer holding personal data); a record left empty is
   * deleted. A `d:` record in `dropDays` left empty also leaves the `days` list.
   */
  async remove(byKey: Map<string, string[]>, dropDays: Set<string> = new Set()): Promise<void> {
    await Promise.all(
      [...byKey].map(([key, ids]) => {
        if (!ids.length) return Promise.resolve();
        const day = key.startsWith('d:') ? key.slice(2) : null;
        const drop = day !== null && dropDays.has(day);
        return this.withLocks(drop ? [key, DAYS] : [key], async () => {
          const after = await this.col.findOneAndUpdate(
            { _id: key },
            { $pullAll: { ids } },
            { returnDocument: 'after' },
          );
          if (after && !after.ids?.length) {
            // Safe under the lock: nobody else updates it, and an insert fails while it exists.
            await this.col.deleteOne({ _id: key });
            if (drop) await this.col.updateOne({ _id: DAYS }, { $pull: { days: day } });
          }
        });
      }),
    );
  }

  /** Drops a day whose record is gone (or empty) from the `days` list. */
  async dropDayIfEmpty(day: string): Promise<void> {
    await this.withLocks([dayKey(day), DAYS], async () => {
      const rec = await this.col.findOne({ _id: dayKey(day) }, { projection: { ids: 1 } });
      if (rec?.ids?.length) return;
      if (rec) await this.col.deleteOne({ _id: dayKey(day) });
      await this.col.updateOne({ _id: DAYS }, { $pull: { days: day } });
    });
  }

  /**
   * Writes a feedback's contact-number hash, and keeps it only while the feedback still holds the
   * contact number read: an erasure between the read and this write must not get the hash back.
   * False: it no longer held it (the hash is taken out again). FerretDB scans the collection for
   * any filter but a lone `_id` (docs/storage.md), so instead of filtering on the number the write
   * is checked by reading the feedback again: an erasure before that read is seen (and its hash
   * removed), one after it removes the hash itself.
   */
  protected async setContactHash(id: string, sealed: string, hash: string): Promise<boolean> {
    const Feedback = this.conn.collection<LookupSource>('feedback');
    await Feedback.updateOne({ _id: id }, { $set: { 'meta.contactPhoneHash': hash } });
    const now = await Feedback.findOne({ _id: id }, { projection: { meta: 1 } });
    if (now?.meta?.contactPhoneSealed === sealed) return true;
    if (now?.meta?.contactPhoneHash === hash)
      await Feedback.updateOne({ _id: id }, { $unset: { 'meta.contactPhoneHash': '' } });
    return false;
  }

  /**
   * A feedback read by the backfill, given its contact-number hash if it has none; null when it
   * holds no personal data (any more) and so goes in no record.
   */
  private async withHash(vault: PiiVault, read: LookupSource): Promise<LookupSource | null> {
    let d: LookupSource | null = read;
    for (let attempt = 1; d && holdsPersonalData(d); attempt++) {
      const sealed = d.meta?.contactPhoneSealed;
      const hash = sealed ? contactPhoneHashOf(vault, sealed) : null;
      if (!sealed || !hash || hash === d.meta?.contactPhoneHash) return d;
      if (await this.setContactHash(d._id, sealed, hash))
        return { ...d, meta: { ...d.meta, contactPhoneHash: hash } };
      // Changed since it was read (erased, or re-sealed by `pii:rotate`): read it again.
      if (attempt === 3) return d;
      d = await this.conn
        .collection<LookupSource>('feedback')
        .findOne({ _id: d._id }, { projection: { receivedAt: 1, sender: 1, meta: 1 } });
    }
    return null;
  }

  /**
   * The backfill: reads every feedback once (the only full scan), gives each that holds personal
   * data its contact-number hash if it has none, puts it in its records, and records that it is
   * done. Idempotent, and safe while the platform runs. `npm run privacy:reindex` runs it and marks
   * the records final; `auto` (the first erasure or sweep on a database never backfilled, and the
   * nightly sweep while that state is automatic) marks them automatic, from `autoSince` (the first
   * automatic run; now when not given), or final once `AUTO_BACKFILL_WINDOW_MS` has passed since.
   */
  async backfill(
    vault: PiiVault,
    now = new Date(),
    opts: { auto?: boolean; autoSince?: Date } = {},
  ): Promise<{ read: number; listed: number; final: boolean }> {
    const Feedback = this.conn.collection<LookupSource>('feedback');
    let read = 0;
    let listed = 0;
    const pending: LookupSource[] = [];
    const flush = async () => {
      listed += pending.length;
      await this.add(pending.splice(0));
    };
    const cursor = Feedback.find(
      {},
      { projection: { receivedAt: 1, sender: 1, meta: 1 }, batchSize: 1000 },
    );
    for await (const found of cursor) {
      read++;
      const d = await this.withHash(vault, found);
      if (!d) continue;
      pending.push({
        _id: d._id,
        receivedAt: d.receivedAt,
        sender: { idSealed: d.sender?.idSealed, idHash: d.sender?.idHash },
        meta: {
          contactPhoneSealed: d.meta?.contactPhoneSealed,
          contactPhoneHash: d.meta?.contactPhoneHash,
          chatTag: d.meta?.chatTag,
        },
      });
      // Large groups: a sender seen twice in one group costs one write, not two (the writes
      // themselves are locked LOCK_CHUNK records at a time, see add).
      if (pending.length >= 20_000) await flush();
    }
    await flush();
    const since = opts.autoSince ?? now;
    const final = !opts.auto || now.getTime() - since.getTime() >= AUTO_BACKFILL_WINDOW_MS;
    if (final)
      await this.col.updateOne(
        { _id: STATE },
        { $set: { backfilledAt: now, backfilled: listed }, $unset: { auto: '', autoSince: '' } },
        { upsert: true },
      );
    else {
      // Never over a final state (a `privacy:reindex` that finished meanwhile). Read, then written
      // by `_id` alone (any other filter scans every record): a reindex that ends in between is
      // marked automatic, which only costs more nightly backfills.
      const state = await this.col.findOne(
        { _id: STATE },
        { projection: { backfilledAt: 1, auto: 1 } },
      );
      if (!state?.backfilledAt || state.auto)
        await this.col.updateOne(
          { _id: STATE },
          { $set: { backfilledAt: now, backfilled: listed, auto: true, autoSince: since } },
          { upsert: true },
        );
    }
    return { read, listed, final };
  }

  /**
   * Erasure must not rely on records that were never written: backfills a database never
   * backfilled (automatically, see backfill), and, for the nightly sweep (`rerun`), again while
   * the backfill is automatic, the last time as final. Returns the state the erasure runs on.
   */
  async ensureBackfilled(
    vault: PiiVault,
    opts: { rerun?: boolean; now?: Date } = {},
  ): Promise<BackfillState> {
    const now = opts.now ?? new Date();
    const state = await this.col.findOne(
      { _id: STATE },
      { projection: { backfilledAt: 1, auto: 1, autoSince: 1 } },
    );
    if (state?.backfilledAt && !state.auto)
      return { backfilledAt: state.backfilledAt, final: true };
    if (state?.backfilledAt && !opts.rerun)
      return { backfilledAt: state.backfilledAt, final: false };
    const r = await this.backfill(vault, now, {
      auto: true,
      autoSince: state?.backfilledAt ? (state.autoSince ?? state.backfilledAt) : now,
    });
    return { backfilledAt: now, final: r.final };
  }
}
