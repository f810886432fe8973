/**
 * One chart of the overview: Chart.js 4 (MIT, bundled by esbuild with the app: no CDN, and only
 * the controllers, elements and scales registered below end up in the bundle) drawing on a canvas
 * whose aria-label says in words what the chart shows, and a "Table" button (aria-expanded) that
 * shows the same figures in an HTML table, for screen readers and for copying. Canvas drawing
 * needs no inline script, so the app's CSP stays as it is.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);
Chart.defaults.font.family = "'Noto Sans Lao', 'Noto Sans', system-ui, sans-serif";
Chart.defaults.font.size = 12;
Chart.defaults.color = '#1b1b1b';
Chart.defaults.borderColor = '#e3e8ee';

/** Colours that stay apart for the common colour-vision deficiencies (ColorBrewer). */
export const COLORS = {
  bar: '#0b4f8a',
  line: '#d95f02',
  complaint: '#8c2d04',
  /** Ratings 1 … 5, diverging red → blue (RdBu), 3 a neutral grey. */
  ratings: ['#ca0020', '#f4a582', '#bababa', '#92c5de', '#0571b0'],
};

/** A label cut to `max` characters (whole Lao syllables: graphemes, not code units) with "…". */
export function shorten(text: string, max: number): string {
  const Seg = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  const parts = Seg
    ? [...new Seg(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment)
    : [...text];
  return parts.length <= max ? text : `${parts.slice(0, max - 1).join('')}…`;
}

export interface TableView {
  head: string[];
  rows: { key: string; cells: (string | number)[] }[];
  /** Columns (by index) holding numbers: right-aligned. */
  numeric?: number[];
}

interface Props {
  id: string;
  title: string;
  /** What the chart shows, in words (the canvas's accessible name). */
  summary: string;
  /** Builds the chart; called again whenever `dataKey` changes. */
  config: () => ChartConfiguration;
  dataKey: string;
  table: TableView;
  /** The drawing area's height in rem (the width follows the card). */
  height?: number;
  empty?: boolean;
  note?: ComponentChildren;
}

export function ChartCard({
  id,
  title,
  summary,
  config,
  dataKey,
  table,
  height = 16,
  empty,
  note,
}: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (empty || !canvas.current) return;
    const chart = new Chart(canvas.current, config());
    // Lao labels measured before the web font arrived would be laid out with the wrong widths.
    let live = true;
    document.fonts?.ready.then(() => live && chart.update());
    return () => {
      live = false;
      chart.destroy();
    };
    // dataKey holds every input of config().
  }, [dataKey, empty]);

  const tableId = `table-${id}`;
  return (
    <section class="card chart-card" data-chart={id} aria-labelledby={`h-${id}`}>
      <div class="chart-head">
        <h2 id={`h-${id}`}>{title}</h2>
        {!empty && (
          <button
            type="button"
            class="secondary table-toggle"
            aria-expanded={open}
            aria-controls={tableId}
            onClick={() => setOpen((o) => !o)}
          >
            {t('ovTable')}
          </button>
        )}
      </div>
      {note}
      {empty ? (
        <p class="muted chart-empty">{t('ovNoData')}</p>
      ) : (
        <div class="chart-wrap" style={{ height: `${height}rem` }}>
          <canvas ref={canvas} role="img" aria-label={summary} />
        </div>
      )}
      {!empty && (
        <div class="table-scroll" id={tableId} hidden={!open}>
          <DataTable caption={title} table={table} />
        </div>
      )}
    </section>
  );
}

/** The figures of a chart as a plain table (copyable, read cell by cell by screen readers). */
export function DataTable({ caption, table }: { caption: string; table: TableView }) {
  const numeric = new Set(table.numeric ?? []);
  return (
    <table class="data-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {table.head.map((h, i) => (
            <th key={i} scope="col" class={numeric.has(i) ? 'num' : undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            {r.cells.map((c, i) =>
              i === 0 ? (
                <th key={i} scope="row">
                  {c}
                </th>
              ) : (
                <td key={i} class={numeric.has(i) ? 'num' : undefined}>
                  {c}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
