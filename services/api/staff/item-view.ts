/**
 * What staff see of a feedback: a queue row (from the index entry) and the full item (from the
 * document), shaped as docs/staff-api.md says. Personal data only through `contactView`: the full
 * number for roles with the `contact` ability when the citizen consented, masked otherwise.
 */
import type { FeedbackDoc, FeedbackModel } from '../../../shared/models/feedback.model';
import type { OutboundMessageModel } from '../../../shared/models/outbound-message.model';
import type { StaffUserModel } from '../../../shared/models/staff-user.model';
import { maskDigits } from '../../../shared/logger';
import { maskPhone } from '../../../shared/phone';
import type { PiiVault } from '../../../shared/pii';
import type { QueueEntry } from '../../../shared/staff/queue-index';
import { isOverdue, queueEntry, staffStatusOf } from '../../../shared/staff/queue-query';
import { can, type StaffPrincipal } from '../../../shared/staff/roles';
import { allowedMoves, citizenStatus } from '../../../shared/staff/staff-status';
import { formatTrackingCode } from '../../../shared/tracking-code';

export interface QueueRow {
  trackingCode: string;
  centerCode: string | null;
  serviceCode: string | null;
  channel: string;
  kind: string | null;
  topics: string[];
  status: string;
  rating: number | null;
  receivedAt: string;
  dueAt: string | null;
  overdue: boolean;
  needsTriage: boolean;
  /** Held (over a rate limit, or flagged): in no official figure until released. */
  held: boolean;
  assignee: { id: string; email: string } | null;
  excerpt: string;
}

export function rowView(e: QueueEntry, emails: Map<string, string>, now: number): QueueRow {
  return {
    trackingCode: formatTrackingCode(e.c),
    centerCode: e.ce,
    serviceCode: e.sv,
    channel: e.ch,
    kind: e.k,
    topics: e.tp,
    status: e.st,
    rating: e.r,
    receivedAt: new Date(e.ra).toISOString(),
    dueAt: e.du === null ? null : new Date(e.du).toISOString(),
    overdue: isOverdue(e, now),
    needsTriage: e.nt,
    held: e.hd === 1,
    assignee: e.as ? { id: e.as, email: emails.get(e.as) ?? '' } : null,
    excerpt: e.x,
  };
}

type Who = { id: string; email: string } | null;
const who = (id: string | null | undefined, email: string | null | undefined): Who =>
  id ? { id, email: email ?? '' } : null;

export interface ThreadEntry {
  type: 'message' | 'part' | 'note' | 'reply' | 'survey';
  at: string;
  text: string;
  by?: Who;
  delivery?: string;
  replyId?: string;
}

export type ItemView = QueueRow & {
  citizenStatus: string;
  allowedStatuses: string[];
  text: { raw: string; normalized: string } | null;
  classification: Pick<FeedbackDoc, 'center' | 'service' | 'topics' | 'kind' | 'sentiment'>;
  amountsKip: number[];
  parts: number;
  thread: ThreadEntry[];
  history: { at: string; by: Who; action: string; field?: string; from?: unknown; to?: unknown }[];
  contact: { kind: 'phone' | 'telegram'; value: string } | null;
  resolutionNote: string | null;
  duplicateOf: string | null;
  satisfaction: number | null;
  replyable: boolean;
  source: string | null;
  locale: string | null;
  /** Why the item is held and since when; null: it counts (shared/abuse/hold.ts). */
  hold: { reason: string; at: string } | null;
  /** false: a number typed into the web form or a kiosk (never verified); null: no number. */
  contactVerified: boolean | null;
};

interface ViewDeps {
  Users: StaffUserModel;
  Outbound: OutboundMessageModel;
  Feedback: FeedbackModel;
  vault: PiiVault;
}

/** The contact line: null without consent; `full` says whether the number was shown in clear. */
function contactView(
  doc: FeedbackDoc,
  viewer: StaffPrincipal,
  vault: PiiVault,
): { contact: ItemView['contact']; full: boolean } {
  const s = doc.sender;
  if (!s?.idSealed || !s.consentToContact) return { contact: null, full: false };
  if (s.kind === 'telegram')
    return { contact: { kind: 'telegram', value: 'Telegram chat' }, full: false };
  if (s.kind !== 'phone') return { contact: null, full: false };
  const number = vault.decrypt(s.idSealed, 'phone');
  const full = can(viewer.role, 'contact');
  return { contact: { kind: 'phone', value: full ? number : maskPhone(number) }, full };
}

export async function itemView(
  doc: FeedbackDoc,
  viewer: StaffPrincipal,
  deps: ViewDeps,
): Promise<{ item: ItemView; contact: { full: boolean } }> {
  const now = Date.now();
  const entry = queueEntry(doc);
  const assigneeEmail = doc.assigneeId
    ? ((await deps.Users.findById(doc.assigneeId, { email: 1 }).lean())?.email ?? '')
    : '';
  const emails = new Map(doc.assigneeId ? [[doc.assigneeId, assigneeEmail]] : []);
  const thread: ThreadEntry[] = [];
  if (doc.text?.raw)
    thread.push({
      type: 'message',
      at: new Date(doc.receivedAt).toISOString(),
      text: doc.text.raw,
    });
  for (const n of doc.notes ?? [])
    thread.push({
      type: 'note',
      at: new Date(n.at).toISOString(),
      text: n.text,
      by: who(n.byId, n.byEmail),
    });
  const sent = await Promise.all(
    (doc.replies ?? []).map(async (r) => ({ r, m: await deps.Outbound.findById(r.id).lean() })),
  );
  for (const { r, m } of sent)
    thread.push({
      type: r.purpose === 'survey' ? 'survey' : 'reply',
      at: new Date(r.at).toISOString(),
      text: m?.body ?? '',
      by: who(r.byId, r.byEmail),
      delivery: m?.status ?? 'queued',
      replyId: r.id,
    });
  thread.sort((a, b) => a.at.localeCompare(b.at));
  const { contact, full } = contactView(doc, viewer, deps.vault);
  // Roles that may not see numbers (analysts) do not read them in the text either.
  const shown = can(viewer.role, 'contact') ? (t: string) => t : maskDigits;
  for (const t of thread) t.text = shown(t.text);
  const status = staffStatusOf(doc);
  const s = doc.sender;
  const replyable =
    !!s?.idSealed && !!s.consentToContact && (s.kind === 'phone' || s.kind === 'telegram');
  return {
    contact: { full },
    item: {
      ...rowView({ ...entry, x: shown(entry.x) }, emails, now),
      citizenStatus: citizenStatus(status),
      allowedStatuses: [...allowedMoves(status)],
      text: doc.text ? { raw: shown(doc.text.raw), normalized: shown(doc.text.normalized) } : null,
      classification: {
        center: doc.center,
        service: doc.service,
        topics: doc.topics ?? [],
        kind: doc.kind,
        sentiment: doc.sentiment ?? 0,
      },
      amountsKip: doc.text?.amountsKip ?? [],
      parts: doc.parts?.length ?? 0,
      thread,
      history: (doc.history ?? []).map((h) => ({
        at: new Date(h.at).toISOString(),
        by: who(h.byId, h.byEmail),
        action: h.action,
        ...(h.field ? { field: h.field } : {}),
        ...(h.from !== undefined ? { from: h.from } : {}),
        ...(h.to !== undefined ? { to: h.to } : {}),
      })),
      contact,
      resolutionNote: doc.resolutionNote ?? null,
      duplicateOf: doc.duplicateOf ? formatTrackingCode(doc.duplicateOf) : null,
      satisfaction: doc.satisfaction ?? null,
      replyable,
      source: doc.source ?? null,
      locale: doc.locale ?? null,
      hold: doc.held ? { reason: doc.held.reason, at: new Date(doc.held.at).toISOString() } : null,
      contactVerified: s?.idSealed ? s.verified !== false : null,
    },
  };
}
