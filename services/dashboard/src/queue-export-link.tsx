/**
 * The queue's "Export CSV" link: a plain download (the session cookie goes with it) of the queue's
 * filters and status tab over a period, with the period written beside it (queue-export.ts).
 */
import { formatDate } from './format';
import { t } from './i18n';
import { exportHref, exportPeriod } from './queue-export';

const NOTE = {
  filter: 'exportPeriodChosen',
  partial: 'exportPeriodPart',
  default: 'exportPeriodDefault',
} as const;

export function ExportLink({
  filters,
  status,
}: {
  filters: Record<string, string>;
  status: string;
}) {
  const period = exportPeriod(filters);
  return (
    <div class="export-bar">
      <a
        class="button-link"
        href={exportHref(filters, status, period)}
        download
        aria-describedby="export-period"
        data-export
      >
        {t('exportCsv')}
      </a>
      <span id="export-period" class="hint" data-from={period.from} data-to={period.to}>
        {t(NOTE[period.source], { from: formatDate(period.from), to: formatDate(period.to) })}
      </span>
    </div>
  );
}
