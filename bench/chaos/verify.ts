/**
 * What the chaos run must prove once the backlog has drained:
 * - every request answered with a receipt or a 2xx is stored exactly once: its external id (as
 *   the worker stores it) is in exactly one feedback — as the document's own `externalId` or as a
 *   thread piece in its `parts` — and that feedback is the one whose tracking code the answer gave;
 * - no (channel, external id) is stored twice at all, accepted or not;
 * - the SMS spools are empty; no job is in the failed (dead-letter) set of intake or notify;
 * - the rollups equal a recount of the feedback (rollupDifferences: zero buckets differ).
 * FerretDB pushes down only `_id` filters, so the feedback is read with one scan and the maps are
 * built in memory.
 */
import type { Queue } from 'bullmq';
import type { Connection } from 'mongoose';
import type { Channel } from '../../shared/intake-envelope.schema';
import { feedbackModel } from '../../shared/models/feedback.model';
import { rollupModel } from '../../shared/models/rollup.model';
import type { PiiVault } from '../../shared/pii';
import type { TrackingCodes } from '../../shared/tracking-code';
import { storedExternalId } from '../../workers/intake/intake.worker';
import { rollupDifferences } from '../../workers/intake/rollup-recount';
import type { Sent } from './load';

export interface Problem {
  kind: string;
  channel?: Channel;
  id?: string;
  detail?: string;
}

export interface Verification {
  ok: boolean;
  stored: { documents: number; threadPieces: number; byChannel: Record<string, number> };
  accepted: number;
  acceptedStoredOnce: number;
  /** Requests never accepted (lost at the edge) that were stored anyway (allowed: a lost answer). */
  notAcceptedButStored: number;
  /** Stored items no request of the run explains (must be 0). */
  unexplained: number;
  duplicates: number;
  missing: number;
  wrongFeedback: number;
  /** Telegram updates whose receipts named two different codes. */
  inconsistentReceipts: number;
  spool: { entries: number[]; tmp: number[] };
  deadLetters: Record<string, { id: string; reason: string }[]>;
  rollups: { days: string[]; bucketsDiffering: number; differences: unknown[] };
  problems: Problem[];
}

export async function verifyRun(deps: {
  conn: Connection;
  vault: PiiVault;
  codes: TrackingCodes;
  sent: Sent[];
  /** Telegram receipts by `<chat_id>:<message_id>` (the fake Bot API's record). */
  telegramReceipts: Map<string, string[]>;
  spool: { entries: number[]; tmp: number[] };
  queues: { intake: Queue; notify: Queue };
}): Promise<Verification> {
  const Feedback = feedbackModel(deps.conn);
  const problems: Problem[] = [];
  const where = new Map<string, string[]>(); // `${channel}\0${stored externalId}` → feedback ids
  const byChannel: Record<string, number> = {};
  const days = new Set<string>();
  let documents = 0;
  let threadPieces = 0;
  const cursor = Feedback.collection
    .find({}, { projection: { _id: 1, channel: 1, externalId: 1, parts: 1, day: 1 } })
    .batchSize(5000);
  for await (const raw of cursor) {
    const d = raw as unknown as {
      _id: string;
      channel: string;
      externalId: string;
      parts?: string[];
      day: string;
    };
    documents++;
    byChannel[d.channel] = (byChannel[d.channel] ?? 0) + 1;
    days.add(d.day);
    for (const ext of [d.externalId, ...(d.parts ?? [])]) {
      const key = `${d.channel}\u0000${ext}`;
      const list = where.get(key) ?? [];
      list.push(d._id);
      where.set(key, list);
    }
    threadPieces += d.parts?.length ?? 0;
  }

  let accepted = 0;
  let acceptedStoredOnce = 0;
  let notAcceptedButStored = 0;
  let missing = 0;
  let wrongFeedback = 0;
  let inconsistentReceipts = 0;
  const explained = new Set<string>();
  for (const s of deps.sent) {
    const key = `${s.channel}\u0000${storedExternalId(s.channel, s.externalId, deps.vault)}`;
    explained.add(key);
    const found = where.get(key) ?? [];
    if (s.outcome !== 'accepted') {
      if (found.length) notAcceptedButStored++;
      continue;
    }
    accepted++;
    let code = s.code;
    if (s.channel === 'telegram') {
      const codes = [...new Set(deps.telegramReceipts.get(s.externalId) ?? [])];
      if (codes.length > 1) {
        inconsistentReceipts++;
        problems.push({
          kind: 'inconsistent_receipts',
          channel: s.channel,
          id: s.id,
          detail: codes.join(','),
        });
      }
      code = codes[0];
    }
    // Kiosk answers carry no code: it is the one derived from the response id.
    if (s.channel === 'kiosk') code = deps.codes.derive('kiosk', s.externalId);
    if (found.length === 0) {
      missing++;
      problems.push({ kind: 'missing', channel: s.channel, id: s.id, detail: code });
    } else if (found.length === 1) {
      if (code && found[0] !== code) {
        wrongFeedback++;
        problems.push({
          kind: 'stored_in_other_feedback',
          channel: s.channel,
          id: s.id,
          detail: `receipt ${code}, stored in ${found[0]}`,
        });
      } else acceptedStoredOnce++;
    }
  }
  let duplicates = 0;
  let unexplained = 0;
  for (const [key, ids] of where) {
    const [channel, ext] = key.split('\u0000') as [Channel, string];
    if (ids.length > 1) {
      duplicates++;
      problems.push({ kind: 'duplicate', channel, id: ext, detail: ids.join(',') });
    }
    if (!explained.has(key)) {
      unexplained++;
      problems.push({ kind: 'unexplained', channel, id: ext, detail: ids.join(',') });
    }
  }

  const deadLetters: Verification['deadLetters'] = {};
  for (const [name, q] of Object.entries(deps.queues)) {
    const failed = await q.getFailed(0, 999);
    deadLetters[name] = failed.map((j) => ({ id: String(j.id), reason: j.failedReason }));
    if (failed.length) problems.push({ kind: 'dead_letters', detail: `${name}: ${failed.length}` });
  }
  const spoolLeft = deps.spool.entries.reduce((a, b) => a + b, 0);
  if (spoolLeft) problems.push({ kind: 'spool_not_empty', detail: deps.spool.entries.join(',') });

  const dayList = [...days].sort();
  const diffs = await rollupDifferences({ Feedback, Rollup: rollupModel(deps.conn) }, dayList);
  if (diffs.length) problems.push({ kind: 'rollups_differ', detail: `${diffs.length} buckets` });

  const ok =
    missing === 0 &&
    duplicates === 0 &&
    wrongFeedback === 0 &&
    unexplained === 0 &&
    inconsistentReceipts === 0 &&
    spoolLeft === 0 &&
    Object.values(deadLetters).every((l) => l.length === 0) &&
    diffs.length === 0;
  return {
    ok,
    stored: { documents, threadPieces, byChannel },
    accepted,
    acceptedStoredOnce,
    notAcceptedButStored,
    unexplained,
    duplicates,
    missing,
    wrongFeedback,
    inconsistentReceipts,
    spool: deps.spool,
    deadLetters,
    rollups: { days: dayList, bucketsDiffering: diffs.length, differences: diffs.slice(0, 20) },
    problems: problems.slice(0, 200),
  };
}
