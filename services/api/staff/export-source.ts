/**
 * Where the rows of a CSV export (export.routes.ts) come from, and what reading them cost.
 *
 * - A bounded export (`from` and `to`, at most MAX_BOUNDED_DAYS days) reads only the period's
 *   documents, by `_id`: the one filter FerretDB 1.24 pushes down to SQLite. The report days
 *   (shared/reports/report-days.ts) name each day's rollup buckets; a bucket whose center, service
 *   and channel cannot match the filter and the caller's scope is skipped unread (the same
 *   predicate as the queue's, so a center manager reads only their centers' buckets); each other
 *   bucket's entries (`c`, shared/models/rollup.model.ts) list the tracking codes it counts
 *   (`code=v`, v >= 0; a negative entry is a document that moved to another bucket, where it is
 *   listed again). The documents are read by `_id`, PARALLEL at a time; each day's come out in
 *   order of receipt, and the days in order, so a bounded export is in order of receipt. One day's
 *   documents are held at a time (for the sort).
 * - Anything else (no `from` or no `to`, or a longer period) is one cursor over the collection,
 *   which FerretDB answers by reading every stored document.
 *
 * A bucket's counters and its entries change in one write, so a bucket counts exactly the entries
 * it lists — except for feedback counted before entries existed. When a bucket counts more than it
 * lists, the export reads the rest of the period, from that day on, with the scan (`scanFrom`),
 * rather than miss rows. Whatever read a document, the queue predicate (`keep`, applied by the
 * route) decides whether it is a row.
 */
import mongoose from 'mongoose';
import type { FeedbackDoc, FeedbackModel } from '../../../shared/models/feedback.model';
import {
  parseEntries,
  rollupId,
  UNKNOWN_CODE,
  type RollupModel,
} from '../../../shared/models/rollup.model';
import { daysOf } from '../../../shared/reports/metrics';
import { pool, type ReportDays, type Row } from '../../../shared/reports/report-days';
import { EXPORT_PROJECTION } from '../../../shared/staff/feedback-export';
import { buildQueueFilter, type QueueQuery } from '../../../shared/staff/queue-query';
import { provinceOf, type Scope } from '../../../shared/staff/roles';
import { vientianeDayRange } from '../../../shared/staff/vientiane-days';

/** Longer bounded periods are scanned: three years of days cost more than they spare. */
export const MAX_BOUNDED_DAYS = 1096;
/** Look-ups by _id in flight at once (buckets, then documents). */
const PARALLEL = 16;
/** Documents per cursor batch of the scan (one getMore each). */
const BATCH = 500;
/** Documents read between two checks that the client is still there. */
const READ_CHUNK = 256;
/** Report days loaded at once. */
const LOAD_DAYS = 8;
/** Refreshes of the report days before reading (each applies up to 5,000 marks). */
const REFRESH_ROUNDS = 3;
const DAY_MS = 86_400_000;

/** What an export read, as its audit entry records it. */
export interface ExportRead {
  via: 'days' | 'scan';
  /** Feedback documents the database sent. */
  documents: number;
  /** Rollup buckets whose entries were read. */
  buckets: number;
  /** The first day read with the scan after all (a bucket counted more than it lists). */
  scanFrom?: string;
}

export interface ExportSourceDeps {
  Feedback: FeedbackModel;
  /** With `Rollup`: bounded exports read by day. Without: every export scans. */
  days?: Pick<ReportDays, 'refresh' | 'load'>;
  Rollup?: RollupModel;
}

export interface ExportSource {
  read: ExportRead;
  /** The documents to filter and write; ending it early (break, return) stops the reads. */
  docs: AsyncGenerator<FeedbackDoc, void, undefined>;
}

/** The receivedAt range of from/to, sent with the scan (the predicate checks it again). */
function receivedRange(from?: string, to?: string): Record<string, unknown> {
  const range: Record<string, Date> = {};
  if (from) range.$gte = vientianeDayRange(from).start;
  if (to) range.$lt = vientianeDayRange(to).end;
  // Operators built here from validated days only (sanitizeFilter would neutralise them).
  return Object.keys(range).length ? { receivedAt: mongoose.trusted(range) } : {};
}

async function* scan(
  Feedback: FeedbackModel,
  read: ExportRead,
  from?: string,
  to?: string,
): AsyncGenerator<FeedbackDoc, void, undefined> {
  const cursor = Feedback.find(receivedRange(from, to), EXPORT_PROJECTION)
    .lean<FeedbackDoc[]>()
    .cursor({ batchSize: BATCH });
  try {
    for await (const doc of cursor) {
      read.documents++;
      yield doc as FeedbackDoc;
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

/**
 * Whether a bucket's documents can match: the queue predicate, given only what a bucket's key
 * says (center, its province, service, channel) and the scope. `_unknown` is a missing code.
 */
export function bucketFilter(scope: Scope, q: QueueQuery): (r: Row) => boolean {
  const { center, province, service, channel } = q;
  const f = buildQueueFilter(
    scope,
    { center, province, service, channel, sort: 'received', limit: 1 },
    '',
    0,
  );
  const known = (code: string) => (code === UNKNOWN_CODE ? null : code);
  return (r) => {
    const ce = known(r.center);
    return f.keep({
      c: '',
      ce,
      pr: provinceOf(ce),
      sv: known(r.service),
      ch: r.channel,
      k: null,
      tp: [],
      st: 'new',
      r: null,
      ra: 0,
      du: null,
      nt: false,
      as: null,
      sa: 0,
      x: '',
      t: '',
    });
  };
}

/** The codes the buckets of one day list, or null when a bucket counts more than it lists. */
async function listed(
  Rollup: RollupModel,
  day: string,
  rows: Row[],
  read: ExportRead,
): Promise<string[] | null> {
  const ids = rows.map((r) =>
    rollupId({ day, centerCode: r.center, serviceCode: r.service, channel: r.channel }),
  );
  // `c` is left out of queries unless asked for (select: false); the driver call asks.
  const buckets = await pool(
    ids,
    PARALLEL,
    (id) =>
      Rollup.collection.findOne(
        { _id: id as never },
        { projection: { c: 1, count: 1 } },
      ) as Promise<{ c?: string; count?: number } | null>,
  );
  read.buckets += ids.length;
  // A document is listed once per day even while a move is half done (in two buckets).
  const codes = new Set<string>();
  for (const b of buckets) {
    if (!b) continue;
    let n = 0;
    for (const [code, v] of parseEntries(b.c))
      if (v >= 0) {
        codes.add(code);
        n++;
      }
    if (n < (b.count ?? 0)) return null;
  }
  return [...codes];
}

async function readDocs(
  Feedback: FeedbackModel,
  codes: string[],
  read: ExportRead,
  stop: () => boolean,
): Promise<FeedbackDoc[]> {
  const out: FeedbackDoc[] = [];
  for (let i = 0; i < codes.length && !stop(); i += READ_CHUNK) {
    const docs = await pool(codes.slice(i, i + READ_CHUNK), PARALLEL, (code) =>
      Feedback.findById(code, EXPORT_PROJECTION).lean<FeedbackDoc>(),
    );
    for (const doc of docs)
      if (doc) {
        read.documents++;
        out.push(doc);
      }
  }
  return out;
}

const byReceipt = (a: FeedbackDoc, b: FeedbackDoc) =>
  new Date(a.receivedAt).getTime() - new Date(b.receivedAt).getTime() ||
  (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

async function* byDay(
  deps: Required<ExportSourceDeps>,
  scope: Scope,
  q: QueueQuery & { from: string; to: string },
  read: ExportRead,
  stop: () => boolean,
): AsyncGenerator<FeedbackDoc, void, undefined> {
  // What changed since the last refresh is in the export (a bucket made since, above all).
  for (let i = 0; i < REFRESH_ROUNDS; i++) if ((await deps.days.refresh()).left === 0) break;
  const mayHold = bucketFilter(scope, q);
  const days = daysOf(q.from, q.to);
  for (let i = 0; i < days.length; i += LOAD_DAYS) {
    for (const { day, rows } of await deps.days.load(days.slice(i, i + LOAD_DAYS))) {
      if (stop()) return;
      const codes = await listed(deps.Rollup, day, rows.filter(mayHold), read);
      if (!codes) {
        read.scanFrom = day;
        yield* scan(deps.Feedback, read, day, q.to);
        return;
      }
      const docs = await readDocs(deps.Feedback, codes, read, stop);
      yield* docs.sort(byReceipt);
    }
  }
}

/** How many days [from, to] holds (0 when from is after to), without listing them. */
function dayCount(from: string, to: string): number {
  return Math.max(
    0,
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1,
  );
}

/**
 * The documents an export reads for this query: by day for a bounded period when the report days
 * are at hand, else the scan. `stop` is asked between reads (the client went away).
 */
export function exportSource(
  deps: ExportSourceDeps,
  scope: Scope,
  q: QueueQuery,
  stop: () => boolean,
): ExportSource {
  const { days, Rollup, Feedback } = deps;
  const { from, to } = q;
  if (days && Rollup && from && to && dayCount(from, to) <= MAX_BOUNDED_DAYS) {
    const read: ExportRead = { via: 'days', documents: 0, buckets: 0 };
    return {
      read,
      docs: byDay({ Feedback, days, Rollup }, scope, { ...q, from, to }, read, stop),
    };
  }
  const read: ExportRead = { via: 'scan', documents: 0, buckets: 0 };
  return { read, docs: scan(Feedback, read, from, to) };
}
