/**
 * The overview's filters: a period preset (or a custom from–to), province, center, service,
 * channel and granularity. Each is a query parameter of the page — `period` keeps a preset
 * relative, so a link to "last 30 days" stays the last 30 days — and choices apply at once, as the
 * queue's do. A center manager is offered only their centers and those centers' provinces (the API
 * scopes the figures anyway).
 */
import { useState } from 'preact/hooks';
import { label, pick, t } from './i18n';
import { DEFAULT_PRESET, isPreset, presetPeriod, PRESETS, type Preset } from './overview-format';
import { provinces, useSession } from './session';
import { CHANNELS } from './types';

export const OVERVIEW_KEYS = [
  'period',
  'from',
  'to',
  'province',
  'center',
  'service',
  'channel',
  'granularity',
] as const;
export type OverviewKey = (typeof OVERVIEW_KEYS)[number];

const GRANULARITIES = ['day', 'week', 'month'] as const;
const WIDE = '(min-width: 48rem)';

export interface OverviewView {
  preset: Preset;
  from: string;
  to: string;
  province: string;
  center: string;
  service: string;
  channel: string;
  granularity: string;
}

/** The view an address asks for, with the period worked out for today in Vientiane. */
export function viewOf(q: URLSearchParams, day?: string): OverviewView {
  const raw = q.get('period');
  const preset: Preset = isPreset(raw) ? raw : DEFAULT_PRESET;
  const { from, to } = presetPeriod(preset, { from: q.get('from'), to: q.get('to') }, day);
  const g = q.get('granularity') ?? '';
  const channel = q.get('channel') ?? '';
  return {
    preset,
    from,
    to,
    province: q.get('province') ?? '',
    center: q.get('center') ?? '',
    service: q.get('service') ?? '',
    channel: (CHANNELS as readonly string[]).includes(channel) ? channel : '',
    granularity: (GRANULARITIES as readonly string[]).includes(g) ? g : '',
  };
}

/** The query of GET /api/v1/reports/overview for a view (empty values left out by api.get). */
export function apiParams(v: OverviewView): Record<string, string> {
  const { from, to, province, center, service, channel, granularity } = v;
  return { from, to, province, center, service, channel, granularity };
}

interface Props {
  view: OverviewView;
  /** The granularity the API chose when none was asked for. */
  autoGranularity: string | null;
  onChange(patch: Partial<Record<OverviewKey, string>>): void;
  onClear(): void;
}

export function OverviewFilters({ view, autoGranularity, onChange, onClear }: Props) {
  const { catalog, user } = useSession();
  const mine = user.role === 'center_manager' ? new Set(user.centers) : null;
  const centers = catalog.centers
    .filter((c) => !mine || mine.has(c.code))
    .filter((c) => !view.province || c.province === view.province)
    .sort((a, b) => pick(a.name).localeCompare(pick(b.name)));
  const myProvinces = mine
    ? new Set(catalog.centers.filter((c) => mine.has(c.code)).map((c) => c.province))
    : null;
  const provinceList = provinces(catalog).filter((p) => !myProvinces || myProvinces.has(p.code));
  const services = [...catalog.services].sort((a, b) => pick(a.name).localeCompare(pick(b.name)));
  // On a phone the filters other than the period fold into a disclosure that starts closed.
  const [open, setOpen] = useState(() => window.matchMedia(WIDE).matches);
  const active = ['province', 'center', 'service', 'channel', 'granularity'].filter(
    (k) => view[k as keyof OverviewView],
  ).length;

  const select = (
    key: OverviewKey,
    value: string,
    options: [string, string][],
    title: string,
    first: string = t('any'),
  ) => (
    <div class="field">
      <label for={`o-${key}`}>{title}</label>
      <select
        id={`o-${key}`}
        value={value}
        onChange={(e) => onChange({ [key]: e.currentTarget.value })}
      >
        <option value="">{first}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <div class="overview-tools">
      <div class="field">
        <label for="o-period">{t('ovPeriod')}</label>
        <select
          id="o-period"
          value={view.preset}
          onChange={(e) => {
            const preset = e.currentTarget.value;
            // A custom period starts from the days on screen.
            onChange(
              preset === 'custom'
                ? { period: preset, from: view.from, to: view.to }
                : { period: preset === DEFAULT_PRESET ? '' : preset, from: '', to: '' },
            );
          }}
        >
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {label('period', p)}
            </option>
          ))}
        </select>
      </div>
      {view.preset === 'custom' && (
        <>
          <div class="field">
            <label for="o-from">{t('dateFrom')}</label>
            <input
              id="o-from"
              type="date"
              value={view.from}
              max={view.to}
              onChange={(e) => e.currentTarget.value && onChange({ from: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="o-to">{t('dateTo')}</label>
            <input
              id="o-to"
              type="date"
              value={view.to}
              min={view.from}
              onChange={(e) => e.currentTarget.value && onChange({ to: e.currentTarget.value })}
            />
          </div>
        </>
      )}
      <details
        class="filters"
        open={open}
        onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
      >
        <summary>
          {t('filters')}
          {active > 0 && <span class="count">{t('activeFilters', { n: active })}</span>}
        </summary>
        <div class="filter-grid">
          {select(
            'province',
            view.province,
            provinceList.map((p) => [p.code, p.name]),
            t('province'),
            mine ? t('ovMyCenters') : t('any'),
          )}
          {select(
            'center',
            view.center,
            centers.map((c) => [c.code, pick(c.name)]),
            t('center'),
            mine ? t('ovMyCenters') : t('any'),
          )}
          {select(
            'service',
            view.service,
            services.map((s) => [s.code, pick(s.name)]),
            t('service'),
          )}
          {select(
            'channel',
            view.channel,
            CHANNELS.map((c) => [c, label('channel', c)]),
            t('channel'),
          )}
          {select(
            'granularity',
            view.granularity,
            GRANULARITIES.map((g) => [g, label('granularity', g)]),
            t('ovGranularity'),
            autoGranularity
              ? t('ovAutoIs', { g: label('granularity', autoGranularity) })
              : t('ovAuto'),
          )}
          {active > 0 && (
            <button type="button" class="secondary" onClick={onClear}>
              {t('clearFilters')}
            </button>
          )}
        </div>
      </details>
    </div>
  );
}
