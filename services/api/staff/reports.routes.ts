/**
 * The insight routes (docs/staff-api.md "Reports"): headline figures, the center league table and
 * the dashboard overview, all from the report days (shared/reports/figures.ts), all in the caller's
 * scope. Days are Asia/Vientiane days, both inclusive; rates are fractions 0–1.
 */
import { Router } from 'express';
import { z } from 'zod';
import { Errors } from '../../../shared/errors';
import { daysOf, today, addDays } from '../../../shared/reports/metrics';
import type { Figures, ReportFilter } from '../../../shared/reports/figures';
import { scopeOf, type StaffPrincipal } from '../../../shared/staff/roles';
import { emptyAsAbsent } from '../../../shared/staff/queue-query';
import { isDay } from '../../../shared/staff/vientiane-days';
import { me, requireStaff } from './staff-session';

/** The longest period one request may cover (two years and a day). */
export const MAX_REPORT_DAYS = 732;

const day = z.string().refine(isDay, 'must be a day YYYY-MM-DD');
const code = z.string().trim().min(1).max(60);

/** Empty values (`?center=&from=`) are as if not given (emptyAsAbsent). */
export const ReportQuerySchema = emptyAsAbsent(
  z
    .object({
      from: day.optional(),
      to: day.optional(),
      center: code.optional(),
      province: code.optional(),
      service: code.optional(),
      channel: z.enum(['sms', 'telegram', 'web', 'kiosk']).optional(),
      granularity: z.enum(['day', 'week', 'month']).optional(),
    })
    .strict(),
);
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

function issues(e: z.ZodError) {
  return e.issues.map((i) => ({
    field: String(i.path[0] ?? (i.code === 'unrecognized_keys' ? i.keys.join(',') : 'query')),
    message: i.message,
  }));
}

/**
 * The period (default: the 30 days up to today) and the filter in the caller's scope. A center
 * outside a center manager's centers is "not found", as its items are.
 */
export function reportRequest(
  who: StaffPrincipal,
  query: unknown,
  now = Date.now(),
): { from: string; to: string; filter: ReportFilter; q: ReportQuery } {
  const r = ReportQuerySchema.safeParse(query);
  if (!r.success) throw Errors.validation(issues(r.error));
  const q = r.data;
  const to = q.to ?? today(now);
  const from = q.from ?? addDays(to, -29);
  if (from > to)
    throw Errors.validation([{ field: 'from', message: 'from must not be after to.' }]);
  if (daysOf(from, to).length > MAX_REPORT_DAYS)
    throw Errors.validation([
      { field: 'from', message: `A period may cover at most ${MAX_REPORT_DAYS} days.` },
    ]);
  const scope = scopeOf(who);
  if (q.center && !scope.all && !scope.centers.has(q.center)) throw Errors.notFound('This center');
  return {
    from,
    to,
    q,
    filter: {
      scope,
      center: q.center,
      province: q.province,
      service: q.service,
      channel: q.channel,
    },
  };
}

export function reportRoutes(figures: Figures): Router {
  const r = Router();
  const base = '/api/v1/reports';

  r.get(`${base}/summary`, requireStaff('read'), async (req, res) => {
    const { from, to, filter } = reportRequest(me(req), req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await figures.summary(from, to, filter));
  });

  r.get(`${base}/centers`, requireStaff('read'), async (req, res) => {
    const { from, to, filter, q } = reportRequest(me(req), req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await figures.centers(from, to, filter, q.granularity));
  });

  r.get(`${base}/overview`, requireStaff('read'), async (req, res) => {
    const { from, to, filter, q } = reportRequest(me(req), req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await figures.overview(from, to, filter, q.granularity));
  });

  return r;
}
