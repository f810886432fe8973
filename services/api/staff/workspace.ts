/**
 * The review queue and the actions on one item. Every read goes through the caller's scope
 * (`buildQueueFilter` for lists and counts, `load` for one item: outside the scope is 404);
 * every change is made under the item's lock (FerretDB updates are read-modify-write), written to
 * the item's history and the audit log, and then to the queue index.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { AppError, Errors } from '../../../shared/errors';
import type { CatalogView } from '../../../shared/catalog/catalog';
import {
  FEEDBACK_KINDS,
  type Classified,
  type FeedbackDoc,
  type FeedbackModel,
  type HistoryEntry,
} from '../../../shared/models/feedback.model';
import type { OutboundMessageModel } from '../../../shared/models/outbound-message.model';
import type { AliasModel } from '../../../shared/models/alias.model';
import type { StaffUserModel } from '../../../shared/models/staff-user.model';
import type { NotifyJob } from '../../../shared/notify';
import type { RedisLock } from '../../../shared/redis-lock';
import { enqueueReply, NoWayToReplyError } from '../../../shared/replies';
import type { AuditLog } from '../../../shared/staff/audit-log';
import type { Deadlines } from '../../../shared/staff/deadlines';
import { decodeCursor, encodeCursor, type QueueIndex } from '../../../shared/staff/queue-index';
import { QueueSnapshot } from '../../../shared/staff/queue-snapshot';
import {
  buildQueueFilter,
  isOverdue,
  queueEntry,
  staffStatusOf,
  type QueueQuery,
} from '../../../shared/staff/queue-query';
import { can, inScope, scopeOf, type StaffPrincipal } from '../../../shared/staff/roles';
import { maskDigits } from '../../../shared/logger';
import {
  canMove,
  citizenStatus,
  OPEN_STATUSES,
  STAFF_STATUSES,
  type StaffStatus,
} from '../../../shared/staff/staff-status';
import { formatTrackingCode, parseTrackingCode } from '../../../shared/tracking-code';
import { applyCorrection } from '../../../workers/intake/correction';
import { settleCount, type RollupWriter } from '../../../workers/intake/rollup-writer';
import { itemView, rowView, type ItemView, type QueueRow } from './item-view';
import type { PiiVault } from '../../../shared/pii';
import type { Logger } from '../../../shared/logger';
import type IORedis from 'ioredis';
import type { ReportMarks } from '../../../shared/reports/report-days';
import {
  SURVEY_WINDOW_S,
  surveyButtons,
  surveyKey,
  surveyQuestion,
} from '../../../shared/staff/survey';

export interface WorkspaceDeps {
  Feedback: FeedbackModel;
  Users: StaffUserModel;
  Outbound: OutboundMessageModel;
  Alias: AliasModel;
  index: QueueIndex;
  audit: AuditLog;
  rollups: RollupWriter;
  lock?: RedisLock;
  catalog: () => Promise<CatalogView>;
  notifyQueue: Queue<NotifyJob>;
  deadlines: Deadlines;
  vault: PiiVault;
  /** For the satisfaction survey's SMS window. */
  redis: IORedis;
  prefix: string;
  log?: Logger;
  /** The report days re-read every item a staff action changed (shared/reports/report-days.ts). */
  marks?: ReportMarks;
}

/** The fields PATCH takes (validated by the route's schema). */
export interface ItemPatch {
  status?: StaffStatus;
  assigneeId?: string | null;
  centerCode?: string;
  serviceCode?: string;
  topics?: string[];
  kind?: string;
  duplicateOf?: string;
  resolutionNote?: string;
}

const invalidTransition = (from: string, to: string) =>
  new AppError('INVALID_TRANSITION', `An item that is ${from} cannot be moved to ${to}.`, 409);

export class Workspace {
  private readonly snapshot: QueueSnapshot;

  constructor(private readonly d: WorkspaceDeps) {
    this.snapshot = new QueueSnapshot(d.index);
  }

  /**
   * Tells the report days to read the item again. The change itself is made: a mark that cannot be
   * written is logged, and the nightly rebuild of the report days catches up with it.
   */
  private async markCase(id: string): Promise<void> {
    await this.d.marks?.markCases([id]).catch((err: unknown) =>
      this.d.log?.warn('report mark not written', {
        trackingCode: id,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  }

  /** The stored feedback behind a tracking code, if the caller may see it; else 404. */
  async load(who: StaffPrincipal, rawCode: string): Promise<FeedbackDoc> {
    const code = parseTrackingCode(rawCode);
    const doc = code ? await this.d.Feedback.findById(code).lean<FeedbackDoc>() : null;
    if (!doc || !inScope(scopeOf(who), doc.center?.code)) throw Errors.notFound('This feedback');
    return doc;
  }

  async list(
    who: StaffPrincipal,
    q: QueueQuery,
  ): Promise<{ items: QueueRow[]; nextCursor: string | null }> {
    const now = Date.now();
    const filter = buildQueueFilter(scopeOf(who), q, who.id, now);
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && (!after || after.s !== filter.sort))
      throw Errors.validation([
        { field: 'cursor', message: 'This cursor belongs to another list.' },
      ]);
    if (filter.sort === 'due' && filter.statuses?.some((s) => !OPEN_STATUSES.includes(s)))
      throw Errors.validation([
        { field: 'sort', message: 'Sorting by due date applies to open items only.' },
      ]);
    // One center (a center manager's usual view): walk that center's set, not the whole index.
    const oneCenter =
      filter.centers?.length === 1 && filter.sort !== 'due' ? { center: filter.centers[0]! } : {};
    const found = await this.d.index.scan(
      filter.sort,
      filter.statuses,
      filter.keep,
      q.limit + 1,
      after,
      { ...oneCenter, text: filter.text },
    );
    const page = found.slice(0, q.limit);
    const emails = await this.emails(page.map((f) => f.entry.as));
    const last = page[page.length - 1];
    return {
      items: page.map((f) =>
        rowView(
          can(who.role, 'contact') ? f.entry : { ...f.entry, x: maskDigits(f.entry.x) },
          emails,
          now,
        ),
      ),
      nextCursor:
        found.length > q.limit && last
          ? encodeCursor({ s: filter.sort, v: last.score, c: last.entry.c })
          : null,
    };
  }

  async counts(who: StaffPrincipal, q: QueueQuery) {
    const now = Date.now();
    const filter = buildQueueFilter(scopeOf(who), q, who.id, now, { ignoreStatus: true });
    const byStatus = Object.fromEntries(STAFF_STATUSES.map((s) => [s, 0])) as Record<
      StaffStatus,
      number
    >;
    let overdue = 0;
    let held = 0;
    if (filter.unfiltered) {
      Object.assign(byStatus, await this.d.index.statusCards());
      overdue = await this.d.index.overdueCount(now);
      held = await this.d.index.heldCount();
    } else {
      // A center manager's centers are read from their sets; a text search needs the texts; any
      // other filter counts this process's snapshot of the index.
      const entries =
        filter.centers || filter.text
          ? this.d.index.all(filter.centers, { text: filter.text })
          : await this.snapshot.entries();
      for await (const e of entries) {
        if (!filter.keep(e)) continue;
        byStatus[e.st]++;
        if (isOverdue(e, now)) overdue++;
        if (e.hd === 1) held++;
      }
    }
    const open = OPEN_STATUSES.reduce((n, s) => n + byStatus[s], 0);
    return { byStatus, open, overdue, held };
  }

  async item(who: StaffPrincipal, rawCode: string, ip?: string): Promise<ItemView> {
    return this.view(who, await this.load(who, rawCode), ip);
  }

  /** The item view of a document the caller may see; a full number shown is audited. */
  private async view(who: StaffPrincipal, doc: FeedbackDoc, ip?: string): Promise<ItemView> {
    const view = await itemView(doc, who, this.d);
    if (view.contact.full) {
      await this.d.audit.record({
        actor: who,
        action: 'view_contact',
        target: doc._id,
        ip,
      });
    }
    return view.item;
  }

  /**
   * Applies a PATCH. Every check runs before anything is written (a refused request changes
   * nothing); then corrections of center and service go through the classifier's own path (the
   * rollups move, the phrase is learned), and the rest is one update, its history, its audit
   * entries, and the queue index. Answers the item view.
   */
  async update(who: StaffPrincipal, rawCode: string, p: ItemPatch, ip?: string): Promise<ItemView> {
    return this.view(who, await this.change(who, rawCode, p, ip), ip);
  }

  /**
   * `update` without the item view (for bulk actions, which answer only whether each worked: a
   * view shows the number to roles that may see it, and that is audited as a view).
   */
  private async change(
    who: StaffPrincipal,
    rawCode: string,
    p: ItemPatch,
    ip?: string,
  ): Promise<FeedbackDoc> {
    const doc0 = await this.load(who, rawCode);
    const id = doc0._id;
    let resolvedNow = false;
    let latest: FeedbackDoc = doc0;
    await this.withLock(id, async () => {
      const before = (await this.d.Feedback.findById(id).lean<FeedbackDoc>())!;
      const catalog = await this.d.catalog();
      latest = before;
      const plan = await this.plan(who, before, p, catalog);
      const at = new Date();
      const history: HistoryEntry[] = plan.changes.map((c) => ({
        at,
        byId: who.id,
        byEmail: who.email,
        ...c,
      }));
      const audits: { action: 'status_change' | 'correction' | 'assign'; details: object }[] = [];
      for (const c of plan.changes) {
        if (c.action === 'correct')
          audits.push({
            action: 'correction',
            details: { field: c.field, from: c.from, to: c.to },
          });
        if (c.action === 'assign')
          audits.push({ action: 'assign', details: { from: c.from, to: c.to } });
        if (c.action === 'status')
          audits.push({ action: 'status_change', details: { from: c.from, to: c.to } });
      }
      if (!history.length) return;

      for (const field of ['center', 'service'] as const) {
        const code = plan.corrections[field];
        if (!code) continue;
        const learned = await applyCorrection(
          { Feedback: this.d.Feedback, Alias: this.d.Alias, rollups: this.d.rollups, catalog },
          id,
          { field, code, by: who.id },
        );
        const a = audits.find((x) => (x.details as { field?: string }).field === field);
        if (a) Object.assign(a.details, { learned: learned?.phrase ?? null });
      }
      // The corrections wrote the document: read it again only then.
      const cur =
        plan.corrections.center || plan.corrections.service
          ? (await this.d.Feedback.findById(id).lean<FeedbackDoc>())!
          : before;
      const set = { ...plan.set };
      if (set.staffStatus && cur.needsTriage && set.staffStatus !== 'new') set.needsTriage = false;
      if (set.staffStatus === 'resolved') {
        set.resolvedAt = at;
        resolvedNow = true;
      }
      if (set.staffStatus) set.statusAt = at;
      const update: Record<string, unknown> = { $push: { history: { $each: history } } };
      if (Object.keys(set).length) update.$set = set;
      if (Object.keys(plan.unset).length) update.$unset = plan.unset;
      await this.d.Feedback.updateOne({ _id: id }, update);
      for (const a of audits)
        await this.d.audit.record({
          actor: who,
          action: a.action,
          target: id,
          ip,
          details: a.details as Record<string, unknown>,
        });
      const after = (await this.d.Feedback.findById(id).lean<FeedbackDoc>())!;
      // Kind and triage count in the rollups: move this document's count with them.
      await settleCount({ Feedback: this.d.Feedback, rollups: this.d.rollups }, id, cur);
      await this.d.index.put(queueEntry(after));
      await this.markCase(id);
      latest = after;
    });
    if (resolvedNow) {
      await this.askSatisfaction(id).catch((err: unknown) => {
        // The resolution stands; the thread then shows no question, and the log says why.
        this.d.log?.warn('satisfaction question not sent', {
          trackingCode: id,
          error: err instanceof Error ? err.message : String(err),
        });
      });
      // The question is now in the item's thread.
      latest = (await this.d.Feedback.findById(id).lean<FeedbackDoc>()) ?? latest;
    }
    return latest;
  }

  /** Checks a PATCH against the item as it is and says what it changes; throws before any write. */
  private async plan(who: StaffPrincipal, cur: FeedbackDoc, p: ItemPatch, catalog: CatalogView) {
    const changes: Omit<HistoryEntry, 'at' | 'byId' | 'byEmail'>[] = [];
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    const corrections: { center?: string; service?: string } = {};
    const explicit = (code: string): Classified => ({ code, confidence: 1, method: 'explicit' });
    const bad = (field: string, message: string) => Errors.validation([{ field, message }]);

    if (p.centerCode !== undefined && p.centerCode !== cur.center?.code) {
      if (!catalog.centerByCode.has(p.centerCode))
        throw bad('centerCode', `No center has the code ${p.centerCode}.`);
      if (!inScope(scopeOf(who), p.centerCode))
        throw bad('centerCode', 'That center is not yours.');
      corrections.center = p.centerCode;
      changes.push({
        action: 'correct',
        field: 'center',
        from: cur.center?.code ?? null,
        to: p.centerCode,
      });
    }
    if (p.serviceCode !== undefined && p.serviceCode !== cur.service?.code) {
      if (!catalog.serviceByCode.has(p.serviceCode))
        throw bad('serviceCode', `No service has the code ${p.serviceCode}.`);
      corrections.service = p.serviceCode;
      changes.push({
        action: 'correct',
        field: 'service',
        from: cur.service?.code ?? null,
        to: p.serviceCode,
      });
    }
    if (p.kind !== undefined && p.kind !== cur.kind?.code) {
      if (!catalogHasKind(p.kind)) throw bad('kind', `Unknown kind ${p.kind}.`);
      set.kind = explicit(p.kind);
      changes.push({ action: 'correct', field: 'kind', from: cur.kind?.code ?? null, to: p.kind });
    }
    if (p.topics !== undefined) {
      const known = new Set(catalog.topics.map((t) => t.code));
      const unknown = p.topics.filter((t) => !known.has(t));
      if (unknown.length) throw bad('topics', `Unknown topics: ${unknown.join(', ')}`);
      const old = (cur.topics ?? []).map((t) => t.code);
      const next = [...new Set(p.topics)];
      if (old.join() !== next.join()) {
        set.topics = next.map(explicit);
        changes.push({ action: 'correct', field: 'topics', from: old, to: next });
      }
    }
    // The assignee must cover the item's center — the new one, when it moves.
    const centerNow = corrections.center ?? cur.center?.code;
    const assignee = p.assigneeId !== undefined ? p.assigneeId : (cur.assigneeId ?? null);
    if (assignee !== null && !(await this.covers(assignee, centerNow))) {
      if (p.assigneeId !== undefined)
        throw bad('assigneeId', 'Assign to an active staff member who covers this center.');
      // Moved to a center the assignee does not cover: nobody is assigned any more.
      set.assigneeId = null;
      changes.push({ action: 'assign', field: 'assignee', from: assignee, to: null });
    } else if (p.assigneeId !== undefined && p.assigneeId !== (cur.assigneeId ?? null)) {
      set.assigneeId = p.assigneeId;
      changes.push({
        action: 'assign',
        field: 'assignee',
        from: cur.assigneeId ?? null,
        to: p.assigneeId,
      });
    }
    if (p.resolutionNote !== undefined && p.resolutionNote !== cur.resolutionNote) {
      set.resolutionNote = p.resolutionNote;
      changes.push({
        action: 'edit',
        field: 'resolutionNote',
        from: cur.resolutionNote ?? null,
        to: p.resolutionNote,
      });
    }
    const from = staffStatusOf(cur);
    if (p.status !== undefined && p.status !== from) {
      const to = p.status;
      if (!canMove(from, to)) throw invalidTransition(from, to);
      if (to === 'resolved' && !(p.resolutionNote ?? cur.resolutionNote)?.trim())
        throw bad('resolutionNote', 'Say how it was resolved before resolving it.');
      if (to === 'duplicate') {
        const of = p.duplicateOf ? parseTrackingCode(p.duplicateOf) : null;
        if (!of || of === cur._id)
          throw bad('duplicateOf', 'Give the tracking code of the original feedback.');
        await this.load(who, of); // 404 when it does not exist or is not the caller's
        set.duplicateOf = of;
      }
      set.staffStatus = to;
      set.status = citizenStatus(to);
      changes.push({ action: 'status', field: 'status', from, to });
      // Reopened: the escalation starts again from its first tier.
      if (to === 'triaged' && !OPEN_STATUSES.includes(from)) unset.escalationTier = '';
    }
    // The due date follows the kind and the service; a new due date restarts the escalation.
    const kindNow = (set.kind as Classified | undefined)?.code ?? cur.kind?.code;
    const due = this.d.deadlines.dueAt(
      cur.receivedAt,
      kindNow,
      corrections.service ?? cur.service?.code,
    );
    const oldDue = cur.slaDueAt ? new Date(cur.slaDueAt).getTime() : undefined;
    if (changes.length && due?.getTime() !== oldDue) {
      if (due) set.slaDueAt = due;
      else unset.slaDueAt = '';
      unset.escalationTier = '';
    }
    return { changes, set, unset, corrections };
  }

  /**
   * Asks the citizen once how satisfied they are with the resolution, where they can be reached
   * (docs/workspace.md "Closing the loop"). A failure to ask never undoes the resolution.
   */
  private async askSatisfaction(id: string): Promise<void> {
    const doc = await this.d.Feedback.findById(id, { replies: 1, locale: 1 }).lean<FeedbackDoc>();
    if (!doc || doc.replies?.some((r) => r.purpose === 'survey')) return;
    const code = formatTrackingCode(id);
    const lang = doc.locale === 'en' ? 'en' : 'lo';
    let sent: Awaited<ReturnType<typeof enqueueReply>>;
    try {
      sent = await enqueueReply(
        { Feedback: this.d.Feedback, Outbound: this.d.Outbound, queue: this.d.notifyQueue },
        id,
        (channel) => ({
          body: surveyQuestion(lang, code),
          ...(channel === 'telegram' ? { buttons: surveyButtons(id) } : {}),
        }),
        'survey',
      );
    } catch (err) {
      if (err instanceof NoWayToReplyError) return;
      throw err;
    }
    if (sent.channel === 'sms')
      await this.d.redis.set(surveyKey(this.d.prefix, sent.toHash), id, 'EX', SURVEY_WINDOW_S);
    const at = new Date();
    await this.withLock(id, () =>
      this.d.Feedback.updateOne(
        { _id: id },
        {
          $push: {
            replies: { id: sent.messageId, at, byId: null, byEmail: null, purpose: 'survey' },
            history: { at, byId: null, byEmail: null, action: 'survey_sent', to: sent.messageId },
          },
        },
      ),
    );
  }

  /**
   * Releases a held item (shared/abuse/hold.ts): from now on it counts in the official figures,
   * exactly once — its count moves from "held" (counted nowhere) to its bucket as any count change
   * does — and the report days read it again. Audited; a second release is a 409.
   */
  async release(who: StaffPrincipal, rawCode: string, ip?: string): Promise<ItemView> {
    return this.view(who, await this.releaseOne(who, rawCode, ip), ip);
  }

  /** `release` without the item view (for the bulk release, as `change` is for bulk). */
  private async releaseOne(
    who: StaffPrincipal,
    rawCode: string,
    ip?: string,
  ): Promise<FeedbackDoc> {
    const { _id: id } = await this.load(who, rawCode);
    let latest: FeedbackDoc | null = null;
    await this.withLock(id, async () => {
      const cur = (await this.d.Feedback.findById(id).lean<FeedbackDoc>())!;
      if (!cur.held)
        throw new AppError('NOT_HELD', 'This feedback is not held: it already counts.', 409);
      const at = new Date();
      const entry = {
        at,
        byId: who.id,
        byEmail: who.email,
        action: 'release',
        from: cur.held.reason,
      };
      await this.d.Feedback.updateOne(
        { _id: id },
        { $unset: { held: '' }, $push: { history: entry } },
      );
      latest = await settleCount({ Feedback: this.d.Feedback, rollups: this.d.rollups }, id);
      await this.d.audit.record({
        actor: who,
        action: 'release_hold',
        target: id,
        ip,
        details: { reason: cur.held.reason },
      });
      if (latest) await this.d.index.put(queueEntry(latest));
      await this.markCase(id);
    });
    return latest ?? (await this.load(who, rawCode));
  }

  async addNote(who: StaffPrincipal, rawCode: string, text: string, ip?: string): Promise<string> {
    const { _id: id } = await this.load(who, rawCode);
    const noteId = randomUUID();
    const at = new Date();
    await this.withLock(id, () =>
      this.d.Feedback.updateOne(
        { _id: id },
        {
          $push: {
            notes: { id: noteId, at, byId: who.id, byEmail: who.email, text },
            history: { at, byId: who.id, byEmail: who.email, action: 'note', to: noteId },
          },
        },
      ),
    );
    await this.d.audit.record({ actor: who, action: 'note', target: id, ip, details: { noteId } });
    return noteId;
  }

  async reply(who: StaffPrincipal, rawCode: string, text: string, ip?: string): Promise<string> {
    const doc = await this.load(who, rawCode);
    const id = doc._id;
    let replyId: string;
    try {
      ({ messageId: replyId } = await enqueueReply(
        { Feedback: this.d.Feedback, Outbound: this.d.Outbound, queue: this.d.notifyQueue },
        id,
        text,
      ));
    } catch (err) {
      if (err instanceof NoWayToReplyError) throw new AppError('NO_WAY_TO_REPLY', err.message, 422);
      throw err;
    }
    const at = new Date();
    await this.withLock(id, async () => {
      const cur = (await this.d.Feedback.findById(id, { firstReplyAt: 1 }).lean())!;
      await this.d.Feedback.updateOne(
        { _id: id },
        {
          $push: {
            replies: { id: replyId, at, byId: who.id, byEmail: who.email, purpose: 'reply' },
            history: { at, byId: who.id, byEmail: who.email, action: 'reply', to: replyId },
          },
          ...(cur.firstReplyAt ? {} : { $set: { firstReplyAt: at } }),
        },
      );
    });
    await this.markCase(id);
    await this.d.audit.record({
      actor: who,
      action: 'reply',
      target: id,
      ip,
      details: { replyId },
    });
    return replyId;
  }

  /** The same change on many items, each on its own (its own checks, history and audit entry). */
  bulk(who: StaffPrincipal, codes: string[], set: ItemPatch, ip?: string) {
    return this.eachItem(codes, (code) => this.change(who, code, set, ip));
  }

  /** Releases many held items, each on its own as `release` does (an item not held: NOT_HELD). */
  releaseMany(who: StaffPrincipal, codes: string[], ip?: string) {
    return this.eachItem(codes, (code) => this.releaseOne(who, code, ip));
  }

  /** Runs one action per item, in order; each item's result says whether it worked, and why not. */
  private async eachItem(codes: string[], act: (code: string) => Promise<unknown>) {
    const results: {
      trackingCode: string;
      ok: boolean;
      error?: { code: string; message: string };
    }[] = [];
    for (const code of codes) {
      try {
        await act(code);
        results.push({ trackingCode: code, ok: true });
      } catch (err) {
        // One item failing (even for a server reason) never stops the others: each says why.
        const e =
          err instanceof AppError
            ? err
            : new AppError('INTERNAL', 'This item could not be changed; try it again.', 500);
        if (e.status >= 500)
          this.d.log?.error('bulk item failed', {
            trackingCode: code,
            error: err instanceof Error ? err.message : String(err),
          });
        results.push({
          trackingCode: code,
          ok: false,
          error: { code: e.code, message: e.message },
        });
      }
    }
    return results;
  }

  /** Whether an active, non-analyst account covers a center. */
  private async covers(userId: string, centerCode: string | null | undefined): Promise<boolean> {
    const u = await this.d.Users.findById(userId).lean();
    return (
      !!u &&
      !u.disabled &&
      u.role !== 'analyst' &&
      inScope(scopeOf({ role: u.role, centers: u.centers ?? [] }), centerCode)
    );
  }

  /** E-mails of the given user ids (for list rows). */
  private async emails(ids: (string | null)[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter((x): x is string => !!x))];
    const users = await Promise.all(
      unique.map((id) => this.d.Users.findById(id, { email: 1 }).lean()),
    );
    return new Map(users.filter((u) => !!u).map((u) => [u!._id, u!.email]));
  }

  private withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    // The same lock name as the intake's thread step: a staff change and an appended SMS part
    // never overwrite each other.
    return this.d.lock ? this.d.lock.with(`feedback:${id}`, fn) : fn();
  }
}

function catalogHasKind(kind: string): boolean {
  return (FEEDBACK_KINDS as readonly string[]).includes(kind);
}
