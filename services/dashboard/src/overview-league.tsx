/**
 * The center league table: every center in scope with its figures, the change against the
 * previous period and a sparkline of its feedback per period. Each column heading is a button
 * (Enter or Space sorts, again reverses; aria-sort says the order); centers without data sort
 * last whichever the direction. Centers with no feedback and no complaint fold under a button so
 * the table opens on the ones that have something to say. On a phone each row is a card.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { CenterLine } from '../../../shared/reports/figures';
import { pick, t, type Key } from './i18n';
import { changeTone, formatAvg, formatChange, formatCount, formatShare } from './overview-format';

type SortKey =
  | 'center'
  | 'received'
  | 'change'
  | 'ratingAvg'
  | 'satisfiedShare'
  | 'complaints'
  | 'overdue'
  | 'resolvedOnTimeShare';

const COLUMNS: { key: SortKey; label: Key }[] = [
  { key: 'center', label: 'center' },
  { key: 'received', label: 'received' },
  { key: 'change', label: 'ovChangeReceived' },
  { key: 'ratingAvg', label: 'ovRatingAvg' },
  { key: 'satisfiedShare', label: 'ovSatisfied' },
  { key: 'complaints', label: 'ovComplaints' },
  { key: 'overdue', label: 'overdue' },
  { key: 'resolvedOnTimeShare', label: 'ovOnTime' },
];

function value(l: CenterLine, k: SortKey, name: string): number | string | null {
  switch (k) {
    case 'center':
      return name;
    case 'change':
      return l.change.received;
    default:
      return l[k];
  }
}

export function LeagueTable({
  lines,
  nameOf,
  periodLabel,
}: {
  lines: CenterLine[];
  nameOf: (code: string) => string;
  /** "per day" / "per week" / "per month", for the sparkline's label. */
  periodLabel: string;
}) {
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({
    key: 'received',
    dir: 'desc',
  });
  const [all, setAll] = useState(false);
  const name = (l: CenterLine) => (l.name ? pick(l.name) : nameOf(l.centerCode));
  const sorted = [...lines].sort((a, b) => {
    const x = value(a, sort.key, name(a));
    const y = value(b, sort.key, name(b));
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return (sort.dir === 'asc' ? c : -c) || a.centerCode.localeCompare(b.centerCode);
  });
  const quiet = (l: CenterLine) => l.received === 0 && l.complaints === 0;
  const shown = all ? sorted : sorted.filter((l) => !quiet(l));
  const hidden = sorted.length - shown.length;
  const activate = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'center' ? 'asc' : 'desc' },
    );

  return (
    <section class="card league" data-chart="centers" aria-labelledby="h-league">
      <h2 id="h-league">{t('ovLeague')}</h2>
      <p class="sub">{t('ovLeagueHint')}</p>
      <div class="table-scroll">
        <table class="rtable league-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const here = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    data-sort={c.key}
                    class={c.key === 'center' ? undefined : 'num'}
                    aria-sort={here ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  >
                    <button type="button" class="sort-button" onClick={() => activate(c.key)}>
                      {t(c.label)}
                      <span aria-hidden="true" class="sort-mark">
                        {here ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
              <th scope="col">{t('ovTrend')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((l) => (
              <tr key={l.centerCode} data-center={l.centerCode}>
                <th scope="row" class="col-center">
                  {name(l)}
                </th>
                <Num label={t('received')} field="received">
                  {formatCount(l.received)}
                </Num>
                <Num label={t('ovChangeReceived')} field="change">
                  <span class={`change ${changeTone(l.change.received, 'none')}`}>
                    {formatChange(l.change.received, 'count')}
                  </span>
                </Num>
                <Num label={t('ovRatingAvg')} field="ratingAvg">
                  {formatAvg(l.ratingAvg)}
                  <Sub d={l.change.ratingAvg} kind="avg" />
                </Num>
                <Num label={t('ovSatisfied')} field="satisfiedShare">
                  {formatShare(l.satisfiedShare)}
                  <Sub d={l.change.satisfiedShare} kind="share" />
                </Num>
                <Num label={t('ovComplaints')} field="complaints">
                  {formatCount(l.complaints)}
                </Num>
                <Num label={t('overdue')} field="overdue">
                  {formatCount(l.overdue)}
                </Num>
                <Num label={t('ovOnTime')} field="resolvedOnTimeShare">
                  {formatShare(l.resolvedOnTimeShare)}
                </Num>
                <td data-label={t('ovTrend')} class="col-trend">
                  <div class="cell">
                    <Sparkline values={l.trend} label={t('ovTrendLabel', { p: periodLabel })} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hidden > 0 && (
        <button type="button" class="link-button" onClick={() => setAll(true)}>
          {t('ovShowQuiet', { n: hidden })}
        </button>
      )}
    </section>
  );
}

function Num(props: { label: string; field: string; children: ComponentChildren }) {
  return (
    <td data-label={props.label} data-field={props.field} class="num">
      <div class="cell">{props.children}</div>
    </td>
  );
}

/** A change under a figure, smaller; empty when there is nothing to compare. */
function Sub({ d, kind }: { d: number | null; kind: 'avg' | 'share' }) {
  if (d === null) return null;
  return (
    <span class={`change small ${changeTone(d, 'up')}`}>
      {formatChange(d, kind)}
      {kind === 'share' && d !== 0 ? ` ${t('ovPoints')}` : ''}
    </span>
  );
}

/**
 * A small line of the values (inline SVG, no library): the last point marked, the highest value
 * and the last one in its accessible name.
 */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 96;
  const h = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (w - 4) / (values.length - 1) : 0;
  const pts = values.map((v, i) => [2 + i * step, h - 2 - (v / max) * (h - 4)] as const);
  const last = pts[pts.length - 1];
  const text = `${label}: ${t('ovSparkText', {
    max: Math.max(0, ...values),
    last: values[values.length - 1] ?? 0,
  })}`;
  return (
    <svg
      class="sparkline"
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={text}
    >
      <title>{text}</title>
      <line x1="2" x2={w - 2} y1={h - 2} y2={h - 2} class="spark-base" />
      {pts.length > 1 && (
        <polyline points={pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')} />
      )}
      {last && <circle cx={last[0]} cy={last[1]} r="2.2" />}
    </svg>
  );
}
