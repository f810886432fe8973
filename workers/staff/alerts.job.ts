/**
 * The alerts job (shared/reports/alerts.ts): evaluates every active rule on the report days and the
 * kiosks, opens an alert for each new (rule, subject) that fires — and only then tells people: an
 * in-app notice to the taskforce and admins, and to the managers of the alert's center, plus a
 * Telegram message to those who linked a chat — updates the open ones, and closes those that
 * stopped firing.
 */
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import {
  kioskDeviceModel,
  type KioskDeviceModel,
  type KioskDeviceDoc,
} from '../../shared/models/kiosk-device.model';
import { outboundMessageModel } from '../../shared/models/outbound-message.model';
import {
  staffUserModel,
  type StaffUserDoc,
  type StaffUserModel,
} from '../../shared/models/staff-user.model';
import { enqueueNotify, type NotifyJob } from '../../shared/notify';
import type { PiiVault } from '../../shared/pii';
import {
  alertModel,
  alertRuleModel,
  DEFAULT_RULES,
  evaluateRule,
  windowDays,
  type AlertDoc,
  type AlertModel,
  type AlertRuleDoc,
  type AlertRuleModel,
} from '../../shared/reports/alerts';
import type { ReportDays } from '../../shared/reports/report-days';
import { NoticeBoard } from '../../shared/staff/notices';

export const ALERTS_JOB = 'alerts-evaluate';

export interface AlertsDeps {
  Rules: AlertRuleModel;
  Alerts: AlertModel;
  Devices: KioskDeviceModel;
  Users: StaffUserModel;
  reports: ReportDays;
  notices: NoticeBoard;
  telegram?: (chatId: string, text: string) => Promise<void>;
}

export interface AlertsResult {
  rules: number;
  opened: string[];
  closed: string[];
  open: number;
}

/** The rules, with the defaults written once into a deployment that has none. */
export async function loadRules(Rules: AlertRuleModel): Promise<AlertRuleDoc[]> {
  if ((await Rules.countDocuments()) === 0)
    for (const r of DEFAULT_RULES)
      await Rules.updateOne(
        { _id: r._id },
        { $setOnInsert: { ...r, active: true } },
        { upsert: true },
      );
  return Rules.find({}).lean<AlertRuleDoc[]>();
}

/** The staff message, Lao first. */
export function alertText(
  a: Pick<AlertDoc, 'kind' | 'subject' | 'value' | 'threshold' | 'count' | 'before'>,
): string {
  if (a.kind === 'satisfaction_below')
    return (
      `⚠️ ${a.subject}: ຄວາມພໍໃຈ ${(a.value * 100).toFixed(1)}% ຕ່ຳກວ່າ ${(a.threshold * 100).toFixed(0)}%\n` +
      `${a.subject}: satisfaction ${(a.value * 100).toFixed(1)}% is below ${(a.threshold * 100).toFixed(0)}%`
    );
  if (a.kind === 'topic_up') {
    // With the counts (alerts since they were stored), say them: "up 5%" would misread 0 → 5.
    const counts = a.count === undefined ? '' : ` (${a.count} / ${a.before ?? 0})`;
    const up = a.count === undefined || a.before ? ` ${a.value.toFixed(0)}%` : '';
    return (
      `⚠️ ຄຳຮ້ອງທຸກເລື່ອງ ${a.subject} ເພີ່ມຂຶ້ນ (ອາທິດນີ້ທຽບກັບອາທິດກ່ອນ)${counts}\n` +
      `Complaints on ${a.subject} are up${up} week on week${counts}`
    );
  }
  return (
    `⚠️ ແທັບເລັດ ${a.subject} ບໍ່ມີສັນຍານມາ ${a.value} ຊົ່ວໂມງ\n` +
    `Kiosk ${a.subject} has been silent for ${a.value} hours`
  );
}

function recipients(users: StaffUserDoc[], center: string | null): StaffUserDoc[] {
  return users.filter(
    (u) =>
      !u.disabled &&
      (u.role === 'taskforce' ||
        u.role === 'admin' ||
        (u.role === 'center_manager' && !!center && u.centers.includes(center))),
  );
}

export async function evaluateAlerts(deps: AlertsDeps, now = Date.now()): Promise<AlertsResult> {
  const rules = (await loadRules(deps.Rules)).filter((r) => r.active);
  await deps.reports.refresh();
  const days = await deps.reports.load(windowDays(rules, now));
  const devices = rules.some((r) => r.kind === 'kiosk_silent')
    ? await deps.Devices.find({}).lean<KioskDeviceDoc[]>()
    : [];
  const existing = new Map(
    (await deps.Alerts.find({}).lean<AlertDoc[]>()).map((a) => [a._id, a] as const),
  );
  const users = await deps.Users.find({}).lean<StaffUserDoc[]>();
  const at = new Date(now);
  const result: AlertsResult = { rules: rules.length, opened: [], closed: [], open: 0 };
  const firingIds = new Set<string>();
  for (const rule of rules) {
    for (const f of evaluateRule(rule, days, devices, now)) {
      const id = `${rule._id}|${f.subject}`;
      firingIds.add(id);
      const cur = existing.get(id);
      const value = Number.isFinite(f.value) ? f.value : 0;
      const counts = f.count === undefined ? {} : { count: f.count, before: f.before ?? 0 };
      if (cur?.active) {
        await deps.Alerts.updateOne(
          { _id: id },
          { $set: { value, ...counts, lastEvaluatedAt: at } },
        );
        continue;
      }
      const doc: AlertDoc = {
        _id: id,
        ruleId: rule._id,
        kind: rule.kind,
        subject: f.subject,
        centerCode: f.centerCode,
        value,
        threshold: f.threshold,
        ...counts,
        since: at,
        lastEvaluatedAt: at,
        active: true,
      };
      await deps.Alerts.updateOne(
        { _id: id },
        { $set: doc, $unset: { resolvedAt: '' } },
        { upsert: true },
      );
      result.opened.push(id);
      for (const u of recipients(users, f.centerCode)) {
        await deps.notices.add(u._id, {
          at: at.toISOString(),
          kind: 'alert',
          alertId: id,
          alertKind: rule.kind,
          subject: f.subject,
          centerCode: f.centerCode,
          value,
          threshold: f.threshold,
          ...counts,
        });
        if (u.telegramChatId && deps.telegram)
          await deps.telegram(u.telegramChatId, alertText(doc)).catch(() => undefined);
      }
    }
  }
  // Closed: open alerts whose rule no longer fires for the subject (or was switched off).
  for (const a of existing.values()) {
    if (!a.active || firingIds.has(a._id)) continue;
    await deps.Alerts.updateOne({ _id: a._id }, { $set: { active: false, resolvedAt: at } });
    result.closed.push(a._id);
  }
  result.open = firingIds.size;
  return result;
}

/** The alerts job's dependencies in a worker; Telegram messages go through the notify queue. */
export function alertsDeps(
  conn: Connection,
  redis: IORedis,
  prefix: string,
  reports: ReportDays,
  notify?: { queue: Queue<NotifyJob>; vault: PiiVault },
): AlertsDeps {
  const Outbound = outboundMessageModel(conn);
  return {
    Rules: alertRuleModel(conn),
    Alerts: alertModel(conn),
    Devices: kioskDeviceModel(conn),
    Users: staffUserModel(conn),
    reports,
    notices: new NoticeBoard(redis, prefix),
    telegram: notify
      ? async (chatId, text) => {
          await enqueueNotify(notify.queue, Outbound, {
            channel: 'telegram',
            toSealed: notify.vault.encrypt(chatId, 'telegram'),
            toHash: notify.vault.hash(`telegram:${chatId}`),
            body: text,
            purpose: 'status',
          });
        }
      : undefined,
  };
}
