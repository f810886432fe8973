/**
 * In-app notices (an overdue complaint escalated to a tier, a monthly report ready, an alert
 * opened — alert-notice.tsx; a kind it does not know shows as a plain notice): a button in the top bar with the
 * unread count, asked for every minute and on every move inside the app, and a panel under the
 * bar that lists them, newest first, each with a link to its item. Opening the panel marks them
 * all read (POST /notices/read). Escape or the close button shuts it and gives the focus back.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AlertEntry, OtherEntry, type AlertNotice, type SomeNotice } from './alert-notice';
import { api, errorMessage } from './api';
import { label, t } from './i18n';
import { formatDateTime } from './format';
import { BASE, Link } from './router';
import { catalogNames } from './session';
import type { Catalog } from './types';

export interface StaffNotice {
  id: string;
  at: string;
  kind: 'overdue';
  trackingCode: string;
  /** 1 the assignee, 2 the center's managers, 3 the taskforce and admins. */
  tier: number;
  centerCode: string | null;
  dueAt: string;
}

/** The monthly report is stored (workers/staff/monthly-report.job.ts): links to its PDFs. */
export interface ReportNotice {
  id: string;
  at: string;
  kind: 'monthly_report';
  month: string;
  scope: string;
  langs: ('lo' | 'en')[];
}

interface NoticeList {
  items: (StaffNotice | ReportNotice | AlertNotice)[];
  unread: number;
}

export const POLL_MS = 60_000;
const EMPTY: NoticeList = { items: [], unread: 0 };

export interface Notices {
  list: NoticeList;
  open: boolean;
  /** The ids that were unread when the panel opened (shown as new while it stays open). */
  fresh: Set<string>;
  error: string | null;
  toggle(): void;
  close(focusButton?: boolean): void;
  buttonRef: { current: HTMLButtonElement | null };
}

/** The signed-in person's notices: fetched at once, every POLL_MS and whenever `path` changes. */
export function useNotices(active: boolean, path: string): Notices {
  const [list, setList] = useState<NoticeList>(EMPTY);
  const [open, setOpen] = useState(false);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  // An answer older than the last change (a poll that crossed "mark read") is dropped.
  const seq = useRef(0);

  const refresh = useCallback(() => {
    const mine = ++seq.current;
    api.get<NoticeList>('/notices').then(
      (l) => mine === seq.current && setList(l),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    if (!active) {
      seq.current++;
      setList(EMPTY);
      setOpen(false);
      return;
    }
    const id = window.setInterval(refresh, POLL_MS);
    return () => window.clearInterval(id);
  }, [active, refresh]);

  useEffect(() => {
    if (!active) return;
    setOpen(false);
    refresh();
  }, [active, path, refresh]);

  const load = async () => {
    setError(null);
    const mine = ++seq.current;
    try {
      const l = await api.get<NoticeList>('/notices');
      if (mine !== seq.current) return;
      setList(l);
      setFresh(new Set(l.items.slice(0, l.unread).map((n) => n.id)));
      if (l.unread > 0) {
        await api.post('/notices/read');
        if (mine === seq.current) setList({ ...l, unread: 0 });
      }
    } catch (e) {
      if (mine === seq.current) setError(errorMessage(e));
    }
  };

  const close = useCallback((focusButton = false) => {
    setOpen(false);
    if (focusButton) buttonRef.current?.focus();
  }, []);
  const toggle = () => {
    if (open) return close();
    setOpen(true);
    void load();
  };
  return { list, open, fresh, error, toggle, close, buttonRef };
}

const Bell = () => (
  <svg class="bell" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
    <path
      fill="currentColor"
      d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"
    />
  </svg>
);

/** The top bar's button: a bell, the word, and the unread count when there is one. */
export function NoticesButton({ n }: { n: Notices }) {
  const unread = n.list.unread;
  return (
    <button
      type="button"
      class="notices-button"
      ref={n.buttonRef}
      aria-expanded={n.open}
      aria-controls="notices-panel"
      aria-label={unread > 0 ? t('noticesUnread', { n: unread }) : t('notices')}
      data-unread={unread}
      onClick={n.toggle}
      onKeyDown={(e) => e.key === 'Escape' && n.open && n.close(true)}
    >
      <Bell />
      <span class="notices-word">{t('notices')}</span>
      {unread > 0 && (
        <span class="notices-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}

/** The list under the bar; its heading takes the focus when it opens. */
export function NoticesPanel({ n, catalog }: { n: Notices; catalog: Catalog }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => heading.current?.focus(), []);

  // A click anywhere else closes it (the button toggles by itself).
  const { close, buttonRef } = n;
  useEffect(() => {
    const outside = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !buttonRef.current?.contains(target)) close();
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [close, buttonRef]);

  const names = catalogNames(catalog);
  return (
    <section
      id="notices-panel"
      class="notices-panel"
      ref={panel}
      aria-labelledby="notices-title"
      onKeyDown={(e) => e.key === 'Escape' && n.close(true)}
    >
      <div class="notices-head">
        <h2 id="notices-title" tabIndex={-1} ref={heading}>
          {t('notices')}
        </h2>
        <button type="button" class="link-button" onClick={() => n.close(true)}>
          {t('close')}
        </button>
      </div>
      {n.error && (
        <p class="notice notice-error" role="alert">
          {n.error}
        </p>
      )}
      {n.list.items.length === 0 ? (
        !n.error && <p class="muted">{t('noNotices')}</p>
      ) : (
        <ul class="notices-list">
          {n.list.items.map((x) =>
            x.kind === 'monthly_report' ? (
              <ReportEntry key={x.id} x={x} fresh={n.fresh.has(x.id)} />
            ) : x.kind === 'alert' ? (
              <AlertEntry key={x.id} x={x} fresh={n.fresh.has(x.id)} catalog={catalog} />
            ) : x.kind !== 'overdue' ? (
              <OtherEntry
                key={(x as SomeNotice).id}
                x={x as SomeNotice}
                fresh={n.fresh.has((x as SomeNotice).id)}
              />
            ) : (
              <li
                key={x.id}
                class={n.fresh.has(x.id) ? 'notice-entry fresh' : 'notice-entry'}
                data-notice={x.id}
                data-code={x.trackingCode}
              >
                <div class="notice-entry-head">
                  <Link
                    class="code"
                    href={`${BASE}/feedback/${encodeURIComponent(x.trackingCode)}`}
                  >
                    {x.trackingCode}
                  </Link>
                  {n.fresh.has(x.id) && <span class="badge badge-new">{t('noticeNew')}</span>}
                  <span class="notice-center">{names.center(x.centerCode)}</span>
                </div>
                <p class="notice-text">
                  {t('noticeOverdue', {
                    date: formatDateTime(x.dueAt),
                    n: x.tier,
                    who: label('noticeTier', String(x.tier)),
                  })}
                </p>
                <p class="sub">
                  {t('noticeAt')} <time dateTime={x.at}>{formatDateTime(x.at)}</time>
                </p>
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  );
}

/** A monthly report ready: the month and a link to each language's PDF (opened by the browser). */
function ReportEntry({ x, fresh }: { x: ReportNotice; fresh: boolean }) {
  return (
    <li
      class={fresh ? 'notice-entry fresh' : 'notice-entry'}
      data-notice={x.id}
      data-report={x.month}
    >
      <div class="notice-entry-head">
        <strong>{t('noticeReport', { month: x.month })}</strong>
        {fresh && <span class="badge badge-new">{t('noticeNew')}</span>}
      </div>
      <p class="notice-text">
        {x.langs.map((l, i) => (
          <span key={l}>
            {i > 0 && ' · '}
            <a
              href={`/api/v1/reports/monthly/stored/${encodeURIComponent(x.month)}/${l}`}
              target="_blank"
              rel="noopener"
            >
              {t(l === 'lo' ? 'noticeReportLo' : 'noticeReportEn')}
            </a>
          </span>
        ))}
      </p>
      <p class="sub">
        {t('noticeAt')} <time dateTime={x.at}>{formatDateTime(x.at)}</time>
      </p>
    </li>
  );
}
