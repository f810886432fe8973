/**
 * The headline figures of a period recomputed from the feedback documents themselves, by a scan:
 * the check on the report days (test/seed-demo.test.ts, bench/insight.ts) and the "naive" figure the
 * benchmark puts beside them. Never for a request: on FerretDB it reads every document.
 *
 * Same definitions (metrics.ts), other source: what each document counts is read from its content
 * (tallyOf, as the rollup recount reads it), its case made by caseOf; the totals are summed here,
 * not by figures.ts, so a fault in the rollups, the report days or their aggregation shows as a
 * difference.
 */
import mongoose from 'mongoose';
import type { FeedbackDoc, FeedbackModel } from '../models/feedback.model';
import { bucketFields, HELD_BUCKET, tallyOf } from '../models/rollup.model';
import { provinceOf } from '../staff/roles';
import type { WorkingCalendar } from '../staff/working-days';
import {
  caseFigures,
  emptyCounts,
  ratingAvg,
  satisfiedShare,
  type Case,
  type Counts,
} from './metrics';
import { CASE_FIELDS, caseOf } from './report-days';

/** The figures compared: per period, and per center for the league table. */
export interface ScannedLine {
  received: number;
  ratingAvg: number | null;
  satisfiedShare: number | null;
  complaints: { total: number; open: number; overdue: number; resolved: number };
  resolvedOnTimeShare: number | null;
}

export interface ScannedFigures {
  summary: ScannedLine;
  centers: Map<string, ScannedLine>;
  /** Documents of the period that passed the filter (FerretDB reads the whole collection). */
  scanned: number;
}

/** Which feedback counts (all-center scope): the report filters, by code. */
export interface ScanFilter {
  center?: string;
  province?: string;
  service?: string;
  channel?: string;
}

const FIELDS = { ...CASE_FIELDS, rating: 1, needsTriage: 1 } as const;

function line(c: Counts, cases: Case[], now: number): ScannedLine {
  const cf = caseFigures(cases, now);
  return {
    received: c.count,
    ratingAvg: ratingAvg(c),
    satisfiedShare: satisfiedShare(c),
    complaints: { total: cf.total, open: cf.open, overdue: cf.overdue, resolved: cf.resolved },
    resolvedOnTimeShare: cf.resolvedOnTimeShare,
  };
}

/** One period (days, Vientiane, inclusive) and filter to sum in a scan. */
export interface ScanPeriod {
  from: string;
  to: string;
  filter?: ScanFilter;
}

interface Sums {
  total: Counts;
  cases: Case[];
  byCenter: Map<string, { counts: Counts; cases: Case[] }>;
  matched: number;
}

function add(c: Counts, t: ReturnType<typeof tallyOf>): void {
  c.count++;
  if (t.rating) {
    c.ratingSum += t.rating;
    c.ratingCount++;
    c.ratings[t.rating - 1]!++;
  }
  if (t.complaint) c.complaints++;
  if (t.praise) c.praise++;
}

/**
 * Sums the figures of several periods in one pass over the feedback (a scan reads every document
 * on FerretDB, whatever the period: one pass serves them all), at `now`.
 */
export async function scanPeriods(
  Feedback: FeedbackModel,
  calendar: WorkingCalendar,
  periods: ScanPeriod[],
  now: number,
): Promise<ScannedFigures[]> {
  const sums: Sums[] = periods.map(() => ({
    total: emptyCounts(),
    cases: [],
    byCenter: new Map(),
    matched: 0,
  }));
  const from = periods.reduce((m, p) => (p.from < m ? p.from : m), periods[0]?.from ?? '');
  const to = periods.reduce((m, p) => (p.to > m ? p.to : m), periods[0]?.to ?? '');
  // Days are strings YYYY-MM-DD, compared as such; built here, so trusted past the sanitiser.
  const query = { day: mongoose.trusted({ $gte: from, $lte: to }) };
  for await (const raw of Feedback.find(query, FIELDS).lean<FeedbackDoc>().cursor({
    batchSize: 1000,
  })) {
    const f = raw as FeedbackDoc;
    // The bucket a document is counted in decides its center, service and channel, as in a row.
    const t = tallyOf(f);
    // Held feedback is in no official figure until released (as it is in no rollup).
    if (t.b === HELD_BUCKET) continue;
    const { centerCode, serviceCode, channel } = bucketFields(t.b);
    let k: Case | null | undefined;
    periods.forEach((p, i) => {
      const q = p.filter ?? {};
      if (f.day < p.from || f.day > p.to) return;
      if (q.center && centerCode !== q.center) return;
      if (q.province && provinceOf(centerCode) !== q.province) return;
      if (q.service && serviceCode !== q.service) return;
      if (q.channel && channel !== q.channel) return;
      const sum = sums[i]!;
      sum.matched++;
      let e = sum.byCenter.get(centerCode);
      if (!e) sum.byCenter.set(centerCode, (e = { counts: emptyCounts(), cases: [] }));
      add(sum.total, t);
      add(e.counts, t);
      if (k === undefined) k = caseOf(f, calendar);
      if (k) {
        e.cases.push(k);
        sum.cases.push(k);
      }
    });
  }
  return sums.map((sum) => ({
    summary: line(sum.total, sum.cases, now),
    centers: new Map([...sum.byCenter].map(([code, e]) => [code, line(e.counts, e.cases, now)])),
    scanned: sum.matched,
  }));
}

/** Scans the feedback of the days [from, to] (Vientiane, inclusive) and sums its figures at `now`. */
export async function scanFigures(
  Feedback: FeedbackModel,
  calendar: WorkingCalendar,
  from: string,
  to: string,
  filter: ScanFilter,
  now: number,
): Promise<ScannedFigures> {
  return (await scanPeriods(Feedback, calendar, [{ from, to, filter }], now))[0]!;
}

/** The fields of two lines that differ, as `field: a ≠ b` (empty when they agree). */
export function lineDifferences(a: ScannedLine, b: ScannedLine): string[] {
  const out: string[] = [];
  const same = (x: number | null, y: number | null) =>
    x === y || (x !== null && y !== null && Math.abs(x - y) < 1e-9);
  const check = (name: string, x: number | null, y: number | null) => {
    if (!same(x, y)) out.push(`${name}: ${x} ≠ ${y}`);
  };
  check('received', a.received, b.received);
  check('ratingAvg', a.ratingAvg, b.ratingAvg);
  check('satisfiedShare', a.satisfiedShare, b.satisfiedShare);
  check('complaints.total', a.complaints.total, b.complaints.total);
  check('complaints.open', a.complaints.open, b.complaints.open);
  check('complaints.overdue', a.complaints.overdue, b.complaints.overdue);
  check('complaints.resolved', a.complaints.resolved, b.complaints.resolved);
  check('resolvedOnTimeShare', a.resolvedOnTimeShare, b.resolvedOnTimeShare);
  return out;
}
