/**
 * The overview's charts, each a ChartCard (overview-chart.tsx) with its table: volume and
 * satisfaction over time, the channel mix, services and topics ranked by complaints (the kiosk's
 * answers are overview-kiosk.tsx). Names come from the catalog; the figures are the API's.
 */
import type { ChartConfiguration } from 'chart.js';
import { getLang, label, t } from './i18n';
import { ChartCard, COLORS, shorten } from './overview-chart';
import { formatAvg, formatCount, formatShare } from './overview-format';
import type { Overview } from './overview-types';
import { formatDate } from './format';

/** How a period of the series reads on an axis: "5 ມີນາ", "from 2 Mar", "Mar 2026". */
export function periodLabel(period: string, granularity: string): string {
  if (granularity === 'month')
    return formatDate(`${period}-15T12:00:00+07:00`).replace(/^\d+ /, '');
  const day = formatDate(`${period}T12:00:00+07:00`).replace(/ \d{4}$/, '');
  return granularity === 'week' ? t('ovWeekOf', { d: day }) : day;
}

/** Horizontal bars get taller with their number (rem). */
export const barsHeight = (n: number) => Math.max(8, 3 + n * 2.2);

/** Axis labels shortened on a narrow chart (the full names are in the tooltip and the table). */
export const tick = (labels: string[]) =>
  function (this: { chart: { width: number } }, v: string | number) {
    const text = labels[Number(v)] ?? String(v);
    return shorten(text, this.chart.width < 480 ? 14 : 34);
  };

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function VolumeChart({ o }: { o: Overview }) {
  const labels = o.series.map((s) => periodLabel(s.period, o.granularity));
  const total = o.series.reduce((n, s) => n + s.received, 0);
  const top = o.series.reduce((a, s) => (s.received > a.received ? s : a), o.series[0]!);
  const summary = t('ovVolumeSummary', {
    g: label('granularityPer', o.granularity),
    total: formatCount(total),
    max: formatCount(top?.received ?? 0),
    at: top ? periodLabel(top.period, o.granularity) : '',
    share: formatShare(o.summary.satisfiedShare),
  });
  // Axis titles only where there is room; the legend names both series anyway.
  const wide = window.matchMedia('(min-width: 48rem)').matches;
  const config = (): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: t('received'),
          data: o.series.map((s) => s.received),
          backgroundColor: COLORS.bar,
          yAxisID: 'y',
          order: 2,
        },
        {
          type: 'line',
          label: t('ovSatisfiedPct'),
          data: o.series.map((s) => pct(s.satisfiedShare)),
          borderColor: COLORS.line,
          backgroundColor: COLORS.line,
          pointStyle: 'rectRot',
          pointRadius: 4,
          borderWidth: 2,
          spanGaps: false,
          // A point at 100% is drawn whole, over the chart's top edge.
          clip: 8,
          yAxisID: 'y1',
          order: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 } },
        y: {
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: wide, text: t('received') },
        },
        y1: {
          position: 'right',
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          ticks: { callback: (v) => `${v}%` },
          title: { display: wide, text: t('ovSatisfiedPct') },
        },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  return (
    <ChartCard
      id="volume"
      title={t('ovVolume')}
      summary={summary}
      config={config}
      dataKey={`${getLang()}|${JSON.stringify(o.series)}|${o.granularity}`}
      empty={total === 0}
      height={18}
      table={{
        head: [
          t('ovPeriodCol'),
          t('received'),
          t('ovRatingAvg'),
          t('ovSatisfied'),
          t('ovComplaints'),
        ],
        rows: o.series.map((s) => ({
          key: s.period,
          cells: [
            periodLabel(s.period, o.granularity),
            formatCount(s.received),
            formatAvg(s.ratingAvg),
            formatShare(s.satisfiedShare),
            formatCount(s.complaints),
          ],
        })),
        numeric: [1, 2, 3, 4],
      }}
    />
  );
}

/** Horizontal bars of one count per named thing (channels, services, topics). */
function RankChart(props: {
  id: string;
  title: string;
  items: { code: string; name: string; n: number }[];
  countLabel: string;
  color: string;
  top?: number;
}) {
  const total = props.items.reduce((a, i) => a + i.n, 0);
  const drawn = props.items.slice(0, props.top ?? props.items.length);
  const names = drawn.map((i) => i.name);
  const summary = t('ovRankSummary', {
    what: props.title,
    list: drawn
      .slice(0, 5)
      .map((i) => `${i.name} ${formatCount(i.n)}`)
      .join(', '),
  });
  const config = (): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: names,
      datasets: [
        {
          label: props.countLabel,
          data: drawn.map((i) => i.n),
          backgroundColor: props.color,
          barThickness: 18,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        y: { ticks: { callback: tick(names), autoSkip: false } },
      },
      plugins: { legend: { display: false } },
    },
  });
  return (
    <ChartCard
      id={props.id}
      title={props.title}
      summary={summary}
      config={config}
      dataKey={`${getLang()}|${JSON.stringify(drawn)}`}
      empty={total === 0}
      height={barsHeight(drawn.length)}
      table={{
        head: [t('ovName'), props.countLabel, t('ovShareOfTotal')],
        rows: props.items.map((i) => ({
          key: i.code,
          cells: [i.name, formatCount(i.n), formatShare(total ? i.n / total : null)],
        })),
        numeric: [1, 2],
      }}
    />
  );
}

export function ChannelChart({ o }: { o: Overview }) {
  return (
    <RankChart
      id="channels"
      title={t('ovChannels')}
      countLabel={t('received')}
      color={COLORS.bar}
      items={o.channels.map((c) => ({
        code: c.channel,
        name: label('channel', c.channel),
        n: c.received,
      }))}
    />
  );
}

export function ComplaintRanks({
  o,
  service,
  topic,
}: {
  o: Overview;
  service: (code: string) => string;
  topic: (code: string) => string;
}) {
  const named = (list: Overview['services'], name: (c: string) => string) =>
    list.map((r) => ({
      code: r.code,
      name: r.code === '_unknown' ? t('ovNotGiven') : name(r.code),
      n: r.complaints,
    }));
  return (
    <>
      <RankChart
        id="services"
        title={t('ovServices')}
        countLabel={t('ovComplaints')}
        color={COLORS.complaint}
        items={named(o.services, service)}
        top={10}
      />
      <RankChart
        id="topics"
        title={t('ovTopics')}
        countLabel={t('ovComplaints')}
        color={COLORS.complaint}
        items={named(o.topics, topic)}
        top={10}
      />
    </>
  );
}
