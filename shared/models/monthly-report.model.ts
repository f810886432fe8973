/**
 * Stored monthly reports: the PDFs the staff-jobs worker makes on the 1st of each month for the
 * month before (workers/staff/monthly-report.job.ts) and `npm run report:monthly` makes by hand.
 * One document per month, scope and language, `_id` = `<month>|<scope>|<lang>` (`2025-05|all|lo`):
 * fetching one is a primary-key read, the lookup FerretDB 1.24 pushes down. A report is some
 * hundred KB, far under the 16 MB a document may hold on MongoDB and FerretDB. Kept for good (one
 * pair a month); remove old ones by hand if ever needed.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export interface MonthlyReportDoc {
  _id: string;
  month: string;
  /** `all`, or the center / province code the report covers. */
  scope: string;
  lang: 'lo' | 'en';
  pdf: Buffer;
  size: number;
  pages: number;
  generatedAt: Date;
  /** What made it: `job` (the monthly schedule) or `script` (by hand). */
  by: string;
}

/** A stored report without its bytes, as the list shows it. */
export type MonthlyReportInfo = Omit<MonthlyReportDoc, 'pdf'>;

// No secondary index: the list reads the few documents there are (two a month) and sorts them;
// a single report is read by _id.
const monthlyReportSchema = new Schema<MonthlyReportDoc>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    scope: { type: String, required: true },
    lang: { type: String, required: true },
    pdf: { type: Buffer, required: true },
    size: { type: Number, required: true },
    pages: { type: Number, required: true },
    generatedAt: { type: Date, required: true },
    by: { type: String, required: true },
  },
  { versionKey: false },
);

export type MonthlyReportModel = Model<MonthlyReportDoc>;

export function monthlyReportModel(conn: Connection): MonthlyReportModel {
  return modelOn<MonthlyReportDoc>(conn, 'MonthlyReport', monthlyReportSchema, 'monthly_reports');
}

export function monthlyReportId(month: string, scope: string, lang: string): string {
  return `${month}|${scope}|${lang}`;
}

/** Stores (or replaces) one report. */
export async function storeMonthlyReport(
  Model: MonthlyReportModel,
  r: Omit<MonthlyReportDoc, '_id' | 'size'>,
): Promise<MonthlyReportInfo> {
  const _id = monthlyReportId(r.month, r.scope, r.lang);
  const doc = { ...r, size: r.pdf.length };
  await Model.replaceOne({ _id }, doc, { upsert: true });
  const { pdf: _pdf, ...info } = { _id, ...doc };
  return info;
}

/** Every stored report, newest month first, without the bytes. */
export async function listMonthlyReports(
  Model: MonthlyReportModel,
  limit = 240,
): Promise<MonthlyReportInfo[]> {
  const docs = await Model.find({}, { pdf: 0 }).lean<MonthlyReportInfo[]>();
  return docs
    .sort((a, b) => b.month.localeCompare(a.month) || a._id.localeCompare(b._id))
    .slice(0, limit);
}

/** One stored report's PDF, or null. */
export async function readMonthlyReport(
  Model: MonthlyReportModel,
  id: string,
): Promise<{ info: MonthlyReportInfo; pdf: Buffer } | null> {
  const doc = await Model.findById(id).lean<MonthlyReportDoc>();
  if (!doc) return null;
  const { pdf, ...info } = doc;
  // A lean read gives BSON Binary, not a Buffer.
  const raw = pdf as unknown as Buffer | { buffer: Uint8Array };
  return { info, pdf: Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer) };
}
