/**
 * The 18 provinces as a tile grid, roughly where they lie (north at the top, the Mekong's west
 * bank on the left), each tile coloured by the share rated 4–5 on a five-step sequential blue
 * scale with the value printed on it — the colour is never the only carrier — and grey with "—"
 * where there was no rated feedback. Codes are ISO 3166-2:LA, as the catalog's.
 */
import { useState } from 'preact/hooks';
import { t } from './i18n';
import { DataTable } from './overview-chart';
import { formatAvg, formatCount, formatShare } from './overview-format';

/** [code, row, column] on a 9 × 5 grid. */
export const PROVINCE_TILES: [string, number, number][] = [
  ['LA-LM', 1, 2],
  ['LA-PH', 1, 3],
  ['LA-BK', 2, 1],
  ['LA-OU', 2, 2],
  ['LA-LP', 2, 3],
  ['LA-HO', 2, 4],
  ['LA-XA', 3, 2],
  ['LA-VI', 3, 3],
  ['LA-XI', 3, 4],
  ['LA-VT', 4, 3],
  ['LA-XS', 4, 4],
  ['LA-BL', 5, 4],
  ['LA-KH', 6, 4],
  ['LA-SV', 7, 4],
  ['LA-SL', 8, 4],
  ['LA-XE', 8, 5],
  ['LA-CH', 9, 4],
  ['LA-AT', 9, 5],
];

/** ColorBrewer "Blues", five classes: 0–20 %, 20–40 %, … 80–100 % rated 4–5. */
export const SCALE = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];

export function scaleStep(share: number): number {
  return Math.min(SCALE.length - 1, Math.floor(share * SCALE.length));
}

/**
 * Where a long name may wrap on a phone's narrow tile: between the syllables of the one-word
 * English names (a soft hyphen, shown only when it wraps) and between the words of the capital's
 * Lao name (a zero-width space), instead of anywhere in a word.
 */
const BREAKS: Record<string, string> = {
  ນະຄອນຫຼວງວຽງຈັນ: 'ນະຄອນຫຼວງ\u200Bວຽງຈັນ',
  Xaisomboun: 'Xaisom\u00ADboun',
  Bolikhamxay: 'Bolikham\u00ADxay',
  Khammouane: 'Kham\u00ADmouane',
  Savannakhet: 'Savanna\u00ADkhet',
  Houaphanh: 'Houa\u00ADphanh',
  Xayaboury: 'Xaya\u00ADboury',
  Oudomxay: 'Oudom\u00ADxay',
  Champasak: 'Champa\u00ADsak',
  Phongsaly: 'Phong\u00ADsaly',
  Vientiane: 'Vien\u00ADtiane',
};

export function breakable(name: string): string {
  return name
    .split(' ')
    .map((w) => BREAKS[w] ?? w)
    .join(' ');
}

interface ProvinceFigures {
  province: string;
  received: number;
  ratingAvg: number | null;
  satisfiedShare: number | null;
}

export function ProvinceGrid({
  figures,
  names,
}: {
  figures: ProvinceFigures[];
  names: Map<string, string>;
}) {
  const [open, setOpen] = useState(false);
  const byCode = new Map(figures.map((f) => [f.province, f]));
  const name = (code: string) => names.get(code) ?? code;
  const tileName = (code: string) => breakable(name(code));
  const rows = PROVINCE_TILES.map(([code]) => {
    const f = byCode.get(code);
    return {
      key: code,
      cells: [
        name(code),
        formatCount(f?.received ?? 0),
        formatAvg(f?.ratingAvg),
        formatShare(f?.satisfiedShare),
      ],
    };
  });
  return (
    <section class="card chart-card provinces" data-chart="provinces" aria-labelledby="h-provinces">
      <div class="chart-head">
        <h2 id="h-provinces">{t('ovProvinces')}</h2>
        <button
          type="button"
          class="secondary table-toggle"
          aria-expanded={open}
          aria-controls="table-provinces"
          onClick={() => setOpen((o) => !o)}
        >
          {t('ovTable')}
        </button>
      </div>
      <ol class="province-grid" aria-label={t('ovProvincesLabel')}>
        {PROVINCE_TILES.map(([code, row, col]) => {
          const f = byCode.get(code);
          const share = f?.satisfiedShare ?? null;
          const step = share === null ? -1 : scaleStep(share);
          const more =
            share === null
              ? t('ovNoData')
              : `${t('ovSatisfiedShort')}, ${t('ovReceivedN', { n: formatCount(f?.received ?? 0) })}`;
          return (
            <li
              key={code}
              data-province={code}
              class={`tile ${step < 0 ? 'tile-none' : step >= 3 ? 'tile-dark' : ''}`}
              style={{
                gridRow: String(row),
                gridColumn: String(col),
                background: step < 0 ? undefined : SCALE[step],
              }}
              title={`${name(code)}: ${formatShare(share)} ${more}`}
            >
              <span class="tile-name">{tileName(code)}</span>
              <span class="tile-value">{formatShare(share)}</span>
              <span class="visually-hidden">{more}</span>
            </li>
          );
        })}
      </ol>
      <ul class="scale-legend" aria-label={t('ovScale')}>
        {SCALE.map((c, i) => (
          <li key={c}>
            <span class="swatch" style={{ background: c }} aria-hidden="true" />
            {i * 20}–{(i + 1) * 20}%
          </li>
        ))}
        <li>
          <span class="swatch swatch-none" aria-hidden="true" />
          {t('ovNoDataShort')}
        </li>
      </ul>
      <div class="table-scroll" id="table-provinces" hidden={!open}>
        <DataTable
          caption={t('ovProvinces')}
          table={{
            head: [t('province'), t('received'), t('ovRatingAvg'), t('ovSatisfied')],
            rows,
            numeric: [1, 2, 3],
          }}
        />
      </div>
    </section>
  );
}
