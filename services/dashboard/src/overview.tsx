/**
 * The overview ("ພາບລວມ"): the taskforce's insight screen. One request —
 * GET /api/v1/reports/overview with the filters in the address — gives the headline figures with
 * the change against the period just before, the charts (each with its table), the province grid
 * and the center league table. Every number is the API's (shared/reports/metrics.ts defines them);
 * this screen only formats: shares with one decimal, averages with two, "—" for no data.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, query } from './api';
import { formatDate } from './format';
import { getLang, label, t, type Key } from './i18n';
import { ChannelChart, ComplaintRanks, VolumeChart } from './overview-charts';
import { KioskChart } from './overview-kiosk';
import {
  apiParams,
  OVERVIEW_KEYS,
  OverviewFilters,
  viewOf,
  type OverviewKey,
} from './overview-filters';
import {
  changeTone,
  diff,
  formatAvg,
  formatChange,
  formatCount,
  formatDays,
  formatShare,
  type ChangeKind,
} from './overview-format';
import { LeagueTable } from './overview-league';
import { ProvinceGrid } from './overview-provinces';
import type { Overview, OverviewSummary } from './overview-types';
import { BASE, navigate, type Route } from './router';
import { catalogNames, provinces, useSession } from './session';
import { Notice, useNotice } from './ui';

interface Card {
  key: string;
  title: Key;
  value: (s: OverviewSummary) => number | null;
  kind: ChangeKind;
  better: 'up' | 'down' | 'none';
  /** A line under the value (its base, its unit). */
  sub?: (s: OverviewSummary) => string;
}

const CARDS: Card[] = [
  { key: 'received', title: 'ovReceived', value: (s) => s.received, kind: 'count', better: 'none' },
  {
    key: 'ratingAvg',
    title: 'ovRatingAvg',
    value: (s) => s.ratingAvg,
    kind: 'avg',
    better: 'up',
    sub: (s) => t('ovOfRated', { n: formatCount(s.rated) }),
  },
  {
    key: 'satisfiedShare',
    title: 'ovSatisfied',
    value: (s) => s.satisfiedShare,
    kind: 'share',
    better: 'up',
    sub: (s) => t('ovOfRated', { n: formatCount(s.rated) }),
  },
  {
    key: 'open',
    title: 'ovOpen',
    value: (s) => s.complaints.open,
    kind: 'count',
    better: 'down',
    sub: (s) => t('ovOfComplaints', { n: formatCount(s.complaints.total) }),
  },
  {
    key: 'overdue',
    title: 'ovOverdue',
    value: (s) => s.complaints.overdue,
    kind: 'count',
    better: 'down',
  },
  {
    key: 'resolved',
    title: 'ovResolved',
    value: (s) => s.complaints.resolved,
    kind: 'count',
    better: 'up',
  },
  {
    key: 'firstReply',
    title: 'ovFirstReply',
    value: (s) => s.medianFirstReplyDays,
    kind: 'days',
    better: 'down',
    sub: () => t('ovWorkingDays'),
  },
  {
    key: 'resolution',
    title: 'ovResolution',
    value: (s) => s.medianResolutionDays,
    kind: 'days',
    better: 'down',
    sub: () => t('ovWorkingDays'),
  },
  {
    key: 'onTime',
    title: 'ovOnTime',
    value: (s) => s.resolvedOnTimeShare,
    kind: 'share',
    better: 'up',
  },
  {
    key: 'resolutionSatisfaction',
    title: 'satisfaction',
    value: (s) => s.resolutionSatisfactionAvg,
    kind: 'avg',
    better: 'up',
    sub: (s) => t('ovAnswers', { n: formatCount(s.resolutionSatisfactionCount) }),
  },
];

const show = (v: number | null, kind: ChangeKind) =>
  kind === 'count'
    ? formatCount(v)
    : kind === 'share'
      ? formatShare(v)
      : kind === 'avg'
        ? formatAvg(v)
        : formatDays(v);

export function OverviewScreen({ route }: { route: Route }) {
  const { catalog } = useSession();
  const names = catalogNames(catalog);
  const view = viewOf(route.query);
  const params = apiParams(view);
  const key = query(params);
  const [data, setData] = useState<Overview | null>(null);
  const [loading, setLoading] = useState(true);
  /** The address whose figures are on screen (tests and scripts wait on it). */
  const [loaded, setLoaded] = useState<string | null>(null);
  const [notice, showNotice, hide] = useNotice();
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    api.get<Overview>('/reports/overview', params).then(
      (o) => {
        if (ticket !== latest.current) return;
        setData(o);
        setLoading(false);
        setLoaded(route.search);
        hide();
      },
      (e) => {
        if (ticket !== latest.current) return;
        // No figures rather than the previous filters' figures under the new ones.
        setData(null);
        showNotice('error', errorMessage(e));
        setLoading(false);
      },
    );
    // key holds every input of the request; route.search marks which address it answers.
  }, [key, route.search]);

  const update = (patch: Partial<Record<OverviewKey, string>>) => {
    const next = new URLSearchParams(route.query);
    // A center outside a newly chosen province would leave nothing to show.
    if (patch.province && view.center) {
      const c = catalog.centers.find((x) => x.code === view.center);
      if (c && c.province !== patch.province) patch.center = '';
    }
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const s = next.toString();
    navigate(`${BASE}/overview${s ? `?${s}` : ''}`);
  };
  const clear = () =>
    update(
      Object.fromEntries(
        OVERVIEW_KEYS.filter((k) => !['period', 'from', 'to'].includes(k)).map((k) => [k, '']),
      ),
    );
  const provinceNames = new Map(provinces(catalog).map((p) => [p.code, p.name]));
  const lang = getLang();

  return (
    <section
      class="overview"
      data-screen="overview"
      aria-busy={loading}
      data-loaded={loaded ?? undefined}
    >
      <h1 tabIndex={-1}>{t('ovTitle')}</h1>
      <OverviewFilters
        view={view}
        autoGranularity={view.granularity ? null : (data?.granularity ?? null)}
        onChange={update}
        onClear={clear}
      />
      <Notice notice={notice} />
      {data && (
        <>
          <p class="period-line" data-from={data.from} data-to={data.to}>
            {t('ovPeriodLine', {
              from: formatDate(`${data.from}T12:00:00+07:00`, lang),
              to: formatDate(`${data.to}T12:00:00+07:00`, lang),
              pfrom: formatDate(`${data.previous.from}T12:00:00+07:00`, lang),
              pto: formatDate(`${data.previous.to}T12:00:00+07:00`, lang),
            })}
          </p>
          <ul class="headline" aria-label={t('ovHeadline')}>
            {CARDS.map((c) => {
              const now = c.value(data.summary);
              const d = diff(now, c.value(data.previous));
              const before = c.value(data.previous);
              return (
                <li key={c.key} class="figure" data-figure={c.key}>
                  <span class="figure-title">{t(c.title)}</span>
                  <span class="figure-value">{show(now, c.kind)}</span>
                  {c.sub && <span class="figure-sub">{c.sub(data.summary)}</span>}
                  <span
                    class={`figure-change change ${changeTone(d, c.better)}`}
                    title={t('ovBefore', { v: show(before, c.kind) })}
                  >
                    <span class="change-value">
                      {formatChange(d, c.kind)}
                      {c.kind === 'share' && d ? ` ${t('ovPoints')}` : ''}
                    </span>
                    <span class="visually-hidden">
                      {' '}
                      {t('ovBefore', { v: show(before, c.kind) })}
                    </span>
                  </span>
                </li>
              );
            })}
          </ul>
          <p class="sub">{t('ovChangeHint')}</p>
          <div class="chart-grid">
            <div class="span-2">
              <VolumeChart o={data} />
            </div>
            <ChannelChart o={data} />
            <ProvinceGrid figures={data.provinces} names={provinceNames} />
            <ComplaintRanks o={data} service={names.service} topic={names.topic} />
            <div class="span-2">
              <KioskChart o={data} center={names.center} />
            </div>
          </div>
          <LeagueTable
            lines={data.centers}
            nameOf={names.center}
            periodLabel={label('granularityPer', data.granularity)}
          />
        </>
      )}
    </section>
  );
}
