/**
 * Alerts: rules the taskforce configures, evaluated by a repeatable job on the staff-jobs queue
 * (workers/staff/staff-jobs.worker.ts), shown on the dashboard and sent to the people concerned.
 *
 * Three kinds of rule (docs/metrics.md "Alerts"):
 * - `satisfaction_below` — a center's satisfied share over the last `days` days (today included)
 *   is below `threshold`, with at least `minRated` rated feedback (fewer is no evidence);
 * - `topic_up` — complaints on a topic in the last 7 days are up by `percent` % or more on the 7
 *   days before, and number at least `minCount`;
 * - `kiosk_silent` — a paired tablet has sent no heartbeat for `hours` hours.
 *
 * An alert is one (rule, subject) pair: a center, a topic or a device. It opens when the rule first
 * fires for the subject — the only moment anyone is told — stays open while it fires, and closes
 * when it stops. The figures come from the report days, as every other figure does.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import type { KioskDeviceDoc } from '../models/kiosk-device.model';
import { addDays, addInto, emptyCounts, satisfiedShare, today, type Counts } from './metrics';
import type { ReportDay } from './report-days';

export const ALERT_KINDS = ['satisfaction_below', 'topic_up', 'kiosk_silent'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertParams {
  threshold?: number;
  days?: number;
  minRated?: number;
  percent?: number;
  minCount?: number;
  hours?: number;
}

export interface AlertRuleDoc {
  _id: string;
  kind: AlertKind;
  params: AlertParams;
  /** Centers the rule watches; empty: all. */
  centers: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AlertDoc {
  /** `<rule id>|<subject>`. */
  _id: string;
  ruleId: string;
  kind: AlertKind;
  /** A center code, a topic code or a device id. */
  subject: string;
  /** The center the alert is about (a device's center); null for a topic across centers. */
  centerCode: string | null;
  value: number;
  threshold: number;
  /**
   * `topic_up` only: complaints on the topic in the last 7 days and in the 7 before (`value` alone
   * is the rise in % — or the count itself when the week before had none — so it cannot tell which).
   */
  count?: number;
  before?: number;
  since: Date;
  lastEvaluatedAt: Date;
  active: boolean;
  resolvedAt?: Date;
}

const ruleSchema = new Schema<AlertRuleDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ALERT_KINDS, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    centers: { type: [String], default: [] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false, minimize: false },
);

const alertSchema = new Schema<AlertDoc>(
  {
    _id: { type: String, required: true },
    ruleId: { type: String, required: true },
    kind: { type: String, required: true },
    subject: { type: String, required: true },
    centerCode: { type: String, default: null },
    value: Number,
    threshold: Number,
    count: Number,
    before: Number,
    since: Date,
    lastEvaluatedAt: Date,
    active: Boolean,
    resolvedAt: Date,
  },
  { versionKey: false },
);

export type AlertRuleModel = Model<AlertRuleDoc>;
export type AlertModel = Model<AlertDoc>;

export function alertRuleModel(conn: Connection): AlertRuleModel {
  return modelOn<AlertRuleDoc>(conn, 'AlertRule', ruleSchema, 'alert_rules');
}
export function alertModel(conn: Connection): AlertModel {
  return modelOn<AlertDoc>(conn, 'Alert', alertSchema, 'alerts');
}

/** The rules a new deployment starts with (an admin edits or switches them off). */
export const DEFAULT_RULES: Pick<AlertRuleDoc, '_id' | 'kind' | 'params' | 'centers'>[] = [
  {
    _id: 'default-satisfaction',
    kind: 'satisfaction_below',
    params: { threshold: 0.6, days: 7, minRated: 10 },
    centers: [],
  },
  { _id: 'default-topic-up', kind: 'topic_up', params: { percent: 50, minCount: 5 }, centers: [] },
  { _id: 'default-kiosk-silent', kind: 'kiosk_silent', params: { hours: 24 }, centers: [] },
];

/** One firing: the subject, its figure and the rule's threshold. */
export interface Firing {
  subject: string;
  centerCode: string | null;
  value: number;
  threshold: number;
  /** `topic_up`: the two weeks' complaint counts (see AlertDoc). */
  count?: number;
  before?: number;
}

const HOUR_MS = 3_600_000;

/** The days an evaluation at `now` reads: the longest window any rule asks for (at least 14). */
export function windowDays(rules: Pick<AlertRuleDoc, 'kind' | 'params'>[], now: number): string[] {
  let n = 14;
  for (const r of rules) if (r.kind === 'satisfaction_below') n = Math.max(n, r.params.days ?? 7);
  const end = today(now);
  return Array.from({ length: n }, (_, i) => addDays(end, i - n + 1));
}

/** What a rule fires on, given the report days up to today and the kiosks. Pure. */
export function evaluateRule(
  rule: Pick<AlertRuleDoc, 'kind' | 'params' | 'centers'>,
  days: ReportDay[],
  devices: Pick<KioskDeviceDoc, '_id' | 'centerCode' | 'pairedAt' | 'revokedAt' | 'heartbeat'>[],
  now: number,
): Firing[] {
  const centers = rule.centers ?? [];
  const watched = (c: string) => !centers.length || centers.includes(c);
  const end = today(now);
  const p = rule.params;
  if (rule.kind === 'satisfaction_below') {
    const n = p.days ?? 7;
    const first = addDays(end, -(n - 1));
    const threshold = p.threshold ?? 0.6;
    const byCenter = new Map<string, Counts>();
    for (const d of days) {
      if (d.day < first || d.day > end) continue;
      for (const r of d.rows) {
        if (!watched(r.center) || r.center === '_unknown') continue;
        let c = byCenter.get(r.center);
        if (!c) byCenter.set(r.center, (c = emptyCounts()));
        addInto(c, r);
      }
    }
    const out: Firing[] = [];
    for (const [center, c] of byCenter) {
      const share = satisfiedShare(c);
      if (share !== null && c.ratingCount >= (p.minRated ?? 10) && share < threshold)
        out.push({ subject: center, centerCode: center, value: share, threshold });
    }
    return out;
  }
  if (rule.kind === 'topic_up') {
    const thisWeek = addDays(end, -6);
    const lastWeek = addDays(end, -13);
    const cur = new Map<string, number>();
    const prev = new Map<string, number>();
    for (const d of days) {
      if (d.day < lastWeek || d.day > end) continue;
      const into = d.day >= thisWeek ? cur : prev;
      for (const c of d.cases) {
        if (!watched(c.center)) continue;
        for (const t of c.topics) into.set(t, (into.get(t) ?? 0) + 1);
      }
    }
    const percent = p.percent ?? 50;
    const out: Firing[] = [];
    for (const [topic, n] of cur) {
      const before = prev.get(topic) ?? 0;
      if (n < (p.minCount ?? 5)) continue;
      const up = before === 0 ? Infinity : ((n - before) / before) * 100;
      if (up >= percent)
        out.push({
          subject: topic,
          centerCode: centers.length === 1 ? centers[0]! : null,
          value: before === 0 ? n : up,
          threshold: percent,
          count: n,
          before,
        });
    }
    return out;
  }
  // kiosk_silent
  const hours = p.hours ?? 24;
  const out: Firing[] = [];
  for (const d of devices) {
    if (!d.pairedAt || d.revokedAt || !watched(d.centerCode)) continue;
    const last = d.heartbeat?.at
      ? new Date(d.heartbeat.at).getTime()
      : new Date(d.pairedAt).getTime();
    const silentH = (now - last) / HOUR_MS;
    if (silentH >= hours)
      out.push({
        subject: d._id,
        centerCode: d.centerCode,
        value: Math.floor(silentH),
        threshold: hours,
      });
  }
  return out;
}
