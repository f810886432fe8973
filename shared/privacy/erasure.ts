/**
 * Erasing citizens' personal data while the feedback and the statistics stay (docs/privacy.md):
 * a feedback loses its sender's sealed id and look-up hash, the contact number left in its meta
 * and its consent; the outbound messages to it lose their recipient hash; the chat and number
 * records, the bot's and SMS conversation markers in Redis and the dead-lettered jobs that name
 * the citizen go. Text, ratings, classification, history and rollups are untouched, so every
 * figure stays what it was.
 *
 * Used three ways: the nightly retention job (older than PII_RETENTION_DAYS), the admin action
 * `POST /api/v1/privacy/erasures` and `npm run erase` (by tracking code or number), both audited.
 *
 * FerretDB pushes down no filter but `_id` equality (docs/storage.md), so the feedback is found
 * through the look-up records (lookups.ts: per sender hash, per contact-number hash, per received
 * day), read by `_id`, and every write is by `_id`. A database whose feedback predates the records
 * is backfilled first (one full scan); while that backfill is automatic (mid roll-out an intake
 * worker of the previous release may still store unlisted feedback) the nightly sweep backfills
 * again, and every result says it may be incomplete (`complete: false`).
 */
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { localBuckets } from '../models/feedback.model';
import { toE164 } from '../phone';
import { senderHashInput, type PiiVault } from '../pii';
import { followupKey, threadKey as smsThreadKey } from '../sms-conversation';
import { telegramOwnerKey, telegramSessionKey, telegramThreadKey } from '../telegram-keys';
import {
  contactKey,
  contactPhoneHash,
  contactPhoneHashOf,
  dayKey,
  holdsPersonalData,
  lookupKeysOf,
  PrivacyLookups,
  senderKey,
} from './lookups';

export interface ErasureDeps {
  conn: Connection;
  redis: IORedis;
  vault: PiiVault;
  queuePrefix: string;
  /** The queues whose dead-lettered (failed) jobs may name a citizen: intake and notify. */
  queues: Queue[];
  /** The look-up records (built from conn, redis and queuePrefix when not given). */
  lookups?: PrivacyLookups;
}

/** What an erasure touched: counts only, never an identifier. */
export interface ErasureResult {
  feedback: number;
  outbound: number;
  contacts: number;
  chats: number;
  jobs: number;
  markers: number;
  /**
   * False while the look-up records are provisional (an automatic backfill, younger than two days,
   * docs/privacy.md#look-up-records): feedback an intake worker of the previous release stored
   * since that backfill may not have been found. `npm run privacy:reindex` makes them final.
   */
  complete: boolean;
}

interface SenderFields {
  _id: string;
  receivedAt?: Date;
  sender?: { kind?: string; idSealed?: string; idHash?: string };
  meta?: { contactPhoneSealed?: string; contactPhoneHash?: string; chatTag?: string };
  replies?: { id: string }[];
  piiErasedAt?: Date;
}

const PROJECTION = { receivedAt: 1, sender: 1, meta: 1, replies: 1, piiErasedAt: 1 } as const;

const empty = (): ErasureResult => ({
  feedback: 0,
  outbound: 0,
  contacts: 0,
  chats: 0,
  jobs: 0,
  markers: 0,
  complete: true,
});

/** The clear identifiers of a feedback (to find the failed jobs naming them), best effort. */
function clearIds(vault: PiiVault, d: SenderFields): string[] {
  const out: string[] = [];
  for (const sealed of [d.sender?.idSealed, d.meta?.contactPhoneSealed]) {
    if (!sealed) continue;
    try {
      out.push(vault.decrypt(sealed));
    } catch {
      // Sealed with a key no longer held: nothing to match jobs with, still erased below.
    }
  }
  return out;
}

/** Erases the personal data of the given feedback documents (already read with PROJECTION). */
async function eraseDocs(
  deps: ErasureDeps,
  docs: SenderFields[],
  at: Date,
  result: ErasureResult,
): Promise<{ ids: Set<string>; hashes: Set<string>; codes: Set<string> }> {
  const Feedback = deps.conn.collection<SenderFields>('feedback');
  const Outbound = deps.conn.collection<{ _id: string }>('outbound_messages');
  const ids = new Set<string>();
  const hashes = new Set<string>();
  const codes = new Set<string>();
  for (const d of docs) {
    codes.add(d._id);
    if (d.sender?.idHash) hashes.add(d.sender.idHash);
    for (const id of clearIds(deps.vault, d)) ids.add(id);
    if (!holdsPersonalData(d)) continue;
    await Feedback.updateOne(
      { _id: d._id },
      {
        $unset: {
          'sender.idSealed': '',
          'sender.idHash': '',
          'meta.contactPhoneSealed': '',
          'meta.contactPhoneHash': '',
          'meta.chatTag': '',
        },
        $set: { 'sender.consentToContact': false, piiErasedAt: at },
      },
    );
    result.feedback++;
    for (const reply of d.replies ?? []) {
      const r = await Outbound.updateOne(
        { _id: reply.id },
        { $set: { toHash: 'erased', piiErasedAt: at } },
      );
      result.outbound += r.modifiedCount;
    }
  }
  return { ids, hashes, codes };
}

/** The chat and number records and the Redis markers of the erased senders. */
async function eraseRecords(
  deps: ErasureDeps,
  found: { hashes: Set<string>; codes: Set<string> },
  result: ErasureResult,
): Promise<void> {
  const Contacts = deps.conn.collection<{ _id: string; optedOut?: boolean }>('sms_contacts');
  const Chats = deps.conn.collection<{ _id: string }>('telegram_chats');
  const keys: string[] = [];
  for (const hash of found.hashes) {
    // A number that sent STOP keeps its opt-out (a hash, no number): it must never be texted again.
    const c = await Contacts.findOne({ _id: hash });
    if (c && !c.optedOut) result.contacts += (await Contacts.deleteOne({ _id: hash })).deletedCount;
    result.chats += (await Chats.deleteOne({ _id: hash })).deletedCount;
    keys.push(
      telegramSessionKey(deps.queuePrefix, hash),
      telegramThreadKey(deps.queuePrefix, hash),
      smsThreadKey(deps.queuePrefix, hash),
      followupKey(deps.queuePrefix, hash),
    );
  }
  for (const code of found.codes) keys.push(telegramOwnerKey(deps.queuePrefix, code));
  for (let i = 0; i < keys.length; i += 500)
    result.markers += await deps.redis.del(...keys.slice(i, i + 500));
}

/** Removes dead-lettered jobs that carry one of the identifiers or tracking codes. */
async function eraseJobs(
  deps: ErasureDeps,
  found: { ids: Set<string>; codes: Set<string> },
  result: ErasureResult,
): Promise<void> {
  if (!found.ids.size && !found.codes.size) return;
  for (const queue of deps.queues) {
    const doomed = [];
    for (let start = 0; ; start += 500) {
      const jobs = await queue.getFailed(start, start + 499);
      for (const job of jobs) {
        if (!job) continue;
        const data = job.data as {
          trackingCode?: string;
          sender?: { id?: string };
          toSealed?: string;
        };
        let names = Boolean(data.trackingCode && found.codes.has(data.trackingCode));
        for (const sealed of [data.sender?.id, data.toSealed]) {
          if (names || !sealed) continue;
          try {
            names = found.ids.has(deps.vault.decrypt(sealed));
          } catch {
            // Another key's value: it cannot be this citizen's as we know them.
          }
        }
        if (names) doomed.push(job);
      }
      if (jobs.length < 500) break;
    }
    for (const job of doomed) {
      await job.remove();
      result.jobs++;
    }
  }
}

/** Runs fn over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Feedback read by `_id` (the only filter FerretDB answers from an index), missing ones left out. */
async function fetchByIds(deps: ErasureDeps, ids: string[]): Promise<SenderFields[]> {
  const Feedback = deps.conn.collection<SenderFields>('feedback');
  const out: SenderFields[] = [];
  await eachLimited(ids, 16, async (id) => {
    const d = await Feedback.findOne({ _id: id }, { projection: PROJECTION });
    if (d) out.push(d);
  });
  return out;
}

const lookupsOf = (deps: ErasureDeps) =>
  deps.lookups ?? new PrivacyLookups(deps.conn, deps.redis, deps.queuePrefix);

/** Adds ids to a removal plan: record key → ids to take out of it. */
function plan(into: Map<string, string[]>, key: string, id: string) {
  const ids = into.get(key);
  if (ids) ids.push(id);
  else into.set(key, [id]);
}

/**
 * A citizen's data, on request, found by a tracking code (the sender of that feedback: all their
 * feedback goes, not only this one) or by a phone number (everything sent from it or left as a
 * contact number, verified or not). The feedback is found through the look-up records of the
 * sender hashes and the contact-number hash, each read by `_id`; a database never backfilled is
 * backfilled first, so nothing stored before the records existed is missed (`complete` false while
 * that backfill is provisional).
 */
export async function eraseCitizen(
  deps: ErasureDeps,
  by: { trackingCode: string } | { phone: string },
  at = new Date(),
): Promise<ErasureResult> {
  const result = empty();
  const Feedback = deps.conn.collection<SenderFields>('feedback');
  const lookups = lookupsOf(deps);
  let phone: string | null = null;
  if (!('trackingCode' in by)) {
    phone = toE164(by.phone);
    if (!phone) throw new Error('not a phone number');
  }
  result.complete = (await lookups.ensureBackfilled(deps.vault)).final;
  const match = new Set<string>(); // look-up hashes of the citizen
  let contact: string | null = null; // the keyed hash of the citizen's number as a contact number
  let direct: SenderFields | null = null;
  if ('trackingCode' in by) {
    direct = await Feedback.findOne({ _id: by.trackingCode }, { projection: PROJECTION });
    if (!direct) return result;
    if (direct.sender?.idHash) match.add(direct.sender.idHash);
    if (direct.meta?.contactPhoneSealed) {
      try {
        phone = toE164(deps.vault.decrypt(direct.meta.contactPhoneSealed, 'phone'));
      } catch {
        phone = null;
      }
    }
    if (direct.meta?.contactPhoneHash) contact = direct.meta.contactPhoneHash;
  }
  if (phone) {
    match.add(deps.vault.hash(senderHashInput('phone', phone)));
    match.add(deps.vault.hash(senderHashInput('phone', phone, false)));
    contact = contactPhoneHash(deps.vault, phone);
  }
  const keys = [...[...match].map(senderKey), ...(contact ? [contactKey(contact)] : [])];
  const listed = new Set<string>();
  for (const key of keys) for (const id of await lookups.ids(key)) listed.add(id);
  if (direct) listed.delete(direct._id);
  const mine = (d: SenderFields) => {
    if (d.sender?.idHash && match.has(d.sender.idHash)) return true;
    if (!contact) return false;
    // The hash alone (its number erased, the hash left by a lost race) is still this citizen's.
    const hash =
      d.meta?.contactPhoneHash ??
      (d.meta?.contactPhoneSealed
        ? contactPhoneHashOf(deps.vault, d.meta.contactPhoneSealed)
        : null);
    return hash === contact;
  };
  const removal = new Map<string, string[]>();
  const docs: SenderFields[] = direct ? [direct] : [];
  for (const d of await fetchByIds(deps, [...listed])) {
    if (mine(d)) docs.push(d);
    // Listed but no longer this citizen's (erased before): out of the records read.
    else for (const key of keys) plan(removal, key, d._id);
  }
  // Erased: out of every record it was in (its sender's, its contact number's, its day's).
  for (const d of docs) for (const key of lookupKeysOf(d)) plan(removal, key, d._id);
  const found = await eraseDocs(deps, docs, at, result);
  await lookups.remove(removal);
  for (const h of match) found.hashes.add(h);
  if (phone) found.ids.add(phone);
  await eraseRecords(deps, found, result);
  await eraseJobs(deps, found, result);
  return result;
}

/**
 * The retention sweep: personal data of feedback received more than `days` days ago, records of
 * chats and numbers not seen for that long (opt-outs kept), and dead-lettered jobs older than
 * that. Run nightly by the staff-jobs queue; `days` 0 erases nothing. The feedback is found
 * through the day records (every day up to the cutoff's), read by `_id`; a day left with nothing
 * to erase leaves the list. While the look-up records are provisional (an automatic backfill) the
 * sweep backfills again first, and marks them final once that backfill is two days old.
 */
export async function eraseExpired(
  deps: ErasureDeps,
  days: number,
  now = Date.now(),
): Promise<ErasureResult> {
  const result = empty();
  if (days <= 0) return result;
  const cutoff = now - days * 86_400_000;
  const at = new Date(now);
  const lookups = lookupsOf(deps);
  // While the backfill is automatic, backfilled again first (one full read, at night).
  result.complete = (await lookups.ensureBackfilled(deps.vault, { rerun: true, now: at })).final;
  const cutoffDay = localBuckets(new Date(cutoff)).day;
  for (const day of await lookups.days()) {
    if (day > cutoffDay) break;
    const whole = day < cutoffDay; // every feedback of the day is past the cutoff
    const ids = await lookups.ids(dayKey(day));
    if (!ids.length && whole) await lookups.dropDayIfEmpty(day);
    for (let i = 0; i < ids.length; i += 500) {
      const docs = await fetchByIds(deps, ids.slice(i, i + 500));
      const removal = new Map<string, string[]>();
      const old: SenderFields[] = [];
      for (const d of docs) {
        if (!holdsPersonalData(d))
          plan(removal, dayKey(day), d._id); // erased on request
        else if (d.receivedAt && d.receivedAt.getTime() < cutoff) {
          old.push(d);
          for (const key of lookupKeysOf(d)) plan(removal, key, d._id);
        }
      }
      const found = await eraseDocs(deps, old, at, result);
      // Codes only: the markers of old feedback (their chats may have written since).
      for (const code of found.codes)
        result.markers += await deps.redis.del(telegramOwnerKey(deps.queuePrefix, code));
      await lookups.remove(removal, whole ? new Set([day]) : new Set());
    }
  }
  const before = new Date(cutoff);
  const Contacts = deps.conn.collection<{ _id: string; optedOut?: boolean; updatedAt?: Date }>(
    'sms_contacts',
  );
  for await (const c of Contacts.find({}, { projection: { optedOut: 1, updatedAt: 1 } }))
    if (!c.optedOut && c.updatedAt && c.updatedAt < before)
      result.contacts += (await Contacts.deleteOne({ _id: c._id })).deletedCount;
  const Chats = deps.conn.collection<{ _id: string; updatedAt?: Date }>('telegram_chats');
  for await (const c of Chats.find({}, { projection: { updatedAt: 1 } }))
    if (c.updatedAt && c.updatedAt < before)
      result.chats += (await Chats.deleteOne({ _id: c._id })).deletedCount;
  for (const queue of deps.queues)
    result.jobs += (await queue.clean(days * 86_400_000, 100_000, 'failed')).length;
  return result;
}

/** Masks a number for the audit log: an erasure is recorded without the data it erased. */
export function erasureTarget(by: { trackingCode: string } | { phone: string }): string {
  if ('trackingCode' in by) return `feedback:${by.trackingCode}`;
  const e164 = toE164(by.phone) ?? by.phone;
  return `phone:…${e164.replace(/\D/g, '').slice(-2)}`;
}
