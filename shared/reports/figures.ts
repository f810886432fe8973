/**
 * Every figure of the dashboard, the monthly report and the public scoreboard, computed from the
 * report days (one primary-key read per day, see report-days.ts) with the definitions in
 * metrics.ts. Scope is applied here, to rows and cases alike: a center manager's figures are made
 * only of their centers' rows and cases.
 */
import type { CatalogView } from '../catalog/catalog';
import { provinceOf, type Scope } from '../staff/roles';
import {
  addInto,
  caseFigures,
  daysOf,
  emptyCounts,
  enoughResponses,
  isOverdueCase,
  isResolved,
  monthDays,
  periodOf,
  previousMonth,
  previousPeriod,
  ratingAvg,
  satisfiedShare,
  type Case,
  type CaseFigures,
  type Counts,
  type Granularity,
} from './metrics';
import type { ReportDay, ReportDays, Row } from './report-days';

/** Which feedback a figure covers: the caller's scope and the filters asked for. */
export interface ReportFilter {
  scope: Scope;
  center?: string;
  province?: string;
  service?: string;
  channel?: string;
}

export interface Summary extends Omit<CaseFigures, 'total' | 'open' | 'overdue' | 'resolved'> {
  from: string;
  to: string;
  received: number;
  rated: number;
  ratingAvg: number | null;
  satisfiedShare: number | null;
  complaints: { total: number; open: number; overdue: number; resolved: number };
}

export interface CenterLine {
  centerCode: string;
  province: string;
  name: { lo: string; en: string } | null;
  received: number;
  ratingAvg: number | null;
  satisfiedShare: number | null;
  complaints: number;
  overdue: number;
  resolvedOnTimeShare: number | null;
  /** Against the period of the same length just before: differences (received: a count). */
  change: { received: number; ratingAvg: number | null; satisfiedShare: number | null };
  /** Feedback received per period (the overview's granularity), for a sparkline. */
  trend: number[];
}

export interface SeriesPoint {
  period: string;
  received: number;
  ratingAvg: number | null;
  satisfiedShare: number | null;
  complaints: number;
}

export interface Ranked {
  code: string;
  complaints: number;
}

export interface ScoreboardLine {
  centerCode: string;
  name: { lo: string; en: string };
  province: string;
  responses: number;
  enoughResponses: boolean;
  ratingAvg: number | null;
  satisfiedShare: number | null;
  resolvedOnTimeShare: number | null;
}

/** Picks the granularity that keeps a chart readable: days up to 62, weeks up to 26, else months. */
export function autoGranularity(from: string, to: string): Granularity {
  const n = daysOf(from, to).length;
  return n <= 62 ? 'day' : n <= 182 ? 'week' : 'month';
}

export class Figures {
  constructor(
    private readonly days: ReportDays,
    private readonly catalog: () => Promise<CatalogView>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The report days the figures read (the CSV export finds a period's feedback through them). */
  get reportDays(): ReportDays {
    return this.days;
  }

  /** The rows and cases of [from, to] that the filter lets through. */
  async read(
    from: string,
    to: string,
    f: ReportFilter,
  ): Promise<{ days: ReportDay[]; keepCenter: (c: string) => boolean }> {
    // What changed since the last refresh is in the answer (bounded: the worker's job does the rest).
    await this.days.refresh(1000);
    const cat = await this.catalog();
    const provinceOfCenter = (c: string) => cat.centerByCode.get(c)?.province ?? provinceOf(c);
    const keepCenter = (c: string) =>
      (f.scope.all || f.scope.centers.has(c)) &&
      (!f.center || c === f.center) &&
      (!f.province || provinceOfCenter(c) === f.province);
    const keep = (x: { center: string; service: string; channel: string }) =>
      keepCenter(x.center) &&
      (!f.service || x.service === f.service) &&
      (!f.channel || x.channel === f.channel);
    const loaded = await this.days.load(daysOf(from, to));
    return {
      days: loaded.map((d) => ({
        day: d.day,
        rows: d.rows.filter(keep),
        cases: d.cases.filter(keep),
      })),
      keepCenter,
    };
  }

  async summary(from: string, to: string, f: ReportFilter): Promise<Summary> {
    const { days } = await this.read(from, to, f);
    return summarize(from, to, days, this.now());
  }

  /** The center league table for [from, to], with the change against the period before. */
  async centers(from: string, to: string, f: ReportFilter, g = autoGranularity(from, to)) {
    const prev = previousPeriod(from, to);
    const [{ days, keepCenter }, before] = await Promise.all([
      this.read(from, to, f),
      this.read(prev.from, prev.to, f),
    ]);
    const cat = await this.catalog();
    return { from, to, items: league(days, before.days, cat, keepCenter, g, this.now()) };
  }

  /** Everything the dashboard's overview shows, from one read of the period. */
  async overview(from: string, to: string, f: ReportFilter, g?: Granularity) {
    const granularity = g ?? autoGranularity(from, to);
    const prev = previousPeriod(from, to);
    const [{ days, keepCenter }, before, cat] = await Promise.all([
      this.read(from, to, f),
      this.read(prev.from, prev.to, f),
      this.catalog(),
    ]);
    const now = this.now();
    const rows = days.flatMap((d) => d.rows);
    const cases = days.flatMap((d) => d.cases);
    return {
      from,
      to,
      granularity,
      summary: summarize(from, to, days, now),
      previous: summarize(prev.from, prev.to, before.days, now),
      series: series(days, granularity),
      channels: sumBy(rows, (r) => r.channel).map(([channel, c]) => ({
        channel,
        received: c.count,
      })),
      services: rank(cases, (c) => [c.service]),
      topics: rank(cases, (c) => c.topics),
      provinces: provinces(rows, cat),
      kiosk: sumBy(
        rows.filter((r) => r.channel === 'kiosk'),
        (r) => r.center,
      ).map(([centerCode, c]) => ({ centerCode, ratings: c.ratings, rated: c.ratingCount })),
      centers: league(days, before.days, cat, keepCenter, granularity, now),
    };
  }

  /**
   * The public scoreboard of a month: every active center (and any other with responses), with
   * its figures only when it had at least `min` responses. No personal data, no free text.
   */
  async scoreboard(
    month: string,
    min: number,
  ): Promise<{ month: string; minResponses: number; centers: ScoreboardLine[] }> {
    const { from, to } = monthDays(month);
    const { days } = await this.read(from, to, { scope: { all: true } });
    const cat = await this.catalog();
    const counts = new Map(
      sumBy(
        days.flatMap((d) => d.rows),
        (r) => r.center,
      ),
    );
    const cases = groupBy(
      days.flatMap((d) => d.cases),
      (c) => c.center,
    );
    const now = this.now();
    const codes = new Set([
      ...cat.centers.filter((c) => c.active).map((c) => c.code),
      ...[...counts.keys()].filter((c) => cat.centerByCode.has(c)),
    ]);
    const centers = [...codes].sort().map((code): ScoreboardLine => {
      const c = counts.get(code) ?? emptyCounts();
      const center = cat.centerByCode.get(code)!;
      const enough = enoughResponses(c.count, min);
      return {
        centerCode: code,
        name: { lo: center.name.lo, en: center.name.en },
        province: center.province,
        responses: c.count,
        enoughResponses: enough,
        ratingAvg: enough ? ratingAvg(c) : null,
        satisfiedShare: enough ? satisfiedShare(c) : null,
        resolvedOnTimeShare: enough
          ? caseFigures(cases.get(code) ?? [], now).resolvedOnTimeShare
          : null,
      };
    });
    return { month, minResponses: min, centers };
  }

  /** The monthly report's figures for a month and a scope (the text around them is the view's). */
  async monthly(month: string, f: ReportFilter) {
    const { from, to } = monthDays(month);
    const pm = previousMonth(month);
    const pd = monthDays(pm);
    const [{ days, keepCenter }, before, cat] = await Promise.all([
      this.read(from, to, f),
      this.read(pd.from, pd.to, f),
      this.catalog(),
    ]);
    const now = this.now();
    const cases = days.flatMap((d) => d.cases);
    const byCenter = groupBy(cases, (c) => c.center);
    const byService = groupBy(cases, (c) => c.service);
    return {
      month,
      previousMonth: pm,
      summary: summarize(from, to, days, now),
      previous: summarize(pd.from, pd.to, before.days, now),
      series: series(days, 'day'),
      channels: sumBy(
        days.flatMap((d) => d.rows),
        (r) => r.channel,
      ).map(([channel, c]) => ({
        channel,
        received: c.count,
      })),
      centers: league(days, before.days, cat, keepCenter, 'week', now),
      topTopicsByCenter: [...byCenter].map(([code, cs]) => ({
        code,
        topics: rank(cs, (c) => c.topics).slice(0, 3),
      })),
      topTopicsByService: [...byService].map(([code, cs]) => ({
        code,
        topics: rank(cs, (c) => c.topics).slice(0, 3),
      })),
      overdue: cases
        .filter((c) => isOverdueCase(c, now))
        .sort((a, b) => a.dueAt - b.dueAt)
        .map((c) => ({
          trackingCode: c.code,
          centerCode: c.center,
          serviceCode: c.service,
          dueAt: new Date(c.dueAt).toISOString(),
        })),
      resolvedCodes: cases
        .filter(isResolved)
        .sort((a, b) => b.resolvedAt - a.resolvedAt)
        .map((c) => c.code),
    };
  }
}

export function summarize(from: string, to: string, days: ReportDay[], now: number): Summary {
  const counts = emptyCounts();
  for (const d of days) for (const r of d.rows) addInto(counts, r);
  const cf = caseFigures(
    days.flatMap((d) => d.cases),
    now,
  );
  return {
    from,
    to,
    received: counts.count,
    rated: counts.ratingCount,
    ratingAvg: ratingAvg(counts),
    satisfiedShare: satisfiedShare(counts),
    complaints: { total: cf.total, open: cf.open, overdue: cf.overdue, resolved: cf.resolved },
    medianFirstReplyDays: cf.medianFirstReplyDays,
    medianResolutionDays: cf.medianResolutionDays,
    resolvedOnTimeShare: cf.resolvedOnTimeShare,
    resolutionSatisfactionAvg: cf.resolutionSatisfactionAvg,
    resolutionSatisfactionCount: cf.resolutionSatisfactionCount,
  };
}

function sumBy(rows: Row[], key: (r: Row) => string): [string, Counts][] {
  const m = new Map<string, Counts>();
  for (const r of rows) {
    const k = key(r);
    let c = m.get(k);
    if (!c) m.set(k, (c = emptyCounts()));
    addInto(c, r);
  }
  return [...m].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Codes ranked by the complaints that carry them (a complaint with two topics counts for both). */
function rank(cases: Case[], codes: (c: Case) => string[]): Ranked[] {
  const m = new Map<string, number>();
  for (const c of cases) for (const code of codes(c)) m.set(code, (m.get(code) ?? 0) + 1);
  return [...m]
    .map(([code, complaints]) => ({ code, complaints }))
    .sort((a, b) => b.complaints - a.complaints || a.code.localeCompare(b.code));
}

function series(days: ReportDay[], g: Granularity): SeriesPoint[] {
  const m = new Map<string, { c: Counts; complaints: number }>();
  for (const d of days) {
    const p = periodOf(d.day, g);
    let e = m.get(p);
    if (!e) m.set(p, (e = { c: emptyCounts(), complaints: 0 }));
    for (const r of d.rows) addInto(e.c, r);
    e.complaints += d.cases.length;
  }
  return [...m].map(([period, e]) => ({
    period,
    received: e.c.count,
    ratingAvg: ratingAvg(e.c),
    satisfiedShare: satisfiedShare(e.c),
    complaints: e.complaints,
  }));
}

function provinces(rows: Row[], cat: CatalogView) {
  const of = (c: string) => cat.centerByCode.get(c)?.province ?? provinceOf(c) ?? '_unknown';
  return sumBy(rows, (r) => of(r.center))
    .filter(([p]) => p !== '_unknown')
    .map(([province, c]) => ({
      province,
      received: c.count,
      ratingAvg: ratingAvg(c),
      satisfiedShare: satisfiedShare(c),
    }))
    .sort((a, b) => a.province.localeCompare(b.province));
}

function league(
  days: ReportDay[],
  before: ReportDay[],
  cat: CatalogView,
  keepCenter: (c: string) => boolean,
  g: Granularity,
  now: number,
): CenterLine[] {
  const cur = new Map(
    sumBy(
      days.flatMap((d) => d.rows),
      (r) => r.center,
    ),
  );
  const prev = new Map(
    sumBy(
      before.flatMap((d) => d.rows),
      (r) => r.center,
    ),
  );
  const cases = groupBy(
    days.flatMap((d) => d.cases),
    (c) => c.center,
  );
  const periods = [...new Set(days.map((d) => periodOf(d.day, g)))];
  const trend = new Map<string, number[]>();
  for (const d of days) {
    const i = periods.indexOf(periodOf(d.day, g));
    for (const r of d.rows) {
      let t = trend.get(r.center);
      if (!t) trend.set(r.center, (t = periods.map(() => 0)));
      t[i]! += r.count;
    }
  }
  // Every center in scope is listed, with zeros when it had nothing: an empty month is news too.
  const codes = new Set([
    ...cat.centers.filter((c) => c.active && keepCenter(c.code)).map((c) => c.code),
    ...cur.keys(),
    ...cases.keys(),
  ]);
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return [...codes]
    .map((code): CenterLine => {
      const c = cur.get(code) ?? emptyCounts();
      const p = prev.get(code) ?? emptyCounts();
      const cf = caseFigures(cases.get(code) ?? [], now);
      const center = cat.centerByCode.get(code);
      return {
        centerCode: code,
        province: center?.province ?? provinceOf(code) ?? '',
        name: center ? { lo: center.name.lo, en: center.name.en } : null,
        received: c.count,
        ratingAvg: ratingAvg(c),
        satisfiedShare: satisfiedShare(c),
        complaints: cf.total,
        overdue: cf.overdue,
        resolvedOnTimeShare: cf.resolvedOnTimeShare,
        change: {
          received: c.count - p.count,
          ratingAvg: diff(ratingAvg(c), ratingAvg(p)),
          satisfiedShare: diff(satisfiedShare(c), satisfiedShare(p)),
        },
        trend: trend.get(code) ?? periods.map(() => 0),
      };
    })
    .sort((a, b) => b.received - a.received || a.centerCode.localeCompare(b.centerCode));
}
