/**
 * The queue's filters. Each one is a query parameter of the page (and of GET /api/v1/feedback),
 * so the address shares the view. Choices apply at once; the text search on Enter or its button.
 * On a phone the filters fold into a disclosure that starts closed.
 */
import { useEffect, useState } from 'preact/hooks';
import { label, pick, t } from './i18n';
import { provinces, useSession } from './session';
import { CHANNELS, KINDS } from './types';

export const FILTER_KEYS = [
  'center',
  'province',
  'service',
  'channel',
  'kind',
  'topic',
  'rating',
  'needsTriage',
  'overdue',
  'held',
  'assignee',
  'from',
  'to',
  'q',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Record<FilterKey, string>;

const WIDE = '(min-width: 48rem)';

interface Props {
  filters: Filters;
  sort: string;
  onChange(patch: Partial<Filters> & { sort?: string }): void;
  onClear(): void;
}

export function QueueFilters({ filters, sort, onChange, onClear }: Props) {
  const { catalog, canAct } = useSession();
  const [open, setOpen] = useState(() => window.matchMedia(WIDE).matches);
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  const active = FILTER_KEYS.filter((k) => filters[k]).length;
  const byName = <T extends { name: { lo: string; en: string } }>(list: T[]) =>
    [...list].sort((a, b) => pick(a.name).localeCompare(pick(b.name)));

  const select = (key: FilterKey, options: [string, string][], title: string) => (
    <div class="field">
      <label for={`f-${key}`}>{title}</label>
      <select
        id={`f-${key}`}
        name={key}
        value={filters[key]}
        onChange={(e) => onChange({ [key]: e.currentTarget.value })}
      >
        <option value="">{t('any')}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const check = (key: FilterKey, value: string, title: string) => (
    <label class="check" for={`f-${key}`}>
      <input
        id={`f-${key}`}
        type="checkbox"
        checked={filters[key] === value}
        onChange={(e) => onChange({ [key]: e.currentTarget.checked ? value : '' })}
      />
      <span>{title}</span>
    </label>
  );
  const date = (key: 'from' | 'to', title: string) => (
    <div class="field">
      <label for={`f-${key}`}>{title}</label>
      <input
        id={`f-${key}`}
        type="date"
        value={filters[key]}
        onChange={(e) => onChange({ [key]: e.currentTarget.value })}
      />
    </div>
  );

  return (
    <div class="queue-tools">
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          onChange({ q: text.trim() });
        }}
      >
        <label for="f-q" class="visually-hidden">
          {t('search')}
        </label>
        <input
          id="f-q"
          type="search"
          value={text}
          placeholder={t('searchHint')}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit">{t('search')}</button>
      </form>
      <div class="field sort">
        <label for="f-sort">{t('sort')}</label>
        <select
          id="f-sort"
          value={sort}
          onChange={(e) => onChange({ sort: e.currentTarget.value })}
        >
          <option value="received">{t('sortNewest')}</option>
          <option value="received_asc">{t('sortOldest')}</option>
          <option value="due">{t('sortDue')}</option>
        </select>
      </div>
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
            'center',
            byName(catalog.centers).map((c) => [c.code, pick(c.name)]),
            t('center'),
          )}
          {select(
            'province',
            provinces(catalog).map((p) => [p.code, p.name]),
            t('province'),
          )}
          {select(
            'service',
            byName(catalog.services).map((s) => [s.code, pick(s.name)]),
            t('service'),
          )}
          {select(
            'channel',
            CHANNELS.map((c) => [c, label('channel', c)]),
            t('channel'),
          )}
          {select(
            'kind',
            KINDS.map((k) => [k, label('kind', k)]),
            t('kind'),
          )}
          {select(
            'topic',
            byName(catalog.topics).map((x) => [x.code, pick(x.name)]),
            t('topic'),
          )}
          {select(
            'rating',
            ['1', '2', '3', '4', '5'].map((r) => [r, `${'★'.repeat(Number(r))} ${r}`]),
            t('rating'),
          )}
          {date('from', t('dateFrom'))}
          {date('to', t('dateTo'))}
          <div class="checks">
            {check('needsTriage', 'true', t('needsTriage'))}
            {check('overdue', 'true', t('overdue'))}
            {check('held', 'true', t('heldOnly'))}
            {canAct && check('assignee', 'me', t('assignedToMe'))}
          </div>
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
