/**
 * The kiosk's smiley answers per center as stacked shares (the kiosk offers 1, 2, 4 and 5; a 3
 * shows only if some answer has it), in a red–blue palette that colour-blind readers can tell
 * apart, with a legend naming each smiley and the counts in the table.
 */
import type { ChartConfiguration } from 'chart.js';
import { getLang, label, t } from './i18n';
import { ChartCard, COLORS } from './overview-chart';
import { barsHeight, tick } from './overview-charts';
import { formatCount, formatShare, shortCenterName } from './overview-format';
import type { Overview } from './overview-types';

/** The kiosk's smileys (1, 2, 4, 5; 3 only if some answer has it) per center, as shares. */
export function KioskChart({ o, center }: { o: Overview; center: (code: string) => string }) {
  const rows = [...o.kiosk].sort((a, b) => b.rated - a.rated);
  const levels = [0, 1, 2, 3, 4].filter((i) => i !== 2 || rows.some((r) => r.ratings[2]! > 0));
  const names = rows.map((r) => center(r.centerCode));
  const labels = names.map(shortCenterName);
  const satisfied = (r: (typeof rows)[number]) =>
    r.rated ? (r.ratings[3]! + r.ratings[4]!) / r.rated : null;
  const summary = t('ovKioskSummary', {
    list: rows
      .slice(0, 5)
      .map((r, i) => `${names[i]} ${formatShare(satisfied(r))} (${formatCount(r.rated)})`)
      .join(', '),
  });
  const config = (): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels,
      datasets: levels.map((i) => ({
        label: label('smiley', String(i + 1)),
        data: rows.map((r) => (r.rated ? Math.round((r.ratings[i]! / r.rated) * 1000) / 10 : 0)),
        backgroundColor: COLORS.ratings[i],
        borderColor: '#fff',
        borderWidth: 1,
        barThickness: 20,
      })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
        y: { stacked: true, ticks: { callback: tick(labels), autoSkip: false } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: (items) => names[items[0]?.dataIndex ?? 0] ?? '',
            label: (c) => `${c.dataset.label}: ${c.formattedValue}%`,
          },
        },
      },
    },
  });
  return (
    <ChartCard
      id="kiosk"
      title={t('ovKiosk')}
      summary={summary}
      config={config}
      dataKey={`${getLang()}|${JSON.stringify(rows)}`}
      empty={rows.length === 0}
      height={barsHeight(rows.length) + 3}
      table={{
        head: [
          t('center'),
          t('ovRated'),
          ...levels.map((i) => label('smiley', String(i + 1))),
          t('ovSatisfied'),
        ],
        rows: rows.map((r, k) => ({
          key: r.centerCode,
          cells: [
            names[k]!,
            formatCount(r.rated),
            ...levels.map((i) => formatCount(r.ratings[i]!)),
            formatShare(satisfied(r)),
          ],
        })),
        numeric: [1, ...levels.map((_, i) => i + 2), levels.length + 2],
      }}
    />
  );
}
