/**
 * What staff did with each demo item up to `now`, written the way the workspace writes it
 * (services/api/staff/workspace.ts): status moves allowed by staff-status.ts, each with its history
 * entry; `resolvedAt` and a resolution note (in the citizen's language) on resolving; the first
 * reply; the citizen's satisfaction with the resolution; a center set by hand where the classifier
 * found none; triage cleared once someone moved the item; the escalation tier an overdue complaint
 * has reached. Then the document's count state: version 1 of the tally of what it now is, as the
 * rollups (written by the seed from the same documents) count it.
 *
 * A center's performance sets how fast it answers and resolves and how many complaints it leaves
 * open: most older complaints end resolved (some late, a few months late), recent ones are open,
 * a handful stay open and overdue for good.
 */
import type { FeedbackDoc, HistoryEntry } from '../../shared/models/feedback.model';
import { tallyOf } from '../../shared/models/rollup.model';
import type { Deadlines } from '../../shared/staff/deadlines';
import { citizenStatus, isOpen, type StaffStatus } from '../../shared/staff/staff-status';
import { tierFor, type EscalationPolicy } from '../../workers/staff/escalation';
import { demoData } from './demo-data';
import type { IntakeDraft } from './demo-feedback';
import type { DemoRandom } from './demo-random';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const LOCAL_OFFSET_MS = 7 * HOUR_MS;

/** Who the demo's staff changes are recorded as (an address that cannot exist). */
export const DEMO_STAFF = { id: 'seed-demo', email: 'seed-demo@odsc.invalid' } as const;

export interface StaffLifeDeps {
  deadlines: Deadlines;
  now: number;
  escalation: Pick<EscalationPolicy, 'managerAfterMs' | 'taskforceAfterMs'>;
  /** Stored as each document's `rollupBatch`. */
  batch: string;
}

export class DemoStaffLife {
  /** The latest complaint per center, for items marked as its duplicate. */
  private readonly lastComplaint = new Map<string, string>();
  /** Working or not, by local day number (the calendar parses a date string per question). */
  private readonly working = new Map<number, boolean>();

  private isWorking(dayIndex: number): boolean {
    let w = this.working.get(dayIndex);
    if (w === undefined) {
      const day = new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
      this.working.set(dayIndex, (w = this.d.deadlines.calendar.isWorkingDay(day)));
    }
    return w;
  }

  constructor(
    private readonly r: DemoRandom,
    private readonly d: StaffLifeDeps,
  ) {}

  /** The next office moment at or after t (08:00–17:00 on a working day, Vientiane time). */
  private office(t: number): number {
    for (let i = 0; i < 30; i++) {
      const local = t + LOCAL_OFFSET_MS;
      const hour = Math.floor((local % DAY_MS) / HOUR_MS);
      if (hour >= 8 && hour < 17 && this.isWorking(Math.floor(local / DAY_MS))) return t;
      const dayStart = Math.floor(local / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
      t = hour < 8 ? dayStart + 8 * HOUR_MS : dayStart + DAY_MS + 8 * HOUR_MS;
      t += Math.floor(this.r.next() * 2 * HOUR_MS);
    }
    return t;
  }

  /** The document as it stands at `now`, with its count state. */
  apply(draft: IntakeDraft): FeedbackDoc {
    const { r } = this;
    const { now } = this.d;
    const f = { ...draft.doc } as FeedbackDoc;
    const received = f.receivedAt.getTime();
    const history: HistoryEntry[] = [];
    let st: StaffStatus = f.staffStatus ?? 'new';
    let statusAt = received;
    const by = { byId: DEMO_STAFF.id, byEmail: DEMO_STAFF.email };
    const move = (to: StaffStatus, at: number) => {
      history.push({ at: new Date(at), ...by, action: 'status', field: 'status', from: st, to });
      st = to;
      statusAt = at;
    };
    const note = (text: string, at: number) => {
      history.push({
        at: new Date(at),
        ...by,
        action: 'edit',
        field: 'resolutionNote',
        from: null,
        to: text,
      });
      f.resolutionNote = text;
    };
    const reachable = !!f.sender.idSealed && f.sender.consentToContact;
    const perf = draft.perf;
    const complaint = f.kind?.code === 'complaint';

    const triageAt = this.office(received + r.logNormal(2 + 20 * (1 - perf), 0.9) * HOUR_MS);
    if (st === 'new' && triageAt <= now) {
      if (!f.center?.code) {
        f.center = { code: draft.centerCode, confidence: 1, method: 'explicit' };
        history.push({
          at: new Date(triageAt),
          ...by,
          action: 'correct',
          field: 'center',
          from: null,
          to: draft.centerCode,
        });
      }
      const dupOf = this.lastComplaint.get(draft.centerCode);
      const x = r.next();
      if (complaint && x < 0.01) move('spam', triageAt);
      else if (complaint && x < 0.03 && dupOf) {
        f.duplicateOf = dupOf;
        move('duplicate', triageAt);
      } else if (complaint) this.complaintLife(f, draft, triageAt, reachable, move, note);
      else if (f.kind?.code === 'other' && r.chance(0.25)) move('spam', triageAt);
      else {
        move('triaged', triageAt);
        const doneAt = this.office(triageAt + r.logNormal(6, 1) * HOUR_MS);
        if (doneAt <= now) {
          const kind = f.kind?.code;
          const question = kind === 'question';
          const ack = demoData.acknowledgements;
          const notes = question
            ? demoData.answers
            : kind === 'praise'
              ? ack.praise
              : kind === 'suggestion'
                ? ack.suggestion
                : ack.other;
          const text = r.one(notes)[draft.lang];
          note(text, doneAt);
          move('resolved', doneAt);
          f.resolvedAt = new Date(doneAt);
          if (question && reachable) f.firstReplyAt = new Date(doneAt);
          const closeAt = doneAt + r.between(1, 7) * DAY_MS;
          if (closeAt <= now && r.chance(0.8)) move('closed', closeAt);
        }
      }
    }
    if (complaint) this.lastComplaint.set(draft.centerCode, f._id);

    const due = f.slaDueAt?.getTime();
    if (isOpen(st) && due && due < now)
      f.escalationTier = tierFor(now - due, { ...this.d.escalation, keepClosedMs: 0 });
    if (st !== 'new') f.needsTriage = false;
    f.staffStatus = st;
    f.status = citizenStatus(st);
    f.statusAt = new Date(statusAt);
    if (history.length) f.history = history;
    f.createdAt = new Date(received + r.int(200, 3000));
    f.updatedAt = new Date(
      Math.max(statusAt, ...history.map((h) => h.at.getTime()), f.createdAt.getTime()),
    );
    f.rollupBatch = this.d.batch;
    f.counted = { v: 1, ...tallyOf(f) };
    return f;
  }

  /** A complaint's way: triaged, in progress, answered, resolved (on time or late), closed — or stuck. */
  private complaintLife(
    f: FeedbackDoc,
    draft: IntakeDraft,
    triageAt: number,
    reachable: boolean,
    move: (to: StaffStatus, at: number) => void,
    note: (text: string, at: number) => void,
  ): void {
    const { r } = this;
    const { now } = this.d;
    const cal = this.d.deadlines.calendar;
    const perf = draft.perf;
    const received = f.receivedAt.getTime();
    move('triaged', triageAt);
    const workAt = this.office(triageAt + r.logNormal(4, 1) * HOUR_MS);
    let replyAt =
      reachable && r.chance(0.85)
        ? this.office(triageAt + r.logNormal(6 + 30 * (1 - perf), 0.8) * HOUR_MS)
        : Infinity;
    // A few complaints get stuck: most are resolved months late, a handful never.
    const stuck = r.chance(0.03 + 0.1 * (1 - perf));
    const never = stuck && r.chance(0.15);
    const median = stuck ? 30 + 40 * (1 - perf) : 2 + 12 * (1 - perf);
    const days = Math.min(300, Math.round(r.logNormal(median, 0.6)));
    const endOfDay = cal.addWorkingDays(f.receivedAt, days).getTime();
    let resolvedAt = Math.max(workAt + HOUR_MS, endOfDay - r.between(1, 8) * HOUR_MS, received);
    if (never) resolvedAt = Infinity;
    if (workAt <= now) move('in_progress', Math.min(workAt, resolvedAt - HOUR_MS));
    if (resolvedAt <= now) {
      replyAt = Math.min(replyAt, resolvedAt);
      note(r.one(demoData.resolutions)[draft.lang], resolvedAt);
      move('resolved', resolvedAt);
      f.resolvedAt = new Date(resolvedAt);
      const closeAt = resolvedAt + r.between(2, 10) * DAY_MS;
      if (closeAt <= now && r.chance(0.7)) move('closed', closeAt);
      if (reachable && r.chance(0.45)) {
        const onTime = !f.slaDueAt || resolvedAt <= f.slaDueAt.getTime();
        const x = r.next();
        const rating = onTime
          ? x < 0.05
            ? 1
            : x < 0.1
              ? 2
              : x < 0.25
                ? 3
                : x < 0.65
                  ? 4
                  : 5
          : x < 0.25
            ? 1
            : x < 0.5
              ? 2
              : x < 0.75
                ? 3
                : x < 0.9
                  ? 4
                  : 5;
        f.satisfaction = rating;
      }
    }
    if (replyAt <= now) f.firstReplyAt = new Date(replyAt);
  }
}
