/**
 * Deadlines and escalation. A repeatable job (every ESCALATION_SWEEP_MIN) looks at the open items
 * whose due time has passed — a range of the queue index's due-date set, never a scan of feedback —
 * and escalates each in tiers, once per tier:
 *   1. at the due time: the assignee (or, with none, straight to tier 2);
 *   2. ESCALATE_MANAGER_AFTER_H hours later: the center's managers;
 *   3. ESCALATE_TASKFORCE_AFTER_H hours later: the taskforce (and admins).
 * Each tier writes the item's history, an in-app notice for each person (GET /api/v1/notices), and a
 * Telegram message to people who linked a chat. The same job prunes closed items from the index
 * after QUEUE_KEEP_CLOSED_DAYS. `now` is a parameter, so tests move the clock.
 */
import type { FeedbackDoc, FeedbackModel } from '../../shared/models/feedback.model';
import type { StaffUserDoc, StaffUserModel } from '../../shared/models/staff-user.model';
import type { RedisLock } from '../../shared/redis-lock';
import { NoticeBoard, type Notice } from '../../shared/staff/notices';
import type { QueueIndex } from '../../shared/staff/queue-index';
import { staffStatusOf } from '../../shared/staff/queue-query';
import { isOpen } from '../../shared/staff/staff-status';
import { formatTrackingCode } from '../../shared/tracking-code';

export interface EscalationPolicy {
  managerAfterMs: number;
  taskforceAfterMs: number;
  keepClosedMs: number;
}

export interface EscalationDeps {
  Feedback: FeedbackModel;
  Users: StaffUserModel;
  index: QueueIndex;
  notices: NoticeBoard;
  lock?: RedisLock;
  policy: EscalationPolicy;
  /** Sends a Telegram message to a staff member's linked chat (absent: in-app only). */
  telegram?: (chatId: string, text: string) => Promise<void>;
}

export interface SweepResult {
  overdue: number;
  escalated: { trackingCode: string; tier: number; to: string[] }[];
  pruned: number;
}

/** The tier an item overdue by `lateMs` has reached (1–3). */
export function tierFor(lateMs: number, p: EscalationPolicy): 1 | 2 | 3 {
  if (lateMs >= p.taskforceAfterMs) return 3;
  if (lateMs >= p.managerAfterMs) return 2;
  return 1;
}

/** Who hears of an item at a tier (active accounts only). */
export function recipients(
  tier: number,
  doc: Pick<FeedbackDoc, 'assigneeId' | 'center'>,
  users: StaffUserDoc[],
): StaffUserDoc[] {
  const active = users.filter((u) => !u.disabled);
  if (tier === 1) {
    const a = active.find((u) => u._id === doc.assigneeId);
    // Nobody to remind: the managers hear of it at once.
    return a ? [a] : recipients(2, doc, users);
  }
  if (tier === 2) {
    const managers = active.filter(
      (u) =>
        u.role === 'center_manager' && !!doc.center?.code && u.centers.includes(doc.center.code),
    );
    return managers.length ? managers : recipients(3, doc, users);
  }
  return active.filter((u) => u.role === 'taskforce' || u.role === 'admin');
}

export async function sweep(deps: EscalationDeps, now: number): Promise<SweepResult> {
  const due = await deps.index.overdueCodes(now);
  const users = await deps.Users.find({}).lean<StaffUserDoc[]>();
  const result: SweepResult = { overdue: due.length, escalated: [], pruned: 0 };
  for (const code of due) {
    const run = async () => {
      const doc = await deps.Feedback.findById(code).lean<FeedbackDoc>();
      if (!doc?.slaDueAt || !isOpen(staffStatusOf(doc))) return;
      const late = now - new Date(doc.slaDueAt).getTime();
      if (late < 0) return;
      const tier = tierFor(late, deps.policy);
      if ((doc.escalationTier ?? 0) >= tier) return;
      const to = recipients(tier, doc, users);
      const at = new Date(now);
      await deps.Feedback.updateOne(
        { _id: code },
        {
          $set: { escalationTier: tier },
          $push: {
            history: {
              at,
              byId: null,
              byEmail: null,
              action: 'escalate',
              field: 'tier',
              from: doc.escalationTier ?? 0,
              to: tier,
            },
          },
        },
      );
      // (The queue entry holds nothing an escalation changes.)
      const notice: Omit<Notice, 'id'> = {
        at: at.toISOString(),
        kind: 'overdue',
        trackingCode: formatTrackingCode(code),
        tier,
        centerCode: doc.center?.code ?? null,
        dueAt: new Date(doc.slaDueAt).toISOString(),
      };
      for (const u of to) {
        await deps.notices.add(u._id, notice);
        if (u.telegramChatId && deps.telegram)
          await deps.telegram(u.telegramChatId, overdueText(notice)).catch(() => undefined);
      }
      result.escalated.push({ trackingCode: code, tier, to: to.map((u) => u.email) });
    };
    await (deps.lock ? deps.lock.with(`feedback:${code}`, run) : run());
  }
  result.pruned = await deps.index.prune(now - deps.policy.keepClosedMs);
  return result;
}

/** The staff message, Lao first. */
export function overdueText(n: Omit<Notice, 'id'>): string {
  const who = ['', 'ທ່ານ / you', 'ຜູ້ຈັດການສູນ / center manager', 'ທີມງານ / taskforce'][n.tier];
  return (
    `⏰ ${n.trackingCode} ເກີນກຳນົດ (ສົ່ງເຖິງ: ${who}).\n` +
    `${n.trackingCode} is overdue since ${n.dueAt.slice(0, 16).replace('T', ' ')} UTC (tier ${n.tier}).`
  );
}
