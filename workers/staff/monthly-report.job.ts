/**
 * The monthly report job, on the "staff-jobs" queue: on the 1st of each month at 06:00 Vientiane
 * time it renders the month before for all centers, in Lao and in English, stores both PDFs in
 * `monthly_reports` (shared/models/monthly-report.model.ts) and tells the taskforce — an in-app
 * notice to every active taskforce member and admin, pointing at
 * GET /api/v1/reports/monthly/stored/<month>/<lang>. A run again (a retry, a run by hand) replaces
 * the stored PDFs and notifies again. `npm run report:monthly` calls the same function.
 */
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { loadCatalogView } from '../../shared/catalog/catalog';
import type { Config } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import { feedbackModel } from '../../shared/models/feedback.model';
import {
  monthlyReportModel,
  storeMonthlyReport,
  type MonthlyReportInfo,
  type MonthlyReportModel,
} from '../../shared/models/monthly-report.model';
import {
  staffUserModel,
  type StaffUserDoc,
  type StaffUserModel,
} from '../../shared/models/staff-user.model';
import { Figures } from '../../shared/reports/figures';
import {
  lastMonth,
  MonthlyReports,
  parseMonth,
  REPORT_LANGS,
  type ReportLang,
} from '../../shared/reports/monthly-report';
import type { ReportDays } from '../../shared/reports/report-days';
import { NoticeBoard } from '../../shared/staff/notices';

export const MONTHLY_REPORT_JOB = 'monthly-report';
/** 06:00 on the 1st of every month (in Asia/Vientiane: the scheduler gets the zone). */
export const MONTHLY_REPORT_PATTERN = '0 6 1 * *';

export interface MonthlyReportJobDeps {
  reports: MonthlyReports;
  Stored: MonthlyReportModel;
  Users: StaffUserModel;
  notices: NoticeBoard;
  log?: Logger;
}

export interface MonthlyReportJobResult {
  month: string;
  stored: Pick<MonthlyReportInfo, '_id' | 'lang' | 'size' | 'pages'>[];
  /** Who was told (e-mail addresses). */
  notified: string[];
}

/** Everyone who hears of a new report: active taskforce members and admins. */
export function reportRecipients(users: StaffUserDoc[]): StaffUserDoc[] {
  return users.filter((u) => !u.disabled && (u.role === 'taskforce' || u.role === 'admin'));
}

/**
 * Renders, stores and announces the all-centers report of `month` (default: the month before
 * `now`'s, in Vientiane). Both PDFs are stored before anyone is told.
 */
export async function runMonthlyReport(
  deps: MonthlyReportJobDeps,
  opts: {
    month?: string;
    langs?: readonly ReportLang[];
    by?: string;
    notify?: boolean;
    now?: number;
  } = {},
): Promise<MonthlyReportJobResult & { pdfs: Map<ReportLang, Buffer> }> {
  const month = opts.month ?? lastMonth(opts.now ?? Date.now());
  const langs = opts.langs ?? REPORT_LANGS;
  const data = await deps.reports.data(month, { scope: { all: true } });
  const pdfs = new Map<ReportLang, Buffer>();
  const stored: MonthlyReportJobResult['stored'] = [];
  for (const lang of langs) {
    const { pdf, pages } = await deps.reports.pdf(data, lang);
    const info = await storeMonthlyReport(deps.Stored, {
      month,
      scope: 'all',
      lang,
      pdf,
      pages,
      generatedAt: new Date(data.generatedAt),
      by: opts.by ?? 'job',
    });
    pdfs.set(lang, pdf);
    stored.push({ _id: info._id, lang, size: info.size, pages });
  }
  const notified: string[] = [];
  if (opts.notify !== false) {
    const users = reportRecipients(await deps.Users.find({}).lean<StaffUserDoc[]>());
    const at = new Date().toISOString();
    for (const u of users) {
      await deps.notices.add(u._id, {
        at,
        kind: 'monthly_report',
        month,
        scope: 'all',
        langs: [...langs],
      });
      notified.push(u.email);
    }
  }
  deps.log?.info('monthly report stored', {
    month,
    reports: stored.map((s) => `${s._id} ${s.pages}p ${s.size}B`),
    notified: notified.length,
  });
  return { month, stored, notified, pdfs };
}

/** The job's handler: `data.month` runs another month (a run by hand), else the month before. */
export async function monthlyReportJob(
  deps: MonthlyReportJobDeps,
  data: unknown,
): Promise<MonthlyReportJobResult> {
  const asked = (data as { month?: unknown } | undefined)?.month;
  const month = typeof asked === 'string' ? (parseMonth(asked) ?? undefined) : undefined;
  try {
    const { pdfs: _pdfs, ...result } = await runMonthlyReport(deps, { month });
    return result;
  } catch (err) {
    deps.log?.error('monthly report failed (retried)', {
      month: month ?? 'last',
      error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}

/** The job's dependencies on a connection (the worker's and the script's). */
export function monthlyReportJobDeps(
  config: Config,
  conn: Connection,
  redis: IORedis,
  days: ReportDays,
  log?: Logger,
): MonthlyReportJobDeps {
  const catalog = () => loadCatalogView(catalogModels(conn));
  return {
    reports: new MonthlyReports({
      figures: new Figures(days, catalog),
      Feedback: feedbackModel(conn),
      catalog,
      chromiumPath: config.reports.chromiumPath,
    }),
    Stored: monthlyReportModel(conn),
    Users: staffUserModel(conn),
    notices: new NoticeBoard(redis, config.queuePrefix),
    log,
  };
}
