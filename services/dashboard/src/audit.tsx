/**
 * The audit log (admin): who did what and when, newest first, filtered by actor, action and days
 * (in the address, like the queue's filters), with "Load more" over the API's cursor.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import { formatDateTime, formatValue, textLang } from './format';
import { label, t } from './i18n';
import { BASE, Link, navigate, type Route } from './router';
import { AUDIT_ACTIONS, type AuditEntry, type Page, type User } from './types';
import { Cell, ListFoot, Notice, useNotice } from './ui';

const KEYS = ['actor', 'action', 'from', 'to'] as const;
const WIDE = '(min-width: 48rem)';
/** Actions whose target is a feedback (the others name a user or a device). */
const ON_FEEDBACK = ['view_contact', 'status_change', 'correction', 'assign', 'note', 'reply'];

export function Audit({ route }: { route: Route }) {
  const filters = Object.fromEntries(KEYS.map((k) => [k, route.query.get(k) ?? ''])) as Record<
    (typeof KEYS)[number],
    string
  >;
  const [users, setUsers] = useState<User[]>([]);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, show] = useNotice();
  const latest = useRef(0);
  const [filtersOpen, setFiltersOpen] = useState(() => window.matchMedia(WIDE).matches);
  const active = KEYS.filter((k) => filters[k]).length;
  /** The query the list on screen answers (tests and scripts wait on it). */
  const [loaded, setLoaded] = useState<string | null>(null);

  useEffect(() => {
    api.get<{ items: User[] }>('/users').then(
      (r) => setUsers(r.items),
      () => setUsers([]),
    );
  }, []);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    api.get<Page<AuditEntry>>('/audit', filters).then(
      (page) => {
        if (ticket !== latest.current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setLoading(false);
        setLoaded(route.search);
      },
      (e) => {
        if (ticket !== latest.current) return;
        show('error', errorMessage(e));
        setLoading(false);
      },
    );
    // route.search holds every filter.
  }, [route.search]);

  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.get<Page<AuditEntry>>('/audit', { ...filters, cursor });
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      show('error', errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  const set = (key: (typeof KEYS)[number], value: string) => {
    const next = new URLSearchParams(route.query);
    if (value) next.set(key, value);
    else next.delete(key);
    const s = next.toString();
    navigate(`${BASE}/audit${s ? `?${s}` : ''}`);
  };

  return (
    <section
      class="audit"
      data-screen="audit"
      aria-busy={loading}
      data-loaded={loaded ?? undefined}
    >
      <h1 tabIndex={-1}>{t('auditTitle')}</h1>
      <details
        class="filters audit-filters"
        open={filtersOpen}
        onToggle={(e) => setFiltersOpen((e.currentTarget as HTMLDetailsElement).open)}
      >
        <summary>
          {t('filters')}
          {active > 0 && <span class="count">{t('activeFilters', { n: active })}</span>}
        </summary>
        <form class="filter-grid" onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="a-actor">{t('actor')}</label>
            <select
              id="a-actor"
              value={filters.actor}
              onChange={(e) => set('actor', e.currentTarget.value)}
            >
              <option value="">{t('any')}</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.email}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="a-action">{t('action')}</label>
            <select
              id="a-action"
              value={filters.action}
              onChange={(e) => set('action', e.currentTarget.value)}
            >
              <option value="">{t('any')}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {label('action', a)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="a-from">{t('dateFrom')}</label>
            <input
              id="a-from"
              type="date"
              value={filters.from}
              onChange={(e) => set('from', e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="a-to">{t('dateTo')}</label>
            <input
              id="a-to"
              type="date"
              value={filters.to}
              onChange={(e) => set('to', e.currentTarget.value)}
            />
          </div>
        </form>
      </details>
      <Notice notice={notice} />
      {!loading && items.length === 0 ? (
        <p class="empty">{t('emptyAudit')}</p>
      ) : (
        <table class="rtable audit-table">
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('actor')}</th>
              <th scope="col">{t('action')}</th>
              <th scope="col">{t('target')}</th>
              <th scope="col">{t('ip')}</th>
              <th scope="col">{t('details')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a, n) => (
              <tr key={n} data-action={a.action}>
                <td class="col-code">{formatDateTime(a.at)}</td>
                <Cell label={t('actor')}>{a.actor ? a.actor.email : t('system')}</Cell>
                <Cell label={t('action')}>
                  {label('action', a.action)} <span class="code sub">{a.action}</span>
                </Cell>
                <Cell label={t('target')}>
                  <Target entry={a} users={users} />
                </Cell>
                <Cell label={t('ip')}>
                  <span class="code">{a.ip ?? '—'}</span>
                </Cell>
                <Cell label={t('details')} class="details-cell">
                  <Details details={a.details} users={users} />
                </Cell>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ListFoot shown={items.length} cursor={cursor} loading={loading} onMore={more} />
    </section>
  );
}

/** A feedback target links to its item; a user target shows the email when the user is known. */
function Target({ entry, users }: { entry: AuditEntry; users: User[] }) {
  const target = entry.target;
  if (!target) return <span>—</span>;
  if (ON_FEEDBACK.includes(entry.action)) {
    const code = /^[0-9A-Z]{10}$/.test(target)
      ? `${target.slice(0, 5)}-${target.slice(5)}`
      : target;
    return (
      <Link class="code" href={`${BASE}/feedback/${encodeURIComponent(code)}`}>
        {code}
      </Link>
    );
  }
  const user = users.find((u) => u.id === target);
  return user ? <span>{user.email}</span> : <span class="code">{target}</span>;
}

/** The details as "key: value" lines; user ids show as emails when the user is known. */
function Details({ details, users }: { details: unknown; users: User[] }) {
  if (details == null || typeof details !== 'object') return <span>{formatValue(details)}</span>;
  const show = (v: unknown): string =>
    typeof v === 'string' ? (users.find((u) => u.id === v)?.email ?? v) : formatValue(v);
  return (
    <ul class="kv">
      {Object.entries(details as Record<string, unknown>).map(([k, v]) => (
        <li key={k}>
          <span class="sub">{k}:</span> <span lang={textLang(show(v))}>{show(v)}</span>
        </li>
      ))}
    </ul>
  );
}
