/**
 * What the queue's "Export CSV" link downloads (GET /api/v1/exports/feedback.csv, docs/staff-api.md
 * "Exports"): the queue's filters and status tab as they are, and always a period, so the export
 * reads only that period's feedback (by day) instead of every stored one. The period is the
 * filter's from/to; a missing end is today, a missing start the 30 days up to the end; without
 * either, the last 30 days. Pure, so the rule is tested by value (queue-export.test.ts).
 */
import { addDays, today } from '../../../shared/reports/metrics';
import { isDay } from '../../../shared/staff/vientiane-days';
import { laoDigitsToAscii } from '../../../shared/text-normalize';

export const EXPORT_URL = '/api/v1/exports/feedback.csv';
/** The days a period without a start covers. */
export const DEFAULT_DAYS = 30;

export interface ExportPeriod {
  from: string;
  to: string;
  /** Where the ends came from: both from the filter, one of them, or neither (the last 30 days). */
  source: 'filter' | 'partial' | 'default';
}

/** A day typed in the address (Lao digits too), or null when it is not one. */
function dayOf(s: string | null | undefined): string | null {
  const v = laoDigitsToAscii((s ?? '').trim());
  return isDay(v) ? v : null;
}

/** The period an export of these filters covers, on `day` (today in Vientiane). */
export function exportPeriod(
  filters: { from?: string | null; to?: string | null },
  day = today(),
): ExportPeriod {
  const from = dayOf(filters.from);
  const to = dayOf(filters.to);
  const end = to ?? day;
  return {
    from: from ?? addDays(end, -(DEFAULT_DAYS - 1)),
    to: end,
    source: from && to ? 'filter' : from || to ? 'partial' : 'default',
  };
}

/** The export's address: every non-empty filter, the status tab, and the period. */
export function exportHref(
  filters: Record<string, string>,
  status: string,
  period: { from: string; to: string },
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v && k !== 'from' && k !== 'to') q.set(k, v);
  if (status) q.set('status', status);
  q.set('from', period.from);
  q.set('to', period.to);
  return `${EXPORT_URL}?${q.toString()}`;
}
