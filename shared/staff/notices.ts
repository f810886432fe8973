/**
 * In-app notices for staff (an overdue item, an escalation, a monthly report ready), kept in
 * Redis: a short list per person, newest first, trimmed to the last NOTICES_KEPT, with the moment
 * the person last read them. They are reminders, not records — the item's history and the audit
 * log are the record.
 */
import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';

export const NOTICES_KEPT = 200;

export interface Notice {
  id: string;
  at: string;
  kind: 'overdue';
  trackingCode: string;
  tier: number;
  centerCode: string | null;
  dueAt: string;
}

/**
 * A monthly report is stored and ready to fetch (workers/staff/monthly-report.job.ts):
 * `GET /api/v1/reports/monthly/stored/<month>/<lang>`. It names no item, so code that looks for
 * an item's notices can test `trackingCode` on any notice.
 */
export interface ReportNotice {
  id: string;
  at: string;
  kind: 'monthly_report';
  month: string;
  scope: string;
  langs: ('lo' | 'en')[];
  trackingCode?: undefined;
  tier?: undefined;
}

/** An alert rule started firing for a subject (workers/staff/alerts.job.ts). */
export interface AlertNotice {
  id: string;
  at: string;
  kind: 'alert';
  alertId: string;
  alertKind: 'satisfaction_below' | 'topic_up' | 'kiosk_silent';
  subject: string;
  centerCode: string | null;
  value: number;
  threshold: number;
  /** `topic_up`: complaints in the last 7 days and the 7 before (AlertDoc in shared/reports/alerts.ts). */
  count?: number;
  before?: number;
  trackingCode?: undefined;
  tier?: undefined;
}

/** Any notice on the board. */
export type AnyNotice = Notice | ReportNotice | AlertNotice;

export class NoticeBoard {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
  ) {}

  private key(userId: string) {
    return `${this.prefix}:notices:${userId}`;
  }

  async add(
    userId: string,
    n: Omit<Notice, 'id'> | Omit<ReportNotice, 'id'> | Omit<AlertNotice, 'id'>,
  ): Promise<void> {
    const k = this.key(userId);
    await this.redis
      .multi()
      .lpush(k, JSON.stringify({ id: randomUUID(), ...n }))
      .ltrim(k, 0, NOTICES_KEPT - 1)
      .exec();
  }

  async list(userId: string, limit = 50): Promise<{ items: AnyNotice[]; unread: number }> {
    const [raw, lastRead] = await Promise.all([
      this.redis.lrange(this.key(userId), 0, limit - 1),
      this.redis.get(`${this.key(userId)}:read`),
    ]);
    const items = raw.map((r) => JSON.parse(r) as AnyNotice);
    // Unread: the notices above the newest one the person had seen when they last read.
    const seen = items.findIndex((n) => n.id === lastRead);
    return { items, unread: seen < 0 ? items.length : seen };
  }

  /** Marks every notice there now as read (by the id of the newest). */
  async markRead(userId: string): Promise<void> {
    const [newest] = await this.redis.lrange(this.key(userId), 0, 0);
    if (newest) await this.redis.set(`${this.key(userId)}:read`, (JSON.parse(newest) as Notice).id);
  }
}
