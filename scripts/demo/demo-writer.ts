/**
 * Writes the demo data (`npm run seed:demo`) the way the platform's own writers leave it, only in
 * bulk: feedback with insertMany (unordered, so a delivery already stored is skipped, as at
 * intake); each rollup bucket once, its counters and its entries string (`code=1,…`: every
 * document counted at version 1, exactly what the intake's bucket ops would have written) computed
 * in memory from the documents that were really inserted; the report days rebuilt from both by
 * `ReportDays.rebuildDays` (the nightly rebuild); the review queue's Redis index given every open
 * item and every item closed within QUEUE_KEEP_CLOSED_DAYS (the rule of `npm run queue:reindex`).
 *
 * A bucket that already exists (--append, or a worker writing while the seed runs) is merged under
 * the bucket's Redis lock — the lock every rollup writer takes — never overwritten.
 */
import type IORedis from 'ioredis';
import type { Connection, mongo } from 'mongoose';
import { seedCatalog, seedCenters, seedServices } from '../../shared/catalog/catalog';
import type { Config } from '../../shared/config';
import { catalogModels } from '../../shared/models/catalog.model';
import { feedbackModel, type FeedbackDoc } from '../../shared/models/feedback.model';
import {
  addCounts,
  bucketFields,
  countsOf,
  nestedCounts,
  rollupModel,
  tallyCounts,
  type RollupDoc,
} from '../../shared/models/rollup.model';
import { PiiVault } from '../../shared/pii';
import { markNotBackfilled } from '../../shared/privacy/lookups';
import { RedisLock } from '../../shared/redis-lock';
import type { Case } from '../../shared/reports/metrics';
import { caseOf, reportDayModel, reportDaysFor } from '../../shared/reports/report-days';
import { Deadlines } from '../../shared/staff/deadlines';
import { QueueIndex } from '../../shared/staff/queue-index';
import { queueEntry } from '../../shared/staff/queue-query';
import { isOpen } from '../../shared/staff/staff-status';
import { TrackingCodes } from '../../shared/tracking-code';
import { DemoFeedback } from './demo-feedback';
import { duplicateIndexes, writeBuckets, type Bucket } from './demo-rollups';
import { DemoStaffLife } from './demo-staff-life';

export interface SeedDemoDeps {
  conn: Connection;
  redis: IORedis;
  /** The deployment's QUEUE_PREFIX: the queue index, locks and report-day versions live under it. */
  prefix: string;
  config: Pick<
    Config,
    'piiKey' | 'complaintSlaDays' | 'slaDaysByService' | 'extraHolidays' | 'staff'
  >;
  log?: (line: string) => void;
}

export interface SeedDemoOptions {
  items: number;
  months: number;
  seed: number;
  /** Add to a database that already holds feedback. */
  append?: boolean;
  /** The demo's "now" (default: the real one). */
  now?: number;
  /** Documents per insertMany (1,000–5,000). */
  batchSize?: number;
}

export interface SeedDemoSummary {
  items: number;
  inserted: number;
  /** Deliveries already stored (the same seed appended twice): skipped, as at intake. */
  alreadyStored: number;
  buckets: number;
  bucketsMerged: number;
  reportDays: number;
  indexed: number;
  byChannel: Record<string, number>;
  byKind: Record<string, number>;
  complaints: { open: number; overdue: number; resolved: number };
  seconds: { feedback: number; rollups: number; reportDays: number; total: number };
  /** Feedback documents inserted per second of the whole run. */
  docsPerSec: number;
}

/** Thrown when the database already holds feedback and --append was not given. */
export class SeedRefused extends Error {
  override name = 'SeedRefused';
}

const secondsSince = (t: number) => +((performance.now() - t) / 1000).toFixed(1);

/** Creates the collections the demo writes (so FerretDB's `_id` indexes can be added to them). */
export async function prepareDemoCollections(conn: Connection): Promise<void> {
  await seedCatalog(catalogModels(conn));
  await Promise.all([
    feedbackModel(conn).init(),
    rollupModel(conn).init(),
    reportDayModel(conn).init(),
  ]);
}

export async function seedDemo(d: SeedDemoDeps, o: SeedDemoOptions): Promise<SeedDemoSummary> {
  const log = d.log ?? (() => undefined);
  const t0 = performance.now();
  const now = o.now ?? Date.now();
  const batchSize = Math.min(5000, Math.max(1000, o.batchSize ?? 2000));
  await prepareDemoCollections(d.conn);
  const Feedback = feedbackModel(d.conn);
  if (!o.append && (await Feedback.findOne({}, { _id: 1 }).lean()))
    throw new SeedRefused(
      'this database already holds feedback: seed:demo adds made-up data only to an empty one ' +
        '(give --append to add to it anyway, or point --db-url / MONGO_URL at another database)',
    );

  const deadlines = Deadlines.fromConfig(d.config);
  const gen = new DemoFeedback(
    { items: o.items, months: o.months, seed: o.seed, now },
    {
      vault: new PiiVault(d.config.piiKey),
      codes: new TrackingCodes(d.config.piiKey),
      deadlines,
      centers: seedCenters,
      services: seedServices,
    },
  );
  const life = new DemoStaffLife(gen.r, {
    deadlines,
    now,
    escalation: {
      managerAfterMs: d.config.staff.managerAfterS * 1000,
      taskforceAfterMs: d.config.staff.taskforceAfterS * 1000,
    },
    batch: `seed-demo-${o.seed}`,
  });
  const index = new QueueIndex(d.redis, d.prefix);
  const keepSince = now - d.config.staff.keepClosedDays * 86_400_000;
  const col = Feedback.collection as unknown as mongo.Collection<FeedbackDoc>;

  const buckets = new Map<string, Bucket>();
  const casesByDay = new Map<string, Case[]>();
  const s: SeedDemoSummary = {
    items: o.items,
    inserted: 0,
    alreadyStored: 0,
    buckets: 0,
    bucketsMerged: 0,
    reportDays: 0,
    indexed: 0,
    byChannel: {},
    byKind: {},
    complaints: { open: 0, overdue: 0, resolved: 0 },
    seconds: { feedback: 0, rollups: 0, reportDays: 0, total: 0 },
    docsPerSec: 0,
  };

  /** Counts what was really inserted, and indexes what staff work on. */
  const stored = async (docs: FeedbackDoc[]) => {
    const entries = [];
    for (const f of docs) {
      s.inserted++;
      s.byChannel[f.channel] = (s.byChannel[f.channel] ?? 0) + 1;
      const kind = f.kind?.code ?? 'none';
      s.byKind[kind] = (s.byKind[kind] ?? 0) + 1;
      const st = f.staffStatus ?? 'new';
      if (kind === 'complaint' && st !== 'spam' && st !== 'duplicate') {
        if (isOpen(st)) s.complaints.open++;
        if (isOpen(st) && f.slaDueAt && f.slaDueAt.getTime() < now) s.complaints.overdue++;
        if (f.resolvedAt && (st === 'resolved' || st === 'closed')) s.complaints.resolved++;
      }
      const b = f.counted!.b;
      let bucket = buckets.get(b);
      if (!bucket) buckets.set(b, (bucket = { counts: countsOf(null), codes: [] }));
      addCounts(bucket.counts, tallyCounts(f.counted!));
      bucket.codes.push(f._id);
      let cases = casesByDay.get(f.day);
      if (!cases) casesByDay.set(f.day, (cases = []));
      const c = caseOf(f, deadlines.calendar);
      if (c) cases.push(c);
      const wasRead = !!f.text || !!f.sender.idSealed;
      if (isOpen(st) || (wasRead && f.statusAt!.getTime() >= keepSince))
        entries.push(queueEntry(f));
    }
    await Promise.all(entries.map((e) => index.put(e, { onlyIfAbsent: true })));
    s.indexed += entries.length;
  };

  const insert = async (docs: FeedbackDoc[]) => {
    let duplicate = new Set<number>();
    try {
      await col.insertMany(docs, { ordered: false });
    } catch (err) {
      duplicate = new Set(duplicateIndexes(err));
    }
    s.alreadyStored += duplicate.size;
    await stored(docs.filter((_, i) => !duplicate.has(i)));
  };

  // Generate the next batch while two are being written (the store converts one while SQLite
  // writes the other).
  const writing: Promise<void>[] = [];
  let lastLog = performance.now();
  for (let start = 0; start < o.items; start += batchSize) {
    const docs: FeedbackDoc[] = [];
    const end = Math.min(o.items, start + batchSize);
    for (let i = start; i < end; i++) docs.push(life.apply(gen.next()));
    if (writing.length >= 2) await writing.shift();
    writing.push(insert(docs));
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(
        `  feedback ${s.inserted.toLocaleString('en')}/${o.items.toLocaleString('en')} ` +
          `(${Math.round(s.inserted / ((performance.now() - t0) / 1000))} docs/s)`,
      );
    }
  }
  await Promise.all(writing);
  // Erasure's look-up records are not written per batch (a demo sender recurs across batches, and
  // each recurrence would be a locked update): the first erasure or sweep backfills them.
  await markNotBackfilled(d.conn);
  s.seconds.feedback = secondsSince(t0);
  log(`feedback: ${s.inserted.toLocaleString('en')} inserted in ${s.seconds.feedback} s`);

  const t1 = performance.now();
  const merged = await writeBuckets(d, buckets, !!o.append);
  s.buckets = buckets.size;
  s.bucketsMerged = merged;
  s.seconds.rollups = secondsSince(t1);
  log(`rollups: ${s.buckets.toLocaleString('en')} buckets in ${s.seconds.rollups} s`);

  const t2 = performance.now();
  const reportDays = reportDaysFor(
    d.conn,
    d.redis,
    d.prefix,
    deadlines.calendar,
    new RedisLock(d.redis, d.prefix),
  );
  let rebuilt: { days: number; cases: number };
  if (o.append) {
    // The days already held other records: recompute them from a scan (slow on FerretDB), and mark
    // what was read so that a change the running platform made meanwhile is read again.
    rebuilt = casesByDay.size
      ? await reportDays.rebuildDays([...casesByDay.keys()], { remark: true })
      : { days: 0, cases: 0 };
  } else {
    // A fresh database holds exactly what is in memory: the days are written from it, as a scan
    // would compute them (test/seed-demo.test.ts compares the two).
    const rowsByDay = new Map<string, Partial<RollupDoc>[]>();
    for (const [id, b] of buckets) {
      const k = bucketFields(id);
      let rows = rowsByDay.get(k.day);
      if (!rows) rowsByDay.set(k.day, (rows = []));
      rows.push({ ...k, ...nestedCounts(b.counts) });
    }
    rebuilt = await reportDays.writeDays(
      [...casesByDay].map(([day, cases]) => ({ day, cases, buckets: rowsByDay.get(day) ?? [] })),
    );
  }
  buckets.clear();
  s.reportDays = rebuilt.days;
  s.seconds.reportDays = secondsSince(t2);
  log(
    `report days: ${rebuilt.days} days (${rebuilt.cases.toLocaleString('en')} cases) in ${s.seconds.reportDays} s`,
  );

  s.seconds.total = secondsSince(t0);
  s.docsPerSec = Math.round(s.inserted / Math.max(0.001, s.seconds.total));
  return s;
}
