/**
 * The review queue: status tabs with counts, filters and sort (all in the address), the list with
 * "Load more" over the API's cursor, bulk actions on the selected rows, and a CSV export of the
 * same filters over a period (queue-export-link.tsx).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import { label, t } from './i18n';
import { BulkBar, bulkSummary } from './queue-bulk';
import { ExportLink } from './queue-export-link';
import { FILTER_KEYS, QueueFilters, type Filters } from './queue-filters';
import { QueueTable } from './queue-table';
import { BASE, Link, navigate, type Route } from './router';
import { useSession } from './session';
import { STATUSES, type Counts, type Page, type QueueItem } from './types';
import { ListFoot, Notice, useNotice } from './ui';

const PAGE_SIZE = 50;
const TABS = ['open', ...STATUSES] as const;

export function Queue({ route }: { route: Route }) {
  const { canAct } = useSession();
  const q = route.query;
  const status = q.get('status') || 'open';
  const sort = q.get('sort') || 'received';
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, q.get(k) ?? ''])) as Filters;

  const [counts, setCounts] = useState<Counts | null>(null);
  const [items, setItems] = useState<QueueItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, show, hide] = useNotice();
  const [reload, setReload] = useState(0);
  const latest = useRef(0);
  /** The query the list on screen answers (tests and scripts wait on it). */
  const [loaded, setLoaded] = useState<string | null>(null);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    const params = { ...filters, status, sort, limit: PAGE_SIZE };
    Promise.all([
      api.get<Page<QueueItem>>('/feedback', params),
      api.get<Counts>('/feedback/counts', filters),
    ]).then(
      ([page, c]) => {
        if (ticket !== latest.current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setCounts(c);
        setSelected(new Set());
        setLoading(false);
        setLoaded(route.search);
      },
      (e) => {
        if (ticket !== latest.current) return;
        show('error', errorMessage(e));
        setLoading(false);
      },
    );
    // route.search holds every input of this request.
  }, [route.search, reload]);

  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.get<Page<QueueItem>>('/feedback', {
        ...filters,
        status,
        sort,
        limit: PAGE_SIZE,
        cursor,
      });
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      show('error', errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  const href = (patch: Record<string, string>) => {
    const next = new URLSearchParams(q);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const s = next.toString();
    return s ? `${BASE}?${s}` : BASE;
  };
  const update = (patch: Record<string, string | undefined>) => {
    hide();
    navigate(href(Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v ?? '']))));
  };
  const clear = () => navigate(href(Object.fromEntries(FILTER_KEYS.map((k) => [k, '']))));

  const toggle = (code: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(code)) next.delete(code);
      else next.add(code);
      return next;
    });
  const toggleAll = () =>
    setSelected((prev) =>
      items.every((i) => prev.has(i.trackingCode))
        ? new Set()
        : new Set(items.map((i) => i.trackingCode)),
    );

  const count = (tab: string) =>
    counts
      ? tab === 'open'
        ? counts.open
        : counts.byStatus[tab as keyof Counts['byStatus']]
      : null;

  return (
    <section
      class="queue"
      data-screen="queue"
      aria-busy={loading}
      data-loaded={loaded ?? undefined}
    >
      <h1 tabIndex={-1}>{t('queueTitle')}</h1>
      <nav class="tabs" aria-label={t('statusTabs')}>
        {TABS.map((tab) => {
          const n = count(tab);
          return (
            <Link
              key={tab}
              href={href({ status: tab === 'open' ? '' : tab })}
              aria-current={status === tab ? 'page' : undefined}
              class={`tab tab-${tab}`}
            >
              <span>{tab === 'open' ? t('tabOpen') : label('status', tab)}</span>
              {n != null && <span class="count">{n}</span>}
            </Link>
          );
        })}
      </nav>
      {!!counts?.held && filters.held !== 'true' && (
        <p class="held-waiting">
          <Link href={href({ held: 'true' })} data-held-link>
            {t('heldWaiting', { n: counts.held })}
          </Link>
        </p>
      )}
      <QueueFilters filters={filters} sort={sort} onChange={update} onClear={clear} />
      <ExportLink filters={filters} status={status} />
      <Notice notice={notice} />
      {canAct && selected.size > 0 && (
        <BulkBar
          codes={[...selected]}
          held={filters.held === 'true'}
          onClear={() => setSelected(new Set())}
          onDone={(results, error) => {
            if (results) show(results.every((r) => r.ok) ? 'ok' : 'error', bulkSummary(results));
            else show('error', error ?? '');
            setReload((n) => n + 1);
          }}
        />
      )}
      {!loading && items.length === 0 ? (
        <p class="empty">{t('emptyQueue')}</p>
      ) : (
        <QueueTable
          items={items}
          selectable={canAct}
          selected={selected}
          onToggle={toggle}
          onToggleAll={toggleAll}
        />
      )}
      <ListFoot shown={items.length} cursor={cursor} loading={loading} onMore={more} />
    </section>
  );
}
