/**
 * The monthly report (docs/staff-api.md "Reports"), on demand and as stored by the job:
 *   GET /api/v1/reports/monthly?month=YYYY-MM&lang=lo|en&format=html|pdf[&center=|&province=]
 *   GET /api/v1/reports/monthly/stored                       the stored PDFs (all-center reports)
 *   GET /api/v1/reports/monthly/stored/:month/:lang          one stored PDF
 * In the caller's scope, as every report: a center manager's report is made of their centers only,
 * a center outside them is "not found", and the stored all-center reports are not theirs to read.
 * Lao is the default language, the last complete month the default month, HTML the default format.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { AppError, Errors } from '../../../shared/errors';
import type { FeedbackModel } from '../../../shared/models/feedback.model';
import {
  listMonthlyReports,
  monthlyReportId,
  readMonthlyReport,
  type MonthlyReportModel,
} from '../../../shared/models/monthly-report.model';
import type { ReportFilter } from '../../../shared/reports/figures';
import { today } from '../../../shared/reports/metrics';
import {
  lastMonth,
  MonthlyReports,
  parseMonth,
  reportFileName,
  type MonthlyReportsDeps,
} from '../../../shared/reports/monthly-report';
import { PdfBusyError } from '../../../shared/reports/pdf';
import { scopeOf, type StaffPrincipal } from '../../../shared/staff/roles';
import { me, requireStaff } from './staff-session';

const code = z.string().trim().min(1).max(60);
/** A month YYYY-MM (Lao digits too: ໒໐໒໕-໐໕). */
const month = z
  .string()
  .refine((s) => parseMonth(s) !== null, 'must be a month YYYY-MM')
  .transform((s) => parseMonth(s)!);

export const MonthlyQuerySchema = z
  .object({
    month: month.optional(),
    lang: z.enum(['lo', 'en']).default('lo'),
    format: z.enum(['html', 'pdf']).default('html'),
    center: code.optional(),
    province: code.optional(),
  })
  .strict();
export type MonthlyQuery = z.infer<typeof MonthlyQuerySchema>;

function issues(e: z.ZodError) {
  return e.issues.map((i) => ({
    field: String(i.path[0] ?? (i.code === 'unrecognized_keys' ? i.keys.join(',') : 'query')),
    message: i.message,
  }));
}

/**
 * The month (default: the last complete one; not a month still to come) and the filter in the
 * caller's scope, as reportRequest in reports.routes.ts decides it for the other reports.
 */
export function monthlyRequest(
  who: StaffPrincipal,
  query: unknown,
  now = Date.now(),
): { month: string; filter: ReportFilter; q: MonthlyQuery } {
  const r = MonthlyQuerySchema.safeParse(query);
  if (!r.success) throw Errors.validation(issues(r.error));
  const q = r.data;
  const m = q.month ?? lastMonth(now);
  if (m > today(now).slice(0, 7))
    throw Errors.validation([{ field: 'month', message: 'The month has not begun yet.' }]);
  if (q.center && q.province)
    throw Errors.validation([
      { field: 'province', message: 'Give a center or a province, not both.' },
    ]);
  const scope = scopeOf(who);
  if (q.center && !scope.all && !scope.centers.has(q.center)) throw Errors.notFound('This center');
  return { month: m, q, filter: { scope, center: q.center, province: q.province } };
}

export interface MonthlyReportRouteDeps extends MonthlyReportsDeps {
  Feedback: FeedbackModel;
  Stored: MonthlyReportModel;
}

function sendPdf(res: Response, pdf: Buffer, fileName: string): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${fileName}"`);
  res.setHeader('Content-Length', String(pdf.length));
  res.end(pdf);
}

const busy = () =>
  new AppError(
    'SERVICE_UNAVAILABLE',
    'Too many reports are being made; try again in a minute.',
    503,
  );

export function monthlyReportRoutes(deps: MonthlyReportRouteDeps): Router {
  const reports = new MonthlyReports(deps);
  const r = Router();
  const base = '/api/v1/reports/monthly';

  r.get(base, requireStaff('read'), async (req, res) => {
    const { month, filter, q } = monthlyRequest(me(req), req.query);
    const data = await reports.data(month, filter);
    res.setHeader('Cache-Control', 'no-store');
    if (q.format === 'html') {
      // Stricter than the app's policy: the page loads nothing at all (inline style and SVG only).
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
      );
      res.type('html').send(reports.html(data, q.lang));
      return;
    }
    try {
      const { pdf } = await reports.pdf(data, q.lang);
      sendPdf(res, pdf, reportFileName(month, data.scope, q.lang));
    } catch (err) {
      if (err instanceof PdfBusyError) {
        res.setHeader('Retry-After', '30');
        throw busy();
      }
      throw err;
    }
  });

  // The stored reports cover every center: only roles that see every center may read them.
  const allCenters = (who: StaffPrincipal) => scopeOf(who).all;

  r.get(`${base}/stored`, requireStaff('read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!allCenters(me(req))) {
      res.json({ items: [] });
      return;
    }
    const items = await listMonthlyReports(deps.Stored);
    res.json({
      items: items.map((i) => ({
        month: i.month,
        scope: i.scope,
        lang: i.lang,
        size: i.size,
        pages: i.pages,
        generatedAt: new Date(i.generatedAt).toISOString(),
        by: i.by,
        href: `${base}/stored/${i.month}/${i.lang}`,
      })),
    });
  });

  r.get(`${base}/stored/:month/:lang`, requireStaff('read'), async (req, res) => {
    const m = parseMonth(String(req.params.month));
    const lang = String(req.params.lang);
    if (!m || (lang !== 'lo' && lang !== 'en') || !allCenters(me(req)))
      throw Errors.notFound('This report');
    const found = await readMonthlyReport(deps.Stored, monthlyReportId(m, 'all', lang));
    if (!found) throw Errors.notFound('This report');
    res.setHeader('Cache-Control', 'no-store');
    sendPdf(res, found.pdf, reportFileName(m, { kind: 'all' }, lang));
  });

  return r;
}
