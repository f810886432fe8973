/**
 * The feedback export's rows (docs/staff-api.md "Exports"): which columns, in which order, and
 * what of the citizen a role may read in them. Pure: the caller passes the function that opens a
 * sealed number, so the same rules are testable without keys.
 *
 * Personal data follows the item view (services/api/staff/item-view.ts): the number only when the
 * citizen consented, in full only for roles with the `contact` ability, masked otherwise; roles
 * without that ability also get digit runs in the free text masked.
 */
import { maskDigits } from '../logger';
import type { FeedbackDoc } from '../models/feedback.model';
import { localBuckets } from '../models/feedback.model';
import { maskPhone } from '../phone';
import { formatTrackingCode } from '../tracking-code';
import type { CsvValue } from './csv';
import { staffStatusOf } from './queue-query';
import { can, type Role } from './roles';
import { citizenStatus } from './staff-status';
import { VIENTIANE_OFFSET_MS } from './vientiane-days';

/** The header row. Stable: spreadsheets and scripts downstream address columns by these names. */
export const EXPORT_COLUMNS = [
  'trackingCode',
  'receivedAt',
  'day',
  'channel',
  'centerCode',
  'serviceCode',
  'kind',
  'topics',
  'rating',
  'staffStatus',
  'citizenStatus',
  'dueAt',
  'firstReplyAt',
  'resolvedAt',
  'satisfaction',
  'needsTriage',
  'text',
  'contact',
] as const;

/**
 * The document fields a row and the queue filter read: everything else (history, notes, meta…)
 * stays in the database.
 */
export const EXPORT_PROJECTION = {
  channel: 1,
  receivedAt: 1,
  day: 1,
  center: 1,
  service: 1,
  kind: 1,
  topics: 1,
  rating: 1,
  staffStatus: 1,
  statusAt: 1,
  slaDueAt: 1,
  firstReplyAt: 1,
  resolvedAt: 1,
  satisfaction: 1,
  needsTriage: 1,
  assigneeId: 1,
  text: 1,
  sender: 1,
} as const;

/** Written in the contact cell when a sealed number cannot be opened (a key no longer held). */
export const UNREADABLE_CONTACT = 'unreadable';

/** How one export shows personal data, decided once per export from the role. */
export interface ExportViewer {
  role: Role;
  /** Opens a sealed value (PiiVault.decrypt); may throw. */
  open(sealed: string): string;
}

/** The contact cell: empty without consent; the number in full or masked by role. */
export function exportContact(doc: Pick<FeedbackDoc, 'sender'>, viewer: ExportViewer): string {
  const s = doc.sender;
  if (!s?.idSealed || !s.consentToContact) return '';
  if (s.kind === 'telegram') return 'Telegram chat';
  if (s.kind !== 'phone') return '';
  let number: string;
  try {
    number = viewer.open(s.idSealed);
  } catch {
    return UNREADABLE_CONTACT;
  }
  return can(viewer.role, 'contact') ? number : maskPhone(number);
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** One row's cells, in EXPORT_COLUMNS order. */
export function exportRow(doc: FeedbackDoc, viewer: ExportViewer): CsvValue[] {
  const raw = doc.text?.raw ?? '';
  const status = staffStatusOf(doc);
  return [
    formatTrackingCode(doc._id),
    iso(doc.receivedAt),
    doc.day ?? localBuckets(new Date(doc.receivedAt)).day,
    doc.channel,
    doc.center?.code ?? null,
    doc.service?.code ?? null,
    doc.kind?.code ?? null,
    (doc.topics ?? [])
      .map((t) => t.code)
      .filter(Boolean)
      .join(';'),
    doc.rating ?? null,
    status,
    citizenStatus(status),
    iso(doc.slaDueAt),
    iso(doc.firstReplyAt),
    iso(doc.resolvedAt),
    doc.satisfaction ?? null,
    !!doc.needsTriage,
    can(viewer.role, 'contact') ? raw : maskDigits(raw),
    exportContact(doc, viewer),
  ];
}

/** The download's name: `feedback-YYYYMMDD-HHmm.csv`, in Vientiane time (what staff read). */
export function exportFileName(now: Date): string {
  const s = new Date(now.getTime() + VIENTIANE_OFFSET_MS).toISOString();
  return `feedback-${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}-${s.slice(11, 13)}${s.slice(14, 16)}.csv`;
}
