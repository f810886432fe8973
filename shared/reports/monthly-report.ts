/**
 * The monthly report of a month and a scope: its figures (Figures.monthly, from the report days),
 * "you said, we did" from the resolution notes of the month's resolved complaints, and the names of
 * the catalog — gathered once, then rendered as printable HTML per language
 * (monthly-report.view.ts) and, through Chromium, as a PDF (pdf.ts). The api serves it on demand
 * (GET /api/v1/reports/monthly), the staff-jobs worker stores the previous month's on the 1st
 * (workers/staff/monthly-report.job.ts), and `npm run report:monthly` does the same by hand.
 */
import type { CatalogView } from '../catalog/catalog';
import type { FeedbackDoc, FeedbackModel } from '../models/feedback.model';
import { laoDigitsToAscii } from '../text-normalize';
import type { Figures, ReportFilter } from './figures';
import { previousMonth, today } from './metrics';
import { renderMonthlyReport } from './monthly-report.view';
import type { ReportLang } from './monthly-report.strings';
import { renderPdf } from './pdf';

export type { ReportLang } from './monthly-report.strings';
export const REPORT_LANGS: readonly ReportLang[] = ['lo', 'en'];

/** The figures of a month, as Figures.monthly gives them. */
export type MonthlyFigures = Awaited<ReturnType<Figures['monthly']>>;

/** "You said, we did": at most this many resolved complaints, the most recently resolved first. */
export const WE_DID_MAX = 12;

/** One resolved complaint as the report shows it: what it was about and what staff did. */
export interface WeDidItem {
  centerCode: string;
  serviceCode: string;
  topics: string[];
  /** The staff's resolution note (never the citizen's text, never a contact). */
  note: string;
  resolvedAt: string | null;
}

/** What the report covers, for its cover and file names. */
export type ReportScope =
  | { kind: 'all' }
  | { kind: 'center'; code: string }
  | { kind: 'province'; code: string }
  | { kind: 'centers'; codes: string[] };

export interface MonthlyReportData {
  month: string;
  scope: ReportScope;
  figures: MonthlyFigures;
  weDid: WeDidItem[];
  catalog: CatalogView;
  /** When it was made (epoch ms); the cover shows it in Vientiane time. */
  generatedAt: number;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month YYYY-MM as a person may type it (Lao digits too), or null. */
export function parseMonth(input: string): string | null {
  const s = laoDigitsToAscii(input.trim());
  return MONTH_RE.test(s) ? s : null;
}

/** The last complete month at `now` (Vientiane calendar): what the report shows by default. */
export function lastMonth(now = Date.now()): string {
  return previousMonth(today(now).slice(0, 7));
}

/** The scope a filter stands for. */
export function scopeOf(filter: ReportFilter): ReportScope {
  if (filter.center) return { kind: 'center', code: filter.center };
  if (filter.province) return { kind: 'province', code: filter.province };
  if (!filter.scope.all) return { kind: 'centers', codes: [...filter.scope.centers].sort() };
  return { kind: 'all' };
}

/** The scope as one word for ids and file names: all, LA-VT, LA-VT-XAYSETHA, LA-LP+LA-VT. */
export function scopeKey(scope: ReportScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'center':
    case 'province':
      return scope.code;
    case 'centers':
      return scope.codes.join('+') || 'none';
  }
}

/** The file name of a report's PDF. */
export function reportFileName(month: string, scope: ReportScope, lang: ReportLang): string {
  return `odsc-monthly-report-${month}-${scopeKey(scope)}-${lang}.pdf`;
}

/** How many pages a PDF has: its page objects (`/Type /Page`, not the `/Pages` tree nodes). */
export function countPdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

export interface MonthlyReportsDeps {
  figures: Figures;
  Feedback: FeedbackModel;
  catalog: () => Promise<CatalogView>;
  /** The Chromium binary (config.reports.chromiumPath). */
  chromiumPath?: string;
  now?: () => number;
}

export class MonthlyReports {
  constructor(private readonly d: MonthlyReportsDeps) {}

  /** Everything the report shows for a month and a filter (the caller has checked the scope). */
  async data(month: string, filter: ReportFilter): Promise<MonthlyReportData> {
    const [figures, catalog] = await Promise.all([
      this.d.figures.monthly(month, filter),
      this.d.catalog(),
    ]);
    return {
      month,
      scope: scopeOf(filter),
      figures,
      weDid: await this.weDid(figures.resolvedCodes),
      catalog,
      generatedAt: (this.d.now ?? Date.now)(),
    };
  }

  /**
   * The resolution notes of the most recently resolved complaints, each read by `_id` (the lookup
   * FerretDB pushes down) with a projection that never loads the citizen's text or contact.
   */
  private async weDid(codes: string[]): Promise<WeDidItem[]> {
    const docs = await Promise.all(
      codes
        .slice(0, WE_DID_MAX)
        .map((code) =>
          this.d.Feedback.findById(code, WE_DID_FIELDS).lean<
            Pick<
              FeedbackDoc,
              '_id' | 'center' | 'service' | 'topics' | 'resolutionNote' | 'resolvedAt'
            >
          >(),
        ),
    );
    return docs
      .filter((f) => !!f?.resolutionNote?.trim())
      .map((f) => ({
        centerCode: f!.center?.code ?? '_unknown',
        serviceCode: f!.service?.code ?? '_unknown',
        topics: (f!.topics ?? []).map((t) => t.code).filter((c): c is string => !!c),
        note: f!.resolutionNote!.trim(),
        resolvedAt: f!.resolvedAt ? new Date(f!.resolvedAt).toISOString() : null,
      }));
  }

  /** The printable page, self-contained (no script, no external file). */
  html(data: MonthlyReportData, lang: ReportLang): string {
    return renderMonthlyReport(data, lang);
  }

  /** The page as an A4 PDF, rendered by Chromium with the Lao fonts embedded. */
  async pdf(data: MonthlyReportData, lang: ReportLang): Promise<{ pdf: Buffer; pages: number }> {
    const pdf = await renderPdf(this.html(data, lang), {
      executablePath: this.d.chromiumPath,
      footer: `ODSC · ${data.month} · ${scopeKey(data.scope)} · ${lang}`,
    });
    return { pdf, pages: countPdfPages(pdf) };
  }
}

/** The only fields "you said, we did" reads. */
const WE_DID_FIELDS = {
  _id: 1,
  center: 1,
  service: 1,
  topics: 1,
  resolutionNote: 1,
  resolvedAt: 1,
} as const;
